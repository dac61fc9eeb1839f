//! The Code element: its reference image (a highlighted PyTorch attention
//! block with line numbers), where its glyphs and lines are, what `Write`
//! shows, and its errors. Needs the `code` feature.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use anim::eval::evaluate;
use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
use anim::scene::model::Kind;
use anim::scene::widgets::code::Code;
use anim::scene::{Loader, Scene, SceneError};
use common::{check_reference, DEFAULT_TOLERANCE};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(elements: &str) -> Result<Scene, SceneError> {
    let src = format!("(\n size: (800, 450),\n fps: 10,\n duration: 2.0,\n elements: [\n{elements}\n ],\n)");
    Loader::new(&root()).unwrap().parse(Path::new("code.ron"), &src)
}

fn error(elements: &str) -> String {
    match load(elements) {
        Ok(_) => panic!("loaded: {elements}"),
        Err(e) => e.to_string(),
    }
}

fn code<'a>(s: &'a Scene, name: &str) -> &'a Code {
    match &s.elements[s.by_name[name]].kind {
        Kind::Code(c) => c,
        k => panic!("{k:?}"),
    }
}

#[test]
fn the_attention_block() {
    let scene = Loader::new(&root())
        .unwrap()
        .load(&root().join("tests/fixtures/code.ron"))
        .unwrap_or_else(|e| panic!("{e}"));
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    for (t, name) in [(1.5, "code_write_t1.5"), (3.0, "code_attention")] {
        let img = anim::render::draw(&ctx, &mut r, &evaluate(&scene, t), scene.width, scene.height).unwrap();
        check_reference(name, &img, DEFAULT_TOLERANCE);
    }
}

