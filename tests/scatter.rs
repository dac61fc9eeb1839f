//! The Scatter element: its data space (ranges given or from the data,
//! exposed in `Caps::chart`), where dots, labels and vectors go, the
//! reveal, and its errors at the field. CPU only: the snapshot is checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use anim::eval::evaluate;
use anim::scene::model::Kind;
use anim::scene::widgets::scatter::Scatter;
use anim::scene::{Loader, Scene, SceneError};
use anim::snapshot::Paint;
use glam::Vec2;

fn load(elements: &str, timeline: &str) -> Result<Scene, SceneError> {
    let src = format!(
        "(\n size: (800, 600),\n fps: 10,\n duration: 2.0,\n elements: [\n{elements}\n ],\n timeline: [\n{timeline}\n ],\n)"
    );
    Loader::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .parse(Path::new("scatter.ron"), &src)
}

fn scatter<'a>(s: &'a Scene, name: &str) -> &'a Scatter {
    let el = &s.elements[s.by_name[name]];
    let Kind::Scatter(sc) = &el.kind else {
        panic!("{:?}", el.kind)
    };
    sc
}

fn near(a: Vec2, b: Vec2) -> bool {
    a.distance(b) < 1e-3
}

#[test]
fn the_data_space_is_the_extent_with_a_margin_and_is_exposed() {
    let s = load(
        r#"Scatter(name: "s", at: (400, 300), size: (400, 200), points: [
            (x: 0, y: 0, name: "a"), (x: 10, y: 5, name: "b", color: "accent"),
        ])"#,
        "",
    )
    .unwrap();
    let sc = scatter(&s, "s");
    // 10 % of the extent each side.
    assert_eq!(sc.map.x_range, (-1.0, 11.0));
    assert_eq!(sc.map.y_range, (-0.5, 5.5));
    // `size` is exactly the plot area, centred on `at`.
    let el = &s.elements[s.by_name["s"]];
    assert_eq!(el.bounds.min, Vec2::new(200.0, 200.0));
    assert_eq!(el.bounds.max, Vec2::new(600.0, 400.0));
    let chart = el.kind.widget().caps().chart.unwrap();
    assert_eq!(chart.x_range, sc.map.x_range);
    assert!(near(sc.dots[0].at, chart.point(0.0, 0.0).unwrap()));
    assert!(near(
        sc.dots[1].at,
        Vec2::new(200.0 + 400.0 * 11.0 / 12.0, 200.0 + 200.0 * 0.5 / 6.0)
    ));
    assert_eq!(sc.dots[0].color, s.theme.palette.primary);
    assert_eq!(sc.dots[1].color, s.theme.palette.accent);
}

#[test]
fn given_ranges_are_kept_and_a_point_outside_them_is_an_error() {
    let s = load(
        r#"Scatter(name: "s", at: (400, 300), size: (400, 200), x_range: (0, 4), y_range: (0, 2),
            points: [(x: 1, y: 1), (x: 4, y: 0)])"#,
        "",
    )
    .unwrap();
    let sc = scatter(&s, "s");
    assert!(near(sc.dots[0].at, Vec2::new(300.0, 300.0)));
    assert!(near(sc.dots[1].at, Vec2::new(600.0, 400.0)));

    let e = error(
        r#"Scatter(at: (400, 300), size: (400, 200), x_range: (0, 4), y_range: (0, 2),
            points: [(x: 1, y: 1), (x: 3, y: 2.5)])"#,
    );
    assert!(
        e.to_string()
            .contains("point 1 (3, 2,5) is outside y_range (0, 2)"),
        "{e}"
    );
    let at = e.location.unwrap();
    // On the offending coordinate.
    assert_eq!((at.line, at.col), (7, 46), "{e}");
}

