//! LineChart additions: a series given as a function of x (`y_of_x`,
//! sampled with the expression engine), shaded x bands, and markers
//! written as structs with a label side and size. CPU only: the resolved
//! chart and the snapshot are checked (tests/figures.rs keeps the pixels of
//! the charts that use none of this unchanged).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use anim::eval::evaluate;
use anim::scene::model::Kind;
use anim::scene::widgets::line_chart::LineChart;
use anim::scene::{Loader, Scene, SceneError};
use anim::snapshot::Paint;

fn load(elements: &str, timeline: &str) -> Result<Scene, SceneError> {
    let src = format!(
        "(\n size: (800, 600),\n fps: 10,\n duration: 2.0,\n elements: [\n{elements}\n ],\n timeline: [\n{timeline}\n ],\n)"
    );
    Loader::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .parse(Path::new("chart.ron"), &src)
}

fn chart<'a>(s: &'a Scene, name: &str) -> &'a LineChart {
    let el = &s.elements[s.by_name[name]];
    let Kind::LineChart(c) = &el.kind else {
        panic!("{:?}", el.kind)
    };
    c
}

fn error(elements: &str) -> SceneError {
    match load(elements, "") {
        Ok(_) => panic!("{elements} loaded"),
        Err(e) => e,
    }
}

#[test]
fn a_function_of_x_is_sampled_over_the_x_range() {
    let s = load(
        r#"LineChart(name: "c", at: (400, 300), size: (400, 300), x_range: (0, 2),
            series: [(y_of_x: "x * x", samples: 11, label: "x²"), (y_of_x: "exp(-x)")])"#,
        "",
    )
    .unwrap();
    let c = chart(&s, "c");
    let p = &c.series[0].points;
    assert_eq!(p.len(), 11);
    assert_eq!(p[0], (0.0, 0.0));
    assert!(
        (p[5].0 - 1.0).abs() < 1e-12 && (p[5].1 - 1.0).abs() < 1e-12,
        "{:?}",
        p[5]
    );
    // Both ends of the range exactly.
    assert_eq!(p[10], (2.0, 4.0));
    assert_eq!(c.series[1].points.len(), 200);
    assert!((c.series[1].points[199].1 - (-2.0f64).exp()).abs() < 1e-12);
    // The y range comes from the samples, as from any data.
    assert_eq!(c.map.y_range, (0.0, 4.0 * 1.05));
    // The label sits at the last sample.
    assert!(c.series[0].label.as_ref().unwrap().bounds.min.x > 600.0);
}

#[test]
fn a_function_beside_data_uses_the_data_s_x_extent() {
    let s = load(
        r#"LineChart(name: "c", at: (400, 300), size: (400, 300),
            series: [(points: [(1, 3), (5, 1)]), (y_of_x: "3 - x / 2", samples: 5, dashed: true)])"#,
        "",
    )
    .unwrap();
    let c = chart(&s, "c");
    assert_eq!(c.map.x_range, (1.0, 5.0));
    assert_eq!(c.series[1].points[0], (1.0, 2.5));
    assert_eq!(c.series[1].points[4], (5.0, 0.5));
    assert!(c.series[1].dashed);
}

