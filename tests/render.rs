//! GPU reference tests of the render core: fills, strokes, arrows,
//! transparency and anti-aliased edges, rendered on whatever adapter
//! `GpuContext` picks (lavapipe in CI).
#![allow(clippy::unwrap_used)]

mod common;

use anim::color::Color;
use anim::geom::{PathData, Rect};
use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
use anim::image::RgbaImage;
use anim::snapshot::{DrawItem, LineCap, Paint, Snapshot};
use anim::tess::tessellate;
use common::{check_reference, DEFAULT_TOLERANCE};
use glam::Vec2;

fn hex(s: &str) -> Color {
    Color::from_hex(s).unwrap()
}

fn render(s: &Snapshot, scale: f32, samples: u32) -> RgbaImage {
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions { samples });
    let mesh = tessellate(s, scale).unwrap();
    let (w, h) = ((s.width as f32 * scale) as u32, (s.height as f32 * scale) as u32);
    let mut img = r
        .render(&ctx, &mesh, [s.width as f32, s.height as f32], s.background, w, h)
        .unwrap();
    if s.background.a < 1.0 {
        img.unpremultiply();
    }
    img
}

fn rect(x: f32, y: f32, w: f32, h: f32) -> Rect {
    Rect {
        min: Vec2::new(x, y),
        max: Vec2::new(x + w, y + h),
    }
}

#[test]
fn fills_have_exact_colours_inside() {
    let mut s = Snapshot::new(200, 120, hex("#f6f8fa"));
    s.fill(
        PathData::rounded_rect(rect(10.0, 10.0, 80.0, 60.0), 12.0),
        hex("#1f6feb"),
    );
    s.fill(
        PathData::ellipse(Vec2::new(150.0, 60.0), Vec2::new(40.0, 30.0)),
        hex("#f0883e"),
    );
    s.fill(
        PathData::parse_svg("M 20 110 L 60 80 L 100 110 Z").unwrap(),
        hex("#2da44e"),
    );
    let img = render(&s, 1.0, 4);
    assert_eq!((img.width, img.height), (200, 120));
    assert_eq!(img.pixel(50, 40), [0x1f, 0x6f, 0xeb, 255]);
    assert_eq!(img.pixel(150, 60), [0xf0, 0x88, 0x3e, 255]);
    assert_eq!(img.pixel(2, 2), [0xf6, 0xf8, 0xfa, 255]);
    check_reference("fills", &img, DEFAULT_TOLERANCE);
}

#[test]
fn strokes_and_arrows() {
    let mut s = Snapshot::new(220, 120, Color::WHITE);
    s.stroke(
        PathData::rounded_rect(rect(10.0, 10.0, 90.0, 50.0), 10.0),
        hex("#24292f"),
        3.0,
    );
    s.stroke(
        PathData::parse_svg("M 120 100 C 140 20, 180 20, 200 100").unwrap(),
        hex("#cf222e"),
        4.0,
    );
    // An arrow: shaft and a filled head.
    let (a, b) = (Vec2::new(20.0, 95.0), Vec2::new(100.0, 95.0));
    s.items.push(DrawItem {
        path: PathData::polyline(&[a, b - Vec2::new(10.0, 0.0)], false),
        paint: Paint::Stroke {
            color: hex("#1f6feb"),
            width: 3.0,
            cap: LineCap::Butt,
        },
    });
    s.fill(PathData::arrow_head(b, b - a, 14.0, 12.0), hex("#1f6feb"));
    let img = render(&s, 1.0, 4);
    assert_eq!(img.pixel(60, 95), [0x1f, 0x6f, 0xeb, 255]);
    // Inside the stroked box is still background.
    assert_eq!(img.pixel(55, 35), [255, 255, 255, 255]);
    check_reference("strokes_arrows", &img, DEFAULT_TOLERANCE);
}

