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
use anim::tess::Antialias;
use common::{check_reference, DEFAULT_TOLERANCE};
use glam::Vec2;

fn hex(s: &str) -> Color {
    Color::from_hex(s).unwrap()
}

fn render(s: &Snapshot, scale: f32, antialias: Antialias) -> RgbaImage {
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions { antialias });
    let (w, h) = ((s.width as f32 * scale) as u32, (s.height as f32 * scale) as u32);
    // The PNG path's own draw (whole frame, un-premultiplied when not opaque).
    anim::render::draw(&ctx, &mut r, s, w, h).unwrap()
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
    let img = render(&s, 1.0, Antialias::Coverage);
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
        path: PathData::polyline(&[a, b - Vec2::new(10.0, 0.0)], false).into(),
        paint: Paint::Stroke {
            color: hex("#1f6feb"),
            width: 3.0,
            cap: LineCap::Butt,
        },
        text: None,
    });
    s.fill(PathData::arrow_head(b, b - a, 14.0, 12.0), hex("#1f6feb"));
    let img = render(&s, 1.0, Antialias::Coverage);
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
    let img = render(&s, 1.0, Antialias::Coverage);
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

/// A scene with every kind of edge: a fill with a sharp vertex, a circle,
/// a wide stroke with butt ends on a diagonal, a round-capped curve, a
/// stroke thinner than a pixel and a polyline with a right-angle join (a
/// chart's axes). Black on white, so coverage is one channel.
fn edge_scene() -> Snapshot {
    let mut s = Snapshot::new(128, 96, Color::WHITE);
    s.fill(
        PathData::parse_svg("M 4 60 L 30 4 L 60 56 Z").unwrap(),
        Color::BLACK,
    );
    s.fill(
        PathData::ellipse(Vec2::new(74.0, 22.0), Vec2::new(15.3, 15.3)),
        Color::BLACK,
    );
    let stroke = |s: &mut Snapshot, d: &str, width: f32, cap: LineCap| {
        s.items.push(DrawItem {
            path: PathData::parse_svg(d).unwrap().into(),
            paint: Paint::Stroke {
                color: Color::BLACK,
                width,
                cap,
            },
            text: None,
        });
    };
    stroke(&mut s, "M 8 90 L 44 68.5", 3.0, LineCap::Butt);
    stroke(&mut s, "M 52 90 C 60 60 80 90 90 62", 5.0, LineCap::Round);
    stroke(&mut s, "M 66 44 L 92 52", 0.6, LineCap::Butt);
    stroke(&mut s, "M 100.3 8 L 100.3 60.6 L 124 60.6", 2.0, LineCap::Round);
    s
}

/// Coverage (linear light, channel 0) of `img` and of a render four times
/// larger box-filtered 4×4, compared over the edge pixels — those the
/// reference sees neither fully inside nor fully outside. Returns (mean, max,
/// count, where the max is).
fn coverage_error(img: &RgbaImage, big: &RgbaImage) -> (f32, f32, usize, (u32, u32)) {
    let (mut worst, mut sum, mut n, mut at) = (0.0f32, 0.0f32, 0, (0, 0));
    let lin = |v: u8| 1.0 - anim::color::srgb_to_linear(v as f32 / 255.0);
    for y in 0..img.height {
        for x in 0..img.width {
            let mut acc = 0.0;
            for dy in 0..4 {
                for dx in 0..4 {
                    acc += lin(big.pixel(x * 4 + dx, y * 4 + dy)[0]);
                }
            }
            let ss = acc / 16.0;
            if ss > 0.01 && ss < 0.99 {
                let e = (ss - lin(img.pixel(x, y)[0])).abs();
                if e > worst {
                    (worst, at) = (e, (x, y));
                }
                sum += e;
                n += 1;
            }
        }
    }
    (sum / n as f32, worst, n, at)
}

