//! End-to-end tests of the `anim` binary on a throwaway project (a temp
//! folder with a scene and a link to the real assets/): outputs, MP4
//! properties through ffprobe, atomic outputs under signals, and the exit
//! codes of environment faults.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temp project with `scenes/<name>.ron` files and the repo's assets.
struct Project {
    dir: PathBuf,
}

impl Project {
    fn new(tag: &str, scenes: &[(&str, &str)]) -> Project {
        let dir = std::env::temp_dir().join(format!("anim-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("scenes")).unwrap();
        std::os::unix::fs::symlink(repo().join("assets"), dir.join("assets")).unwrap();
        for (name, src) in scenes {
            std::fs::write(dir.join("scenes").join(format!("{name}.ron")), src).unwrap();
        }
        Project { dir }
    }
    fn anim(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_anim"));
        c.current_dir(&self.dir);
        c
    }
    /// `anim` with no Vulkan driver: the loader (it reads either variable,
    /// by version) is pointed at an ICD list that does not exist.
    fn anim_without_vulkan(&self) -> Command {
        let mut c = self.anim();
        c.env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
            .env("VK_DRIVER_FILES", "/nonexistent/icd.json");
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.anim().args(args).output().unwrap()
    }
    fn renders(&self) -> PathBuf {
        self.dir.join("renders")
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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ffprobe(path: &Path, entries: &str) -> String {
    let o = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-count_frames",
            "-show_entries",
            entries,
        ])
        .args(["-of", "default=noprint_wrappers=1"])
        .arg(path)
        .output()
        .expect("ffprobe (Debian package ffmpeg) is installed by scripts/install-deps.sh");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn field<'a>(probe: &'a str, key: &str) -> &'a str {
    probe
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or("")
}

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
    // No temporary files remain.
    let leftovers: Vec<_> = std::fs::read_dir(p.renders())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
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
    let img = anim::image::RgbaImage::load_png(&p.renders().join("mini.png")).unwrap();
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
    let probe = ffprobe(&p.renders().join("mini.mp4"), "stream=nb_read_frames");
    assert_eq!(field(&probe, "nb_read_frames"), "10");
}

