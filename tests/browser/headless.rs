//! Headless Chromium: found on the PATH (a missing browser fails the test)
//! and run in its own process group, killed with all its processes.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// `chromium` on the PATH, or a clear failure: the test must not pass
/// without a browser.
pub fn chromium() -> PathBuf {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "chromium is not installed: the browser seek test needs Debian's `chromium` package \
                 (scripts/install-deps.sh installs it: apt-get install --no-install-recommends chromium)"
            )
        })
}

/// Headless Chromium in its own process group, killed with all its
/// processes when dropped (it never exits by itself).
pub struct Browser {
    child: Child,
    log: PathBuf,
}

impl Browser {
    pub fn start(chromium: &Path, url: &str, dir: &Path) -> Browser {
        let profile = dir.join("profile");
        let _ = std::fs::remove_dir_all(&profile);
        let log = dir.join("chromium.log");
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--autoplay-policy=no-user-gesture-required",
                "--no-first-run",
                "--no-default-browser-check",
                "--mute-audio",
                "--disable-background-media-suspend",
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(url)
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", chromium.display()));
        Browser { child, log }
    }

    /// The end of Chromium's output, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The group Chromium leads: the browser and its renderer, GPU and utility processes.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
