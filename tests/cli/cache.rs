//! The render cache: exactly the outputs an edited input affects are
//! rendered again, and an edited scene re-renders only the video segments
//! that changed.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{frame_md5s, mini, repo, stderr, Project};

/// The outputs `anim -v render` says it rendered, as `scene.ext`, sorted
/// (it says `NAME: PATH: out of date (why)` for each, `NAME: PATH: up to date, …` for the others).
fn rendered(o: &Output) -> Vec<String> {
    assert!(o.status.success(), "{}", stderr(o));
    let mut done: Vec<String> = stderr(o)
        .lines()
        .filter_map(|l| l.split_once(": out of date (").map(|(before, _)| before))
        .filter_map(|before| {
            Path::new(before.split_once(": ")?.1)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .collect();
    done.sort();
    done
}

/// The render cache re-renders exactly what an edit affects: each kind of
/// input is changed in turn (a data file, an image, a scene file, an
/// imported file, the theme,
/// a font, an output deleted or edited by hand, the options, anim itself).
#[test]
fn the_cache_renders_exactly_what_changed() {
    let p = Project::new("cache", &[]);
    // Its own assets (the project's are a link to the repository's), and an image of its own.
    std::fs::remove_file(p.dir.join("assets")).unwrap();
    assert!(Command::new("cp")
        .arg("-r")
        .arg(repo().join("assets"))
        .arg(p.dir.join("assets"))
        .status()
        .unwrap()
        .success());
    std::fs::write(
        p.dir.join("assets/data/mine.csv"),
        "step,train\n0,3.0\n1,2.5\n2,2.0\n",
    )
    .unwrap();
    std::fs::create_dir_all(p.dir.join("pics")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/icon.png"),
        p.dir.join("pics/icon.png"),
    )
    .unwrap();
    let add = |element: &str| mini().replacen("elements: [", &format!("elements: [\n        {element},"), 1);
    let scenes = [
        (
            "01-chart",
            add(
                r#"LineChart(name: "c", at: (160, 95), size: (120, 60), series: [(label: "l", csv: "assets/data/mine.csv", x: "step", y: "train")])"#,
            ),
        ),
        (
            "02-image",
            add(r#"Image(name: "i", at: (40, 150), path: "pics/icon.png", size: (24, 0))"#),
        ),
        // Imports the series' shared values and components.
        (
            "03-plain",
            mini().replace(
                "duration: 2.0,",
                "duration: 2.0,\n    import: [\"assets/serie.ron\"],",
            ),
        ),
    ];
    for (name, src) in &scenes {
        std::fs::write(p.dir.join(format!("scenes/{name}.ron")), src).unwrap();
    }
    // --all writes the book's set: PNG, MP4 and storyboard (PNG and PDF).
    let set = |n: &str| ["mp4", "png", "storyboard.pdf", "storyboard.png"].map(|e| format!("{n}.{e}"));
    let all: Vec<String> = ["01-chart", "02-image", "03-plain"]
        .iter()
        .flat_map(|n| set(n))
        .collect();
    let render = || rendered(&p.run(&["-v", "render", "--all"]));
    assert_eq!(render(), all, "first render");
    assert_eq!(render(), Vec::<String>::new(), "nothing changed");
    let append = |rel: &str, bytes: &[u8]| {
        use std::io::Write as _;
        std::fs::OpenOptions::new()
            .append(true)
            .open(p.dir.join(rel))
            .unwrap()
            .write_all(bytes)
            .unwrap();
    };
    append("assets/data/mine.csv", b"3,1.5\n");
    assert_eq!(render(), set("01-chart"), "a data file");
    let mut icon = anim::image::RgbaImage::load_png(&p.dir.join("pics/icon.png")).unwrap();
    icon.data[0] ^= 0xff;
    icon.save_png(&p.dir.join("pics/icon.png")).unwrap();
    assert_eq!(render(), set("02-image"), "an image");
    append("scenes/03-plain.ron", b"// edited\n");
    assert_eq!(render(), set("03-plain"), "a scene file");
    append("assets/serie.ron", b"\n// edited\n");
    assert_eq!(render(), set("03-plain"), "an imported file");
    append("assets/theme.ron", b"\n// edited\n");
    assert_eq!(render(), all, "the theme");
    append("assets/fonts/Inter-Regular.otf", b"\0");
    assert_eq!(render(), all, "a font");
    std::fs::remove_file(p.renders().join("01-chart.png")).unwrap();
    append("renders/02-image.mp4", b"\0");
    assert_eq!(
        render(),
        ["01-chart.png", "02-image.mp4"],
        "outputs deleted or edited by hand"
    );
    let o = p.run(&["-v", "render", "--all", "--png-only", "--dpi", "72"]);
    assert_eq!(
        rendered(&o),
        ["01-chart.png", "02-image.png", "03-plain.png"],
        "other options"
    );
    assert!(
        stderr(&o).contains("other options than last time"),
        "{}",
        stderr(&o)
    );
    let o = p.run(&["-v", "render", "--scene", "plain", "--force"]);
    assert_eq!(rendered(&o), ["03-plain.mp4", "03-plain.png"], "--force");
    // Another build of anim: a copy of the binary with one more byte (an ELF file still runs).
    let other = p.dir.join("anim-other");
    std::fs::copy(env!("CARGO_BIN_EXE_anim"), &other).unwrap();
    append("anim-other", b"\0");
    let o = Command::new(&other)
        .args(["-v", "render", "--all", "--png-only", "--dpi", "72"])
        .current_dir(&p.dir)
        .output()
        .unwrap();
    assert_eq!(
        rendered(&o),
        ["01-chart.png", "02-image.png", "03-plain.png"],
        "anim itself"
    );
    assert!(stderr(&o).contains("anim itself changed"), "{}", stderr(&o));
}

/// A scene edited at its start, middle or end re-renders only the 2 s
/// segments that look different and copies the others from the earlier
/// video; the result decodes to exactly the frames of a full render (and
/// is the same file).
#[test]
fn an_edited_scene_renders_only_the_segments_that_changed() {
    let ten = mini().replace("duration: 2.0", "duration: 10.0");
    let p = Project::new("segments", &[("mini", &ten)]);
    let scene = p.dir.join("scenes/mini.ron");
    let o = p.run(&["render", "--scene", "mini", "--video-only", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let edits = [
        (
            "start",
            "FadeIn(target: \"a\", dur: 0.3)",
            "FadeIn(target: \"a\", dur: 0.35)",
            3,
        ),
        (
            "middle",
            "ease: Linear),",
            "ease: Linear),\n        FadeOut(target: \"b\", at: 5.0, dur: 0.5),",
            2,
        ),
        (
            "end",
            "ease: Linear),",
            "ease: Linear),\n        FadeOut(target: \"a\", at: 9.0, dur: 0.5),",
            4,
        ),
    ];
    for (at, from, to, kept) in edits {
        let src = std::fs::read_to_string(&scene).unwrap();
        assert!(src.contains(from), "{at}");
        std::fs::write(&scene, src.replacen(from, to, 1)).unwrap();
        let o = p.run(&["render", "--scene", "mini", "--video-only"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("{kept} of 5 segments unchanged and kept")),
            "{at}: {}",
            stderr(&o)
        );
        let o = p.run(&[
            "render",
            "--scene",
            "mini",
            "--video-only",
            "-q",
            "--force",
            "--out",
            "full",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let (spliced, full) = (p.renders().join("mini.mp4"), p.dir.join("full/mini.mp4"));
        let md5s = frame_md5s(&spliced);
        assert_eq!(md5s.len(), 300, "{at}");
        assert_eq!(
            md5s,
            frame_md5s(&full),
            "{at}: the spliced video decodes to other frames than a full render"
        );
        assert!(
            std::fs::read(&spliced).unwrap() == std::fs::read(&full).unwrap(),
            "{at}: not the same file"
        );
    }
}
