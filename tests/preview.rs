//! End-to-end tests of `anim preview`: the window under a private Xvfb
//! server, screenshots with ImageMagick's `import`, hot reload through the
//! file system, and the error without a display.
//!
//! Needs the Debian packages `xvfb`, `x11-utils` (xdpyinfo),
//! `imagemagick` and `xdotool` (synthetic clicks), plus Mesa's lavapipe like the other GPU tests. Xvfb has no
//! window manager, so the window sits undecorated at (0, 0) of the root
//! window and a crop of the root window is the window's content.
//!
//! Every wait polls with a deadline instead of sleeping a fixed time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anim::image::{compare, RgbaImage};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Polls `f` every 50 ms until it returns `Some`, or gives up after `timeout`.
fn poll<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A private X server, killed on drop.
struct Xvfb {
    display: String,
    child: Child,
}

impl Xvfb {
    /// Starts `Xvfb :N` on a display number derived from the process id (so
    /// parallel test runs do not collide), skipping numbers in use, and
    /// waits until it answers.
    fn start(slot: u32) -> Xvfb {
        let base = 200 + (std::process::id() % 400) * 4 + slot;
        let n = (base..base + 40)
            .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
            .expect("a free X display number");
        let display = format!(":{n}");
        let child = Command::new("Xvfb")
            .args([&display, "-screen", "0", "1280x720x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (Debian package xvfb)");
        let x = Xvfb { display, child };
        let up = poll(Duration::from_secs(10), || {
            Command::new("xdpyinfo")
                .args(["-display", &x.display])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("xdpyinfo is installed (Debian package x11-utils)")
                .success()
                .then_some(())
        });
        assert!(up.is_some(), "Xvfb {} did not come up", x.display);
        x
    }

    /// The top-left `w`×`h` pixels of the screen, where the window sits.
    fn screenshot(&self, w: u32, h: u32, path: &Path) -> RgbaImage {
        let status = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .args(["-crop", &format!("{w}x{h}+0+0"), "+repage"])
            // PNG32: 8-bit RGBA, never a palette image, which anim's PNG reader refuses.
            .arg(format!("PNG32:{}", path.display()))
            .status()
            .expect("import is installed (Debian package imagemagick)");
        assert!(status.success(), "import failed");
        RgbaImage::load_png(path).unwrap()
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // SIGTERM lets Xvfb remove its /tmp/.X<n>-lock; SIGKILL would leave it behind.
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let exited = poll(Duration::from_secs(3), || self.child.try_wait().ok().flatten());
        if exited.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A temp project with `scenes/01-mini.ron` and a link to the repo's assets.
struct Project {
    dir: PathBuf,
}

impl Project {
    fn new(tag: &str) -> Project {
        let dir = std::env::temp_dir().join(format!("anim-preview-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("scenes")).unwrap();
        std::os::unix::fs::symlink(repo().join("assets"), dir.join("assets")).unwrap();
        std::fs::write(dir.join("scenes/01-mini.ron"), mini()).unwrap();
        Project { dir }
    }
    fn scene(&self) -> PathBuf {
        self.dir.join("scenes/01-mini.ron")
    }
    fn anim(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_anim"));
        c.current_dir(&self.dir);
        c
    }
    /// The PNG `anim render` writes for the scene at `t`.
    fn render_png(&self, t: f64) -> RgbaImage {
        let still = self.dir.join("still.png");
        let o = self
            .anim()
            .args([
                "render",
                "--scene",
                "mini",
                "--quiet",
                "--frame",
                &t.to_string(),
                "-o",
            ])
            .arg(&still)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        RgbaImage::load_png(&still).unwrap()
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn mini() -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/mini.ron")).unwrap()
}

/// A running `anim preview`, its stderr collected line by line; killed on drop.
struct Preview {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Preview {
    fn start(project: &Project, x: &Xvfb, args: &[&str]) -> Preview {
        let mut child = project
            .anim()
            .arg("preview")
            .args(args)
            .env("DISPLAY", &x.display)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Preview { child, lines }
    }

    fn stderr(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    fn count(&self, prefix: &str) -> usize {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with(prefix))
            .count()
    }

    /// Waits until `prefix` has started `n` lines; returns the last such line.
    fn wait_for(&mut self, prefix: &str, n: usize, timeout: Duration) -> String {
        let found = poll(timeout, || {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the preview exited ({status}) while waiting for {prefix:?}:\n{}",
                    self.stderr()
                );
            }
            let lines = self.lines.lock().unwrap();
            let hits: Vec<&String> = lines.iter().filter(|l| l.starts_with(prefix)).collect();
            (hits.len() >= n).then(|| hits[n - 1].clone())
        });
        found.unwrap_or_else(|| {
            panic!(
                "no {n}th {prefix:?} line within {timeout:?}; stderr:\n{}",
                self.stderr()
            )
        })
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where failed comparisons leave their images.
fn output_dir() -> PathBuf {
    let d = repo().join("tests/output");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The mini scene paused at 1 s in a 320×180 window without the overlay,
/// once the first frame is on screen.
fn paused_at_one_second(project: &Project, x: &Xvfb) -> Preview {
    let mut preview = Preview::start(
        project,
        x,
        &[
            "--scene",
            "mini",
            "--start",
            "1.0",
            "--paused",
            "--window",
            "320x180",
            "--no-overlay",
        ],
    );
    preview.wait_for("preview: ready", 1, Duration::from_secs(20));
    preview
}

#[test]
fn the_window_shows_what_render_writes() {
    let project = Project::new("same");
    let expected = project.render_png(1.0);
    let x = Xvfb::start(0);
    let mut preview = paused_at_one_second(&project, &x);

    // Same scene, time, size, pipeline and anti-aliasing; only the target differs
    // (a Bgra8UnormSrgb swapchain image vs an Rgba8UnormSrgb texture). On
    // lavapipe (Mesa 22.3.6) the two match byte for byte; the tolerance
    // (channel difference ≤ 2 on ≥ 99.9% of pixels) leaves room for another
    // driver's swapchain path, while a wrong colour space (a non-sRGB
    // surface darkens every mid-tone by 30+ levels), a missing background
    // or a shifted or scaled scene fails on thousands of pixels.
    assert_window_shows(
        &x,
        &mut preview,
        &expected,
        "window",
        Duration::from_secs(10),
        "the window differs from the PNG",
    );
}

#[test]
fn edits_reload_and_errors_keep_the_window() {
    let project = Project::new("reload");
    let x = Xvfb::start(1);
    let mut preview = paused_at_one_second(&project, &x);
    let shot = output_dir().join("preview-reload.actual.png");
    // Box "a" at t = 1 s: primary_soft (#dce8f5) at (30, 60), as in tests/cli/outputs.rs.
    let pixel_becomes = |want: [u8; 4]| {
        poll(Duration::from_secs(5), || {
            let img = x.screenshot(320, 180, &shot);
            (img.pixel(30, 60) == want).then_some(())
        })
        .is_some()
    };
    assert!(pixel_becomes([0xdc, 0xe8, 0xf5, 255]), "{}", preview.stderr());

    // 1. A new fill colour is picked up, at the same (paused) time.
    let red = mini().replace(r#"fill: "primary_soft""#, r##"fill: "#ff0000""##);
    assert_ne!(red, mini());
    std::fs::write(project.scene(), &red).unwrap();
    let line = preview.wait_for("preview: reloaded", 1, Duration::from_secs(5));
    assert!(line.contains("01-mini.ron"), "{line}");
    assert!(pixel_becomes([255, 0, 0, 255]), "{}", preview.stderr());

    // 2. A broken file: the error with its position, and the window stays.
    let broken = red.replace("duration: 2.0,", "duration: 2.0,,");
    std::fs::write(project.scene(), &broken).unwrap();
    let line = preview.wait_for("preview: error:", 1, Duration::from_secs(5));
    assert!(line.contains("01-mini.ron:6:19:"), "{line}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        preview.alive(),
        "the preview closed on a broken file:\n{}",
        preview.stderr()
    );
    // The last good frame stays (the error panel is at the bottom, away from this pixel).
    assert!(pixel_becomes([255, 0, 0, 255]));

    // 3. Fixing it brings the scene back.
    let reloads = preview.count("preview: reloaded");
    std::fs::write(project.scene(), mini()).unwrap();
    preview.wait_for("preview: reloaded", reloads + 1, Duration::from_secs(5));
    assert!(pixel_becomes([0xdc, 0xe8, 0xf5, 255]), "{}", preview.stderr());
    assert!(!preview.stderr().contains("panicked"), "{}", preview.stderr());
    let _ = std::fs::remove_file(&shot);
}

/// Issue 17: a scene that computes (a value, a component reading it)
/// reloads like any other; a broken expression shows its error, with the
/// line and column of the offending token, and the window stays.
#[test]
fn computing_scenes_reload_and_expression_errors_show() {
    let project = Project::new("reload-expr");
    let computing = |colour: &str| {
        mini()
            .replace(
                "    elements: [\n",
                &format!(
                    "    values: {{ \"c\": \"{colour}\" }},\n    components: {{ \"Chip\": (params: {{ \"f\": () }}, body: [ Box(name: \"a\", at: (70, 60), size: (110, 50), fill: \"{{f}}\", stroke: \"primary\") ]) }},\n    elements: [\n"
                ),
            )
            .replace(
                r#"Box(name: "a", at: (70, 60), size: (110, 50), label: "ação", label_size: 18, fill: "primary_soft", stroke: "primary"),"#,
                r#"Chip(f: "{c}"),"#,
            )
    };
    std::fs::write(project.scene(), computing("#00ff00")).unwrap();
    let x = Xvfb::start(4);
    let mut preview = paused_at_one_second(&project, &x);
    let shot = output_dir().join("preview-reload-expr.actual.png");
    let pixel_becomes = |want: [u8; 4]| {
        poll(Duration::from_secs(5), || {
            let img = x.screenshot(320, 180, &shot);
            (img.pixel(30, 60) == want).then_some(())
        })
        .is_some()
    };
    assert!(pixel_becomes([0, 255, 0, 255]), "{}", preview.stderr());

    std::fs::write(project.scene(), computing("#0000ff")).unwrap();
    preview.wait_for("preview: reloaded", 1, Duration::from_secs(5));
    assert!(pixel_becomes([0, 0, 255, 255]), "{}", preview.stderr());

    // `+*` is a syntax error at the `*`: line 7 holds the components.
    let broken = computing("#0000ff").replace(r#"Chip(f: "{c}")"#, r#"Chip(f: "{c +* 1}")"#);
    let line_no = broken.lines().position(|l| l.contains("+*")).unwrap() + 1;
    let col = broken.lines().nth(line_no - 1).unwrap().find('*').unwrap() + 1;
    std::fs::write(project.scene(), &broken).unwrap();
    let line = preview.wait_for("preview: error:", 1, Duration::from_secs(5));
    assert!(line.contains(&format!("01-mini.ron:{line_no}:{col}:")), "{line}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(preview.alive(), "the preview closed:\n{}", preview.stderr());
    assert!(pixel_becomes([0, 0, 255, 255]));

    let reloads = preview.count("preview: reloaded");
    std::fs::write(project.scene(), computing("#00ff00")).unwrap();
    preview.wait_for("preview: reloaded", reloads + 1, Duration::from_secs(5));
    assert!(pixel_becomes([0, 255, 0, 255]), "{}", preview.stderr());
    assert!(!preview.stderr().contains("panicked"), "{}", preview.stderr());
    let _ = std::fs::remove_file(&shot);
}

/// Issue 22: playing redraws only what changed, frame after frame, over a
/// frame kept offscreen; after playing through to the end (no loop: it
/// stops there) the window must still show exactly the last frame that
/// `anim render` writes, with the first test's tolerance.
#[test]
fn playing_to_the_end_ends_on_what_render_writes() {
    let project = Project::new("play");
    // The scene lasts 2 s; the last frame's time is clamped to it.
    let expected = project.render_png(2.0);
    let x = Xvfb::start(3);
    let mut preview = Preview::start(
        &project,
        &x,
        &["--scene", "mini", "--window", "320x180", "--no-overlay"],
    );
    preview.wait_for("preview: ready", 1, Duration::from_secs(20));
    assert_window_shows(
        &x,
        &mut preview,
        &expected,
        "play",
        Duration::from_secs(15),
        "after playing, the window differs from the last frame",
    );
}

/// Waits up to `timeout` for the 320×180 window to show `expected`: a
/// channel difference ≤ 2 on ≥ 99.9 % of pixels. Otherwise saves the
/// screenshot, the expected image and their difference as
/// `tests/output/preview-NAME.*.png` and fails saying `what` differs.
/// The preview must still be running afterwards.
fn assert_window_shows(
    x: &Xvfb,
    preview: &mut Preview,
    expected: &RgbaImage,
    name: &str,
    timeout: Duration,
    what: &str,
) {
    let shot_path = output_dir().join(format!("preview-{name}.actual.png"));
    let mut last = None;
    let matched = poll(timeout, || {
        let shot = x.screenshot(320, 180, &shot_path);
        let (d, diff) = compare(expected, &shot, 2).expect("same size");
        let ok = d.fraction_over <= 0.001;
        last = Some((d, diff));
        ok.then_some(())
    });
    if matched.is_none() {
        let (d, diff) = last.unwrap();
        expected
            .save_png(&output_dir().join(format!("preview-{name}.expected.png")))
            .unwrap();
        diff.save_png(&output_dir().join(format!("preview-{name}.diff.png")))
            .unwrap();
        panic!(
            "{what} on {:.2}% of pixels (max {}); see tests/output/preview-{name}.*.png\n{}",
            d.fraction_over * 100.0,
            d.max,
            preview.stderr()
        );
    }
    let _ = std::fs::remove_file(&shot_path);
    assert!(preview.alive());
}

/// Runs `xdotool` on the test's display (Debian package xdotool).
fn xdotool(x: &Xvfb, args: &[&str]) {
    let status = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", &x.display)
        .status()
        .expect("xdotool is installed (Debian package xdotool)");
    assert!(status.success(), "xdotool {args:?} failed");
}

/// Issue 22: a click on the timeline bar seeks to the time under it, and
/// once the overlay and the bar are hidden (H) the window shows what
/// `anim render --frame` writes at that time: the frame before (t = 0) was
/// kept offscreen and only the rectangles that changed were redrawn.
#[test]
fn clicking_the_timeline_bar_seeks() {
    let project = Project::new("scrub");
    let x = Xvfb::start(2);
    let mut preview = Preview::start(
        &project,
        &x,
        &[
            "-v", "--scene", "mini", "--start", "0", "--paused", "--window", "320x180",
        ],
    );
    preview.wait_for("preview: ready", 1, Duration::from_secs(20));
    // The bar is the bottom 24 px of the 320×180 window; its track runs from
    // x = 10 to 310 over the scene's 2 s, so x = 160 is t = 1 s.
    xdotool(&x, &["mousemove", "160", "168", "click", "1"]);
    let line = preview.wait_for("preview: seek", 1, Duration::from_secs(5));
    let t: f64 = line
        .strip_prefix("preview: seek ")
        .and_then(|r| r.split(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!((t - 1.0).abs() < 0.01, "{line}");
    // Xvfb has no window manager to give the window the keyboard: focus it.
    xdotool(&x, &["search", "--name", "anim preview", "windowfocus", "--sync"]);
    xdotool(&x, &["key", "h"]);

    // The same tolerance and reasons as the_window_shows_what_render_writes.
    let expected = project.render_png(t);
    assert_window_shows(
        &x,
        &mut preview,
        &expected,
        "scrub",
        Duration::from_secs(10),
        &format!("after the seek the window differs from the PNG at {t} s"),
    );
}

#[test]
fn without_a_display_it_explains_and_exits_1() {
    let project = Project::new("nodisplay");
    let o = project
        .anim()
        .args(["preview", "--scene", "mini"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("Xvfb") && err.contains("DISPLAY"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Issue 19: a formula and a code block edited in the running preview are
/// laid out again and shown (the formula gains terms, the code a line).
#[cfg(all(feature = "math", feature = "code"))]
#[test]
fn formulas_and_code_reload() {
    let project = Project::new("reload-math");
    let scene = |formula: &str, code: &str| {
        format!(
            "(\n    size: (320, 180),\n    fps: 30,\n    duration: 2.0,\n    elements: [\n        Math(name: \"f\", at: (80, 60), size: 40, src: \"{formula}\"),\n        Code(name: \"c\", at: (170, 30), src: \"{code}\", language: \"python\", size: 14),\n    ],\n    timeline: [],\n)\n"
        )
    };
    std::fs::write(project.scene(), scene("x", "a = 1")).unwrap();
    let x = Xvfb::start(5);
    let mut preview = paused_at_one_second(&project, &x);
    let shot = output_dir().join("preview-reload-math.actual.png");
    // Dark (ink) pixels in a box of the window.
    let inked = |img: &RgbaImage, xs: std::ops::Range<u32>, ys: std::ops::Range<u32>| {
        xs.flat_map(|x| ys.clone().map(move |y| (x, y)))
            .filter(|&(x, y)| img.pixel(x, y)[0] < 128)
            .count()
    };
    let becomes = |xs: std::ops::Range<u32>, ys: std::ops::Range<u32>| {
        poll(Duration::from_secs(5), || {
            let img = x.screenshot(320, 180, &shot);
            (inked(&img, xs.clone(), ys.clone()) > 20).then_some(())
        })
        .is_some()
    };
    // At first only the x: nothing right of it.
    assert!(becomes(60..100, 40..80), "{}", preview.stderr());
    assert_eq!(inked(&x.screenshot(320, 180, &shot), 110..160, 30..90), 0);
    std::fs::write(project.scene(), scene("x + y + z", "a = 1")).unwrap();
    preview.wait_for("preview: reloaded", 1, Duration::from_secs(5));
    assert!(becomes(110..160, 30..90), "{}", preview.stderr());
    // A second line of code (line 2 is 65..86 px down: `at` 30, padding 14, lines 21 px).
    let before = inked(&x.screenshot(320, 180, &shot), 180..240, 64..88);
    std::fs::write(project.scene(), scene("x + y + z", "a = 1\\nb = 2")).unwrap();
    preview.wait_for("preview: reloaded", 2, Duration::from_secs(5));
    let grew = poll(Duration::from_secs(5), || {
        let img = x.screenshot(320, 180, &shot);
        (inked(&img, 180..240, 64..88) > before + 5).then_some(())
    });
    assert!(grew.is_some(), "{}", preview.stderr());
    assert!(!preview.stderr().contains("panicked"), "{}", preview.stderr());
    let _ = std::fs::remove_file(&shot);
}