/// Anti-aliasing: edges take intermediate values, and both the default
/// coverage method and 4× MSAA stay close to a 4×4-supersampled render
/// (16 samples per pixel, box filter, linear light). Metric: absolute coverage
/// error over the edge pixels, mean and worst pixel.
#[test]
fn edges_are_antialiased() {
    let s = edge_scene();
    // Pixels between the black shapes and the white background.
    let greys = |img: &RgbaImage| {
        img.data
            .chunks_exact(4)
            .filter(|p| p[0] > 20 && p[0] < 235)
            .count()
    };
    let aliased = render(&s, 1.0, Antialias::Off);
    assert_eq!(greys(&aliased), 0, "--aa off must give hard edges");

    let big = render(&s, 4.0, Antialias::Off);
    let coverage = render(&s, 1.0, Antialias::Coverage);
    let msaa = render(&s, 1.0, Antialias::Msaa4);
    let greys = greys(&coverage);
    assert!(
        greys > 200,
        "only {greys} intermediate pixels: edges are not anti-aliased"
    );
    let (c_mean, c_max, n, c_at) = coverage_error(&coverage, &big);
    let (m_mean, m_max, _, m_at) = coverage_error(&msaa, &big);
    eprintln!("vs 16x supersampling over {n} edge pixels: coverage mean {c_mean:.4} max {c_max:.4} at {c_at:?}; 4x MSAA mean {m_mean:.4} max {m_max:.4} at {m_at:?}");
    // 4 samples quantise coverage to quarters, so one MSAA pixel can be off by
    // up to ~3/8 at a steep edge. The coverage method is a box filter of the
    // distance to the edge: exact on straight edges far from corners.
    assert!(m_mean < 0.1 && m_max < 0.4, "MSAA: mean {m_mean}, max {m_max}");
    // Measured on lavapipe (678 edge pixels): coverage mean 0.042, max 0.222
    // (the inner corner of the right-angle join, where the union of two
    // segments covers more than the distance to the nearer one says);
    // 4x MSAA mean 0.063, max 0.253.
    assert!(
        c_mean < 0.05 && c_max < 0.25,
        "coverage: mean {c_mean}, max {c_max}"
    );
    assert!(
        c_mean <= m_mean,
        "coverage AA ({c_mean}) is worse than 4x MSAA ({m_mean}) on average"
    );
    check_reference("antialiased_edge", &coverage, DEFAULT_TOLERANCE);
}

#[test]
fn readback_handles_row_padding_and_scale() {
    // 1000 px wide: 4000 bytes per row is not a multiple of 256.
    let mut s = Snapshot::new(500, 30, Color::BLACK);
    s.fill(
        PathData::rounded_rect(rect(490.0, 0.0, 10.0, 30.0), 0.0),
        Color::WHITE,
    );
    let img = render(&s, 2.0, Antialias::Coverage);
    assert_eq!((img.width, img.height), (1000, 60));
    for y in [0, 30, 59] {
        assert_eq!(img.pixel(999, y), [255, 255, 255, 255]);
        assert_eq!(img.pixel(970, y), [0, 0, 0, 255]);
    }
}

/// Frames after the first redraw only the rectangles that changed
/// (src/damage.rs) and hand over the 2×2-aligned box around them, patched
/// here into a copy of the previous frame: every frame must equal a full
/// render of the same instant. Frames of the loop scene at half size where a
/// step counter, arrows and a curve move (partial) and where everything is
/// static (reused). The video path's YUV planes, updated only inside each
/// frame's changed rectangle as the encoder thread does, must equal a
/// conversion of the whole frame.
#[test]
fn partial_redraws_equal_full_renders() {
    use anim::damage::PixelBox;
    use anim::render::{draw, render_frames, Frame, FrameRange, FrameRun, Frames};
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    let root = common::root();
    let loader = anim::scene::Loader::new(&root).unwrap();
    let scene = loader.load(&root.join("scenes/03-loop-treinamento.ron")).unwrap();
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let (w, h) = (scene.width / 2, scene.height / 2);
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    let mut frames = Vec::new();
    let stop = Arc::new(AtomicUsize::new(0));
    let range = (scene.fps as u64 * 9, scene.fps as u64 * 9 + 40);
    let whole = PixelBox::whole(w, h);
    let mut planes = anim::yuv::black(w, h);
    let mut patches = 0;
    let mut current: Option<anim::image::RgbaImage> = None;
    let mut incremental = Frames::new(&mut r);
    let run = FrameRun {
        scene: &scene,
        size: (w, h),
        range: FrameRange::of(&scene, range),
        stop: &stop,
        yuv: false,
    };
    render_frames(&ctx, &mut incremental, run, |i, f| {
        // What the encoder thread does with each frame, and a whole copy patched the same way.
        match f {
            Frame::Rgba(img) => {
                assert!(anim::yuv::write_region(&mut planes, whole, &img.data));
                current = Some(img);
            }
            Frame::Patch(b, img) => {
                patches += 1;
                assert_eq!(
                    anim::yuv::align_to_chroma(b, w, h),
                    b,
                    "frame {i}: patch not 2x2-aligned"
                );
                assert!(b != whole && (img.width, img.height) == (b.width, b.height));
                assert!(anim::yuv::write_region(&mut planes, b, &img.data));
                current
                    .as_mut()
                    .expect("a patch before a whole frame")
                    .blit(&img, b.x, b.y);
            }
            Frame::Same => assert!(current.is_some(), "frame {i}: same as no frame"),
            Frame::Yuv420p(_) => panic!("RGBA asked for"),
        }
        let img = current.as_ref().unwrap();
        let mut expected = anim::yuv::black(w, h);
        assert!(anim::yuv::write_region(&mut expected, whole, &img.data));
        assert!(
            planes == expected,
            "frame {i}: patched YUV planes differ from a full conversion"
        );
        frames.push((i, img.clone()));
        Ok(())
    })
    .unwrap();
    assert!(patches > 10, "only {patches} patched frames");
    // The unchanged first items were drawn once into the underlay and copied under the rectangles.
    assert!(incremental.underlay_len() > 0, "the underlay was not used");
    drop(incremental);
    // The range must exercise partial redraws.
    let snap_at = |i: u64| anim::eval::evaluate(&scene, i as f64 / scene.fps as f64);
    let boxes: Vec<usize> = (range.0..range.1 - 1)
        .filter_map(
            |i| match anim::damage::damage(&snap_at(i), &snap_at(i + 1), 0.5) {
                anim::damage::Damage::Region(b) => Some(b.len()),
                _ => None,
            },
        )
        .collect();
    assert!(boxes.len() > 10, "only {} partial frames", boxes.len());
    let several = boxes.iter().filter(|&&n| n > 1).count();
    assert!(several > 5, "only {several} frames redraw several rectangles");
    let mut full = Renderer::new(&ctx, RenderOptions::default());
    for (i, img) in &frames {
        let snap = anim::eval::evaluate(&scene, *i as f64 / scene.fps as f64);
        let expected = draw(&ctx, &mut full, &snap, w, h).unwrap();
        let worst = anim::image::compare(img, &expected, 0).unwrap().0.max;
        assert!(
            worst <= 1,
            "frame {i}: a pixel differs by {worst} from a full render"
        );
    }
}