#[test]
fn a_failing_function_names_the_x_and_points_into_the_expression() {
    let e = error(
        r#"LineChart(at: (400, 300), size: (400, 300), x_range: (0, 2), series: [(y_of_x: "1 / (x - 1)", samples: 3)])"#,
    );
    let msg = e.to_string();
    assert!(msg.contains("series 0: y_of_x fails at x = 1: "), "{msg}");
    let at = e.location.unwrap();
    // Line 6; the expression's text is at columns 83..94.
    assert_eq!(at.line, 6, "{msg}");
    assert!((83..94).contains(&at.col), "{msg}");

    let e =
        error(r#"LineChart(at: (400, 300), size: (400, 300), x_range: (0, 2), series: [(y_of_x: "x * y")])"#);
    assert!(e.to_string().contains("unknown name `y`"), "{e}");
    assert_eq!(e.location.unwrap().col, 85, "{e}");

    let e = error(
        r#"LineChart(at: (400, 300), size: (400, 300), x_range: (-1, 1), series: [(y_of_x: "sqrt(x)")])"#,
    );
    assert!(e.to_string().contains("fails at x = -1"), "{e}");

    let e = error(r#"LineChart(at: (400, 300), size: (400, 300), series: [(y_of_x: "x")])"#);
    assert!(e.to_string().contains("give `x_range`"), "{e}");
    let e = error(
        r#"LineChart(at: (400, 300), size: (400, 300), x_range: (0, 1), series: [(y_of_x: "x", samples: 1)])"#,
    );
    assert!(e.to_string().contains("samples must be 2..=10000, got 1"), "{e}");
    let e = error(
        r#"LineChart(at: (400, 300), size: (400, 300), series: [(points: [(0, 0), (1, 1)], samples: 10)])"#,
    );
    assert!(
        e.to_string().contains("`samples` is for a `y_of_x` series"),
        "{e}"
    );
    let e = error(
        r#"LineChart(at: (400, 300), size: (400, 300), x_range: (0, 1), series: [(points: [(0, 0), (1, 1)], y_of_x: "x")])"#,
    );
    assert!(
        e.to_string().contains("give one of `points`, `csv` or `y_of_x`"),
        "{e}"
    );
}

#[test]
fn a_band_shades_its_x_range_behind_everything_and_grows_with_the_line() {
    let s = load(
        r#"LineChart(name: "c", at: (400, 300), size: (400, 300), x_range: (0, 10), y_range: (0, 1), y_ticks: [0.5],
            series: [(points: [(0, 0), (10, 1)])],
            band: [(from: 0, to: 2, label: "aquecimento"), (from: 6, to: 8, color: "good_soft", label: "pico")],
            progress: 0.5)"#,
        "",
    )
    .unwrap();
    let c = chart(&s, "c");
    assert_eq!(c.bands.len(), 2);
    assert_eq!(c.bands[0].color, s.theme.color("accent_soft").unwrap());
    // Inside the plot under its top edge; wider than its band (80 px), it
    // starts 6 px inside the band's left edge.
    let l = c.bands[0].label.as_ref().unwrap().bounds;
    assert!(
        (l.min.x - 206.0).abs() < 2.0 && l.min.y > 150.0 && l.max.y < 200.0,
        "{l:?}"
    );
    // One that fits is centred on its band.
    let l = c.bands[1].label.as_ref().unwrap().bounds;
    assert!((l.center().x - 480.0).abs() < 1.0, "{l:?}");
    let snap = evaluate(&s, 0.0);
    // Painted first: the first band whole; the second not reached at progress 0.5.
    let good_soft = s.theme.color("good_soft").unwrap();
    let Paint::Fill(fill) = &snap.items[0].paint else {
        panic!("{:?}", snap.items[0].paint)
    };
    assert_eq!(*fill, s.theme.color("accent_soft").unwrap());
    let b = snap.items[0].path.bounds().unwrap();
    assert_eq!((b.min.x, b.max.x, b.min.y, b.max.y), (200.0, 280.0, 150.0, 450.0));
    assert!(!snap
        .items
        .iter()
        .any(|i| matches!(i.paint, Paint::Fill(f) if f == good_soft)));

    let e = error(
        r#"LineChart(at: (400, 300), size: (400, 300), x_range: (0, 10), series: [(points: [(0, 0), (10, 1)])],
            band: [(from: 8, to: 12)])"#,
    );
    assert!(
        e.to_string()
            .contains("band 0 (8, 12) is not within x_range (0, 10)"),
        "{e}"
    );
    assert_eq!(e.location.unwrap().line, 7, "{e}");
    let e = error(
        r#"LineChart(at: (400, 300), size: (400, 300), series: [(points: [(0, 0), (10, 1)])], band: [(from: 3, to: 3)])"#,
    );
    assert!(e.to_string().contains("`to` must be more than `from`"), "{e}");
}

#[test]
fn markers_are_pairs_or_structs_with_a_side_and_size() {
    let s = load(
        r#"LineChart(name: "c", at: (400, 300), size: (400, 300), series: [(points: [(0, 0), (10, 1)])],
            markers: [(2, "época 2"), (x: 5, label: "época 3", side: Below), (x: 8, label: "4", size: 26)])"#,
        "",
    )
    .unwrap();
    let c = chart(&s, "c");
    let top = 150.0;
    let m = &c.markers;
    // The pair: over the top edge, its line starting 14 px under it.
    assert!(
        m[0].label.bounds.max.y <= top + 1.0 && m[0].line_top == top + 14.0,
        "{:?}",
        m[0].label.bounds
    );
    // Below: under the top edge, the line starting under the label.
    assert!(m[1].label.bounds.min.y > top && m[1].line_top > m[1].label.bounds.max.y);
    assert!(m[2].label.bounds.size().y > m[0].label.bounds.size().y);

    let e = error(
        r#"LineChart(at: (400, 300), size: (400, 300), series: [(points: [(0, 0), (10, 1)])], markers: [(x: 5, text: "a")])"#,
    );
    assert!(e.to_string().contains("text"), "{e}");
    let e = error(
        r#"LineChart(at: (400, 300), size: (400, 300), series: [(points: [(0, 0), (10, 1)])], markers: [(x: 5, label: "a", side: Left)])"#,
    );
    assert!(e.to_string().contains("Left"), "{e}");
}
