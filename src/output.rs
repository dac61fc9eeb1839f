//! Atomic outputs: everything is written to a hidden temporary file in the
//! destination folder and renamed over the final path only once complete,
//! so an interrupted or failed render never leaves a truncated file and
//! never destroys a good earlier one. Leftovers of a killed run (SIGKILL
//! gives no chance to clean up) are removed by the next run.

use std::path::{Path, PathBuf};

/// The marker in temporary file names.
const TMP_MARK: &str = ".anim-tmp-";

/// A temporary path next to `final_path`: `renders/.03-loop.mp4.anim-tmp-1234`.
pub fn temp_path(final_path: &Path) -> PathBuf {
    let name = final_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    final_path.with_file_name(format!(".{name}{TMP_MARK}{}", std::process::id()))
}

/// Moves a finished temporary file to its final path (atomic on one file system).
pub fn commit(tmp: &Path, final_path: &Path) -> std::io::Result<()> {
    std::fs::rename(tmp, final_path)
}

/// Removes temporary files left in `dir` by runs that are no longer alive.
/// Returns how many were removed.
pub fn clean_leftovers(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pos) = name.find(TMP_MARK) else { continue };
        let pid = &name[pos + TMP_MARK.len()..];
        let alive = pid
            .parse::<u32>()
            .is_ok_and(|p| p == std::process::id() || Path::new(&format!("/proc/{p}")).exists());
        if !alive && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Deletes the temporary file on drop unless it was committed.
pub struct TempGuard {
    pub path: PathBuf,
    armed: bool,
}

impl TempGuard {
    pub fn new(path: PathBuf) -> TempGuard {
        TempGuard { path, armed: true }
    }
    /// Renames to `final_path` and disarms.
    pub fn commit(mut self, final_path: &Path) -> std::io::Result<()> {
        commit(&self.path, final_path)?;
        self.armed = false;
        Ok(())
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn temp_files_are_hidden_siblings_and_dead_ones_are_cleaned() {
        let dir = std::env::temp_dir().join(format!("anim-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fin = dir.join("a.png");
        let tmp = temp_path(&fin);
        assert_eq!(tmp.parent(), Some(dir.as_path()));
        assert!(tmp.file_name().unwrap().to_string_lossy().starts_with(".a.png"));
        // A leftover of a dead process (pid 0 never names a live process folder we own).
        let dead = dir.join(format!(".b.mp4{TMP_MARK}4000000000"));
        std::fs::write(&dead, b"x").unwrap();
        std::fs::write(&tmp, b"mine").unwrap();
        assert_eq!(clean_leftovers(&dir), 1);
        assert!(!dead.exists() && tmp.exists(), "our own temp file stays");
        let g = TempGuard::new(tmp.clone());
        g.commit(&fin).unwrap();
        assert_eq!(std::fs::read(&fin).unwrap(), b"mine");
        let g2 = TempGuard::new(tmp.clone());
        std::fs::write(&tmp, b"half").unwrap();
        drop(g2);
        assert!(!tmp.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