#[test]
fn labels_go_beside_the_dot_on_the_side_asked() {
    let s = load(
        r#"Scatter(name: "s", at: (400, 300), size: (400, 400), x_range: (0, 10), y_range: (0, 10), radius: 8,
            points: [
                (x: 5, y: 5, label: "rei"),
                (x: 5, y: 5, label: "rei", label_side: Right),
                (x: 5, y: 5, label: "rei", label_side: Left),
                (x: 5, y: 5, label: "rei", label_side: Above),
                (x: 5, y: 5, label: "rei", label_side: Below),
            ])"#,
        "",
    )
    .unwrap();
    let sc = scatter(&s, "s");
    let c = sc.dots[0].at;
    let b: Vec<_> = sc.dots.iter().map(|d| d.label.as_ref().unwrap().bounds).collect();
    // Default: up and to the right, clear of the dot.
    assert!(b[0].min.x > c.x && b[0].max.y < c.y, "{:?}", b[0]);
    // Right and Left: past the dot's edge, vertically centred on it.
    assert!(
        b[1].min.x >= c.x + 8.0 && (b[1].center().y - c.y).abs() < 6.0,
        "{:?}",
        b[1]
    );
    assert!(
        b[2].max.x <= c.x - 8.0 && (b[2].center().y - c.y).abs() < 6.0,
        "{:?}",
        b[2]
    );
    // Above and Below: centred on x, past the dot.
    assert!(
        b[3].max.y <= c.y - 8.0 && (b[3].center().x - c.x).abs() < 1.0,
        "{:?}",
        b[3]
    );
    assert!(
        b[4].min.y >= c.y + 8.0 && (b[4].center().x - c.x).abs() < 1.0,
        "{:?}",
        b[4]
    );
    // Every label is checked against the frame.
    assert_eq!(s.elements[s.by_name["s"]].kind.widget().text_blocks().len(), 5);
}

#[test]
fn vectors_join_named_points_and_data_points() {
    let s = load(
        r#"Scatter(name: "s", at: (400, 300), size: (400, 400), x_range: (0, 10), y_range: (0, 10),
            points: [(x: 2, y: 2, name: "homem"), (x: 8, y: 2, name: "mulher")],
            vectors: [
                (from: "homem", to: "mulher", label: "gênero"),
                (from: (2, 8), to: "homem", color: "muted", dashed: true),
            ])"#,
        "",
    )
    .unwrap();
    let sc = scatter(&s, "s");
    let (h, m) = (sc.dots[0].at, sc.dots[1].at);
    let v = &sc.vectors[0];
    // Stops short of the dots (radius 7 + 4 px).
    assert!(near(v.from, h + Vec2::X * 11.0), "{:?}", v.from);
    assert!(near(v.to, m - Vec2::X * 11.0), "{:?}", v.to);
    assert_eq!(v.color, s.theme.palette.accent);
    // A horizontal vector's label sits above its middle.
    let l = v.label.as_ref().unwrap().bounds;
    assert!(
        l.max.y < h.y && (l.center().x - (h.x + m.x) * 0.5).abs() < 1.0,
        "{l:?}"
    );
    // From a data point: starts exactly there.
    let w = &sc.vectors[1];
    assert!(near(w.from, sc.map.point(2.0, 8.0).unwrap()));
    assert!(near(w.to, h - Vec2::Y * 11.0), "{:?}", w.to);
    assert!(w.dashed);

    // Painted: shaft then head for each vector, under the dots.
    let snap = evaluate(&s, 1.0);
    let strokes = snap
        .items
        .iter()
        .filter(|i| matches!(i.paint, Paint::Stroke { color, .. } if color == s.theme.palette.accent))
        .count();
    assert!(strokes >= 1);
}

#[test]
fn reveal_shows_points_in_order_then_vectors() {
    let s = load(
        r#"Scatter(name: "s", at: (400, 300), size: (400, 400), axes: false,
            points: [(x: 0, y: 0, name: "a"), (x: 1, y: 1, name: "b"), (x: 2, y: 0, name: "c")],
            vectors: [(from: "a", to: "c")])"#,
        r#"Reveal(target: "s", at: 0.0, dur: 2.0, ease: Linear),"#,
    )
    .unwrap();
    let count = |t: f64| evaluate(&s, t).items.len();
    // No axes: nothing at all before the reveal starts.
    assert_eq!(count(0.0), 0);
    // Each dot is a ring and a fill; the vector a shaft and a head.
    assert_eq!(count(0.75), 4, "two of four items shown at 0.375");
    assert_eq!(count(2.0), 3 * 2 + 2);
}

