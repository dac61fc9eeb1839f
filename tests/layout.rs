//! Layout containers, relative placement, reflow and the camera, checked on
//! the evaluated scene (CPU only): where layout put each box, that a child
//! fading out of a reflowing row hands its room over, and the camera's
//! transform. The rendered example is a reference image in tests/figures.rs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use anim::eval::{camera_at, evaluate};
use anim::scene::{Loader, Scene, SceneError};
use glam::Vec2;

fn load(elements: &str, timeline: &str) -> Result<Scene, SceneError> {
    let src = format!(
        "(\n size: (800, 450),\n fps: 10,\n duration: 4.0,\n elements: [\n{elements}\n ],\n timeline: [\n{timeline}\n ],\n)"
    );
    Loader::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .parse(Path::new("layout.ron"), &src)
}

fn bounds(s: &Scene, name: &str) -> anim::geom::Rect {
    s.elements[s.by_name[name]].bounds
}

#[test]
fn a_row_centres_its_children_on_at() {
    let s = load(
        r#"Row(name: "r", at: (400, 200), gap: 10, children: [
            Box(name: "a", size: (100, 40)),
            Box(name: "b", size: (50, 60)),
        ])"#,
        "",
    )
    .unwrap();
    let r = bounds(&s, "r");
    assert_eq!(r.size(), Vec2::new(160.0, 60.0));
    assert_eq!(r.center(), Vec2::new(400.0, 200.0));
    // Side by side, 10 px apart, centred vertically.
    assert_eq!(bounds(&s, "a").min, Vec2::new(320.0, 180.0));
    assert_eq!(bounds(&s, "b").min, Vec2::new(430.0, 170.0));
}

#[test]
fn nested_containers_are_measured_inside_out() {
    let s = load(
        r#"Column(name: "c", at: (0, 0), anchor: TopLeft, gap: 20, align: Left, padding: 10, children: [
            Row(name: "r", gap: 5, children: [Box(size: (40, 40)), Box(name: "x", size: (40, 40))]),
            Text(name: "t", text: "uma linha de texto", size: 28),
        ])"#,
        "",
    )
    .unwrap();
    let c = bounds(&s, "c");
    assert_eq!(c.min, Vec2::ZERO);
    assert_eq!(bounds(&s, "r").min, Vec2::new(10.0, 10.0));
    assert_eq!(bounds(&s, "x").min, Vec2::new(55.0, 10.0));
    let t = bounds(&s, "t");
    assert!((t.min.x - 10.0).abs() < 0.01, "{t:?}");
    assert!((t.min.y - 70.0).abs() < 0.01, "{t:?}");
    assert!((c.max.x - (t.max.x + 10.0)).abs() < 0.01);
}

#[test]
fn place_puts_a_box_next_to_another() {
    let s = load(
        r#"Box(name: "a", at: (400, 100), size: (200, 50)),
        Box(name: "b", size: (40, 20), place: Below(of: "a", gap: 10, align: Right)),
        Box(name: "c", size: (40, 20), place: RightOf(of: "a", align: Top)),
        Box(name: "d", size: (40, 20), place: On(of: "a"))"#,
        "",
    )
    .unwrap();
    assert_eq!(bounds(&s, "b").min, Vec2::new(460.0, 135.0));
    assert_eq!(bounds(&s, "c").min, Vec2::new(524.0, 75.0));
    assert_eq!(bounds(&s, "d").center(), Vec2::new(400.0, 100.0));
}

#[test]
fn place_at_a_data_point_of_a_chart() {
    let s = load(
        r#"LineChart(name: "c", at: (400, 200), size: (400, 200), x_range: (0, 10), y_range: (0, 1),
            series: [(points: [(0, 0), (10, 1)])]),
        Circle(name: "p", radius: 5, fill: "accent", place: Data(of: "c", x: 5, y: 0.5)),
        Text(name: "l", text: "metade", size: 20, place: Data(of: "c", x: 5, y: 0.5, side: Above, gap: 6))"#,
        "",
    )
    .unwrap();
    assert_eq!(bounds(&s, "p").center(), Vec2::new(400.0, 200.0));
    let l = bounds(&s, "l");
    assert!(
        (l.max.y - 194.0).abs() < 0.01 && (l.center().x - 400.0).abs() < 0.01,
        "{l:?}"
    );
}

