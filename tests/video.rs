#![allow(clippy::unwrap_used)]
//! Integration tests for `anim::video`. They inspect the output with the `ffprobe` / `ffmpeg` CLI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anim::video::{EncoderThread, VideoEncoder, VideoError, VideoSettings};

/// A fresh, empty folder under the system temp dir, unique per test and per run.
fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("anim-video-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn settings(width: u32, height: u32, fps: u32) -> VideoSettings {
    VideoSettings {
        width,
        height,
        fps,
        ..VideoSettings::default()
    }
}

/// RGBA frame: dark background with a light square that moves with `index`.
fn moving_square(width: u32, height: u32, index: u32) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    let mut rgba = vec![0u8; w * h * 4];
    for px in rgba.chunks_exact_mut(4) {
        px.copy_from_slice(&[0x0d, 0x11, 0x17, 0xff]);
    }
    let side = h / 4;
    let x0 = (index as usize * 7) % (w - side);
    let y0 = (index as usize * 3) % (h - side);
    for y in y0..y0 + side {
        for x in x0..x0 + side {
            let i = (y * w + x) * 4;
            rgba[i..i + 4].copy_from_slice(&[0xf0, 0x88, 0x3e, 0xff]);
        }
    }
    rgba
}

fn ffprobe(path: &Path) -> String {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-count_frames",
            "-show_streams",
            "-show_format",
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ffprobe failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Value of the first `"key": value` in `json` (quotes stripped). Enough for ffprobe's JSON.
fn field<'a>(json: &'a str, key: &str) -> &'a str {
    let pattern = format!("\"{key}\": ");
    let start = json
        .find(&pattern)
        .unwrap_or_else(|| panic!("{key} missing from ffprobe output:\n{json}"))
        + pattern.len();
    let rest = &json[start..];
    match rest.strip_prefix('"') {
        Some(quoted) => &quoted[..quoted.find('"').unwrap()],
        None => rest[..rest.find([',', '\n', '}']).unwrap_or(rest.len())].trim(),
    }
}

/// Decodes every frame to packed RGB24 with the ffmpeg CLI (which honours the stream's colour tags).
fn decode_rgb24(path: &Path) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ffmpeg failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Offsets of the top-level MP4 boxes, as (type, offset).
fn top_level_boxes(bytes: &[u8]) -> Vec<(String, usize)> {
    let mut boxes = Vec::new();
    let mut offset = 0usize;
    while offset + 8 <= bytes.len() {
        let size = u32::from_be_bytes(bytes[offset..offset + 4].try_into().unwrap()) as usize;
        let kind = String::from_utf8_lossy(&bytes[offset + 4..offset + 8]).into_owned();
        boxes.push((kind, offset));
        let size = match size {
            0 => bytes.len() - offset,
            1 => u64::from_be_bytes(bytes[offset + 8..offset + 16].try_into().unwrap()) as usize,
            n => n,
        };
        assert!(size >= 8, "bad box size {size} at {offset}");
        offset += size;
    }
    boxes
}

