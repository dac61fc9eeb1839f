//! The numbers docs/geometry.md gives authors, checked against the code:
//! text metrics, where widgets put their labels, the glyphs numbers need,
//! the widths of texts set while painting, and how opacity blends (the one
//! GPU test). If one of these fails, fix the page along with the code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use anim::geom::Rect;
use anim::scene::model::Kind;
use anim::scene::widgets::text::Text;
use anim::scene::{Loader, Scene, SceneError};
use anim::text::{Align, Family, FontBook, TextStyle, Weight};

fn load(elements: &str) -> Result<Scene, SceneError> {
    let src = format!("(\n size: (1000, 600),\n fps: 10,\n duration: 1.0,\n elements: [\n{elements}\n ],\n timeline: [],\n)");
    Loader::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .parse(Path::new("geometry.ron"), &src)
}

fn load_err(elements: &str) -> String {
    match load(elements) {
        Ok(_) => panic!("loaded: {elements}"),
        Err(e) => e.to_string(),
    }
}

fn kind<'a>(s: &'a Scene, name: &str) -> &'a Kind {
    &s.elements[s.by_name[name]].kind
}

/// The ink of a text block: the union of its glyph outlines' bounds.
fn ink(block: &anim::text::TextBlock) -> Rect {
    block
        .glyphs
        .iter()
        .filter_map(|g| g.path.bounds())
        .reduce(|a, b| a.union(&b))
        .unwrap()
}

fn close(a: f32, b: f32, tol: f32) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn a_text_box_is_1_25_sizes_tall_and_inter_capitals_are_centred_on_at() {
    let s = load(
        r#"Text(name: "sans", at: (300, 200), text: "H", size: 100),
           Text(name: "x", at: (500, 200), text: "x", size: 100),
           Text(name: "mono", at: (700, 200), text: "H", size: 100, font: Mono),
           Text(name: "two", at: (300, 400), text: "H\nH", size: 100),"#,
    )
    .unwrap();
    let block = |n: &str| match kind(&s, n) {
        Kind::Text(Text::Static(b)) => b.clone(),
        k => panic!("{k:?}"),
    };
    let sans = block("sans");
    assert!(close(sans.bounds.size().y, 125.0, 1e-3), "{:?}", sans.bounds);
    assert!(close(sans.bounds.center().y, 200.0, 1e-3));
    let h = ink(&sans);
    // Cap height 0.7273 × size, half of it either side of at.y.
    assert!(close(h.min.y, 200.0 - 36.36, 0.3), "{h:?}");
    assert!(close(h.max.y, 200.0 + 36.36, 0.3), "{h:?}");
    assert!(close(sans.glyphs[0].origin.y, 200.0 + 36.36, 0.01), "baseline");
    // x-height 0.5455 × size: its top 0.1818 × size above at.y.
    let x = ink(&block("x"));
    assert!(close(x.min.y, 200.0 - 18.18, 0.6), "{x:?}");
    // JetBrains Mono: baseline 0.36 × size below, capitals 0.73 tall.
    let mono = block("mono");
    assert!(close(mono.bounds.size().y, 125.0, 1e-3));
    assert!(close(mono.glyphs[0].origin.y, 236.0, 0.01));
    let m = ink(&mono);
    assert!(close(m.min.y, 200.0 - 37.0, 0.3), "{m:?}");
    // Two lines: 250 tall; line 1's baseline 1.25 + 0.9886 sizes below the top.
    let two = block("two");
    assert!(close(two.bounds.size().y, 250.0, 1e-3));
    let top = two.bounds.min.y;
    assert!(close(two.glyphs[0].origin.y - top, 98.86, 0.01));
    assert!(close(two.glyphs[1].origin.y - top, 125.0 + 98.86, 0.01));
}