#[test]
fn glyphs_keep_their_source_bytes_and_lines() {
    let s = load(r#"Code(name: "c", at: (40, 30), src: "x = 1\n\tif é:  # ok\n", language: "py", line_numbers: true, first_line: 9)"#)
        .unwrap();
    let c = code(&s, "c");
    let src = "x = 1\n\tif é:  # ok\n";
    assert_eq!(c.source(), src);
    assert_eq!(c.lines.len(), 2);
    // In source order, each glyph's bytes are one char of the source (not
    // the tab-expanded line), on its line.
    let text: String = c.glyphs().iter().map(|g| &src[g.range.clone()]).collect();
    assert_eq!(text, "x=1ifé:#ok");
    assert!(c.glyphs().windows(2).all(|w| w[0].range.end <= w[1].range.start));
    assert_eq!(c.glyphs()[3].line, 1);
    assert_eq!(&src[c.glyphs()[5].range.clone()], "é");
    assert_eq!(c.glyphs()[5].range.len(), 2);
    // The tab is four columns: `if` starts 4 columns right of `x` (and
    // `=` 2 columns right of it).
    let col = (c.glyphs()[1].origin.x - c.glyphs()[0].origin.x) / 2.0;
    assert!((c.glyphs()[3].origin.x - c.glyphs()[0].origin.x - 4.0 * col).abs() < 0.01);
    // Same glyph, same key; `if` is a keyword, `x` plain.
    assert_ne!(c.glyphs()[0].color, c.glyphs()[3].color);
    assert_eq!(c.glyphs()[3].color, s.theme.code.keyword);
    assert_eq!(c.glyphs()[7].color, s.theme.code.comment);
    // Line numbers 9 and 10, right-aligned, outside the source glyphs.
    assert_eq!(c.numbers.len(), 2);
    assert!((c.numbers[0].bounds.max.x - c.numbers[1].bounds.max.x).abs() < 0.01);
    assert!(c.numbers[1].bounds.max.x < c.glyphs()[0].origin.x);
}

#[test]
fn line_boxes_stack_from_the_top_left() {
    let s = load(r#"Code(name: "c", at: (40, 30), src: "a\nb\nc", language: "text", size: 20, padding: 10)"#)
        .unwrap();
    let c = code(&s, "c");
    let el = &s.elements[s.by_name["c"]];
    // `at` is the panel's top-left; each line is 1.5 sizes tall.
    assert_eq!(el.bounds.min, glam::Vec2::new(40.0, 30.0));
    assert!((el.bounds.size().y - (2.0 * 10.0 + 3.0 * 30.0)).abs() < 1e-3);
    let b = c.line_box(1).unwrap();
    assert_eq!(b.min, glam::Vec2::new(40.0, 70.0));
    assert_eq!(b.max, glam::Vec2::new(el.bounds.max.x, 100.0));
    assert!(c.line_box(3).is_none());
    // The baseline is 1.11 sizes below the line box's top (docs/geometry.md).
    assert!(
        (c.glyphs()[1].origin.y - (70.0 + 1.11 * 20.0)).abs() < 0.05,
        "{:?}",
        c.glyphs()[1].origin
    );
    // `a` starts at the padding (no line numbers); a glyph is 0.6 sizes wide.
    assert!((c.glyphs()[0].origin.x - 50.0).abs() < 1e-3);
    assert!(
        (el.bounds.size().x - (20.0 + 0.6 * 20.0)).abs() < 0.01,
        "{:?}",
        el.bounds
    );
    // Each glyph sits in its line's box.
    for g in c.glyphs() {
        let r = g.path.bounds().unwrap();
        let lb = c.line_box(g.line).unwrap();
        assert!(r.min.y >= lb.min.y && r.max.y <= lb.max.y, "{r:?} in {lb:?}");
    }
}

#[test]
fn write_types_the_code_on_in_source_order() {
    let src = r#"Code(name: "c", at: (40, 30), src: "ab\ncd", language: "text", stroke: "none", line_numbers: true)"#;
    let scene = |timeline: &str| {
        let f = format!("(\n size: (800, 450),\n fps: 10,\n duration: 2.0,\n elements: [{src}],\n timeline: [{timeline}],\n)");
        Loader::new(&root())
            .unwrap()
            .parse(Path::new("code.ron"), &f)
            .unwrap()
    };
    // The panel, then 4 glyphs and 2 line numbers when it is all there.
    assert_eq!(evaluate(&scene(""), 1.0).items.len(), 1 + 4 + 2);
    // Half-way: the panel, "ab" and the number of line 1.
    let s = scene(r#"Write(target: "c", at: 0.0, dur: 2.0, ease: Linear)"#);
    assert_eq!(evaluate(&s, 1.0).items.len(), 1 + 2 + 1);
}

#[test]
fn a_width_too_small_says_what_the_code_needs() {
    let e =
        error(r#"Code(name: "c", at: (40, 30), src: "a long line of code", language: "text", width: 50)"#);
    assert!(e.contains("width: the longest line needs"), "{e}");
    let e = error(
        r#"Code(name: "c", at: (600, 30), src: "a long line of code that goes off", language: "text")"#,
    );
    assert!(e.contains("outside the 800x450 frame"), "{e}");
}

/// In a Column, or placed next to another element, `at` is left out and
/// the block goes where layout puts it, its line boxes with it.
#[test]
fn a_code_block_in_a_column_and_placed() {
    let s = load(
        r#"Column(at: (400, 225), gap: 20, children: [
            Text(text: "Título", size: 28),
            Code(name: "c", src: "x = 1\nprint(x)", language: "python", line_numbers: true),
        ]),
        Code(name: "d", place: Below(of: "c", gap: 10), src: "ls -la", language: "sh"),"#,
    )
    .unwrap();
    let (c, d) = (&s.elements[s.by_name["c"]], &s.elements[s.by_name["d"]]);
    assert!((c.bounds.center().x - 400.0).abs() < 0.5, "{:?}", c.bounds);
    assert!(
        (d.bounds.min.y - c.bounds.max.y - 10.0).abs() < 0.5,
        "{:?} {:?}",
        c.bounds,
        d.bounds
    );
    let b = code(&s, "c").line_box(0).unwrap();
    assert_eq!((b.min.x, b.max.x), (c.bounds.min.x, c.bounds.max.x));
    assert!((b.min.y - (c.bounds.min.y + 20.0)).abs() < 1e-3);
    for g in code(&s, "c").glyphs() {
        let (o, r) = (g.origin, c.bounds);
        assert!(
            o.cmpge(r.min).all() && o.cmple(r.max).all(),
            "{o:?} outside {r:?}"
        );
    }
}
