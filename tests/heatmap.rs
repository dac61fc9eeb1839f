//! The Heatmap element: cell geometry, softmax rows with a mask, numbers
//! and their contrast, `Reveal` by rows and by cells, errors at the field,
//! and one reference image (a causal attention map).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use anim::eval::evaluate;
use anim::scene::model::Kind;
use anim::scene::widgets::heatmap::{contrast, Heatmap};
use anim::scene::{Loader, Scene, SceneError};
use anim::snapshot::Paint;
use glam::Vec2;

fn load(elements: &str, timeline: &str) -> Result<Scene, SceneError> {
    let src = format!(
        "(\n size: (800, 600),\n fps: 10,\n duration: 2.0,\n elements: [\n{elements}\n ],\n timeline: [\n{timeline}\n ],\n)"
    );
    Loader::new(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .parse(Path::new("heatmap.ron"), &src)
}

fn heatmap<'a>(s: &'a Scene, name: &str) -> &'a Heatmap {
    match &s.elements[s.by_name[name]].kind {
        Kind::Heatmap(h) => h,
        k => panic!("{k:?}"),
    }
}

fn close(a: Vec2, b: Vec2) -> bool {
    (a - b).length() < 1e-3
}

#[test]
fn cells_are_laid_out_around_at_with_labels_outside() {
    let s = load(
        r#"Heatmap(name: "h", at: (400, 300), values: [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]],
                   rows: ["a", "b", "c"], columns: ["w", "x", "y", "z"], legend: true)"#,
        "",
    )
    .unwrap();
    let el = &s.elements[s.by_name["h"]];
    let h = heatmap(&s, "h");
    assert_eq!((h.n_rows, h.n_cols), (3, 4));
    // 56 px cells, 3 px apart, the grid centred on `at`.
    assert!(close(
        h.grid.size(),
        Vec2::new(4.0 * 56.0 + 9.0, 3.0 * 56.0 + 6.0)
    ));
    assert!(close(h.grid.center(), Vec2::new(400.0, 300.0)));
    assert_eq!(el.origin, Vec2::new(400.0, 300.0));
    for c in &h.cells {
        let want = Vec2::new(
            400.0 + (c.col as f32 - 1.5) * 59.0,
            300.0 + (c.row as f32 - 1.0) * 59.0,
        );
        assert!(close(c.rect.center(), want), "{c:?}");
        assert!(close(c.rect.size(), Vec2::splat(56.0)));
    }
    // Row labels end 12 px left of the grid, centred on their row; column labels sit above it.
    for (i, l) in h.row_labels.iter().enumerate() {
        assert!(
            (l.bounds.max.x - (h.grid.min.x - 12.0)).abs() < 2.0,
            "{:?}",
            l.bounds
        );
        let row = h.cells[i * 4].rect;
        assert!(
            l.bounds.min.y >= row.min.y && l.bounds.max.y <= row.max.y,
            "{:?}",
            l.bounds
        );
    }
    for (j, l) in h.col_labels.iter().enumerate() {
        assert!((l.bounds.center().x - h.cells[j].rect.center().x).abs() < 1.0);
        assert!(
            (l.bounds.max.y - (h.grid.min.y - 12.0)).abs() < 1e-3,
            "{:?}",
            l.bounds
        );
    }
    // Data range 1..12: the lowest cell is the scale's start, the highest its end.
    let rgb = |c: anim::color::Color| c.to_rgba8();
    assert_eq!(rgb(h.cells[0].fill), rgb(s.theme.palette.surface));
    assert_eq!(rgb(h.cells[11].fill), rgb(s.theme.palette.primary));
    // The bounds hold the labels and the legend with its labels.
    let legend = h.legend.as_ref().unwrap();
    assert!(legend.rect.min.x >= h.grid.max.x + 20.0);
    assert_eq!(legend.labels.len(), 2);
    let b = el.bounds;
    for t in h.row_labels.iter().chain(&h.col_labels).chain(&legend.labels) {
        let r = t.bounds;
        assert!(b.min.x <= r.min.x && b.min.y <= r.min.y && r.max.x <= b.max.x && r.max.y <= b.max.y);
    }
}

