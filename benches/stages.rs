//! Per-stage benchmarks fed by the real scene files: `cargo bench --bench stages`.
//!
//! Groups: `evaluate/<scene>`, `tessellate/<scene>`, `render_frame/<scene>@<aa>` (coverage, msaa)
//! (GPU render + readback at the scene's size, 1080p), `encode/{push_rgba,push_yuv420p}`.
//! Each group is short (10 samples, ~2 s) so the whole run takes a few minutes on 2 cores.
//! End-to-end ratios against the x264 floor are in `benches/ratio.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use anim::eval::evaluate;
use anim::gpu::{BackendChoice, DrawRequest, GpuContext, Readback, RenderOptions, Renderer};
use anim::scene::{Loader, Scene};
use anim::tess::{tessellate, Antialias};
use anim::video::{VideoEncoder, VideoSettings};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every scene in scenes/, loaded.
fn scenes() -> Vec<Scene> {
    let loader = Loader::new(&root()).unwrap();
    let project = anim::project::Project { root: root() };
    let files = project.scenes().unwrap();
    files.iter().map(|f| loader.load(f).unwrap()).collect()
}

/// The benchmark scene of benches/README.md.
fn loop_scene() -> Scene {
    scenes()
        .into_iter()
        .find(|s| s.name.contains("loop"))
        .expect("scenes/03-loop-treinamento.ron")
}

fn quick<M: criterion::measurement::Measurement>(g: &mut BenchmarkGroup<'_, M>) {
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(300));
    g.measurement_time(Duration::from_secs(2));
}

fn evaluate_group(c: &mut Criterion) {
    let mut g = c.benchmark_group("evaluate");
    quick(&mut g);
    for s in scenes() {
        let t = s.duration * 0.5;
        g.bench_function(&s.name, |b| b.iter(|| evaluate(&s, t)));
    }
    g.finish();
}

fn tessellate_group(c: &mut Criterion) {
    let mut g = c.benchmark_group("tessellate");
    quick(&mut g);
    for s in scenes() {
        let snap = evaluate(&s, s.duration * 0.5);
        g.bench_function(&s.name, |b| {
            b.iter(|| tessellate(&snap, 1.0, Antialias::Coverage).unwrap())
        });
    }
    g.finish();
}

fn render_frame_group(c: &mut Criterion) {
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    eprintln!("adapter: {}", ctx.describe());
    let s = loop_scene();
    let snap = evaluate(&s, s.duration * 0.5);
    let mut g = c.benchmark_group("render_frame");
    quick(&mut g);
    for antialias in [Antialias::Coverage, Antialias::Msaa4] {
        let mesh = tessellate(&snap, 1.0, antialias).unwrap();
        let mut r = Renderer::new(&ctx, RenderOptions { antialias });
        g.bench_function(format!("{}@{}", s.name, antialias.name()), |b| {
            b.iter(|| {
                let req = DrawRequest {
                    mesh: &mesh,
                    viewport: [s.width as f32, s.height as f32],
                    background: snap.background,
                    size: (s.width, s.height),
                    redraw: None,
                };
                r.draw(&ctx, &req, Readback::Rgba).unwrap()
            })
        });
    }
    g.finish();
}

fn encode_group(c: &mut Criterion) {
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let s = loop_scene();
    let (w, h) = (s.width, s.height);
    // Two different frames, alternated, so x264 sees motion rather than a static picture.
    let frames: Vec<Vec<u8>> = [0.3, 0.6]
        .iter()
        .map(|f| {
            let snap = evaluate(&s, s.duration * f);
            let mut r = Renderer::new(&ctx, RenderOptions::default());
            anim::render::draw(&ctx, &mut r, &snap, w, h).unwrap().data
        })
        .collect();
    let yuv: Vec<_> = frames.iter().map(|f| rgba_to_yuv420p(f, w, h)).collect();
    let dir = std::env::temp_dir().join(format!("anim-bench-encode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let settings = VideoSettings {
        width: w,
        height: h,
        fps: s.fps,
        crf: 18,
        preset: "veryfast".into(),
        comment: None,
    };
    let mut g = c.benchmark_group("encode");
    quick(&mut g);
    g.measurement_time(Duration::from_secs(4));
    let mut enc = VideoEncoder::create(&dir.join("rgba.mp4"), &settings).unwrap();
    let mut i = 0;
    g.bench_function("push_rgba", |b| {
        b.iter(|| {
            i += 1;
            enc.push_rgba(&frames[i % 2]).unwrap()
        })
    });
    let mut enc2 = VideoEncoder::create(&dir.join("yuv.mp4"), &settings).unwrap();
    g.bench_function("push_yuv420p", |b| {
        b.iter(|| {
            i += 1;
            let (y, u, v) = &yuv[i % 2];
            enc2.push_yuv420p(y, u, v).unwrap()
        })
    });
    g.finish();
    drop((enc, enc2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Plain BT.709 limited-range conversion, only to feed `push_yuv420p` realistic planes.
fn rgba_to_yuv420p(rgba: &[u8], w: u32, h: u32) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (w, h) = (w as usize, h as usize);
    let px = |x: usize, y: usize| {
        let i = (y * w + x) * 4;
        [rgba[i] as f32, rgba[i + 1] as f32, rgba[i + 2] as f32]
    };
    let mut y_plane = vec![0u8; w * h];
    let mut u_plane = vec![0u8; w / 2 * h / 2];
    let mut v_plane = vec![0u8; w / 2 * h / 2];
    for y in 0..h {
        for x in 0..w {
            let [r, g, b] = px(x, y);
            y_plane[y * w + x] =
                (16.0 + (0.2126 * r + 0.7152 * g + 0.0722 * b) * 219.0 / 255.0).round() as u8;
        }
    }
    for y in 0..h / 2 {
        for x in 0..w / 2 {
            let mut s = [0.0f32; 3];
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let p = px(2 * x + dx, 2 * y + dy);
                (0..3).for_each(|c| s[c] += p[c] / 4.0);
            }
            let [r, g, b] = s;
            let u = (b - (0.2126 * r + 0.7152 * g + 0.0722 * b)) / 1.8556;
            let v = (r - (0.2126 * r + 0.7152 * g + 0.0722 * b)) / 1.5748;
            u_plane[y * w / 2 + x] = (128.0 + u * 224.0 / 255.0).round() as u8;
            v_plane[y * w / 2 + x] = (128.0 + v * 224.0 / 255.0).round() as u8;
        }
    }
    (y_plane, u_plane, v_plane)
}

criterion_group!(
    stages,
    evaluate_group,
    tessellate_group,
    render_frame_group,
    encode_group
);
criterion_main!(stages);
