//! Graphics backends and the environment: the GL backend against Vulkan,
//! the fallback to GL without a Vulkan driver, and the exit codes and
//! messages of environment faults (no adapter, an output folder that cannot
//! be made, a bad `ANIM_BACKEND`, no project, no display).

use std::process::Command;

use crate::support::{ffprobe, field, mini, stderr, Project};

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