/// wgpu reports a refused operation through the device's error handler,
/// which by default panics; anim's turns it into an error the caller returns
/// (exit 1 with a message), never a panic.
#[test]
fn gpu_validation_errors_are_errors_not_panics() {
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    assert!(ctx.check().is_ok());
    let _bad = ctx.device.create_texture(&wgpu::TextureDescriptor {
        label: Some("impossible"),
        size: wgpu::Extent3d {
            width: 0,
            height: 0,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Rgba8Unorm,
        usage: wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    });
    let err = ctx.wait().unwrap_err().to_string();
    assert!(err.contains("refused"), "{err}");
    // Reported once.
    assert!(ctx.check().is_ok());
}

/// `render::Frames` alone decides what each frame redraws: a frame that
/// shows what the target holds is not drawn (`Same`), one that changes a
/// little is patched, and after a restart (a video segment, a reload) the
/// frame comes whole again, with the same pixels as a renderer of its own.
#[test]
fn frames_skip_holds_patch_changes_and_restart_whole() {
    use anim::render::{Frame, Frames};

    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut base = Snapshot::new(200, 120, hex("#f6f8fa"));
    base.fill(
        PathData::rounded_rect(rect(10.0, 10.0, 80.0, 60.0), 12.0),
        hex("#1f6feb"),
    );
    let mut moved = base.clone();
    moved.fill(
        PathData::ellipse(Vec2::new(150.0, 60.0), Vec2::new(20.0, 15.0)),
        hex("#f0883e"),
    );
    let keys = |s: &Snapshot| s.items.iter().map(|i| i.key()).collect::<Vec<u64>>();
    let size = (200, 120);
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    let mut frames = Frames::new(&mut r);
    let first = match frames.next(&ctx, base.clone(), keys(&base), size, false).unwrap() {
        Frame::Rgba(img) => img,
        other => panic!("the first frame must come whole, got {other:?}"),
    };
    assert!(matches!(
        frames.next(&ctx, base.clone(), keys(&base), size, false).unwrap(),
        Frame::Same
    ));
    match frames
        .next(&ctx, moved.clone(), keys(&moved), size, false)
        .unwrap()
    {
        Frame::Patch(b, img) => assert!(b.width < 200 && (img.width, img.height) == (b.width, b.height)),
        other => panic!("a small change must come as a patch, got {other:?}"),
    }
    frames.restart();
    match frames.next(&ctx, base.clone(), keys(&base), size, false).unwrap() {
        Frame::Rgba(img) => assert!(img.data == first.data, "a restarted frame differs from the first"),
        other => panic!("after a restart the frame must come whole, got {other:?}"),
    }
}