#[test]
fn a_reflowing_row_closes_up_as_a_child_fades_out() {
    let s = load(
        r#"Row(name: "r", at: (400, 200), gap: 10, reflow: true, children: [
            Box(name: "a", size: (100, 40), fill: "primary"),
            Box(name: "b", size: (100, 40), fill: "accent"),
            Box(name: "c", size: (100, 40), fill: "good"),
        ])"#,
        r#"FadeOut(target: "b", at: 1.0, dur: 1.0, ease: Linear)"#,
    )
    .unwrap();
    // Before: c's fill spans 460..560 (centre 510); after: a and c close
    // up around the centre (a at 295..395), c at 405..505.
    let x_of = |t: f64, color: anim::color::Color| {
        let snap = evaluate(&s, t);
        let item = snap
            .items
            .iter()
            .find(|i| matches!(i.paint, anim::snapshot::Paint::Fill(c) if c == color))
            .unwrap();
        item.path.bounds().unwrap().center().x
    };
    let good = s.theme.palette.good;
    assert!((x_of(0.5, good) - 510.0).abs() < 0.01);
    assert!((x_of(3.0, good) - 455.0).abs() < 0.01);
    let mid = x_of(1.5, good);
    assert!(mid > 455.5 && mid < 509.5, "{mid}");
}

#[test]
fn the_camera_frames_an_element() {
    let s = load(
        r#"Box(name: "a", at: (200, 100), size: (100, 50))"#,
        r#"Camera(focus: "a", padding: 0, at: 1.0, dur: 1.0), Camera(zoom: 1, to: (400, 225), dur: 1.0)"#,
    )
    .unwrap();
    assert_eq!(camera_at(&s, 0.5), glam::Affine2::IDENTITY);
    // At 2 s the box fills the frame: min(800 / 100, 450 / 50) = 8.
    let xf = camera_at(&s, 2.0);
    assert!((xf.transform_point2(Vec2::new(200.0, 100.0)) - Vec2::new(400.0, 225.0)).length() < 1e-3);
    assert!((xf.matrix2.x_axis.x - 8.0).abs() < 1e-4);
    let back = camera_at(&s, 3.0);
    assert!((back.transform_point2(Vec2::new(10.0, 20.0)) - Vec2::new(10.0, 20.0)).length() < 1e-3);
}

#[test]
fn a_placed_element_that_reads_an_animated_value_rides_the_chart() {
    let src = r#"(
    size: (800, 450), fps: 10, duration: 3.0,
    values: { "s": 0 },
    elements: [
        LineChart(name: "c", at: (400, 230), size: (600, 280), x_range: (0, 10), y_range: (0, 100),
            series: [(points: [(0, 0), (10, 100)])]),
        Circle(name: "p", radius: 8, fill: "accent", place: Data(of: "c", x: "{s}", y: "{s * s}")),
    ],
    timeline: [ Set(value: "s", to: 10, dur: 3.0, ease: Linear) ],
)"#;
    let s = Loader::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .parse(Path::new("ride.ron"), src)
        .unwrap();
    let accent = s.theme.palette.accent;
    let dot_at = |t: f64| {
        let snap = evaluate(&s, t);
        let item = snap
            .items
            .iter()
            .find(|i| matches!(i.paint, anim::snapshot::Paint::Fill(c) if c == accent))
            .unwrap();
        item.path.bounds().unwrap().center()
    };
    // At 1.5 s, s = 5: x = 100 + 600 · 5/10, y = 370 − 280 · 25/100.
    assert!(
        (dot_at(1.5) - Vec2::new(400.0, 300.0)).length() < 0.05,
        "{}",
        dot_at(1.5)
    );
    assert!(
        (dot_at(3.0) - Vec2::new(700.0, 90.0)).length() < 0.05,
        "{}",
        dot_at(3.0)
    );
}

#[test]
fn static_rotation_tokens_alignment_and_label_font() {
    let s = load(
        r#"Box(name: "b", at: (200, 100), size: (160, 48), rotation: 30, label: "x = 1", label_font: Mono),
        Tokens(name: "l", at: (100, 300), tokens: ["o", "gato"], align: Left),
        Tokens(name: "r", at: (700, 300), tokens: ["o", "gato"], align: Right, font: Sans)"#,
        r#"Rotate(target: "b", to: 90, at: 1.0, dur: 1.0, ease: Linear)"#,
    )
    .unwrap();
    let b = s.by_name["b"];
    assert_eq!(anim::eval::element_state(&s, b, 0.0).rotation, 30.0);
    // A Rotate starts from the static rotation.
    assert!((anim::eval::element_state(&s, b, 1.5).rotation - 60.0).abs() < 1e-4);
    assert!((bounds(&s, "l").min.x - 100.0).abs() < 0.01);
    assert!((bounds(&s, "r").max.x - 700.0).abs() < 0.01);
    // The same tokens set in Inter are narrower than in the default mono.
    assert!(bounds(&s, "r").size().x < bounds(&s, "l").size().x);
}