#[test]
fn inter_has_the_glyphs_of_numbers_as_a_book_prints_them_and_mono_lacks_the_superscript_minus() {
    let all = "6 × 10⁻⁴ · ⁰¹²³⁴⁵⁶⁷⁸⁹ · −1 · ∞ · 5\u{a0}ms 5\u{202f}ms 5\u{2009}ms";
    for w in ["Regular", "Medium", "SemiBold", "Bold"] {
        let s = load(&format!(
            r#"Text(name: "t", at: (500, 300), text: "{all}", weight: {w})"#
        ))
        .unwrap_or_else(|e| panic!("{w}: {e}"));
        let Kind::Text(Text::Static(b)) = kind(&s, "t") else {
            panic!()
        };
        // Every visible character is a glyph with an outline.
        let visible = all.chars().filter(|c| !c.is_whitespace()).count();
        assert_eq!(b.glyphs.len(), visible, "{w}");
        assert!(b.glyphs.iter().all(|g| !g.path.is_empty()), "{w}");
    }
    let mono = load_err(r#"Text(name: "t", at: (500, 300), text: "6 × 10⁻⁴", font: Mono)"#);
    assert!(mono.contains("no glyph for '⁻'"), "{mono}");
    load("Text(name: \"t\", at: (500, 300), text: \"6 × 10⁴ −1 5\u{a0}ms\", font: Mono)").unwrap();
    // Mono has no glyph for the narrow spaces, but the shaper sets them as
    // spaces of their width (HarfBuzz's space fallback): they load.
    for ch in ['\u{202f}', '\u{2009}'] {
        let s = load(&format!(
            r#"Text(name: "t", at: (500, 300), text: "5{ch}ms", font: Mono)"#
        ));
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        let Kind::Text(Text::Static(b)) = kind(&s, "t") else {
            panic!()
        };
        assert_eq!(b.glyphs.len(), 3);
    }
}

#[test]
fn chart_labels_sit_where_the_page_says() {
    let s = load(
        r#"Bars(name: "bars", at: (300, 300), size: (300, 200), labels: ["a", "b"], values: [1, 2], title: "T"),
           Tokens(name: "tok", at: (700, 100), tokens: ["o", "gato"], ids: [7, 30771]),
           LineChart(name: "chart", at: (700, 350), size: (300, 200), series: [(points: [(0, 0), (10000, 5)])],
                     y_range: (0, 5), x_ticks: [0, 8000, 10000], y_ticks: [2.5], x_label: "x", y_label: "y"),"#,
    )
    .unwrap();
    let Kind::Bars(b) = kind(&s, "bars") else { panic!() };
    // The box spans y 200..400, x 150..450; two slots of 150.
    assert!(close(b.labels[0].bounds.center().y, 424.0, 1e-3));
    assert!(close(b.labels[1].bounds.center().x, 375.0, 1e-3));
    assert!(close(b.title.as_ref().unwrap().bounds.center().y, 138.0, 1e-3));

    let Kind::Tokens(t) = kind(&s, "tok") else {
        panic!()
    };
    let (o, gato) = (&t.chips[0], &t.chips[1]);
    // A one-letter chip is 1.1 heights wide; chips 56 tall, 12 apart, centred on at.
    assert!(close(o.rect.size().x, 61.6, 1e-3), "{:?}", o.rect);
    assert!(close(o.rect.size().y, 56.0, 1e-3));
    assert!(close(gato.rect.min.x - o.rect.max.x, 12.0, 1e-3));
    assert!(close((o.rect.min.x + gato.rect.max.x) / 2.0, 700.0, 1e-3));
    let id = o.id.as_ref().unwrap();
    assert!(close(id.bounds.center().y, o.rect.max.y + 20.0, 1e-3));
    // Ids are identifiers: no thousands separator (30771 has five glyphs).
    assert_eq!(gato.id.as_ref().unwrap().glyphs.len(), 5);

    let Kind::LineChart(c) = kind(&s, "chart") else {
        panic!()
    };
    // Box x 550..850, y 250..450. Ticks: x ones 20 below, the y one 10 left.
    let x0 = &c.ticks[0];
    assert!(close(x0.bounds.center().x, 550.0, 1e-3) && close(x0.bounds.center().y, 470.0, 1e-3));
    let y = &c.ticks[3];
    assert!(close(y.bounds.max.x, 540.0, 1e-3) && close(y.bounds.center().y, 350.0, 1e-3));
    // "8000" stays together (4 glyphs), "10.000" is grouped (6 glyphs).
    assert_eq!(c.ticks[1].glyphs.len(), 4);
    assert_eq!(c.ticks[2].glyphs.len(), 6);
    let (xl, yl) = (&c.axis_labels[0], &c.axis_labels[1]);
    assert!(close(xl.bounds.center().y, 502.0, 1e-3));
    assert!(close(yl.bounds.min.x, 550.0, 1e-3) && close(yl.bounds.center().y, 206.0, 1e-3));
}

/// Texts widgets set while painting are not checked against the frame; the
/// page gives their widths so that authors leave room.
#[test]
fn widths_of_the_numbers_widgets_print() {
    let fonts = FontBook::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts")).unwrap();
    let style = TextStyle {
        family: Family::Sans,
        weight: Weight::SemiBold,
        size: 20.0,
        align: Align::Left,
        ..TextStyle::default()
    };
    let width = |t: &str| fonts.layout(t, &style).unwrap().size.x;
    assert!(width("1") < width("0") - 1.0, "proportional figures");
    for (text, documented) in [("100%", 53.2), ("p = 0,80", 80.3), ("L = 10,00", 89.1)] {
        let w = width(text);
        assert!(close(w, documented, 0.5), "{text}: {w}");
    }
}

#[test]
fn half_opacity_blends_in_linear_light() {
    use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
    let src = r##"(
 size: (40, 20), fps: 10, duration: 1.0, background: "#ffffff",
 elements: [
   Box(at: (10, 10), size: (20, 20), radius: 0, fill: "#000000", stroke: "none", opacity: 0.5),
   Box(at: (30, 10), size: (20, 20), radius: 0, fill: "ink", stroke: "none", opacity: 0.5),
 ],
 timeline: [],
)"##;
    let mut scene = Loader::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .parse(Path::new("blend.ron"), src)
        .unwrap();
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    let img = anim::render::draw(&ctx, &mut r, &anim::eval::evaluate(&scene, 0.0), 40, 20).unwrap();
    // Black at 50% over white: 188, not 128.
    let p = img.pixel(10, 10);
    assert!(p[..3].iter().all(|&c| (c as i32 - 188).abs() <= 1), "{p:?}");
    // Ink at 50% over the theme's background: #bab9b8.
    scene.background = scene.theme.palette.background;
    let img = anim::render::draw(&ctx, &mut r, &anim::eval::evaluate(&scene, 0.0), 40, 20).unwrap();
    let q = img.pixel(30, 10);
    for (c, want) in q.iter().zip([0xba, 0xb9, 0xb8]) {
        assert!((*c as i32 - want).abs() <= 1, "{q:?}");
    }
}
