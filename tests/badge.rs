//! The Badge element (the worked example of docs/architecture.md, which
//! exists only as src/scene/widgets/badge.rs plus one registry line): its
//! geometry, its paint, its dot, and its errors. CPU only: evaluation's
//! snapshot is checked, no GPU needed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use anim::eval::evaluate;
use anim::scene::model::Kind;
use anim::scene::{Loader, Scene, SceneError};
use anim::snapshot::Paint;

fn load(elements: &str, timeline: &str) -> Result<Scene, SceneError> {
    let src = format!(
        "(\n size: (400, 200),\n fps: 10,\n duration: 2.0,\n elements: [\n{elements}\n ],\n timeline: [\n{timeline}\n ],\n)"
    );
    Loader::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .parse(Path::new("badge.ron"), &src)
}

#[test]
fn a_badge_is_a_pill_around_its_label() {
    let s = load(
        r#"Badge(name: "b", at: (200, 100), text: "novo", color: "good")"#,
        "",
    )
    .unwrap();
    let el = &s.elements[s.by_name["b"]];
    let Kind::Badge(b) = &el.kind else {
        panic!("{:?}", el.kind)
    };
    let size = s.theme.small_size;
    // Centred on `at`, 1.8 text sizes tall, the label inside with its padding.
    assert_eq!(el.bounds.center(), glam::Vec2::new(200.0, 100.0));
    assert!((el.bounds.size().y - 1.8 * size).abs() < 1e-3);
    let l = b.label.bounds;
    assert!(
        l.min.x >= el.bounds.min.x + 0.8 * size - 0.01,
        "{l:?} in {:?}",
        el.bounds
    );
    assert!(
        l.max.x <= el.bounds.max.x - 0.8 * size + 0.01,
        "{l:?} in {:?}",
        el.bounds
    );
    assert!(b.dot.is_none());

    // Painted: the tinted fill, the outline in `color`, then the glyphs.
    let good = s.theme.palette.good;
    let snap = evaluate(&s, 2.0);
    let Paint::Fill(fill) = &snap.items[0].paint else {
        panic!("{:?}", snap.items[0].paint)
    };
    assert_eq!(*fill, good.lerp(s.theme.palette.surface, 0.8));
    assert_eq!(snap.items[0].path.bounds(), Some(el.bounds));
    assert!(matches!(&snap.items[1].paint, Paint::Stroke { color, .. } if *color == good));
    let glyphs = &snap.items[2..];
    assert_eq!(glyphs.len(), 4, "n, o, v, o");
    for g in glyphs {
        let r = g.path.bounds().unwrap();
        let b = el.bounds;
        let inside = b.min.x <= r.min.x && b.min.y <= r.min.y && r.max.x <= b.max.x && r.max.y <= b.max.y;
        assert!(inside, "{r:?} in {b:?}");
    }
}

#[test]
fn a_dot_widens_the_pill_and_draws_before_the_label() {
    let s = load(
        r#"Badge(name: "plain", at: (200, 50), text: "ao vivo"),
           Badge(name: "dot", at: (200, 150), text: "ao vivo", dot: "bad"),"#,
        "",
    )
    .unwrap();
    let (plain, dot) = (&s.elements[s.by_name["plain"]], &s.elements[s.by_name["dot"]]);
    let widen = dot.bounds.size().x - plain.bounds.size().x;
    assert!((widen - 0.9 * s.theme.small_size).abs() < 1e-3, "{widen}");
    let Kind::Badge(b) = &dot.kind else { panic!() };
    let (at, r, c) = b.dot.unwrap();
    assert_eq!(c, s.theme.palette.bad);
    assert!(at.x + r < b.label.bounds.min.x);
}

#[test]
fn a_badge_fades_in_and_is_written() {
    let s = load(
        r#"Badge(name: "b", at: (200, 100), text: "novo")"#,
        r#"Write(target: "b", at: 0.0, dur: 2.0, ease: Linear),"#,
    )
    .unwrap();
    // Write is an entrance: nothing before it starts, the label letter by letter.
    let count = |t: f64| evaluate(&s, t).items.len();
    assert!(count(0.5) < count(2.0));
    assert_eq!(count(2.0), 2 + 4);
}

fn error(elements: &str) -> SceneError {
    match load(elements, "") {
        Ok(_) => panic!("{elements} loaded"),
        Err(e) => e,
    }
}

#[test]
fn a_badge_s_errors_point_at_the_field() {
    let e = error(r#"Badge(at: (200, 100), text: "x", color: "nope")"#);
    assert!(e.to_string().contains("unknown colour \"nope\""), "{e}");
    let at = e.location.unwrap();
    assert_eq!((at.line, at.col), (6, 41), "{e}");
    let e = error(r#"Badge(at: (200, 100), text: "x", size: -1)"#);
    assert!(e.to_string().contains("size must be a positive number"), "{e}");
    let e = error(r#"Badge(at: (390, 100), text: "a long label")"#);
    assert!(e.to_string().contains("outside the 400x200 frame"), "{e}");
}
