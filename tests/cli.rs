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
        (
            &["render", "--scene", "mini", "--frames", "0..99999999"],
            "outside the scene's 0..60 frames",
        ),
        (
            &["render", "--scene", "mini", "--preset", "nonsense"],
            "[possible values: ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo]",
        ),
        (&["render", "--scene", "mini", "--fps", "0"], "--fps"),
        (&["render", "--scene", "mini", "-o", "x.gif"], "name a .png (the still) or a .mp4"),
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
    // Good earlier outputs where the interrupted renders write: a still,
    // and a short range written under the full video's name with -o.
    let mp4 = p.renders().join("long.mp4");
    let png = p.renders().join("long.png");
    let o = p.run(&["render", "--scene", "long", "--png-only", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = p.run(&[
        "render",
        "--scene",
        "long",
        "--frames",
        "0..5",
        "-q",
        "-o",
        mp4.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
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
    assert_eq!(names_in(&tiny), ["long.png"], "no temporary file is left");
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

/// The files in `dir` but the render cache's records, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".anim-cache"))
        .collect();
    names.sort();
    names
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

/// A reader that goes away is a normal way to stop a CLI (exit 0, quietly);
/// a full stdout is an error with a message; a closed stderr changes nothing.
#[test]
fn closed_pipes_and_full_devices() {
    use std::process::Stdio;
    let p = Project::new("pipes", &[("01-a", &mini()), ("02-b", &mini())]);
    for args in [&["list"][..], &["check"]] {
        let mut child = p
            .anim()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // `| head -0`
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let o = p.anim().args(args).stdout(full).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("cannot write to standard output: No space left on device"),
            "{}",
            stderr(&o)
        );
    }
    // stderr closed by its reader: errors and progress cannot be shown, but
    // the exit code still says what happened, and a render still renders.
    let run_without_stderr = |args: &[&str]| {
        let mut child = p
            .anim()
            .args(args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        child.wait().unwrap().code()
    };
    assert_eq!(run_without_stderr(&["check", "nope"]), Some(2));
    assert_eq!(
        run_without_stderr(&["render", "--scene", "01-a", "--png-only"]),
        Some(0)
    );
    assert!(p.renders().join("01-a.png").exists());
}

/// libav's and libx264's log lines come through anim's verbosity: none
/// by default, as `libav: <component>: …` with -v, never as raw `[libx264 @ 0x…]`.
#[test]
fn libav_logs_follow_verbosity() {
    let p = Project::new("avlog", &[("mini", &mini())]);
    let o = p.run(&["render", "--scene", "mini", "--video-only", "--frames", "0..3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("libx264"), "{}", stderr(&o));
    let o = p.run(&[
        "-v",
        "render",
        "--scene",
        "mini",
        "--video-only",
        "--frames",
        "0..3",
        "--force",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("libav: libx264: "), "{}", stderr(&o));
    assert!(!stderr(&o).contains("[libx264 @"), "{}", stderr(&o));
}

/// On a terminal the progress bar shows a whole number of frames a second.
#[test]
fn progress_shows_a_rounded_rate() {
    let p = Project::new("bar", &[("mini", &mini())]);
    // `script` gives the render a pseudo-terminal, so the bar is drawn.
    let cmd = format!("{} render --scene mini --video-only", env!("CARGO_BIN_EXE_anim"));
    let o = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(&p.dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let screen = String::from_utf8_lossy(&o.stdout);
    assert!(
        screen.contains("60/60 frames") || screen.contains("/60 frames"),
        "{screen}"
    );
    let rate = screen
        .split("frames")
        .skip(1)
        .find_map(|after| {
            after
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .try_into()
                .ok()
        })
        .map(|[n, unit]: [&str; 2]| (n.to_string(), unit.to_string()));
    let (n, unit) = rate.unwrap_or_else(|| panic!("no rate in {screen:?}"));
    assert_eq!(unit, "fps", "{screen:?}");
    assert!(
        n.parse::<u64>().is_ok(),
        "rate {n:?} is not a whole number: {screen:?}"
    );
}

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
/// input is changed in turn (a data file, an image, a scene file, the theme,
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
        ("03-plain", mini()),
    ];
    for (name, src) in &scenes {
        std::fs::write(p.dir.join(format!("scenes/{name}.ron")), src).unwrap();
    }
    let all = [
        "01-chart.mp4",
        "01-chart.png",
        "02-image.mp4",
        "02-image.png",
        "03-plain.mp4",
        "03-plain.png",
    ];
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
    assert_eq!(render(), ["01-chart.mp4", "01-chart.png"], "a data file");
    let mut icon = anim::image::RgbaImage::load_png(&p.dir.join("pics/icon.png")).unwrap();
    icon.data[0] ^= 0xff;
    icon.save_png(&p.dir.join("pics/icon.png")).unwrap();
    assert_eq!(render(), ["02-image.mp4", "02-image.png"], "an image");
    append("scenes/03-plain.ron", b"// edited\n");
    assert_eq!(render(), ["03-plain.mp4", "03-plain.png"], "a scene file");
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

/// Decoded frames of a video, as ffmpeg's framemd5 lines (one MD5 per frame).
fn frame_md5s(path: &Path) -> Vec<String> {
    let o = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "framemd5", "-"])
        .output()
        .unwrap();
    assert!(
        o.stderr.is_empty(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(String::from)
        .collect()
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

/// A display that cannot be reached is an environment error in anim's
/// words: no path into winit's sources.
#[cfg(feature = "preview")]
#[test]
fn an_unreachable_display_is_a_plain_error() {
    let p = Project::new("display", &[("mini", &mini())]);
    let o = p
        .anim()
        .args(["preview", "--scene", "mini"])
        .env("DISPLAY", ":77")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("cannot connect to the X display \":77\"") && err.contains("xvfb-run"),
        "{err}"
    );
    assert!(!err.contains(".cargo") && !err.contains(".rs:"), "{err}");
}

/// A video rendered as four chunks (on four machines, say) and spliced is
/// the file a single render writes; chunks of different renders are refused.
#[test]
fn chunks_spliced_are_a_single_render() {
    let ten = mini().replace("duration: 2.0", "duration: 10.0");
    let p = Project::new("chunks", &[("mini", &ten)]);
    for i in 1..=4 {
        let o = p.run(&["render", "--scene", "mini", "-q", "--chunk", &format!("{i}/4")]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let chunks: Vec<String> = (1..=4)
        .map(|i| {
            p.renders()
                .join(format!("mini-chunk{i}of4.mp4"))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let joined = p.dir.join("joined/mini.mp4");
    let mut args = vec!["splice"];
    args.extend(chunks.iter().map(String::as_str));
    args.extend(["-o", joined.to_str().unwrap()]);
    let o = p.run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = p.run(&["render", "--scene", "mini", "--video-only", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let single = p.renders().join("mini.mp4");
    assert_eq!(
        frame_md5s(&joined),
        frame_md5s(&single),
        "the spliced chunks decode to other frames"
    );
    // The same packets, to the byte (the MP4 index may differ in the
    // advisory peak bitrate the muxer writes for copied streams).
    let packets = |path: &Path| {
        let o = Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_data_hash",
                "md5",
                "-show_entries",
                "packet=pts,dts,duration,flags,data_hash",
                "-of",
                "csv",
            ])
            .arg(path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert_eq!(packets(&joined).lines().count(), 300);
    assert_eq!(
        packets(&joined),
        packets(&single),
        "the spliced packets differ from a single render's"
    );
    // 5 segments of 2 s: a sixth chunk cannot be made; a chunk of another render does not join.
    let o = p.run(&["render", "--scene", "mini", "--chunk", "3/6"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("the video has 5 segments"), "{}", stderr(&o));
    let o = p.run(&[
        "render", "--scene", "mini", "-q", "--chunk", "2/4", "--size", "160x90",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let other = p.renders().join("mini-160x90-chunk2of4.mp4");
    let bad = p.dir.join("bad.mp4");
    let splice = |inputs: &[&str], want: &str| {
        let mut args = vec!["splice"];
        args.extend(inputs);
        args.extend(["-o", bad.to_str().unwrap()]);
        let o = p.run(&args);
        assert_eq!(o.status.code(), Some(2), "{inputs:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(want),
            "{inputs:?}: expected {want:?} in {}",
            stderr(&o)
        );
        assert!(!bad.exists(), "a refused splice wrote its output");
    };
    let c: Vec<&str> = chunks.iter().map(String::as_str).collect();
    splice(
        &[c[0], other.to_str().unwrap(), c[2], c[3]],
        "not made with the same settings",
    );
    // Every chunk, in order: a gap, a wrong order or a missing end is refused.
    splice(&[c[0], c[2], c[3]], "but chunk 2/4 (from frame 60) comes next");
    splice(&[c[1], c[0], c[2], c[3]], "is chunk 2/4");
    splice(&[c[0], c[1], c[2]], "3 of 4 chunks given");
    splice(
        &[single.to_str().unwrap()],
        "is not a chunk made by `anim render --chunk I/N`",
    );
    let o = p.run(&["splice", c[0], "-o", c[0]]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
