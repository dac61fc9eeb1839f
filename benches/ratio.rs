//! End-to-end figures of the speed targets, measured in one run:
//! `cargo bench --bench ratio` (see benches/README.md for what each line means).
//!
//! Environment knobs (defaults in brackets): `RATIO_RUNS` [3] repetitions of
//! every timed figure; `RATIO_FRAMES` [300] frames of the end-to-end subset;
//! `RATIO_RENDER_FRAMES` [all 1440] frames of the render-only pass;
//! `RATIO_SUBSET` [300] frames of the 10×-static and 4K comparisons.
//! No figure here is asserted: timings vary with the machine and its load.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Instant;

use anim::eval::evaluate;
use anim::gpu::{BackendChoice, GpuContext, RenderOptions, Renderer};
use anim::image::RgbaImage;
use anim::render::{draw, gpu_yuv_enabled, render_frames, Frame, FrameRange, FrameRun, Frames, StopFlag};
use anim::scene::{Loader, Scene};
use anim::tess::Antialias;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// min / median / max of a sample.
fn stats(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

fn show(label: &str, v: &[f64], unit: &str) -> f64 {
    let (lo, med, hi) = stats(v.to_vec());
    println!("{label:<52} min {lo:>8.2}  median {med:>8.2}  max {hi:>8.2} {unit}");
    med
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn stop() -> StopFlag {
    Arc::new(AtomicUsize::new(0))
}

/// Seconds to render (and read back, and drop) frames `range` at `size`.
fn render_only(ctx: &GpuContext, scene: &Scene, size: (u32, u32), range: (u64, u64)) -> f64 {
    render_only_as(ctx, scene, size, range, gpu_yuv_enabled(ctx))
}

/// [`render_only`], reading back RGBA (`yuv` false) or GPU-converted yuv420p planes.
fn render_only_as(ctx: &GpuContext, scene: &Scene, size: (u32, u32), range: (u64, u64), yuv: bool) -> f64 {
    let mut r = Renderer::new(ctx, RenderOptions::default());
    // Warm-up frame: device-side pipeline compilation is not a per-frame cost.
    draw(ctx, &mut r, &evaluate(scene, 0.0), size.0, size.1).unwrap();
    let t = Instant::now();
    let run = FrameRun {
        scene,
        size,
        range: FrameRange::of(scene, range),
        stop: &stop(),
        yuv,
    };
    render_frames(ctx, &mut Frames::new(&mut r), run, |_, _| Ok(())).unwrap();
    t.elapsed().as_secs_f64()
}

/// Runs `cmd` under `/usr/bin/time -v`: (wall seconds, peak RSS in MiB).
fn timed(cmd: &mut Command) -> (f64, f64) {
    let mut full = Command::new("/usr/bin/time");
    full.arg("-v").arg(cmd.get_program()).args(cmd.get_args());
    let t = Instant::now();
    let out = full.output().expect("/usr/bin/time");
    let wall = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?} failed:\n{err}");
    let rss_kb: f64 = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(f64::NAN);
    (wall, rss_kb / 1024.0)
}

/// A temporary project holding the loop scene plus `extra` static boxes and texts that never animate.
fn static_heavy_project(root: &Path, dir: &Path, extra: usize) -> PathBuf {
    std::fs::create_dir_all(dir.join("scenes")).unwrap();
    let assets = dir.join("assets");
    if !assets.exists() {
        std::os::unix::fs::symlink(root.join("assets"), &assets).unwrap();
    }
    let src = std::fs::read_to_string(root.join("scenes/03-loop-treinamento.ron")).unwrap();
    let mut more = String::new();
    for i in 0..extra {
        // A 16×12 grid over the frame, alternating labelled boxes and plain text.
        let (x, y) = (60 + (i % 16) * 115, 40 + (i / 16 % 12) * 88);
        if i % 2 == 0 {
            more += &format!(
                "        Box(name: \"static{i}\", at: ({x}, {y}), size: (100, 40), label: \"s{i}\", label_size: 16, fill: \"primary_soft\", stroke: \"primary\"),\n"
            );
        } else {
            more += &format!("        Text(name: \"static{i}\", at: ({x}, {y}), text: \"texto {i}\", size: 16, color: \"muted\"),\n");
        }
    }
    let out = src.replacen("    elements: [\n", &format!("    elements: [\n{more}"), 1);
    assert_ne!(out, src, "could not find the elements list of the loop scene");
    let path = dir.join("scenes/03-loop-static.ron");
    std::fs::write(&path, out).unwrap();
    path
}

/// Average of each 4×4 block in linear light, re-encoded to sRGB: the reference for anti-aliasing.
fn downsample4(img: &RgbaImage) -> RgbaImage {
    let to_lin = |c: u8| {
        let c = c as f32 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let to_srgb = |l: f32| {
        let c = if l <= 0.0031308 {
            l * 12.92
        } else {
            1.055 * l.powf(1.0 / 2.4) - 0.055
        };
        (c * 255.0).round().clamp(0.0, 255.0) as u8
    };
    let lut: Vec<f32> = (0..=255u8).map(to_lin).collect();
    let (w, h) = (img.width / 4, img.height / 4);
    let mut out = RgbaImage::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let mut s = [0.0f32; 4];
            for dy in 0..4 {
                for dx in 0..4 {
                    let p = img.pixel(x * 4 + dx, y * 4 + dy);
                    (0..3).for_each(|c| s[c] += lut[p[c] as usize]);
                    s[3] += p[3] as f32 / 255.0;
                }
            }
            let i = ((y * w + x) * 4) as usize;
            (0..3).for_each(|c| out.data[i + c] = to_srgb(s[c] / 16.0));
            out.data[i + 3] = (s[3] / 16.0 * 255.0).round() as u8;
        }
    }
    out
}