#[test]
fn logits_are_softmaxed_per_row_without_the_masked_cells() {
    // The masked logits are large: were they counted, the rows would not be.
    let s = load(
        r#"Heatmap(name: "h", at: (400, 300), mask: Causal, numbers: true,
                   logits: [[0, 9, 9], [1, 2, 9], [3, 1, 2]])"#,
        "",
    )
    .unwrap();
    let h = heatmap(&s, "h");
    for i in 0..3 {
        let row: Vec<_> = h.cells.iter().filter(|c| c.row == i).collect();
        let sum: f64 = row.iter().filter_map(|c| c.value).sum();
        assert!((sum - 1.0).abs() < 1e-12, "row {i} sums to {sum}");
        for c in row {
            // Masked above the diagonal: no value, no number, the theme's panel fill.
            assert_eq!(c.value.is_none(), c.col > c.row, "{c:?}");
            assert_eq!(c.number.is_none(), c.col > c.row, "{c:?}");
            if c.value.is_none() {
                assert_eq!(c.fill, s.theme.color("panel").unwrap());
            }
        }
    }
    assert_eq!(h.cells[0].value, Some(1.0));
    let e = 1f64.exp();
    assert!((h.cells[3].value.unwrap() - 1.0 / (1.0 + e)).abs() < 1e-12);
    // The default range of softmaxed rows is 0..1: p = 1 is the scale's end.
    assert_eq!(h.cells[0].fill.to_rgba8(), s.theme.palette.primary.to_rgba8());
    // Nine cells, three masked: six numbers, and they are text checked against the frame.
    let numbers = h.cells.iter().filter(|c| c.number.is_some()).count();
    assert_eq!(numbers, 6);
}

#[test]
fn a_mask_grid_masks_its_true_cells() {
    let s = load(
        r#"Heatmap(name: "h", at: (400, 300), values: [[1, 2], [3, 4]], mask: Cells([[false, true], [true, false]]))"#,
        "",
    )
    .unwrap();
    let masked: Vec<bool> = heatmap(&s, "h").cells.iter().map(|c| c.value.is_none()).collect();
    assert_eq!(masked, [false, true, true, false]);
}

#[test]
fn numbers_use_a_decimal_comma_and_flip_to_white_on_dark_cells() {
    let s = load(
        r#"Heatmap(name: "h", at: (400, 300), values: [[0.0, 0.25, 1.0]], numbers: true, decimals: 1,
                   percent: true, range: (0, 1))"#,
        "",
    )
    .unwrap();
    let h = heatmap(&s, "h");
    let pal = s.theme.palette;
    let n = |k: usize| h.cells[k].number.as_ref().unwrap();
    // "0,0%", "25,0%", "100,0%": one glyph per char.
    assert_eq!(n(1).chars, 5);
    assert_eq!(n(2).chars, 6);
    // On the light end of the scale the number is ink; on the dark end, white.
    assert_eq!(n(0).color, pal.ink);
    assert_eq!(n(2).color, pal.surface);
    for (k, c) in h.cells.iter().enumerate() {
        let other = if n(k).color == pal.ink {
            pal.surface
        } else {
            pal.ink
        };
        assert!(contrast(c.fill, n(k).color) >= contrast(c.fill, other), "{c:?}");
        // Centred in its cell, and inside it.
        let b = n(k).bounds;
        assert!((b.center().x - c.rect.center().x).abs() < 1.0);
        assert!(
            b.min.x > c.rect.min.x && b.max.x < c.rect.max.x,
            "{b:?} in {:?}",
            c.rect
        );
    }
}

/// The fills of whole cells in the snapshot at `t` (56 px squares).
fn cells_drawn(s: &Scene, t: f64) -> usize {
    evaluate(s, t)
        .items
        .iter()
        .filter(|i| matches!(i.paint, Paint::Fill(c) if c.a > 0.0))
        .filter_map(|i| i.path.bounds())
        .filter(|r| close(r.size(), Vec2::splat(56.0)))
        .count()
}

