//! Reference images of whole scenes: text with accents, every widget,
//! mid-animation frames, and the final frame of each chapter figure.
//! Tolerance: tests/common (DEFAULT_TOLERANCE, set on lavapipe).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use anim::eval::evaluate;
use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
use anim::image::RgbaImage;
use anim::scene::Loader;
use common::{check_reference, DEFAULT_TOLERANCE};

fn render(file: &str, times: &[f64], scale: f32) -> Vec<RgbaImage> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let scene = Loader::new(&root)
        .unwrap()
        .load(&root.join(file))
        .unwrap_or_else(|e| panic!("{e}"));
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    let (w, h) = (
        (scene.width as f32 * scale) as u32,
        (scene.height as f32 * scale) as u32,
    );
    times
        .iter()
        .map(|t| anim::render::draw(&ctx, &mut r, &evaluate(&scene, *t), w, h).unwrap())
        .collect()
}

#[test]
fn widgets_and_text() {
    let frames = render("tests/fixtures/widgets.ron", &[0.5, 1.5, 4.0], 1.0);
    check_reference("widgets_t0.5", &frames[0], DEFAULT_TOLERANCE);
    check_reference("widgets_t1.5", &frames[1], DEFAULT_TOLERANCE);
    check_reference("widgets_final", &frames[2], DEFAULT_TOLERANCE);
    // Half-way through Write, the right end of the title is still background.
    let inked = |img: &RgbaImage| {
        (600..720)
            .flat_map(|x| (25..55).map(move |y| (x, y)))
            .filter(|&(x, y)| img.pixel(x, y)[0] < 128)
            .count()
    };
    assert_eq!(inked(&frames[0]), 0);
    assert!(inked(&frames[2]) > 100);
}

#[test]
fn line_chart_grows() {
    let frames = render("tests/fixtures/chart.ron", &[1.0, 2.0], 1.0);
    check_reference("chart_half", &frames[0], DEFAULT_TOLERANCE);
    check_reference("chart_full", &frames[1], DEFAULT_TOLERANCE);
}

/// A word-embedding Scatter: labelled points and the analogy's vectors.
#[test]
fn scatter_embeddings() {
    let frames = render("tests/fixtures/scatter.ron", &[1.2, 3.0], 1.0);
    check_reference("scatter_embeddings_t1.2", &frames[0], DEFAULT_TOLERANCE);
    check_reference("scatter_embeddings", &frames[1], DEFAULT_TOLERANCE);
}

/// The final frame of each chapter figure, at a quarter of 1920×1080.
#[test]
fn chapter_figures_final_frames() {
    for name in common::chapter_scenes() {
        let file = format!("scenes/{name}.ron");
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let scene = Loader::new(&root)
            .unwrap()
            .load(&root.join(&file))
            .unwrap_or_else(|e| panic!("{e}"));
        let img = render(&file, &[scene.still], 0.25).pop().unwrap();
        assert_eq!((img.width, img.height), (480, 270));
        check_reference(&format!("figure_{name}"), &img, DEFAULT_TOLERANCE);
    }
}

#[test]
fn images_scale_rotate_fade_and_keep_paint_order() {
    let frames = render("tests/fixtures/image.ron", &[1.5], 1.0);
    let img = &frames[0];
    let icon =
        RgbaImage::load_png(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/icon.png"))
            .unwrap();
    // At native size and position (top-left 26,36), pixels match the PNG.
    for (x, y) in [(5, 5), (24, 24), (15, 30)] {
        let (a, b) = (img.pixel(26 + x, 36 + y), icon.pixel(x, y));
        assert!(
            a.iter().zip(b).all(|(p, q)| p.abs_diff(q) <= 2),
            "({x},{y}): {a:?} vs {b:?}"
        );
    }
    // The box declared after the big image covers it.
    assert_eq!(img.pixel(185, 90), [0x2f, 0x85, 0x58, 255]);
    check_reference("image_element", img, DEFAULT_TOLERANCE);
}

/// The cookbook of docs/scene-format.md (issue 17): three figures written by
/// hand in the scene format, computing their numbers, colours and positions.
/// The schedule is also checked mid-way, where its dot, the drawn part of
/// the curve and the printed value come from the animated `step`.
#[test]
fn cookbook_examples() {
    let att = render("docs/examples/atencao-causal.ron", &[9.0], 1.0);
    check_reference("cookbook_atencao-causal", &att[0], DEFAULT_TOLERANCE);
    let bpe = render("docs/examples/bpe-merges.ron", &[4.0, 13.0], 1.0);
    check_reference("cookbook_bpe-merges_t4", &bpe[0], DEFAULT_TOLERANCE);
    check_reference("cookbook_bpe-merges", &bpe[1], DEFAULT_TOLERANCE);
    let lr = render("docs/examples/lr-schedule.ron", &[6.0, 12.0], 1.0);
    check_reference("cookbook_lr-schedule_t6", &lr[0], DEFAULT_TOLERANCE);
    check_reference("cookbook_lr-schedule", &lr[1], DEFAULT_TOLERANCE);
    // The camera zoomed into the royal cluster, and the whole map again.
    let emb = render("docs/examples/embeddings.ron", &[8.3, 11.0], 1.0);
    check_reference("cookbook_embeddings_zoom", &emb[0], DEFAULT_TOLERANCE);
    check_reference("cookbook_embeddings", &emb[1], DEFAULT_TOLERANCE);
}

/// The layout example: containers, `place`, a reflowing row mid-fade and
/// the camera zoomed into the grid.
#[test]
fn layout_containers_reflow_and_camera() {
    let f = render("docs/examples/layout.ron", &[0.0, 1.5, 3.2], 1.0);
    check_reference("layout_rest", &f[0], DEFAULT_TOLERANCE);
    check_reference("layout_reflow_t1.5", &f[1], DEFAULT_TOLERANCE);
    check_reference("layout_camera_t3.2", &f[2], DEFAULT_TOLERANCE);
}