#[test]
fn mp4_properties() {
    let dir = temp_dir("props");
    // The extension is deliberately not .mp4: the container must be MP4 anyway.
    let path = dir.join("out.tmp");
    let mut enc = VideoEncoder::create(&path, &settings(320, 240, 30)).unwrap();
    for i in 0..30 {
        enc.push_rgba(&moving_square(320, 240, i)).unwrap();
    }
    assert_eq!(enc.frames_written(), 30);
    enc.finish().unwrap();

    let json = ffprobe(&path);
    assert_eq!(field(&json, "codec_name"), "h264");
    assert_eq!(field(&json, "profile"), "High");
    assert_eq!(field(&json, "pix_fmt"), "yuv420p");
    assert_eq!(field(&json, "width"), "320");
    assert_eq!(field(&json, "height"), "240");
    assert_eq!(field(&json, "r_frame_rate"), "30/1");
    assert_eq!(field(&json, "avg_frame_rate"), "30/1");
    assert_eq!(field(&json, "nb_read_frames"), "30");
    assert_eq!(field(&json, "color_range"), "tv");
    assert_eq!(field(&json, "color_space"), "bt709");
    assert_eq!(field(&json, "color_transfer"), "bt709");
    assert_eq!(field(&json, "color_primaries"), "bt709");
    let format = &json[json.find("\"format\"").unwrap()..];
    assert!(field(format, "format_name").contains("mp4"));
    let duration: f64 = field(format, "duration").parse().unwrap();
    assert!((duration - 1.0).abs() <= 0.05, "duration {duration}");

    // faststart: the index (moov) comes before the media data (mdat).
    let boxes = top_level_boxes(&std::fs::read(&path).unwrap());
    let offset = |kind: &str| boxes.iter().find(|(k, _)| k == kind).map(|(_, o)| *o).unwrap();
    assert!(offset("moov") < offset("mdat"), "moov after mdat: {boxes:?}");

    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn colour_round_trip() {
    const W: u32 = 256;
    const H: u32 = 128;
    const PATCHES: [[u8; 3]; 8] = [
        [0xff, 0xff, 0xff], // white
        [0x00, 0x00, 0x00], // black
        [0x80, 0x80, 0x80], // mid grey
        [0x1f, 0x6f, 0xeb], // blue
        [0xf0, 0x88, 0x3e], // orange
        [0x2d, 0xa4, 0x4e], // green
        [0xcf, 0x22, 0x2e], // red
        [0x6e, 0x77, 0x81], // grey
    ];
    let mut frame = Vec::with_capacity((W * H * 4) as usize);
    for _y in 0..H {
        for x in 0..W {
            let [r, g, b] = PATCHES[(x / 32) as usize];
            frame.extend_from_slice(&[r, g, b, 0xff]);
        }
    }

    let dir = temp_dir("colour");
    let path = dir.join("colour.mp4");
    let mut enc = VideoEncoder::create(&path, &settings(W, H, 30)).unwrap();
    for _ in 0..10 {
        enc.push_rgba(&frame).unwrap();
    }
    enc.finish().unwrap();

    let rgb = decode_rgb24(&path);
    let frame_bytes = (W * H * 3) as usize;
    assert_eq!(rgb.len(), 10 * frame_bytes);
    let frame5 = &rgb[5 * frame_bytes..6 * frame_bytes];

    // Tolerance 3/255 per channel: 8-bit limited-range YUV has ~1.16 RGB levels per Y step and the chroma
    // steps are coarser, so the quantisation of RGB→YUV plus YUV→RGB alone costs 1–2 levels; CRF 18 on a
    // flat patch adds at most about one more; measured worst case is 2. A BT.601/BT.709 matrix mix-up
    // (encoding with one, decoding with the other) was measured at 9 levels off for the blue and orange
    // patches and 17-18 for green and red, and a full/limited range mix-up moves white and black by 16+,
    // so both fail this tolerance clearly.
    const TOLERANCE: i32 = 3;
    let mut failures = Vec::new();
    for (i, want) in PATCHES.iter().enumerate() {
        let (x, y) = (i * 32 + 16, H as usize / 2);
        let at = (y * W as usize + x) * 3;
        let got = &frame5[at..at + 3];
        let error = (0..3)
            .map(|c| (i32::from(got[c]) - i32::from(want[c])).abs())
            .max()
            .unwrap();
        eprintln!(
            "patch {i} #{:02x}{:02x}{:02x}: got {got:?}, max error {error}",
            want[0], want[1], want[2]
        );
        if error > TOLERANCE {
            failures.push(format!("patch {i}: drew {want:?}, decoded {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "colour error above {TOLERANCE}: {failures:?}"
    );

    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn yuv420p_input() {
    const W: u32 = 64;
    const H: u32 = 48;
    let dir = temp_dir("yuv");
    let path = dir.join("yuv.mp4");
    let mut enc = VideoEncoder::create(&path, &settings(W, H, 25)).unwrap();
    let (luma, chroma) = ((W * H) as usize, (W / 2 * H / 2) as usize);
    // Limited-range BT.709 mid grey: Y = 16 + 219 * 128/255 ≈ 126, neutral chroma.
    let (y, u, v) = (vec![126u8; luma], vec![128u8; chroma], vec![128u8; chroma]);

    let err = enc.push_yuv420p(&y, &u[1..], &v).unwrap_err();
    assert!(matches!(err, VideoError::PlaneSize { plane: "U", .. }), "{err}");
    assert_eq!(enc.frames_written(), 0);

    for _ in 0..5 {
        enc.push_yuv420p(&y, &u, &v).unwrap();
    }
    enc.finish().unwrap();

    let rgb = decode_rgb24(&path);
    assert_eq!(rgb.len(), 5 * luma * 3);
    for &c in &rgb[..3] {
        assert!((i32::from(c) - 128).abs() <= 3, "grey decoded as {:?}", &rgb[..3]);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// 854 is not a multiple of the frame alignment, so the RGBA and YUV frame strides exceed the row size:
/// a copy that ignored the stride would shear the picture and move this vertical edge row by row.
#[test]
fn padded_stride_width() {
    const W: u32 = 854;
    const H: u32 = 480;
    let mut frame = Vec::with_capacity((W * H * 4) as usize);
    for _y in 0..H {
        for x in 0..W {
            let v = if x < 428 { 0xff } else { 0x00 };
            frame.extend_from_slice(&[v, v, v, 0xff]);
        }
    }
    let dir = temp_dir("stride");
    let path = dir.join("stride.mp4");
    let mut enc = VideoEncoder::create(&path, &settings(W, H, 30)).unwrap();
    for _ in 0..3 {
        enc.push_rgba(&frame).unwrap();
    }
    enc.finish().unwrap();

    let rgb = decode_rgb24(&path);
    assert_eq!(rgb.len(), (W * H * 3 * 3) as usize);
    for y in [0usize, 1, 239, 240, 478, 479] {
        let px = |x: usize| rgb[(y * W as usize + x) * 3];
        assert!(
            px(420) > 250 && px(436) < 5,
            "row {y}: edge moved ({} / {})",
            px(420),
            px(436)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn odd_size_is_an_error() {
    let dir = temp_dir("odd");
    let path = dir.join("odd.mp4");
    let result = VideoEncoder::create(&path, &settings(321, 240, 30));
    let err = result.err().unwrap();
    assert!(
        matches!(
            err,
            VideoError::OddSize {
                width: 321,
                height: 240,
                even_width: 320,
                even_height: 240
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("321x240") && message.contains("320x240"),
        "{message}"
    );
    assert!(!path.exists(), "a file was created for an invalid size");

    let err = EncoderThread::spawn(path.clone(), settings(320, 241, 30))
        .err()
        .unwrap();
    assert!(
        matches!(err, VideoError::OddSize { even_height: 240, .. }),
        "{err:?}"
    );
    assert!(!path.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_preset_is_an_error() {
    let dir = temp_dir("preset");
    let path = dir.join("preset.mp4");
    let bad = VideoSettings {
        preset: "warp-speed".to_string(),
        ..settings(64, 64, 30)
    };
    let err = VideoEncoder::create(&path, &bad).err().unwrap();
    assert!(matches!(err, VideoError::OpenEncoder(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("could not open x264 encoder: "),
        "{err}"
    );
    assert!(!path.exists(), "the partial file was not removed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn encoder_thread_matches_direct() {
    const W: u32 = 160;
    const H: u32 = 120;
    const FRAMES: u32 = 20;
    let dir = temp_dir("thread");
    let direct_path = dir.join("direct.mp4");
    let thread_path = dir.join("thread.mp4");

    let mut direct = VideoEncoder::create(&direct_path, &settings(W, H, 30)).unwrap();
    for i in 0..FRAMES {
        direct.push_rgba(&moving_square(W, H, i)).unwrap();
    }
    direct.finish().unwrap();

    let thread = EncoderThread::spawn(thread_path.clone(), settings(W, H, 30)).unwrap();
    for i in 0..FRAMES {
        thread.send(moving_square(W, H, i)).unwrap();
        if i == 5 {
            // A wrong-sized frame is an error, not a panic, and does not kill the encoder.
            let err = thread.send(vec![0; 100]).unwrap_err();
            assert!(
                matches!(
                    err,
                    VideoError::FrameSize {
                        got: 100,
                        expected: 76_800,
                        ..
                    }
                ),
                "{err:?}"
            );
            assert!(
                err.to_string()
                    .contains("frame has 100 bytes, expected 76800 for 160x120"),
                "{err}"
            );
        }
    }
    assert_eq!(thread.finish().unwrap(), u64::from(FRAMES));

    assert_eq!(
        field(&ffprobe(&thread_path), "nb_read_frames"),
        FRAMES.to_string()
    );
    // Same input, same settings: the decoded frames must be identical.
    let (a, b) = (decode_rgb24(&direct_path), decode_rgb24(&thread_path));
    assert_eq!(a.len(), (W * H * 3 * FRAMES) as usize);
    assert!(a == b, "threaded output differs from direct output");

    std::fs::remove_dir_all(&dir).unwrap();
}

/// The queue holds at most two whole frames' worth of pixels: whole-frame
/// patches still all get through, and an encoder that fails while the sender
/// waits for room stops the sender with its error instead of hanging it.
#[test]
fn encoder_thread_byte_budget_neither_drops_nor_hangs() {
    use anim::damage::PixelBox;
    const W: u32 = 64;
    const H: u32 = 48;
    let dir = temp_dir("budget");
    let whole = PixelBox::whole(W, H);
    let thread = EncoderThread::spawn(dir.join("ok.mp4"), settings(W, H, 30)).unwrap();
    for i in 0..12 {
        thread.send_patch(whole, moving_square(W, H, i)).unwrap();
    }
    assert_eq!(thread.finish().unwrap(), 12);

    let thread = EncoderThread::spawn(dir.join("bad.mp4"), settings(W, H, 30)).unwrap();
    thread.send_patch(whole, moving_square(W, H, 0)).unwrap();
    // Odd corner: the encoder thread refuses it and stops.
    let odd = PixelBox {
        x: 1,
        y: 1,
        width: 2,
        height: 2,
    };
    let mut result = thread.send_patch(odd, vec![0; 16]);
    for i in 0..50 {
        if result.is_err() {
            break;
        }
        result = thread.send_patch(whole, moving_square(W, H, i));
    }
    let err = result.unwrap_err();
    assert!(err.to_string().contains("not 2x2-aligned"), "{err}");
    assert!(thread.finish().is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn encoder_thread_drop_without_finish_does_not_hang() {
    let dir = temp_dir("drop");
    let thread = EncoderThread::spawn(dir.join("drop.mp4"), settings(64, 64, 30)).unwrap();
    thread.send(moving_square(64, 64, 0)).unwrap();
    drop(thread);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Prints ms/frame for 1080p RGBA → H.264 veryfast (no assertion on time; run alone for a clean number:
/// `cargo test --release --test video encode_speed_1080p -- --nocapture`).
#[test]
fn encode_speed_1080p() {
    const W: u32 = 1920;
    const H: u32 = 1080;
    const FRAMES: u32 = 120;
    let frames: Vec<Vec<u8>> = (0..8).map(|i| moving_square(W, H, i * 15)).collect();
    let dir = temp_dir("speed");
    let path = dir.join("speed.mp4");
    let mut enc = VideoEncoder::create(&path, &settings(W, H, 30)).unwrap();
    let start = Instant::now();
    for i in 0..FRAMES {
        enc.push_rgba(&frames[(i % 8) as usize]).unwrap();
    }
    enc.finish().unwrap();
    let ms = start.elapsed().as_secs_f64() * 1000.0 / f64::from(FRAMES);
    eprintln!("1920x1080 push_rgba, veryfast crf 18: {ms:.1} ms/frame ({FRAMES} frames incl. flush)");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The GPU RGB→YUV pass (shaders/yuv.wgsl) against the CPU one (src/yuv.rs): the 8 flat patches
/// of `colour_round_trip` are drawn by the renderer, read back once as RGBA (encoded through
/// `push_rgba`, the CPU conversion) and once as GPU yuv420p planes (encoded with `push_yuv420p`);
/// both videos are decoded with the ffmpeg CLI. Tolerances: the GPU path must decode within 3
/// levels of the drawn colour (as the CPU path must, see `colour_round_trip`) and within 2 levels
/// of what the CPU path decodes to (flat colours; the planes themselves differ by at most 1).
#[test]
fn gpu_yuv_matches_cpu_yuv() {
    use anim::color::Color;
    use anim::geom::{PathData, Rect};
    use anim::gpu::{BackendChoice, GpuContext, Readback, RenderOptions, Renderer};
    use anim::snapshot::Snapshot;
    use anim::tess::tessellate;
    use glam::Vec2;

    const W: u32 = 256;
    const H: u32 = 128;
    const PATCHES: [&str; 8] = [
        "#ffffff", "#000000", "#808080", "#1f6feb", "#f0883e", "#2da44e", "#cf222e", "#6e7781",
    ];
    let mut snap = Snapshot::new(W, H, Color::from_hex("#ffffff").unwrap());
    for (i, hex) in PATCHES.iter().enumerate() {
        let min = Vec2::new(i as f32 * 32.0, 0.0);
        snap.fill(
            PathData::rounded_rect(
                Rect {
                    min,
                    max: min + Vec2::new(32.0, H as f32),
                },
                0.0,
            ),
            Color::from_hex(hex).unwrap(),
        );
    }
    let ctx = GpuContext::new(BackendChoice::Auto).unwrap();
    let mut r = Renderer::new(&ctx, RenderOptions::default());
    let mesh = tessellate(&snap, 1.0, Default::default()).unwrap();
    let viewport = [W as f32, H as f32];
    let req = anim::gpu::DrawRequest {
        mesh: &mesh,
        viewport,
        background: snap.background,
        size: (W, H),
        redraw: None,
    };
    let rgba = r.draw(&ctx, &req, Readback::Rgba).unwrap().into_rgba().unwrap();
    let yuv = match r.draw(&ctx, &req, Readback::Yuv).unwrap() {
        anim::gpu::Drawn::Yuv(planes) => planes,
        other => panic!("asked for yuv420p, got {other:?}"),
    };
    // The encoder thread's own converter (src/yuv.rs) gives the GPU pass's planes within one level.
    let mut planes = anim::yuv::black(W, H);
    let whole = anim::damage::PixelBox::whole(W, H);
    assert!(anim::yuv::write_region(&mut planes, whole, &rgba.data));
    let worst = planes
        .data
        .iter()
        .zip(&yuv.data)
        .map(|(a, b)| a.abs_diff(*b))
        .max()
        .unwrap();
    assert!(worst <= 1, "CPU and GPU YUV differ by {worst} levels");

    let dir = temp_dir("gpu-yuv");
    let (cpu_path, gpu_path) = (dir.join("cpu.mp4"), dir.join("gpu.mp4"));
    let mut cpu = VideoEncoder::create(&cpu_path, &settings(W, H, 30)).unwrap();
    let mut gpu = VideoEncoder::create(&gpu_path, &settings(W, H, 30)).unwrap();
    let (y, u, v) = yuv.planes();
    for _ in 0..10 {
        cpu.push_rgba(&rgba.data).unwrap();
        gpu.push_yuv420p(y, u, v).unwrap();
    }
    cpu.finish().unwrap();
    gpu.finish().unwrap();
    let (cpu_rgb, gpu_rgb) = (decode_rgb24(&cpu_path), decode_rgb24(&gpu_path));
    let frame_bytes = (W * H * 3) as usize;
    assert_eq!(gpu_rgb.len(), 10 * frame_bytes);
    let mut failures = Vec::new();
    for (i, hex) in PATCHES.iter().enumerate() {
        let want = Color::from_hex(hex).unwrap().to_rgba8();
        let at = ((H as usize / 2) * W as usize + i * 32 + 16) * 3 + 5 * frame_bytes;
        let (c, g) = (&cpu_rgb[at..at + 3], &gpu_rgb[at..at + 3]);
        let drawn = (0..3).map(|k| g[k].abs_diff(want[k])).max().unwrap();
        let vs_cpu = (0..3).map(|k| g[k].abs_diff(c[k])).max().unwrap();
        eprintln!("patch {hex}: cpu {c:?}, gpu {g:?}: {drawn} from drawn, {vs_cpu} from cpu");
        if drawn > 3 || vs_cpu > 2 {
            failures.push(format!("{hex}: cpu {c:?}, gpu {g:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 14: Chromium fails to decode after a seek to an open-GOP keyframe
/// (a non-IDR I frame with a recovery point, which the MP4 marks as a sync
/// sample). Every keyframe must be an IDR frame, keyframes must be at most
/// two seconds apart (anim's scrubbing interval, `keyint` = 2 × fps), and
/// decoding from each keyframe must print no warning.
///
/// 12 s at 30 fps, past x264's default `keyint=250`: a small square creeps
/// across a still background (no scene cut of its own, so only `keyint`
/// places keyframes), and at frame 200 the picture changes colour, a scene
/// cut where x264 starts a keyframe of its own.
#[test]
fn keyframes_are_idr_at_most_two_seconds_apart() {
    const W: u32 = 256;
    const H: u32 = 64;
    const FPS: u32 = 30;
    const FRAMES: u32 = 12 * FPS;
    const KEYINT: u32 = 2 * FPS;
    const CUT: u32 = 200;
    let dir = temp_dir("gop");
    let path = dir.join("gop.mp4");
    let mut enc = VideoEncoder::create(&path, &settings(W, H, FPS)).unwrap();
    for i in 0..FRAMES {
        let (background, square) = if i < CUT {
            ([0x0d, 0x11, 0x17, 0xff], [0xf0, 0x88, 0x3e, 0xff])
        } else {
            ([0xf0, 0xf4, 0xf8, 0xff], [0x1f, 0x6f, 0xeb, 0xff])
        };
        let x0 = (i * 2 / 3) as usize;
        let mut frame = Vec::with_capacity((W * H * 4) as usize);
        for y in 0..H as usize {
            for x in 0..W as usize {
                let inside = (x0..x0 + 16).contains(&x) && (24..40).contains(&y);
                frame.extend_from_slice(if inside { &square } else { &background });
            }
        }
        enc.push_rgba(&frame).unwrap();
    }
    enc.finish().unwrap();

    // Packets in decode order: keyframe flag and frame index.
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
        .args(["packet=pts_time,flags", "-of", "csv=p=0"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let packets: Vec<(u32, bool)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let (pts, flags) = line.split_once(',').unwrap();
            let frame = (pts.parse::<f64>().unwrap() * f64::from(FPS)).round() as u32;
            (frame, flags.starts_with('K'))
        })
        .collect();
    assert_eq!(packets.len(), FRAMES as usize);

    // The NAL unit type of each frame's slice, in the same (decode) order:
    // 5 is an IDR slice, 1 any other. x264 writes one slice per frame.
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&path)
        .args(["-c:v", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "h264", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let slices: Vec<u8> = out
        .stdout
        .windows(4)
        .filter(|w| w[..3] == [0, 0, 1])
        .map(|w| w[3] & 0x1f)
        .filter(|&t| t == 1 || t == 5)
        .collect();
    assert_eq!(slices.len(), packets.len(), "one slice per frame expected");

    let mut keyframes = Vec::new();
    for (&(frame, key), &nal) in packets.iter().zip(&slices) {
        assert_eq!(
            key,
            nal == 5,
            "frame {frame}: keyframe flag {key} but NAL unit type {nal} (5 = IDR): \
             every keyframe must be an IDR frame and every IDR frame a keyframe"
        );
        if key {
            keyframes.push(frame);
        }
    }
    keyframes.sort_unstable();
    eprintln!("keyframes at {keyframes:?}");
    assert_eq!(keyframes.first(), Some(&0));
    let mut gaps: Vec<u32> = keyframes.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.push(FRAMES - keyframes.last().unwrap());
    assert!(
        gaps.iter().all(|&g| g <= KEYINT),
        "keyframes {keyframes:?} of {FRAMES} frames are more than {KEYINT} frames apart"
    );

    // Decoding from each keyframe, and from the frame after it, is clean
    // (ffmpeg drops the frames that start before -ss: give it the start).
    for &k in &keyframes {
        for frame in [k, (k + 1).min(FRAMES - 1)] {
            let t = f64::from(frame) / f64::from(FPS) - 1e-4;
            let out = Command::new("ffmpeg")
                .args(["-v", "warning", "-ss", &format!("{:.4}", t.max(0.0)), "-i"])
                .arg(&path)
                .args(["-frames:v", "1", "-f", "null", "-"])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && stderr.trim().is_empty(),
                "ffmpeg -ss {t:.4} (frame {frame}): {stderr}"
            );
        }
    }
    // And the x264 settings string that libx264 writes into the stream says so.
    let bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(11)
        .position(|w| w == b"x264 - core")
        .expect("no x264 settings string in the file");
    let settings_string = String::from_utf8_lossy(&bytes[at..(at + 2000).min(bytes.len())]).into_owned();
    let options: Vec<&str> = settings_string.split_whitespace().collect();
    for want in ["open_gop=0", &format!("keyint={KEYINT}")] {
        assert!(options.contains(&want), "{want} missing from: {settings_string}");
    }

    std::fs::remove_dir_all(&dir).unwrap();
}
