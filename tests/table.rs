//! The Table element: columns as wide as their widest cell plus padding,
//! alignment per column, the header band and rules in the snapshot, errors
//! at the field, and one reference image.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use anim::eval::evaluate;
use anim::scene::model::Kind;
use anim::scene::widgets::table::Table;
use anim::scene::{Loader, Scene, SceneError};
use anim::snapshot::Paint;

fn load(elements: &str) -> Result<Scene, SceneError> {
    let src = format!(
        "(\n size: (800, 400),\n fps: 10,\n duration: 1.0,\n elements: [\n{elements}\n ],\n timeline: [\n ],\n)"
    );
    Loader::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .parse(Path::new("table.ron"), &src)
}

fn table<'a>(s: &'a Scene, name: &str) -> &'a Table {
    match &s.elements[s.by_name[name]].kind {
        Kind::Table(t) => t,
        k => panic!("{k:?}"),
    }
}

#[test]
fn columns_fit_their_widest_cell_and_align() {
    let s = load(
        r#"Table(name: "t", at: (400, 200), header: ["a", "b", "c"], align: [Left, Center, Right],
                 rows: [["x", "yyyy", "z"], ["xxxxxx", "y", "zzz"]], padding: (10, 6), font: Mono)"#,
    )
    .unwrap();
    let el = &s.elements[s.by_name["t"]];
    let t = table(&s, "t");
    assert_eq!(el.bounds.center(), glam::Vec2::new(400.0, 200.0));
    assert_eq!(t.cells.len(), 9);
    // Mono: every char the same advance, so each column is its longest
    // cell's chars wide plus 10 px either side.
    let adv = t.cells[3].bounds.size().x; // "x"
    let want = [6.0, 4.0, 3.0].map(|n| n * adv + 20.0);
    for (j, (l, r)) in t.columns.iter().enumerate() {
        assert!(
            (r - l - want[j]).abs() < 0.01,
            "column {j}: {} vs {}",
            r - l,
            want[j]
        );
    }
    assert!((t.columns[2].1 - t.columns[0].0 - el.bounds.size().x).abs() < 0.01);
    // Three rows (header + 2), each one line of text plus 6 px above and below.
    let line = t.cells[0].bounds.size().y;
    assert!((el.bounds.size().y - 3.0 * (line + 12.0)).abs() < 0.01);
    // Row 2 ("xxxxxx", "y", "zzz"): left, centred, right, within the padding.
    let (a, b, c) = (&t.cells[6].bounds, &t.cells[7].bounds, &t.cells[8].bounds);
    assert!((a.min.x - (t.columns[0].0 + 10.0)).abs() < 0.01);
    assert!((b.center().x - (t.columns[1].0 + t.columns[1].1) * 0.5).abs() < 0.01);
    assert!((c.max.x - (t.columns[2].1 - 10.0)).abs() < 0.01);
}

#[test]
fn the_header_is_bold_on_a_band_and_rules_separate_the_rows() {
    let s = load(
        r#"Table(name: "t", at: (400, 200), header: ["token", "p"], rows: [["o", "0,3"], ["gato", "0,7"]], rules: true)"#,
    )
    .unwrap();
    let t = table(&s, "t");
    let (band, fill) = t.header.unwrap();
    assert_eq!(fill, Some(s.theme.color("panel").unwrap()));
    assert_eq!(band.min, t.rect.min);
    // Bold glyphs are wider than regular ones of the same text.
    let plain = load(r#"Table(name: "t", at: (400, 200), rows: [["token", "p"]])"#).unwrap();
    assert!(t.cells[0].bounds.size().x > table(&plain, "t").cells[0].bounds.size().x);
    // Two rules: under the header and between the body rows, full width.
    assert_eq!(t.rules.len(), 2);
    let r = t.rules[0].bounds().unwrap();
    assert_eq!((r.min.x, r.max.x), (t.rect.min.x, t.rect.max.x));
    assert!((r.min.y - band.max.y).abs() < 1e-3);
    // Painted: the band, then the rules in the `line` colour, then the text.
    let snap = evaluate(&s, 1.0);
    assert!(matches!(snap.items[0].paint, Paint::Fill(c) if Some(c) == fill));
    for i in &snap.items[1..3] {
        assert!(matches!(i.paint, Paint::Stroke { color, .. } if color == s.theme.palette.line));
    }
    let none = load(r#"Table(name: "t", at: (400, 200), header: ["a"], rows: [["b"]], header_fill: "none")"#)
        .unwrap();
    assert!(!evaluate(&none, 1.0)
        .items
        .iter()
        .any(|i| matches!(i.paint, Paint::Stroke { .. })));
    assert_eq!(table(&none, "t").header.unwrap().1, None);
}

fn error(elements: &str) -> String {
    match load(elements) {
        Ok(_) => panic!("{elements} loaded"),
        Err(e) => {
            let at = e.location.as_ref().map(|l| (l.line, l.col));
            format!("{at:?} {e}")
        }
    }
}

#[test]
fn errors_point_at_the_field() {
    let e = error(r#"Table(at: (400, 200), rows: [["a", "b"], ["c"]])"#);
    assert!(
        e.contains("row 1 has 1 cells, row 0 has 2: every row needs the same number"),
        "{e}"
    );
    assert!(e.starts_with("Some((6, 42))"), "{e}");
    let e = error(r#"Table(at: (400, 200), rows: [["a", "b"]], header: ["x"])"#);
    assert!(e.contains("1 header cells for 2 columns"), "{e}");
    let e = error(r#"Table(at: (400, 200), rows: [["a", "b"]], align: [Left])"#);
    assert!(e.contains("1 alignments for 2 columns"), "{e}");
    let e = error(r#"Table(at: (400, 200), rows: [])"#);
    assert!(e.contains("at least one row"), "{e}");
    let e = error(r#"Table(at: (400, 200), rows: [["a"]], header_fill: "rosa")"#);
    assert!(e.contains("unknown colour \"rosa\""), "{e}");
    let e = error(r#"Table(at: (760, 200), rows: [["uma célula larga"]])"#);
    assert!(e.contains("outside the 800x400 frame"), "{e}");
}

#[test]
fn table_reference() {
    use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let scene = Loader::new(&root)
        .unwrap()
        .load(&root.join("tests/fixtures/table.ron"))
        .unwrap_or_else(|e| panic!("{e}"));
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    let img = anim::render::draw(&ctx, &mut r, &evaluate(&scene, 1.0), scene.width, scene.height).unwrap();
    common::check_reference("table", &img, common::DEFAULT_TOLERANCE);
}
