//! Naming scenes and asking for outputs: `anim list`, short names and
//! did-you-mean, paths that are not scene files, and the bad requests that
//! exit 2 before anything is written.

use std::process::Command;

use crate::support::{mini, stderr, Project};

#[test]
fn list_shows_every_scene() {
    let p = Project::new("list", &[("01-mini-demo", &mini())]);
    let o = p.run(&["list"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("01-mini-demo") && out.contains("2.0s") && out.contains("320x180"),
        "{out}"
    );
}

#[test]
fn names_get_a_did_you_mean_and_paths_say_what_they_are() {
    let bad_colour = mini().replace("fill: \"primary_soft\"", "fill: \"primary_sfot\"");
    let p = Project::new("names", &[("01-mini-demo", &mini()), ("02-colour", &bad_colour)]);
    let o = p.run(&["render", "--scene", "mnii"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean \"mini\"?"), "{}", stderr(&o));
    let o = p.run(&["check", "scenes/02-colour.ron"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean \"primary_soft\"?"),
        "{}",
        stderr(&o)
    );
    // list shows the short names that --scene takes.
    let o = p.run(&["list"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("SHORT NAME")
            && out
                .lines()
                .any(|l| l.starts_with("01-mini-demo") && l.contains(" mini ")),
        "{out}"
    );
    // No scene given: say how to give one, and about --all.
    let o = p.run(&["render"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--scene NAME") && stderr(&o).contains("--all"),
        "{}",
        stderr(&o)
    );
    // Paths that are not scene files say what they are.
    std::fs::create_dir_all(p.dir.join("folder.ron")).unwrap();
    std::os::unix::fs::symlink(p.dir.join("loop-a.ron"), p.dir.join("loop-b.ron")).unwrap();
    std::os::unix::fs::symlink(p.dir.join("loop-b.ron"), p.dir.join("loop-a.ron")).unwrap();
    std::os::unix::fs::symlink(p.dir.join("gone.ron"), p.dir.join("dangling.ron")).unwrap();
    assert!(Command::new("mkfifo")
        .arg(p.dir.join("fifo.ron"))
        .status()
        .unwrap()
        .success());
    let cases = [
        ("scenes/nope.ron", "scenes/nope.ron does not exist"),
        ("folder.ron", "folder.ron is a folder"),
        ("./loop-a.ron", "is a loop of symbolic links"),
        ("./dangling.ron", "is a symbolic link to nothing"),
        ("./fifo.ron", "is a FIFO (named pipe), not a scene file"),
        ("/dev/null", "is a device, not a scene file"),
    ];
    let o = p.run(&["render", "--scene", "scenes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("scenes is a folder, not a scene file"),
        "{}",
        stderr(&o)
    );
    // check takes a folder for the scene files in it.
    let o = p.run(&["check", "scenes/"]);
    assert_eq!(o.status.code(), Some(2), "02-colour has an error");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("ok   scenes/01-mini-demo.ron"), "{out}");
    assert!(stderr(&o).contains("02-colour.ron"), "{}", stderr(&o));
    for (path, want) in cases {
        for cmd in [&["check", path][..], &["render", "--scene", path]] {
            let o = p.run(cmd);
            assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", stderr(&o));
            assert!(
                stderr(&o).contains(want),
                "{cmd:?}: expected {want:?} in {}",
                stderr(&o)
            );
        }
    }
}

#[test]
fn bad_requests_exit_2_without_touching_renders() {
    let odd = mini().replace("size: (320, 180)", "size: (321, 181)");
    let p = Project::new("bad", &[("mini", &mini()), ("odd", &odd)]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["render", "--scene", "nope"],
            "unknown scene \"nope\"; the scenes are: mini, odd",
        ),
        (
            &["render", "--scene", "odd", "--video-only"],
            "321x181 is not even",
        ),
        (
            &["render", "--scene", "mini", "--size", "100x100"],
            "changes the aspect ratio",
        ),
        (&["render", "--scene", "mini", "--frame", "9"], "outside 0..=2"),
        (
            &["render", "--scene", "mini", "--frames", "0..999"],
            "outside the scene's 0..60 frames",
        ),
        (
            &["render", "--scene", "mini", "--scale", "100"],
            "outside 1..=4096",
        ),
        (
            &["render", "--scene", "mini", "--frames", "0..99999999"],
            "outside the scene's 0..60 frames",
        ),
        (
            &["render", "--scene", "mini", "--preset", "nonsense"],
            "[possible values: ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo]",
        ),
        (&["render", "--scene", "mini", "--fps", "0"], "--fps"),
        (&["render", "--scene", "mini", "-o", "x.tiff"], "name a still (.png, .pdf, .svg) or a video (.mp4, .webm"),
        (&["render", "--scene", "mini", "--format", "png,wbem"], "(did you mean \"webm\"?)"),
        (&["render", "--scene", "mini", "--format", "webm", "--png-only"], "cannot be used with"),
        (&["render", "--scene", "mini", "--format", "mp4", "--transparent"], "an MP4 cannot carry alpha"),
        (&["render", "--scene", "mini", "--out", "x.webm"], "to write exactly one file, use -o x.webm"),
        (&["render", "--all", "-o", "x.png"], "cannot be used with"),
        (&["render", "--scene", "mini", "--out", "x.mp4"], "to write exactly one file, use -o x.mp4"),
        (&["render", "--scene", "mini", "--quality", "z"], "invalid value 'z'"),
        (&["render", "--scene", "mini", "--png-only", "--frames", "0..9"], "cannot be used with"),
        (&["render", "--scene", "mini", "--video-only", "--frame", "1"], "cannot be used with"),
        (&["render", "--scene", "mini", "--video-only", "--transparent"], "cannot be used with"),
        (&["render", "--scene", "mini", "-o", "x.png", "--frames", "0..9"], "--frames does not apply to the still"),
        (&["render", "--scene", "mini", "-o", "x.mp4", "--frame", "1"], "--frame does not apply to the video"),
    ];
    for (args, want) in cases {
        let o = p.run(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: expected {want:?} in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // Nothing was written, not even the output folder: every request is
    // checked before the disk is touched.
    assert!(!p.renders().exists(), "renders/ was created");
}

/// `anim check --expanded` prints the scene with its computation done: a
/// loop unrolled into named elements, a template filled in.
#[test]
fn check_expanded_prints_the_scene_as_anim_reads_it() {
    let computing = mini().replace(
        "elements: [",
        "values: { \"n\": 3 },\n    elements: [\n        For(each: \"i\", in: \"{range(n)}\", body: [ Circle(name: \"dot_{i}\", at: \"{[40 + 20 * i, 20]}\", radius: 4, fill: \"accent\") ]),",
    );
    let p = Project::new("expanded", &[("01-comp", &computing)]);
    let o = p.run(&["check", "--expanded", "comp"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for want in ["\"dot_0\"", "\"dot_2\"", "80"] {
        assert!(out.contains(want), "{want} in {out}");
    }
    assert!(!out.contains("For(") && !out.contains("{range"), "{out}");
}