/// Mean and 99th percentile of the max-channel error on pixels the reference shows as edges
/// (any channel differs from a 4-neighbour by more than 4).
fn edge_error(reference: &RgbaImage, img: &RgbaImage) -> (f64, u8, usize) {
    let (w, h) = (reference.width, reference.height);
    let mut errs = Vec::new();
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let p = reference.pixel(x, y);
            let edge = [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)]
                .iter()
                .any(|&(nx, ny)| {
                    let q = reference.pixel(nx, ny);
                    (0..3).any(|c| p[c].abs_diff(q[c]) > 4)
                });
            if edge {
                let a = img.pixel(x, y);
                errs.push((0..3).map(|c| p[c].abs_diff(a[c])).max().unwrap_or(0));
            }
        }
    }
    errs.sort_unstable();
    let mean = errs.iter().map(|&e| e as f64).sum::<f64>() / errs.len().max(1) as f64;
    (mean, errs[errs.len() * 99 / 100], errs.len())
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_anim"));
    let runs = env_u64("RATIO_RUNS", 3).max(1) as usize;
    let tmp = std::env::temp_dir().join(format!("anim-ratio-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let scene = Loader::new(&root)
        .unwrap()
        .load(&root.join("scenes/03-loop-treinamento.ron"))
        .unwrap();
    let size = (scene.width, scene.height);
    let total = scene.frame_count();
    let e2e_frames = env_u64("RATIO_FRAMES", 300).min(total);
    let render_frames_n = env_u64("RATIO_RENDER_FRAMES", total).min(total);
    let subset = env_u64("RATIO_SUBSET", 300).min(total);

    println!(
        "machine: {} × {} cores",
        cpu_model(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("adapter: {}", ctx.describe());
    println!(
        "load average at start: {} (other processes share these cores)",
        load_average()
    );
    println!(
        "scene: {} {}x{} @ {} fps, {total} frames; {runs} runs per figure",
        scene.name, size.0, size.1, scene.fps
    );
    println!();

    // (a) Render only, reading back RGBA (as before the GPU YUV pass) and yuv420p (what the video uses).
    let skip = std::env::var("RATIO_SKIP").unwrap_or_default();
    if !skip.contains('a') {
        for (yuv, what) in [(false, "RGBA readback"), (true, "GPU yuv420p readback")] {
            let fps: Vec<f64> = (0..runs)
                .map(|_| {
                    render_frames_n as f64 / render_only_as(&ctx, &scene, size, (0, render_frames_n), yuv)
                })
                .collect();
            show(
                &format!("(a) render-only fps, frames 0..{render_frames_n}, {what}"),
                &fps,
                "fps  (target >= 120)",
            );
        }
    }

    // (b) End to end vs the x264 floor on the same frames.
    let raw = tmp.join("frames.rgba");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&raw).unwrap());
        let mut r = Renderer::new(&ctx, RenderOptions::default());
        let mut whole = RgbaImage::new(size.0, size.1);
        let run = FrameRun {
            scene: &scene,
            size,
            range: FrameRange::of(&scene, (0, e2e_frames)),
            stop: &stop(),
            yuv: false,
        };
        render_frames(&ctx, &mut Frames::new(&mut r), run, |_, frame| {
            // Frames after the first come as what changed: patch a whole copy.
            match frame {
                Frame::Rgba(img) => whole = img,
                Frame::Patch(b, img) => whole.blit(&img, b.x, b.y),
                Frame::Same => {}
                Frame::Yuv420p(_) => unreachable!("RGBA asked for"),
            }
            file.write_all(&whole.data)
                .map_err(|e| anim::render::RenderError::Invalid(e.to_string()))
        })
        .unwrap();
        file.flush().unwrap();
    }
    // Read once so the floor reads from the page cache.
    std::io::copy(&mut std::fs::File::open(&raw).unwrap(), &mut std::io::sink()).unwrap();
    let mut floor_rss = Vec::new();
    let floor: Vec<f64> = (0..runs)
        .map(|_| {
            let mut c = Command::new("ffmpeg");
            c.args(["-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s"])
                .arg(format!("{}x{}", size.0, size.1))
                .args(["-r", &scene.fps.to_string(), "-i"])
                .arg(&raw)
                .args([
                    "-c:v",
                    "libx264",
                    "-preset",
                    "veryfast",
                    "-crf",
                    "18",
                    "-x264-params",
                    &anim::video::x264_params(scene.fps),
                    "-pix_fmt",
                    "yuv420p",
                ])
                .args([
                    "-colorspace",
                    "bt709",
                    "-color_primaries",
                    "bt709",
                    "-color_trc",
                    "bt709",
                ])
                .args(["-color_range", "tv", "-movflags", "+faststart"])
                .arg(tmp.join("floor.mp4"));
            let (wall, rss) = timed(&mut c);
            floor_rss.push(rss);
            wall
        })
        .collect();
    std::fs::remove_file(&raw).unwrap();
    // Anti-aliasing methods and YUV paths, interleaved run by run so they see the same load.
    let default_yuv = if gpu_yuv_enabled(&ctx) { "gpu" } else { "cpu" };
    let variants = [
        ("msaa", "gpu", "4x MSAA, GPU yuv".to_string()),
        (
            "coverage",
            "gpu",
            "coverage AA, GPU yuv (ANIM_YUV=gpu)".to_string(),
        ),
        (
            "coverage",
            "cpu",
            "coverage AA, CPU yuv of changed rectangles (ANIM_YUV=cpu)".to_string(),
        ),
    ];
    println!("(b) default here: coverage AA, {default_yuv} yuv");
    let mut e2e = vec![Vec::new(); variants.len()];
    let mut rss = vec![Vec::new(); variants.len()];
    for _ in 0..runs {
        for (k, (aa, yuv, _)) in variants.iter().enumerate() {
            let mut c = Command::new(&bin);
            c.args([
                "render",
                "--scene",
                "loop",
                "--frames",
                &format!("0..{e2e_frames}"),
                "--video-only",
                "-q",
                "--force",
                "--aa",
                aa,
            ])
            .arg("--root")
            .arg(&root)
            .arg("--out")
            .arg(tmp.join("out"));
            // /usr/bin/time passes its environment on to the child.
            std::env::set_var("ANIM_YUV", yuv);
            let (w, m) = timed(&mut c);
            std::env::remove_var("ANIM_YUV");
            e2e[k].push(w);
            rss[k].push(m);
        }
    }
    println!("(b) frames 0..{e2e_frames} only (the whole scene as raw RGBA would be 12 GB):");
    let f = show(
        "    x264 floor: ffmpeg CLI from raw RGBA in page cache",
        &floor,
        "s",
    );
    for (k, (_, _, what)) in variants.iter().enumerate() {
        let a = show(&format!("    anim render --video-only, {what}"), &e2e[k], "s");
        let ratios: Vec<f64> = e2e[k].iter().zip(&floor).map(|(a, b)| a / b).collect();
        show(
            "      end-to-end / floor (pairwise)",
            &ratios,
            "×  (target <= 1.2)",
        );
        println!(
            "      ratio of medians {:.2}×; {:.1} ms/frame vs floor {:.1} ms/frame",
            a / f,
            a * 1e3 / e2e_frames as f64,
            f * 1e3 / e2e_frames as f64
        );
    }

    // (c) Peak memory of those runs, and of the floor for scale (libx264 at 1080p is most of both).
    show(
        "(c) peak RSS of the x264 floor (ffmpeg CLI), for scale",
        &floor_rss,
        "MiB",
    );
    for (k, (_, _, what)) in variants.iter().enumerate() {
        show(
            &format!("(c) peak RSS of anim render, {what} (runs of b)"),
            &rss[k],
            "MiB",
        );
    }
    // The figure itself: the whole scene, PNG and MP4, as a user renders it
    // (a long render can peak higher than a short one: allocator high-water marks).
    let whole_scene: Vec<f64> = (0..runs)
        .map(|_| {
            let mut c = Command::new(&bin);
            c.args(["render", "--scene", "loop", "-q", "--force", "--root"])
                .arg(&root)
                .arg("--out")
                .arg(tmp.join("out"));
            timed(&mut c).1
        })
        .collect();
    show(
        &format!("(c) peak RSS of anim render --scene loop, all {total} frames + PNG"),
        &whole_scene,
        "MiB  (target <= 300)",
    );

    if skip.contains('d') {
        return finish(&tmp);
    }
    // (d) 10× static elements.
    let heavy_path = static_heavy_project(&root, &tmp.join("static"), scene.elements.len() * 10);
    let heavy = Loader::new(&tmp.join("static"))
        .unwrap()
        .load(&heavy_path)
        .unwrap();
    let mut per = Vec::new();
    for _ in 0..runs {
        let base = render_only(&ctx, &scene, size, (0, subset));
        let more = render_only(&ctx, &heavy, size, (0, subset));
        per.push(more / base);
    }
    println!(
        "(d) {} static elements added to {}; frames 0..{subset}:",
        heavy.elements.len() - scene.elements.len(),
        scene.elements.len()
    );
    show(
        "    per-frame cost, 10x static / loop",
        &per,
        "×  (target <= 1.3)",
    );

    if skip.contains('e') {
        return finish(&tmp);
    }
    // (e) 4K vs 1080p.
    let mut per = Vec::new();
    for _ in 0..runs {
        let base = render_only(&ctx, &scene, size, (0, subset));
        let big = render_only(&ctx, &scene, (size.0 * 2, size.1 * 2), (0, subset));
        per.push(big / base);
    }
    show(
        &format!("(e) per-frame cost, --scale 2 / 1080p, frames 0..{subset}"),
        &per,
        "×  (target <= ~4)",
    );

    // (f) Anti-aliasing against a 4×4-supersampled render (16 samples per pixel).
    let snap = evaluate(&scene, scene.still);
    let mut big = Renderer::new(
        &ctx,
        RenderOptions {
            antialias: Antialias::Off,
        },
    );
    let reference = downsample4(&draw(&ctx, &mut big, &snap, size.0 * 4, size.1 * 4).unwrap());
    for antialias in [Antialias::Coverage, Antialias::Msaa4, Antialias::Off] {
        let mut r = Renderer::new(&ctx, RenderOptions { antialias });
        let img = draw(&ctx, &mut r, &snap, size.0, size.1).unwrap();
        let (mean, p99, n) = edge_error(&reference, &img);
        println!(
            "(f) AA vs 4x4 supersampling, --aa {}, t={}s: edge-pixel error mean {mean:.2}, p99 {p99} (of 255, {n} edge pixels)",
            antialias.name(),
            scene.still
        );
    }
    finish(&tmp);
}

fn finish(tmp: &Path) {
    let _ = std::fs::remove_dir_all(tmp);
}