#[test]
fn reveal_shows_rows_then_cells() {
    let grid = "[[1, 2, 3], [4, 5, 6], [7, 8, 9], [1, 2, 3]]";
    let s = load(
        &format!(r#"Heatmap(name: "h", at: (400, 300), values: {grid})"#),
        r#"Reveal(target: "h", at: 0.0, dur: 2.0, ease: Linear),"#,
    )
    .unwrap();
    // A Reveal entrance starts empty; half-way, half of the four rows are shown.
    assert_eq!(cells_drawn(&s, 0.0), 0);
    assert_eq!(cells_drawn(&s, 1.0), 2 * 3);
    assert_eq!(cells_drawn(&s, 2.0), 12);
    let s = load(
        &format!(r#"Heatmap(name: "h", at: (400, 300), values: {grid}, reveal: Cells)"#),
        r#"Reveal(target: "h", at: 0.0, dur: 2.0, ease: Linear),"#,
    )
    .unwrap();
    assert_eq!(cells_drawn(&s, 0.5), 3);
    assert_eq!(cells_drawn(&s, 1.0), 6);
    // Without a Reveal it is whole from the start.
    let s = load(
        &format!(r#"Heatmap(name: "h", at: (400, 300), values: {grid})"#),
        "",
    )
    .unwrap();
    assert_eq!(cells_drawn(&s, 0.0), 12);
}

fn error(elements: &str) -> String {
    match load(elements, "") {
        Ok(_) => panic!("{elements} loaded"),
        Err(e) => {
            let at = e.location.as_ref().map(|l| (l.line, l.col));
            format!("{at:?} {e}")
        }
    }
}

#[test]
fn errors_point_at_the_field() {
    // The caret is on the first row that is wrong.
    let e = error(r#"Heatmap(at: (400, 300), values: [[1, 2], [3, 4], [5]])"#);
    assert!(
        e.contains("row 2 has 1 values, row 0 has 2: every row needs the same number"),
        "{e}"
    );
    assert!(e.starts_with("Some((6, 50))"), "{e}");
    let e = error(r#"Heatmap(at: (400, 300), values: [[1, 2]], columns: ["a"])"#);
    assert!(
        e.contains("1 column labels for 2 columns: give one label per column"),
        "{e}"
    );
    assert!(e.starts_with("Some((6, 52))"), "{e}");
    let e = error(r#"Heatmap(at: (400, 300), values: [[1]], logits: [[1]])"#);
    assert!(e.contains("either `values` or `logits`, not both"), "{e}");
    let e = error(r#"Heatmap(at: (400, 300), values: [])"#);
    assert!(e.contains("at least one row"), "{e}");
    let e = error(r#"Heatmap(at: (400, 300), values: [[1, 2]], range: (1, 1))"#);
    assert!(e.contains("min < max"), "{e}");
    let e = error(r#"Heatmap(at: (400, 300), logits: [[1, 2]], mask: Cells([[true, true]]))"#);
    assert!(e.contains("row 0 is masked whole"), "{e}");
    let e = error(r#"Heatmap(at: (400, 300), values: [[1, 2]], mask: Cells([[true]]))"#);
    assert!(e.contains("mask row 0 has 1 cells"), "{e}");
    let e = error(r#"Heatmap(at: (400, 300), values: [[1, 2]], columns: ["sentou", "tapete"])"#);
    assert!(e.contains("runs into the one before it"), "{e}");
    let e = error(
        r#"Heatmap(at: (400, 300), values: [[1.23456, 2]], numbers: true, decimals: 6, cell: (20, 20))"#,
    );
    assert!(e.contains("do not fit"), "{e}");
    let big = format!("[{}]", ["[1]"; 65].join(","));
    let e = error(&format!(r#"Heatmap(at: (400, 300), values: {big})"#));
    assert!(e.contains("at most 64 rows and 64 columns, got 65x1"), "{e}");
    let e = error(r#"Heatmap(at: (780, 300), values: [[1, 2]], columns: ["a", "b"])"#);
    assert!(e.contains("outside the 800x600 frame"), "{e}");
}

/// The reference: a 6×6 causal attention map, softmaxed, with numbers,
/// labels and the colour bar; and half-way through its Reveal.
#[test]
fn attention_map_reference() {
    use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let scene = Loader::new(&root)
        .unwrap()
        .load(&root.join("tests/fixtures/heatmap.ron"))
        .unwrap_or_else(|e| panic!("{e}"));
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    for (name, t) in [("heatmap_attention", 3.0), ("heatmap_attention_half", 1.0)] {
        let img = anim::render::draw(&ctx, &mut r, &evaluate(&scene, t), scene.width, scene.height).unwrap();
        common::check_reference(name, &img, common::DEFAULT_TOLERANCE);
    }
}
