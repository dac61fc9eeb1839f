//! What the CLI tests share: a throwaway project ([`Project`]: a temp
//! folder with scenes and a link to the repository's assets/) to run `anim`
//! in, the mini scene, and readers of what a run left (stderr, ffprobe
//! fields, file names, decoded frames).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temp project with `scenes/<name>.ron` files and the repo's assets.
pub struct Project {
    pub dir: PathBuf,
}

impl Project {
    pub fn new(tag: &str, scenes: &[(&str, &str)]) -> Project {
        let dir = std::env::temp_dir().join(format!("anim-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("scenes")).unwrap();
        std::os::unix::fs::symlink(repo().join("assets"), dir.join("assets")).unwrap();
        for (name, src) in scenes {
            std::fs::write(dir.join("scenes").join(format!("{name}.ron")), src).unwrap();
        }
        Project { dir }
    }
    pub fn anim(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_anim"));
        c.current_dir(&self.dir);
        c
    }
    /// `anim` with no Vulkan driver: the loader (it reads either variable,
    /// by version) is pointed at an ICD list that does not exist.
    pub fn anim_without_vulkan(&self) -> Command {
        let mut c = self.anim();
        c.env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
            .env("VK_DRIVER_FILES", "/nonexistent/icd.json");
        c
    }
    pub fn run(&self, args: &[&str]) -> Output {
        self.anim().args(args).output().unwrap()
    }
    pub fn renders(&self) -> PathBuf {
        self.dir.join("renders")
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A temporary folder, `anim-TAG-PID` in the temp dir, removed when dropped.
/// (The CLI tests, which include this file too, have no use for it.)
#[allow(dead_code)]
pub struct TempDir(pub PathBuf);

#[allow(dead_code)]
impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("anim-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn mini() -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/mini.ron")).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn ffprobe(path: &Path, entries: &str) -> String {
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

pub fn field<'a>(probe: &'a str, key: &str) -> &'a str {
    probe
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or("")
}

/// The files in `dir` but the render cache's records, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".anim-cache"))
        .collect();
    names.sort();
    names
}

/// Decoded frames of a video, as ffmpeg's framemd5 lines (one MD5 per frame).
pub fn frame_md5s(path: &Path) -> Vec<String> {
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
