//! Hot reload: watches the scene file, `assets/` (theme, fonts, data) and
//! `shaders/`, and reports changes after they settle.
//!
//! The scene's *folder* is watched, not the file: editors often save by
//! writing a temporary file and renaming it over the original, which would
//! end a watch on the file itself. Events are filtered to the scene's file
//! name. Editors also write in bursts (truncate, write, chmod, rename), so
//! a change is reported once no further event arrived for [`DEBOUNCE`].
//!
//! Only events that change content count: access events (including our
//! own reads of the files on reload) and metadata-only changes are ignored,
//! or every reload would trigger the next.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher as _};

/// Quiet time after the last event before a change is reported: an
/// editor's burst of steps for one save comes microseconds apart, and
/// each millisecond here is a millisecond of hot-reload latency (50 ms:
/// 88 ms from save to screen, docs/preview.md; 150 ms gave 172 ms).
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// What changed, after debouncing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Changed files the scene depends on: the scene file, or under `assets/`.
    pub content: Vec<PathBuf>,
    /// Changed files under `shaders/` (compiled into the binary).
    pub shaders: Vec<PathBuf>,
}

/// Which files matter; shared with the notify callback, updated when the preview switches scenes.
#[derive(Clone, Debug)]
struct Interest {
    scene: PathBuf,
    assets: PathBuf,
    shaders: PathBuf,
}

impl Interest {
    /// Whether an event's path is the scene file (events name it as the watched folder joined with the file name).
    fn is_scene(&self, path: &Path) -> bool {
        path == self.scene
            || (path.file_name() == self.scene.file_name() && folder(path) == folder(&self.scene))
    }

    fn classify(&self, path: &Path, changes: &mut (BTreeSet<PathBuf>, BTreeSet<PathBuf>)) {
        if path.starts_with(&self.shaders) {
            changes.1.insert(path.to_path_buf());
        } else if self.is_scene(path) || path.starts_with(&self.assets) {
            changes.0.insert(path.to_path_buf());
        }
    }
}

/// A running watch; dropping it stops watching (its thread ends with the channel).
pub struct Watch {
    watcher: notify::RecommendedWatcher,
    interest: Arc<Mutex<Interest>>,
    scene_dir: PathBuf,
}

fn lock(m: &Mutex<Interest>) -> std::sync::MutexGuard<'_, Interest> {
    // The data is a plain value; a panic elsewhere cannot leave it half-written.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The folder a file is in ("." for a bare file name).
fn folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

impl Watch {
    /// Starts watching the project at `root` for `scene`; `report` is called
    /// from a background thread with each settled batch of changes.
    pub fn start(
        root: &Path,
        scene: &Path,
        mut report: impl FnMut(Changes) + Send + 'static,
    ) -> Result<Watch, notify::Error> {
        let interest = Arc::new(Mutex::new(Interest {
            scene: scene.to_path_buf(),
            assets: root.join("assets"),
            shaders: root.join("shaders"),
        }));
        let (tx, rx) = mpsc::channel::<PathBuf>();
        let filter = interest.clone();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| match res {
            Ok(event) => {
                let content_change = match event.kind {
                    EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
                    EventKind::Modify(notify::event::ModifyKind::Metadata(_)) => false,
                    EventKind::Modify(_) => true,
                    EventKind::Access(_) | EventKind::Other => false,
                };
                if content_change {
                    for p in event.paths {
                        let _ = tx.send(p);
                    }
                }
            }
            Err(e) => super::say(&format!("watch error: {e}")),
        })?;
        let scene_dir = folder(scene);
        watcher.watch(&scene_dir, RecursiveMode::NonRecursive)?;
        for dir in ["assets", "shaders"] {
            let d = root.join(dir);
            if d.is_dir() {
                watcher.watch(&d, RecursiveMode::Recursive)?;
            }
        }
        std::thread::Builder::new()
            .name("preview-watch".into())
            .spawn(move || {
                // Block for the first event of a batch, then collect until quiet.
                while let Ok(first) = rx.recv() {
                    let mut seen = (BTreeSet::new(), BTreeSet::new());
                    let interest = lock(&filter).clone();
                    interest.classify(&first, &mut seen);
                    loop {
                        match rx.recv_timeout(DEBOUNCE) {
                            Ok(p) => interest.classify(&p, &mut seen),
                            Err(mpsc::RecvTimeoutError::Timeout) => break,
                            Err(mpsc::RecvTimeoutError::Disconnected) => return,
                        }
                    }
                    if !seen.0.is_empty() || !seen.1.is_empty() {
                        report(Changes {
                            content: seen.0.into_iter().collect(),
                            shaders: seen.1.into_iter().collect(),
                        });
                    }
                }
            })
            .map_err(|e| notify::Error::generic(&format!("cannot start the watch thread: {e}")))?;
        Ok(Watch {
            watcher,
            interest,
            scene_dir,
        })
    }

    /// Follows another scene file (the number keys switch scenes).
    pub fn set_scene(&mut self, scene: &Path) -> Result<(), notify::Error> {
        let dir = folder(scene);
        if dir != self.scene_dir {
            self.watcher.watch(&dir, RecursiveMode::NonRecursive)?;
            let _ = self.watcher.unwatch(&self.scene_dir);
            self.scene_dir = dir;
        }
        lock(&self.interest).scene = scene.to_path_buf();
        Ok(())
    }
}
