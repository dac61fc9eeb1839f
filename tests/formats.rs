//! Issue 20: `anim render --format` writes every format right.
//!
//! The mini scene (tests/fixtures/mini.ron: 320×180, 30 fps, 2 s) is
//! rendered to each format and read back: ffprobe for the codec, pixel
//! format, alpha mode, duration and frame count; the WebM decoded with
//! libvpx (FFmpeg's native VP9 decoder drops alpha) and the ProRes with
//! FFmpeg's decoder to check alpha at two pixels (the background, left out,
//! is alpha 0; the inside of box "a" is 255); the GIF's palette (one
//! global table of at most 256 colours) and size; the WebP's frames (FFmpeg
//! 5.1 cannot decode an animated WebP, so its RIFF chunks are read); and a
//! format whose encoder is missing fails naming it, leaving the rest.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "cli/support.rs"]
mod support;

use std::path::Path;
use std::process::Command;

use support::{ffprobe, field, mini, names_in, stderr, Project};

/// A pixel of the background, and one inside box "a" (centred at (70, 60), 110×50).
const BACKGROUND: (usize, usize) = (5, 5);
const INSIDE: (usize, usize) = (70, 60);
const WIDTH: usize = 320;

/// The RGBA pixels of frame `n` of `path`, decoded by ffmpeg (`decoder` first when given).
fn frame_rgba(path: &Path, decoder: Option<&str>, n: u32) -> Vec<u8> {
    let mut c = Command::new("ffmpeg");
    c.args(["-nostdin", "-v", "error"]);
    if let Some(d) = decoder {
        c.args(["-c:v", d]);
    }
    let o = c
        .arg("-i")
        .arg(path)
        .args(["-vf", &format!("select=eq(n\\,{n})"), "-frames:v", "1"])
        .args(["-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        .output()
        .unwrap();
    assert!(o.status.success(), "ffmpeg: {}", stderr(&o));
    assert_eq!(o.stdout.len(), WIDTH * 180 * 4, "{}", path.display());
    o.stdout
}

fn alpha(rgba: &[u8], (x, y): (usize, usize)) -> u8 {
    rgba[(y * WIDTH + x) * 4 + 3]
}

fn probe(path: &Path) -> String {
    ffprobe(
        path,
        "stream=codec_name,profile,pix_fmt,width,height,nb_read_frames:stream_tags=alpha_mode:format=duration",
    )
}

/// The frames of an animated WebP: canvas size, and each frame's duration in ms.
fn webp_frames(bytes: &[u8]) -> ((u32, u32), Vec<u32>) {
    assert_eq!((&bytes[0..4], &bytes[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
    let u24 = |b: &[u8]| u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
    let (mut at, mut canvas, mut durations) = (12, (0, 0), Vec::new());
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        let body = &bytes[at + 8..at + 8 + len];
        match id {
            b"VP8X" => canvas = (u24(&body[4..]) + 1, u24(&body[7..]) + 1),
            b"ANMF" => durations.push(u24(&body[12..])),
            _ => {}
        }
        at += 8 + len + len % 2;
    }
    (canvas, durations)
}

#[test]
fn every_format_is_written_from_one_render() {
    let p = Project::new("formats", &[("01-mini", &mini())]);
    let o = p.run(&[
        "render",
        "--scene",
        "mini",
        "--format",
        "png,mp4,webm,gif,webp,mov",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("(60 frames,"),
        "one frame loop of 60 frames: {}",
        stderr(&o)
    );
    let r = p.renders();
    assert_eq!(
        names_in(&r),
        [
            "01-mini.gif",
            "01-mini.mov",
            "01-mini.mp4",
            "01-mini.png",
            "01-mini.poster.png",
            "01-mini.webm",
            "01-mini.webp"
        ]
    );
    for (file, codec, pix_fmt) in [
        ("01-mini.mp4", "h264", "yuv420p"),
        ("01-mini.webm", "vp9", "yuv420p"),
        ("01-mini.mov", "prores", "yuva444p12le"),
    ] {
        let pr = probe(&r.join(file));
        assert_eq!(field(&pr, "codec_name"), codec, "{file}: {pr}");
        assert_eq!(field(&pr, "pix_fmt"), pix_fmt, "{file}: {pr}");
        assert_eq!(
            (field(&pr, "width"), field(&pr, "height")),
            ("320", "180"),
            "{file}"
        );
        assert_eq!(field(&pr, "nb_read_frames"), "60", "{file}: {pr}");
        assert_eq!(field(&pr, "duration"), "2.000000", "{file}: {pr}");
    }
    assert_eq!(field(&probe(&r.join("01-mini.mov")), "profile"), "4444");
    assert_eq!(
        field(&probe(&r.join("01-mini.webm")), "TAG:alpha_mode"),
        "",
        "opaque: no alpha"
    );

    // The GIF: 320 wide (never wider than the render), one global palette,
    // 15 fps over 2 s, a hold merged into one longer frame, and small.
    let gif = std::fs::read(r.join("01-mini.gif")).unwrap();
    assert!(gif.len() < 40_000, "the GIF is {} bytes", gif.len());
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut d = options.read_info(&gif[..]).unwrap();
    let palette = d.global_palette().unwrap().len() / 3;
    assert!((2..=256).contains(&palette), "{palette} colours");
    assert_eq!((d.width(), d.height()), (320, 180));
    let (mut frames, mut centis) = (0, 0u32);
    while let Some(f) = d.read_next_frame().unwrap() {
        assert!(f.palette.is_none(), "frame {frames} has its own palette");
        frames += 1;
        centis += u32::from(f.delay);
    }
    assert_eq!(centis, 200, "2 s");
    assert!((20..=30).contains(&frames), "{frames} frames at 15 fps");

    // The WebP: an animation on a 320×180 canvas lasting 2 s.
    let (canvas, durations) = webp_frames(&std::fs::read(r.join("01-mini.webp")).unwrap());
    assert_eq!(canvas, (320, 180));
    assert!(!durations.is_empty() && durations.len() <= 60, "{durations:?}");
    let ms: u32 = durations.iter().sum();
    assert!((1990..=2010).contains(&ms), "{ms} ms");

    // The poster is the still, at the videos' size.
    let still = anim::image::RgbaImage::load_png(&r.join("01-mini.png")).unwrap();
    let poster = anim::image::RgbaImage::load_png(&r.join("01-mini.poster.png")).unwrap();
    assert_eq!(still, poster);
}

#[test]
fn transparent_videos_leave_the_background_out() {
    let p = Project::new("formats-alpha", &[("01-mini", &mini())]);
    let o = p.run(&[
        "render",
        "--scene",
        "mini",
        "--format",
        "webm,mov,gif",
        "--transparent",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = p.renders();
    let webm = r.join("01-mini-transparent.webm");
    let pr = probe(&webm);
    assert_eq!(field(&pr, "TAG:alpha_mode"), "1", "{pr}");
    assert_eq!(field(&pr, "nb_read_frames"), "60", "{pr}");
    let mov = r.join("01-mini-transparent.mov");
    assert_eq!(field(&probe(&mov), "pix_fmt"), "yuva444p12le");
    for (path, decoder) in [(&webm, Some("libvpx-vp9")), (&mov, None)] {
        let last = frame_rgba(path, decoder, 59);
        assert_eq!(alpha(&last, BACKGROUND), 0, "{}: the background", path.display());
        assert_eq!(alpha(&last, INSIDE), 255, "{}: inside box a", path.display());
    }
    // The GIF's last frame: the background is its transparent index.
    let gif = std::fs::read(r.join("01-mini-transparent.gif")).unwrap();
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut d = options.read_info(&gif[..]).unwrap();
    let mut last = None;
    while let Some(f) = d.read_next_frame().unwrap() {
        assert_eq!(
            (f.width, f.height),
            (320, 180),
            "whole frames over a transparent background"
        );
        last = Some(f.buffer.to_vec());
    }
    let last = last.unwrap();
    assert_eq!((alpha(&last, BACKGROUND), alpha(&last, INSIDE)), (0, 255));
}

/// An encoder missing from the system's FFmpeg (simulated) fails the
/// render naming the format; the other outputs are written and the earlier
/// file of that format stays as it was, with no temporary file left.
#[test]
fn a_missing_encoder_names_its_format_and_keeps_the_rest() {
    let p = Project::new("formats-missing", &[("01-mini", &mini())]);
    let o = p.run(&["render", "--scene", "mini", "--format", "webm", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let webm = p.renders().join("01-mini.webm");
    let before = std::fs::read(&webm).unwrap();
    std::fs::write(&webm, [&before[..], b"earlier"].concat()).unwrap();
    let o = p
        .anim()
        .args(["render", "--scene", "mini", "--format", "png,webm,gif", "-q"])
        .env(anim::video::web::MISSING_ENCODER_ENV, "libvpx-vp9")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("cannot write the webm") && e.contains("no libvpx-vp9 encoder"),
        "{e}"
    );
    assert_eq!(
        std::fs::read(&webm).unwrap(),
        [&before[..], b"earlier"].concat(),
        "kept"
    );
    assert_eq!(
        names_in(&p.renders()),
        ["01-mini.gif", "01-mini.png", "01-mini.poster.png", "01-mini.webm"]
    );
}

/// `--web-width` and `--web-fps` shape the WebM and the WebP (made smaller
/// and slower, the duration kept) and nothing else: the MOV keeps the
/// render's size and rate, and the names stay the figure's.
#[test]
fn web_width_and_fps_shape_the_webm_and_webp_only() {
    let p = Project::new("formats-web-size", &[("01-mini", &mini())]);
    let o = p.run(&[
        "render",
        "--scene",
        "mini",
        "--format",
        "webm,webp,mov",
        "--web-width",
        "161",
        "--web-fps",
        "15",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = p.renders();
    assert_eq!(
        names_in(&r),
        [
            "01-mini.mov",
            "01-mini.poster.png",
            "01-mini.webm",
            "01-mini.webp"
        ]
    );
    let rate = |f: &str| ffprobe(&r.join(f), "stream=r_frame_rate");
    let webm = probe(&r.join("01-mini.webm"));
    assert_eq!(
        (field(&webm, "width"), field(&webm, "height")),
        ("160", "90"),
        "161 asked: made even, the aspect kept: {webm}"
    );
    assert_eq!(field(&rate("01-mini.webm"), "r_frame_rate"), "15/1");
    assert_eq!(field(&webm, "nb_read_frames"), "30", "{webm}");
    assert_eq!(field(&webm, "duration"), "2.000000", "{webm}");
    let (canvas, durations) = webp_frames(&std::fs::read(r.join("01-mini.webp")).unwrap());
    assert_eq!(canvas, (160, 90));
    assert!(
        !durations.is_empty() && durations.len() <= 30,
        "at most 15 fps: {durations:?}"
    );
    let ms: u32 = durations.iter().sum();
    assert!((1990..=2010).contains(&ms), "{ms} ms");
    let mov = probe(&r.join("01-mini.mov"));
    assert_eq!(
        (field(&mov, "width"), field(&mov, "nb_read_frames")),
        ("320", "60"),
        "{mov}"
    );

    // Frame 15 of the WebM (1 s) is the render's frame 30, scaled down:
    // the background at the corner, box "a" at its centre, halved.
    let o = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(r.join("01-mini.webm"))
        .args([
            "-vf",
            "select=eq(n\\,15)",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgba",
            "-",
        ])
        .output()
        .unwrap();
    assert_eq!(o.stdout.len(), 160 * 90 * 4, "{}", stderr(&o));
    let full = frame_rgba(&r.join("01-mini.mov"), None, 30);
    for (x, y) in [BACKGROUND, INSIDE] {
        let small = &o.stdout[((y / 2) * 160 + x / 2) * 4..][..3];
        let big = &full[(y * WIDTH + x) * 4..][..3];
        let near = small.iter().zip(big).all(|(a, b)| a.abs_diff(*b) <= 12);
        assert!(near, "({x}, {y}): webm {small:?}, mov {big:?}");
    }
}

#[test]
fn size_flags_without_their_format_are_usage_errors() {
    let p = Project::new("formats-web-flags", &[("01-mini", &mini())]);
    for (args, flag) in [
        (&["--web-width", "640"][..], "--web-width"),
        (&["--format", "png,gif", "--web-fps", "30"][..], "--web-fps"),
        (&["--format", "webm", "--gif-width", "480"][..], "--gif-width"),
        (&["-o", "x.webm", "--gif-fps", "10"][..], "--gif-fps"),
    ] {
        let o = p.run(&[&["render", "--scene", "mini"][..], args].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert!(e.contains(flag) && e.contains("--format"), "{args:?}: {e}");
    }
    assert!(!p.renders().exists(), "nothing written");
    let o = p.run(&["render", "--scene", "mini", "-o", "x.webp", "--web-fps", "10"]);
    assert!(o.status.success(), "-o FILE.webp takes --web-fps: {}", stderr(&o));
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let p = Project::new("formats-typo", &[("01-mini", &mini())]);
    let o = p.run(&["render", "--scene", "mini", "--format", "png,wbem"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("--format") && e.contains("did you mean \"webm\""),
        "{e}"
    );
    assert!(!p.renders().exists(), "nothing written");
    let o = p.run(&["render", "--scene", "mini", "--format", "mp4", "--transparent"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot carry alpha"), "{}", stderr(&o));
}