#[test]
fn transparency_blends_and_transparent_background_keeps_alpha() {
    let mut s = Snapshot::new(120, 80, Color::TRANSPARENT);
    s.fill(
        PathData::rounded_rect(rect(10.0, 10.0, 60.0, 60.0), 0.0),
        hex("#1f6feb"),
    );
    s.fill(
        PathData::rounded_rect(rect(40.0, 20.0, 70.0, 40.0), 0.0),
        hex("#f0883e80"),
    );
    let img = render(&s, 1.0, 4);
    assert_eq!(img.pixel(5, 5)[3], 0, "background stays transparent");
    assert_eq!(img.pixel(20, 40), [0x1f, 0x6f, 0xeb, 255]);
    // Half-transparent orange alone: straight colour restored, alpha 128.
    let p = img.pixel(100, 40);
    assert!(
        (p[3] as i32 - 128).abs() <= 1 && (p[0] as i32 - 0xf0).abs() <= 2,
        "{p:?}"
    );
    // Over the blue, blended in linear light (≈ #b07d9a, not the sRGB-space average).
    let q = img.pixel(55, 40);
    assert_eq!(q[3], 255);
    assert!(
        (q[0] as i32 - 0xb5).abs() <= 6 && (q[2] as i32 - 0xb3).abs() <= 8,
        "{q:?}"
    );
    check_reference("transparency", &img, DEFAULT_TOLERANCE);
}

/// Anti-aliasing: the coverage across a slanted edge must take intermediate
/// values, and 4× MSAA must stay close to a 4×-supersampled reference.
#[test]
fn edges_are_antialiased() {
    let mut s = Snapshot::new(64, 64, Color::WHITE);
    s.fill(
        PathData::parse_svg("M 4 60 L 30 4 L 60 56 Z").unwrap(),
        Color::BLACK,
    );
    let img = render(&s, 1.0, 4);
    let greys = img
        .data
        .chunks_exact(4)
        .filter(|p| p[0] > 20 && p[0] < 235)
        .count();
    assert!(
        greys > 60,
        "only {greys} intermediate pixels: edges are not anti-aliased"
    );
    let aliased = render(&s, 1.0, 1);
    let aliased_greys = aliased
        .data
        .chunks_exact(4)
        .filter(|p| p[0] > 20 && p[0] < 235)
        .count();
    assert_eq!(aliased_greys, 0);

    // 4×4 supersampled reference, box-filtered in linear light. The metric is
    // coverage error in linear light over the edge pixels (those the reference
    // does not see as fully inside or outside): 4 samples quantise coverage
    // to quarters, so a single pixel can be off by up to ~3/8 at a steep edge,
    // but on average over the edge the error must stay small.
    let big = render(&s, 4.0, 1);
    let (mut worst, mut sum, mut n) = (0.0f32, 0.0f32, 0);
    for y in 0..64 {
        for x in 0..64 {
            let mut acc = 0.0;
            for dy in 0..4 {
                for dx in 0..4 {
                    acc += anim::color::srgb_to_linear(big.pixel(x * 4 + dx, y * 4 + dy)[0] as f32 / 255.0);
                }
            }
            let ss = acc / 16.0;
            if ss > 0.01 && ss < 0.99 {
                let ms = anim::color::srgb_to_linear(img.pixel(x, y)[0] as f32 / 255.0);
                worst = worst.max((ss - ms).abs());
                sum += (ss - ms).abs();
                n += 1;
            }
        }
    }
    let mean = sum / n as f32;
    eprintln!("MSAA vs 16x supersampling over {n} edge pixels: mean {mean:.4}, max {worst:.4}");
    // Measured on lavapipe: mean 0.078, max 0.253 (168 edge pixels).
    assert!(mean < 0.1, "mean coverage error {mean} over the edge");
    assert!(worst < 0.4, "a pixel deviates {worst} in coverage");
    check_reference("antialiased_edge", &img, DEFAULT_TOLERANCE);
}

#[test]
fn readback_handles_row_padding_and_scale() {
    // 1000 px wide: 4000 bytes per row is not a multiple of 256.
    let mut s = Snapshot::new(500, 30, Color::BLACK);
    s.fill(
        PathData::rounded_rect(rect(490.0, 0.0, 10.0, 30.0), 0.0),
        Color::WHITE,
    );
    let img = render(&s, 2.0, 4);
    assert_eq!((img.width, img.height), (1000, 60));
    for y in [0, 30, 59] {
        assert_eq!(img.pixel(999, y), [255, 255, 255, 255]);
        assert_eq!(img.pixel(970, y), [0, 0, 0, 255]);
    }
}
