//! The Math element and its Parts: formulas laid out by Typst and drawn as
//! outlines (a fraction, a root, sums with limits, a matrix), parts found
//! by their source and animated by ordinary steps, the morph from one
//! formula to the next, and errors that point into the formula.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use anim::eval::{element_state, evaluate};
use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
use anim::scene::model::Kind;
use anim::scene::{Loader, Scene, SceneError};
use common::{check_reference, DEFAULT_TOLERANCE};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(elements: &str, timeline: &str) -> Result<Scene, SceneError> {
    let src = format!(
        "(\n size: (800, 600),\n fps: 10,\n duration: 3.0,\n elements: [\n{elements}\n ],\n timeline: [\n{timeline}\n ],\n)"
    );
    Loader::new(&root()).unwrap().parse(Path::new("math.ron"), &src)
}

fn fixture() -> Scene {
    Loader::new(&root())
        .unwrap()
        .load(&root().join("tests/fixtures/math.ron"))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_gallery_and_the_morph_match_their_references() {
    let scene = fixture();
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    let mut frame = |t: f64| anim::render::draw(&ctx, &mut r, &evaluate(&scene, t), 1200, 800).unwrap();
    check_reference("math_gallery", &frame(0.8), DEFAULT_TOLERANCE);
    check_reference("math_morph_t1.3", &frame(1.3), DEFAULT_TOLERANCE);
    check_reference("math_morph_end", &frame(2.5), DEFAULT_TOLERANCE);
}

/// The cookbook's attention figure: a formula built term by term beside
/// its code, then the code's morph half-way (changed lines travel, the
/// mask's lines not in yet) and done.
#[test]
fn the_attention_example_matches_its_references() {
    let scene = Loader::new(&root())
        .unwrap()
        .load(&root().join("docs/examples/atencao-formula.ron"))
        .unwrap_or_else(|e| panic!("{e}"));
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    let mut frame = |t: f64| anim::render::draw(&ctx, &mut r, &evaluate(&scene, t), 1920, 1080).unwrap();
    check_reference("cookbook_atencao-formula_t9.2", &frame(9.2), DEFAULT_TOLERANCE);
    check_reference("code_morph_t10.9", &frame(10.9), DEFAULT_TOLERANCE);
    check_reference("cookbook_atencao-formula", &frame(12.5), DEFAULT_TOLERANCE);
}

#[test]
fn a_formula_is_centred_on_at_and_its_parts_sit_inside_it() {
    let s = load(
        r#"Math(name: "f", at: (400, 300), src: "(a + b) / c", children: [Part(name: "ab", of: "a + b")])"#,
        "",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let f = &s.elements[s.by_name["f"]];
    let c = f.bounds.center();
    assert!(
        (c - glam::Vec2::new(400.0, 300.0)).length() < 0.5,
        "{:?}",
        f.bounds
    );
    let p = &s.elements[s.by_name["ab"]];
    assert_eq!(p.parent, Some(s.by_name["f"]));
    assert!(p.bounds.min.x >= f.bounds.min.x - 0.5 && p.bounds.max.x <= f.bounds.max.x + 0.5);
    // The numerator is above the fraction's middle.
    assert!(p.bounds.max.y < c.y, "{:?} vs {:?}", p.bounds, f.bounds);
    // The formula paints what the part does not: its glyphs are split between them.
    let (Kind::Math(m), Kind::Part(part)) = (&f.kind, &p.kind) else {
        panic!("kinds")
    };
    let unclaimed = m.set.owner.iter().filter(|o| o.is_none()).count();
    assert_eq!(unclaimed + part.glyphs.len(), m.set.glyphs.len());
    assert_eq!(part.glyphs.len(), 3, "a, + and b");
}

#[test]
fn the_formula_hands_over_to_the_one_it_morphs_into() {
    let s = fixture();
    let (a, b) = (s.by_name["atencao"], s.by_name["atencao2"]);
    assert_eq!(element_state(&s, b, 0.5).opacity, 0.0, "the target starts hidden");
    assert_eq!(element_state(&s, a, 0.5).opacity, 1.0);
    assert_eq!(element_state(&s, a, 2.0).opacity, 0.0);
    assert_eq!(element_state(&s, b, 2.0).opacity, 1.0);
    // Half-way, the formula being morphed draws; its parts step aside.
    let snap = evaluate(&s, 1.3);
    assert!(!snap.items.is_empty());
}

#[test]
fn a_formula_written_on_reveals_its_parts_in_source_order() {
    let s = load(
        r#"Math(name: "f", at: (400, 300), src: "a + b + c", children: [Part(name: "c", of: "c")])"#,
        r#"Write(target: "f", at: 0.0, dur: 1.0, ease: Linear)"#,
    )
    .unwrap();
    let count = |t: f64| evaluate(&s, t).items.len();
    assert!(count(0.3) < count(0.99), "{} {}", count(0.3), count(0.99));
    // At 0.5 the part (the last glyph) is not written yet.
    let inked_right = |t: f64| {
        evaluate(&s, t)
            .items
            .iter()
            .filter(|i| i.path.bounds().is_some_and(|b| b.min.x > 430.0))
            .count()
    };
    assert_eq!(inked_right(0.5), 0);
    assert!(inked_right(1.0) > 0);
}

#[test]
fn errors_point_into_the_formula() {
    let e = load(r#"Math(name: "f", at: (400, 300), src: "x + sqrtt(y)")"#, "")
        .err()
        .expect("unknown name")
        .to_string();
    // Line 6 of the generated file; the caret on `sqrtt`, inside the string.
    let col = r#"Math(name: "f", at: (400, 300), src: "x + "#.len() + 1;
    assert!(e.contains(&format!("math.ron:6:{col}:")), "{e}");
    assert!(e.contains("unknown variable: sqrtt"), "{e}");
    let e = load(
        r#"Math(name: "f", at: (400, 300), src: "a", children: [Part(name: "p", of: "b")])"#,
        "",
    )
    .err()
    .expect("no such piece")
    .to_string();
    assert!(e.contains("\"b\" is not in the source"), "{e}");
}
