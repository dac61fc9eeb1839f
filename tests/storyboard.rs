//! Issue 20: `--format storyboard`, the key moments side by side as a PNG
//! and a PDF, read back by poppler (`pdftoppm`, `pdftotext`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "cli/support.rs"]
mod support;

use std::process::Command;

use anim::image::RgbaImage;
use support::{mini, names_in, stderr, Project};

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(o.status.success(), "{cmd:?}: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The mini scene with three keyframes: box "a" alone, the arrow drawn, the end.
fn with_keyframes() -> String {
    mini()
        .replace(
            "FadeIn(target: \"a\", dur: 0.3),",
            "FadeIn(target: \"a\", dur: 0.3),\n        Keyframe(label: \"a aparece\"),",
        )
        .replace(
            "DrawOn(target: \"ab\", dur: 0.4),",
            "DrawOn(target: \"ab\", dur: 0.4),\n        Keyframe(label: \"seta\"),",
        )
        .replace("],\n)", "    Keyframe(at: 2.0, label: \"fim\"),\n    ],\n)")
}

fn pixel(img: &RgbaImage, x: f32, y: f32) -> [u8; 4] {
    let i = ((y as u32 * img.width + x as u32) * 4) as usize;
    img.data[i..i + 4].try_into().unwrap()
}

#[test]
fn keyframes_are_the_panels_in_order_with_their_captions() {
    let src = with_keyframes();
    assert!(src.contains("label: \"fim\""), "{src}");
    let p = Project::new("storyboard", &[("01-mini", &src)]);
    let o = p.run(&["render", "--scene", "mini", "--format", "storyboard"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = p.renders();
    assert_eq!(names_in(&r), ["01-mini.storyboard.pdf", "01-mini.storyboard.png"]);
    let png = RgbaImage::load_png(&r.join("01-mini.storyboard.png")).unwrap();
    // One row of three panels on a sheet as wide as the render:
    // margins 8, gaps 6, panels 97×55, a caption band of 18.
    assert_eq!((png.width, png.height), (320, 8 + 55 + 18 + 8));
    let panel = |k: f32, x: f32, y: f32| {
        pixel(
            &png,
            8.0 + k * (97.0 + 6.0) + x * 97.0 / 320.0,
            8.0 + y * 55.0 / 180.0,
        )
    };
    let background = pixel(&png, 2.0, 2.0);
    // Box "a" (centre (70, 60)) is in every panel; box "b" (250, 60) only in the last.
    for k in 0..3 {
        assert_ne!(panel(k as f32, 70.0, 60.0), background, "panel {k}: box a");
    }
    assert_eq!(panel(0.0, 250.0, 60.0), background, "panel 1: no box b yet");
    assert_eq!(panel(1.0, 250.0, 60.0), background, "panel 2: no box b yet");
    assert_ne!(panel(2.0, 250.0, 60.0), background, "panel 3: box b");

    let pdf = r.join("01-mini.storyboard.pdf");
    // -raw: the text in the order it is written, spaces as written (the
    // default layout mode guesses spaces from gaps, which at a 9 px caption
    // it gets wrong either way).
    let text = run(Command::new("pdftotext").arg("-raw").arg(&pdf).arg("-"));
    for caption in ["0,3 s · a aparece", "0,7 s · seta", "2 s · fim", "ação"] {
        assert!(text.contains(caption), "no {caption:?} in the PDF: {text}");
    }
    // The PDF is the same sheet: its size in pixels at 96 dpi, and box b
    // missing from the first panel there too.
    let stem = p.dir.join("sheet");
    run(Command::new("pdftoppm")
        .args(["-r", "96", "-png", "-singlefile"])
        .arg(&pdf)
        .arg(&stem));
    let back = RgbaImage::load_png(&stem.with_extension("png")).unwrap();
    assert_eq!((back.width, back.height), (png.width, png.height));
    let at = |img: &RgbaImage, k: f32, x: f32| {
        pixel(img, 8.0 + k * 103.0 + x * 97.0 / 320.0, 8.0 + 60.0 * 55.0 / 180.0)
    };
    assert_eq!(
        at(&back, 0.0, 250.0)[..3],
        background[..3],
        "PDF panel 1: no box b"
    );
    assert_ne!(at(&back, 2.0, 250.0)[..3], background[..3], "PDF panel 3: box b");
}

#[test]
fn without_keyframes_the_holds_are_the_moments() {
    // The mini scene's steps run back to back until 2.0 s: no hold of
    // 0.3 s, so the storyboard is six moments evenly spaced; with a pause
    // after the first box, that pause and the final frame are the panels.
    let paused = mini().replace("duration: 2.0,", "duration: 2.5,").replace(
        "DrawOn(target: \"ab\", dur: 0.4),",
        "DrawOn(target: \"ab\", dur: 0.4, delay: 0.5),",
    );
    let p = Project::new("storyboard-auto", &[("01-mini", &mini()), ("02-paused", &paused)]);
    let o = p.run(&["render", "--all", "--format", "storyboard"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = |name: &str| {
        run(Command::new("pdftotext")
            .arg("-raw")
            .arg(p.renders().join(format!("{name}.storyboard.pdf")))
            .arg("-"))
    };
    let one = text("01-mini");
    for t in ["0,3 s", "0,7 s", "1 s", "1,3 s", "1,7 s", "2 s"] {
        assert!(one.contains(t), "no {t:?}: {one}");
    }
    let two = text("02-paused");
    // The hold 0.3..0.8 s, shown at its last frame (0.767 s → "0,8 s").
    assert!(two.contains("0,8 s") && two.contains("2,5 s"), "{two}");
    assert!(two.contains('2') && !two.contains('3'), "two panels: {two}");
}

#[test]
fn bad_storyboards_are_refused_at_their_line() {
    let cases = [
        (
            mini().replace(
                "duration: 2.0,",
                "duration: 2.0,\n    storyboard: (times: [1.0, 9.0]),",
            ),
            "time 9 is outside the scene's 0..=2 s",
        ),
        (
            mini().replace("duration: 2.0,", "duration: 2.0,\n    storyboard: (columns: 0),"),
            "columns must be 1..=24",
        ),
        (
            mini().replace("duration: 2.0,", "duration: 2.0,\n    storyboard: (colums: 2),"),
            "colums",
        ),
        (
            mini().replace(
                "FadeIn(target: \"a\", dur: 0.3),",
                "FadeIn(target: \"a\", dur: 0.3),\n        Keyframe(target: \"a\"),",
            ),
            "Keyframe: does not take a target",
        ),
    ];
    for (src, expected) in cases {
        let p = Project::new("storyboard-bad", &[("01-mini", &src)]);
        let o = p.run(&["render", "--scene", "mini", "--format", "storyboard"]);
        assert_eq!(o.status.code(), Some(2), "{expected}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(expected), "wanted {expected:?}: {e}");
        assert!(e.contains("01-mini.ron:"), "no file:line: {e}");
        assert!(!p.renders().exists(), "nothing written");
    }
}
