//! What `anim render` writes: the PNG and the web-ready MP4 (checked with
//! ffprobe), `--scale`/`--frame`/`--size`/`--frames`, determinism, `--all
//! --jobs` and transparency, the names of variants (never the figure's),
//! `-o FILE`, and the print-ready PNG chunks.

use std::path::Path;
use std::process::Command;

use crate::support::{ffprobe, field, mini, names_in, stderr, Project};

#[test]
fn renders_png_and_a_web_ready_mp4() {
    let p = Project::new("render", &[("01-mini-demo", &mini())]);
    // Short name: "mini" matches 01-mini-demo.
    let o = p.run(&["render", "--scene", "mini", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let png = p.renders().join("01-mini-demo.png");
    let img = anim::image::RgbaImage::load_png(&png).unwrap();
    assert_eq!((img.width, img.height), (320, 180));
    // The final frame: box "a" filled with primary_soft (#dce8f5) at its centre-left.
    assert_eq!(img.pixel(30, 60), [0xdc, 0xe8, 0xf5, 255]);

    let mp4 = p.renders().join("01-mini-demo.mp4");
    let probe = ffprobe(
        &mp4,
        "stream=codec_name,profile,pix_fmt,width,height,r_frame_rate,nb_read_frames,color_space,color_transfer,color_primaries,color_range:format=duration",
    );
    assert_eq!(field(&probe, "codec_name"), "h264", "{probe}");
    assert_eq!(field(&probe, "profile"), "High");
    assert_eq!(field(&probe, "pix_fmt"), "yuv420p");
    assert_eq!((field(&probe, "width"), field(&probe, "height")), ("320", "180"));
    assert_eq!(field(&probe, "r_frame_rate"), "30/1");
    assert_eq!(field(&probe, "nb_read_frames"), "60", "duration 2 s × 30 fps");
    for k in ["color_space", "color_transfer", "color_primaries"] {
        assert_eq!(field(&probe, k), "bt709", "{k}");
    }
    assert_eq!(field(&probe, "color_range"), "tv");
    let dur: f64 = field(&probe, "duration").parse().unwrap();
    assert!((dur - 2.0).abs() < 0.05, "{dur}");
    // faststart: the moov box comes before mdat.
    let bytes = std::fs::read(&mp4).unwrap();
    let pos = |tag: &[u8]| bytes.windows(4).position(|w| w == tag).unwrap();
    assert!(pos(b"moov") < pos(b"mdat"));
    // No temporary files remain: only the outputs and their cache records.
    assert_eq!(
        std::fs::read_dir(p.renders())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect::<std::collections::BTreeSet<_>>(),
        [
            ".01-mini-demo.mp4.anim-cache",
            ".01-mini-demo.png.anim-cache",
            "01-mini-demo.mp4",
            "01-mini-demo.png"
        ]
        .map(String::from)
        .into()
    );
}

#[test]
fn scale_frame_and_size_options() {
    let p = Project::new("opts", &[("mini", &mini())]);
    let o = p.run(&["render", "--scene", "mini", "--png-only", "--scale", "2", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let img = anim::image::RgbaImage::load_png(&p.renders().join("mini@2x.png")).unwrap();
    assert_eq!((img.width, img.height), (640, 360));
    let o = p.run(&[
        "render",
        "--scene",
        "mini",
        "--png-only",
        "--frame",
        "0",
        "--size",
        "160x90",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let img = anim::image::RgbaImage::load_png(&p.renders().join("mini-160x90-t0.png")).unwrap();
    assert_eq!((img.width, img.height), (160, 90));
    // At t = 0 nothing has faded in: the background colour everywhere near box a.
    assert_eq!(img.pixel(15, 30), [0xfb, 0xfa, 0xf7, 255]);
    let o = p.run(&[
        "render",
        "--scene",
        "mini",
        "--video-only",
        "--frames",
        "0..10",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let probe = ffprobe(&p.renders().join("mini-f0-10.mp4"), "stream=nb_read_frames");
    assert_eq!(field(&probe, "nb_read_frames"), "10");
}

#[test]
fn renders_are_deterministic() {
    let p = Project::new("det", &[("mini", &mini())]);
    let mut runs = Vec::new();
    for _ in 0..2 {
        let o = p.run(&["render", "--scene", "mini", "-q", "--force"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let png = std::fs::read(p.renders().join("mini.png")).unwrap();
        let frames = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(p.renders().join("mini.mp4"))
            .args(["-f", "framemd5", "-"])
            .output()
            .unwrap()
            .stdout;
        runs.push((png, frames));
    }
    assert!(runs[0].0 == runs[1].0, "PNG bytes differ between two renders");
    assert!(
        runs[0].1 == runs[1].1,
        "decoded video frames differ between two renders"
    );
    assert!(runs[0].1.len() > 100);
}

#[test]
fn all_with_jobs_and_a_transparent_still() {
    let p = Project::new("jobs", &[("01-a", &mini()), ("02-b", &mini())]);
    let o = p.run(&["render", "--all", "--jobs", "2", "--frames", "0..6", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in ["01-a", "02-b"] {
        assert!(p.renders().join(format!("{name}.png")).exists());
        let probe = ffprobe(
            &p.renders().join(format!("{name}-f0-6.mp4")),
            "stream=nb_read_frames",
        );
        assert_eq!(field(&probe, "nb_read_frames"), "6");
    }
    let o = p.run(&["render", "--scene", "01-a", "--png-only", "--transparent", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let img = anim::image::RgbaImage::load_png(&p.renders().join("01-a-transparent.png")).unwrap();
    assert_eq!(img.pixel(2, 2)[3], 0, "background is transparent");
    assert_eq!(
        img.pixel(30, 60),
        [0xdc, 0xe8, 0xf5, 255],
        "shapes keep their colour"
    );
}

/// Partial ranges, stills at another time, other sizes, frame rates and
/// transparency get names of their own: the book's figure (`mini.png`,
/// `mini.mp4`) is never replaced by one of them.
#[test]
fn variants_never_replace_the_figure() {
    let p = Project::new("variants", &[("mini", &mini())]);
    let o = p.run(&["render", "--scene", "mini", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let figure = || {
        (
            std::fs::read(p.renders().join("mini.png")).unwrap(),
            std::fs::read(p.renders().join("mini.mp4")).unwrap(),
        )
    };
    let before = figure();
    let runs: &[&[&str]] = &[
        &["--video-only", "--frames", "0..10"],
        &["--png-only", "--frame", "0.5"],
        &["--png-only", "--transparent"],
        &["--size", "160x90", "--frames", "0..4"],
        &["--video-only", "--fps", "10"],
        &["-ql", "--frames", "0..3"],
        &["--png-only", "--scale", "2"],
    ];
    for args in runs {
        let o = p
            .anim()
            .args(["render", "--scene", "mini", "-q"])
            .args(*args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(figure(), before, "a variant replaced the figure");
    assert_eq!(
        names_in(&p.renders()),
        [
            "mini-10fps.mp4",
            "mini-160x90-f0-4.mp4",
            "mini-160x90.png",
            "mini-854x480-15fps-f0-3.mp4",
            "mini-854x480.png",
            "mini-f0-10.mp4",
            "mini-t0.5.png",
            "mini-transparent.png",
            "mini.mp4",
            "mini.png",
            "mini@2x.png",
        ]
    );
    // Each holds what its name says.
    let probe = ffprobe(
        &p.renders().join("mini-10fps.mp4"),
        "stream=r_frame_rate,nb_read_frames",
    );
    assert_eq!(
        (field(&probe, "r_frame_rate"), field(&probe, "nb_read_frames")),
        ("10/1", "20"),
        "2 s at 10 fps"
    );
    let probe = ffprobe(
        &p.renders().join("mini-854x480-15fps-f0-3.mp4"),
        "stream=width,height,r_frame_rate,nb_read_frames",
    );
    assert_eq!(
        [
            field(&probe, "width"),
            field(&probe, "height"),
            field(&probe, "r_frame_rate"),
            field(&probe, "nb_read_frames")
        ],
        ["854", "480", "15/1", "3"]
    );
    // -ql also means a fast, rougher encode: crf 28, x264's ultrafast preset.
    let bytes = std::fs::read(p.renders().join("mini-854x480-15fps-f0-3.mp4")).unwrap();
    let settings = String::from_utf8_lossy(&bytes);
    assert!(
        settings.contains("crf=28.0") && settings.contains("subme=0"),
        "not ultrafast crf 28"
    );
}

/// `-o FILE` writes exactly that file, its kind taken from the extension,
/// creating its folder, and nothing else.
#[test]
fn output_flag_writes_exactly_one_file() {
    let p = Project::new("output", &[("mini", &mini())]);
    let video = p.dir.join("elsewhere/clip.mp4");
    let still = p.dir.join("still.PNG");
    let o = p.run(&[
        "render",
        "--scene",
        "mini",
        "-q",
        "--frames",
        "0..5",
        "-o",
        video.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let probe = ffprobe(&video, "stream=codec_name,nb_read_frames");
    assert_eq!(
        (field(&probe, "codec_name"), field(&probe, "nb_read_frames")),
        ("h264", "5")
    );
    let o = p.run(&[
        "render",
        "--scene",
        "mini",
        "-q",
        "--frame",
        "0",
        "-o",
        still.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let img = anim::image::RgbaImage::load_png(&still).unwrap();
    assert_eq!((img.width, img.height), (320, 180));
    assert_eq!(names_in(&p.dir.join("elsewhere")), ["clip.mp4"]);
    assert!(!p.renders().exists(), "-o wrote into renders/ too");
    // A folder given to -o, and a file name given to --out, are refused before anything is made.
    let o = p.run(&[
        "render",
        "--scene",
        "mini",
        "-o",
        p.dir.join("elsewhere").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is a folder"), "{}", stderr(&o));
    let o = p.run(&["render", "--scene", "mini", "--out", "x.mp4"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!p.dir.join("x.mp4").exists(), "--out x.mp4 created a folder");
}

/// PNGs are ready for print: a pHYs chunk (300 dpi unless --dpi), RGB when
/// opaque and RGBA only when transparent, sRGB with its gAMA and cHRM.
#[test]
fn pngs_are_ready_for_print() {
    let p = Project::new("print", &[("mini", &mini())]);
    for args in [
        &["--png-only"][..],
        &["--png-only", "--dpi", "600", "--scale", "2"],
        &["--png-only", "--transparent"],
    ] {
        let o = p
            .anim()
            .args(["render", "--scene", "mini", "-q"])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let expect = |name: &str, colour_type: u8, per_metre: u32| {
        let chunks = png_chunks(&p.renders().join(name));
        assert_eq!(chunks[0].0, "IHDR");
        assert_eq!(
            chunk(&chunks, "IHDR")[9],
            colour_type,
            "{name}: 2 = RGB, 6 = RGBA"
        );
        let phys = chunk(&chunks, "pHYs");
        assert_eq!(
            u32::from_be_bytes(phys[0..4].try_into().unwrap()),
            per_metre,
            "{name}"
        );
        assert_eq!(
            u32::from_be_bytes(phys[4..8].try_into().unwrap()),
            per_metre,
            "{name}"
        );
        assert_eq!(phys[8], 1, "{name}: unit is the metre");
        assert_eq!(chunk(&chunks, "sRGB"), [0], "{name}: perceptual intent");
        assert_eq!(
            chunk(&chunks, "gAMA"),
            45455u32.to_be_bytes(),
            "{name}: sRGB's gAMA"
        );
        let chrm: Vec<u32> = chunk(&chunks, "cHRM")
            .chunks(4)
            .map(|c| u32::from_be_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(
            chrm,
            [31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000],
            "{name}: sRGB's primaries"
        );
        assert!(
            !chunks.iter().any(|(k, _)| k == "iCCP"),
            "{name}: sRGB and iCCP exclude each other"
        );
    };
    expect("mini.png", 2, 11811);
    expect("mini@2x.png", 2, 23622);
    expect("mini-transparent.png", 6, 11811);
}

/// The PNG chunks before the image data: (type, data).
fn png_chunks(path: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    let mut chunks = Vec::new();
    let mut i = 8;
    while i + 8 <= bytes.len() {
        let n = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        let kind = String::from_utf8_lossy(&bytes[i + 4..i + 8]).into_owned();
        if kind == "IDAT" {
            break;
        }
        chunks.push((kind, bytes[i + 8..i + 8 + n].to_vec()));
        i += 12 + n;
    }
    chunks
}

fn chunk<'a>(chunks: &'a [(String, Vec<u8>)], kind: &str) -> &'a [u8] {
    &chunks
        .iter()
        .find(|(k, _)| k == kind)
        .unwrap_or_else(|| panic!("no {kind} chunk in {chunks:?}"))
        .1
}