#[test]
fn renders_are_deterministic() {
    let p = Project::new("det", &[("mini", &mini())]);
    let mut runs = Vec::new();
    for _ in 0..2 {
        let o = p.run(&["render", "--scene", "mini", "-q"]);
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

/// `--backend gl` (llvmpipe through EGL here) renders the same still and a
/// playable video: GL adapters lack texture view formats, so the video's
/// YUV conversion happens on the CPU there whatever ANIM_YUV says.
#[test]
fn the_gl_backend_renders_like_vulkan() {
    let p = Project::new("gl", &[("mini", &mini())]);
    let mut stills = Vec::new();
    for backend in ["vulkan", "gl"] {
        let out = p.dir.join(backend);
        let o = p
            .anim()
            .args(["--backend", backend, "render", "--scene", "mini", "-q", "--out"])
            .arg(&out)
            .env("ANIM_YUV", "gpu")
            .output()
            .unwrap();
        assert!(o.status.success(), "{backend}: {}", stderr(&o));
        assert_eq!(
            field(&ffprobe(&out.join("mini.mp4"), "stream=pix_fmt"), "pix_fmt"),
            "yuv420p"
        );
        stills.push(std::fs::read(out.join("mini.png")).unwrap());
    }
    let decode = |bytes: &[u8]| {
        let mut r = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        r.next_frame(&mut buf).unwrap();
        buf
    };
    let (a, b) = (decode(&stills[0]), decode(&stills[1]));
    assert_eq!(a.len(), b.len());
    let differ = a.iter().zip(&b).filter(|(x, y)| x.abs_diff(**y) > 8).count();
    assert!(
        differ * 1000 < a.len(),
        "{differ} of {} bytes differ by more than 8",
        a.len()
    );
}

/// `--backend auto` looks at GL only when Vulkan has no hardware adapter
/// (GL costs memory even when unused); with no Vulkan driver at all it
/// still renders, on GL.
#[test]
fn auto_falls_back_to_gl_without_a_vulkan_driver() {
    let p = Project::new("nogl", &[("mini", &mini())]);
    let o = p
        .anim_without_vulkan()
        .args(["-v", "render", "--scene", "mini", "--png-only", "--out"])
        .arg(p.dir.join("out"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(", Gl,"), "{}", stderr(&o));
    assert!(p.dir.join("out/mini.png").exists());
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
    ];
    for (args, want) in cases {
        let o = p.run(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: expected {want:?} in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // Nothing was written (the folder may exist, but holds no output).
    let files: Vec<_> = std::fs::read_dir(p.renders())
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(files.is_empty(), "{files:?}");
}

#[test]
fn environment_faults_are_clear_errors() {
    let p = Project::new("env", &[("mini", &mini())]);
    let o = p
        .anim_without_vulkan()
        .args(["render", "--scene", "mini", "--backend", "vulkan", "-q"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no graphics adapter") && stderr(&o).contains("mesa-vulkan-drivers"),
        "{}",
        stderr(&o)
    );
    // An output folder that cannot be created.
    let o = p.run(&[
        "render",
        "--scene",
        "mini",
        "--png-only",
        "--out",
        "/proc/anim-out",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("/proc/anim-out"), "{}", stderr(&o));
    // A bad ANIM_BACKEND value.
    let o = p
        .anim()
        .args(["render", "--scene", "mini"])
        .env("ANIM_BACKEND", "metal")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ANIM_BACKEND"));
    // Not inside a project.
    let o = Command::new(env!("CARGO_BIN_EXE_anim"))
        .arg("list")
        .current_dir("/")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not inside an anim project"));
}

/// Starts a long render, sends `signal` once frames are flowing, and
/// returns the exit status.
fn interrupt(p: &Project, signal: &str) -> Option<i32> {
    let mut child = p
        .anim()
        .args(["render", "--scene", "long", "--quiet"])
        .spawn()
        .unwrap();
    // Wait until the temporary video exists: the encoder is running.
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let tmp = std::fs::read_dir(p.renders())
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().contains(".anim-tmp-"))
            })
            .unwrap_or(false);
        if tmp {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap().code()
}

#[test]
fn signals_leave_earlier_outputs_intact() {
    let long = mini()
        .replace("duration: 2.0", "duration: 60.0")
        .replace("size: (320, 180)", "size: (960, 540)");
    let p = Project::new("sig", &[("long", &long)]);
    // A good earlier render of a short range.
    let o = p.run(&["render", "--scene", "long", "--frames", "0..5", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mp4 = p.renders().join("long.mp4");
    let png = p.renders().join("long.png");
    let before = (std::fs::read(&mp4).unwrap(), std::fs::read(&png).unwrap());
    let temp_files = || -> Vec<String> {
        std::fs::read_dir(p.renders())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".anim-tmp-"))
            .collect()
    };

    assert_eq!(interrupt(&p, "-INT"), Some(130));
    assert_eq!(
        (std::fs::read(&mp4).unwrap(), std::fs::read(&png).unwrap()),
        before
    );
    assert!(temp_files().is_empty(), "{:?}", temp_files());

    assert_eq!(interrupt(&p, "-TERM"), Some(143));
    assert_eq!(
        (std::fs::read(&mp4).unwrap(), std::fs::read(&png).unwrap()),
        before
    );
    assert!(temp_files().is_empty(), "{:?}", temp_files());

    // SIGKILL leaves a temporary file behind, never a damaged output...
    assert_eq!(interrupt(&p, "-KILL"), None);
    assert_eq!(
        (std::fs::read(&mp4).unwrap(), std::fs::read(&png).unwrap()),
        before
    );
    assert_eq!(temp_files().len(), 1);
    // ...and the next run cleans it up.
    let o = p.run(&["render", "--scene", "long", "--png-only", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(temp_files().is_empty(), "{:?}", temp_files());
}

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

/// A full disk: a 40 KiB tmpfs as the output folder. The video cannot fit;
/// the render fails with exit 1 and a clear message, leaves no temporary
/// file, and the PNG rendered earlier in that folder is untouched. Needs
/// root to mount (CI runs as root); elsewhere it says so and passes.
#[test]
fn a_full_disk_is_a_clear_error_and_keeps_earlier_outputs() {
    let uid = Command::new("id").arg("-u").output().unwrap().stdout;
    if String::from_utf8_lossy(&uid).trim() != "0" {
        eprintln!("not root: cannot mount a small tmpfs to simulate a full disk");
        return;
    }
    let long = mini()
        .replace("duration: 2.0", "duration: 20.0")
        .replace("size: (320, 180)", "size: (640, 360)");
    let p = Project::new("full", &[("long", &long)]);
    let tiny = p.dir.join("tiny");
    std::fs::create_dir_all(&tiny).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=40k", "tmpfs"])
        .arg(&tiny)
        .status()
        .unwrap();
    assert!(mounted.success(), "mount tmpfs failed");
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(tiny.clone());
    let out = tiny.to_str().unwrap();
    let o = p.run(&["render", "--scene", "long", "--png-only", "--out", out, "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let png = std::fs::read(tiny.join("long.png")).unwrap();
    let o = p.run(&["render", "--scene", "long", "--out", out, "--crf", "1", "-q"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("No space left on device"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"));
    assert_eq!(std::fs::read(tiny.join("long.png")).unwrap(), png);
    let names: Vec<String> = std::fs::read_dir(&tiny)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["long.png".to_string()]);
}

#[test]
fn all_with_jobs_and_a_transparent_still() {
    let p = Project::new("jobs", &[("01-a", &mini()), ("02-b", &mini())]);
    let o = p.run(&["render", "--all", "--jobs", "2", "--frames", "0..6", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in ["01-a", "02-b"] {
        assert!(p.renders().join(format!("{name}.png")).exists());
        let probe = ffprobe(&p.renders().join(format!("{name}.mp4")), "stream=nb_read_frames");
        assert_eq!(field(&probe, "nb_read_frames"), "6");
    }
    let o = p.run(&["render", "--scene", "01-a", "--png-only", "--transparent", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let img = anim::image::RgbaImage::load_png(&p.renders().join("01-a.png")).unwrap();
    assert_eq!(img.pixel(2, 2)[3], 0, "background is transparent");
    assert_eq!(
        img.pixel(30, 60),
        [0xdc, 0xe8, 0xf5, 255],
        "shapes keep their colour"
    );
}