#[test]
fn axes_ticks_and_grid() {
    let s = load(
        r#"Scatter(name: "s", at: (400, 300), size: (400, 400), x_range: (0, 1), y_range: (0, 1), grid: true,
            x_ticks: [0, 0.5, 1], y_ticks: [0.25], x_label: "dimensão 1", y_label: "dimensão 2",
            points: [(x: 0.5, y: 0.5)])"#,
        "",
    )
    .unwrap();
    let sc = scatter(&s, "s");
    assert!(sc.axes);
    assert_eq!(sc.grid.len(), 4);
    assert_eq!(sc.ticks.len(), 4);
    // x ticks centred under the bottom edge, y ticks right-aligned left of the left edge.
    let t = sc.ticks[1].bounds;
    assert!((t.center().x - 400.0).abs() < 1.0 && t.min.y > 500.0, "{t:?}");
    let t = sc.ticks[3].bounds;
    assert!(
        t.max.x <= 200.0 - 9.0 && (t.center().y - 400.0).abs() < 6.0,
        "{t:?}"
    );
    assert_eq!(sc.axis_labels.len(), 2);

    let e = error(
        r#"Scatter(at: (400, 300), size: (400, 400), axes: false, x_ticks: [0], points: [(x: 0, y: 0)])"#,
    );
    assert!(e.to_string().contains("x_ticks is drawn with the axes"), "{e}");
    let e = error(r#"Scatter(at: (400, 300), size: (400, 400), grid: true, points: [(x: 0, y: 0)])"#);
    assert!(e.to_string().contains("the grid is drawn at the ticks"), "{e}");
}

fn error(elements: &str) -> SceneError {
    match load(elements, "") {
        Ok(_) => panic!("{elements} loaded"),
        Err(e) => e,
    }
}

#[test]
fn errors_point_at_the_field() {
    let e = error(
        r#"Scatter(at: (400, 300), size: (400, 400), points: [(x: 0, y: 0, name: "rei")], vectors: [(from: "rei", to: "rainha")])"#,
    );
    assert!(
        e.to_string()
            .contains("vector 0: no point named \"rainha\" (named points: rei)"),
        "{e}"
    );
    let at = e.location.unwrap();
    assert_eq!((at.line, at.col), (6, 108), "{e}");

    let e = error(r#"Scatter(at: (400, 300), size: (400, 400), points: [])"#);
    assert!(e.to_string().contains("at least one point"), "{e}");
    let e = error(
        r#"Scatter(at: (400, 300), size: (400, 400), points: [(x: 0, y: 0, name: "a"), (x: 1, y: 0, name: "a")])"#,
    );
    assert!(e.to_string().contains("two points are named \"a\""), "{e}");
    let e = error(r#"Scatter(at: (400, 300), size: (400, 400), points: [(x: 0, y: 0, color: "rosa")])"#);
    assert!(e.to_string().contains("unknown colour \"rosa\""), "{e}");
    let e = error(
        r#"Scatter(at: (400, 300), size: (400, 400), x_range: (0, 1), y_range: (0, 1), points: [(x: 0, y: 0)],
           vectors: [(from: (0, 0), to: (2, 1))])"#,
    );
    assert!(
        e.to_string()
            .contains("vector 0: (2, 1) is outside the plot's x_range and y_range"),
        "{e}"
    );
    let e = error(
        r#"Scatter(at: (400, 300), size: (400, 400), points: [(x: 0, y: 0, label: "rei")], radius: 0)"#,
    );
    assert!(e.to_string().contains("radius must be a positive number"), "{e}");
    // A label leaving the frame is caught at load.
    let e = error(
        r#"Scatter(at: (400, 300), size: (800, 400), x_range: (0, 1), y_range: (0, 1), points: [(x: 1, y: 0.5, label: "longe demais")])"#,
    );
    assert!(e.to_string().contains("outside the 800x600 frame"), "{e}");
}

#[test]
fn too_many_points_is_an_error_before_any_layout() {
    let max = anim::scene::limits::MAX_SCATTER_POINTS;
    let points: Vec<String> = (0..=max).map(|i| format!("(x: {i}, y: 0)")).collect();
    let e = error(&format!(
        "Scatter(at: (400, 300), size: (400, 400), points: [{}])",
        points.join(", ")
    ));
    assert!(
        e.to_string()
            .contains(&format!("at most {max} points, got {}", max + 1)),
        "{e}"
    );
}
