//! ## Overview
//!
//! The project folder and the scenes in it: the one place that knows where
//! a project's `scenes/` and `assets/` are, which scene files exist, and
//! which file a name a user typed picks. `anim list`, `check`, `render` and
//! `preview` (and its 1 … 5 keys) all go through it.
//!
//! A scene is picked by, in order:
//! - a path (the name has a `/` or ends in `.ron`), which must be a regular file;
//! - its file name without `.ron` (`03-loop-treinamento`);
//! - its short name: the file name without its number (`loop-treinamento`)
//!   or its first words (`loop`), when that picks one scene alone.
//!
//! An unknown name lists the scenes and suggests the closest one
//! ([`crate::suggest`]); a name that picks several lists them.

use std::path::{Path, PathBuf};

/// Why a project or a scene in it was not found.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// `--root` names a folder without `assets/`.
    #[error("--root {}: no assets/ folder there", .0.display())]
    NoAssets(PathBuf),
    /// Neither the current folder nor a parent holds `scenes/` and `assets/`.
    #[error(
        "{} is not inside an anim project (no scenes/ and assets/ folders); cd into one or pass --root",
        .0.display()
    )]
    NotInProject(PathBuf),
    /// The current folder cannot be known (deleted, no permission).
    #[error("cannot tell the current folder: {0}")]
    CurrentDir(#[source] std::io::Error),
    /// A folder of scene files cannot be listed.
    #[error("cannot read {}: {source}", dir.display())]
    ReadDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A path given for a scene is not a file anim can read; `what` says what it is.
    #[error("{name} {what}")]
    NotASceneFile { name: String, what: String },
    /// A folder given for scene files holds none.
    #[error("{0} is a folder with no scene files (.ron) in it")]
    EmptyFolder(String),
    /// No scene has this name; `hint` is a "did you mean" or empty.
    #[error("unknown scene \"{name}\"{hint}; the scenes are: {} (anim list shows them)", .scenes.join(", "))]
    Unknown {
        name: String,
        hint: String,
        scenes: Vec<String>,
    },
    /// The short name picks more than one scene.
    #[error("\"{name}\" matches several scenes: {}", .matches.join(", "))]
    Ambiguous { name: String, matches: Vec<String> },
}

/// A project: the folder holding `scenes/` and `assets/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    pub root: PathBuf,
}

impl Project {
    /// The project at `given` (`--root`), else the one holding the current
    /// folder: the nearest of it and its parents with both `scenes/` and `assets/`.
    pub fn find(given: Option<&Path>) -> Result<Project, ProjectError> {
        if let Some(r) = given {
            if r.join("assets").is_dir() {
                return Ok(Project {
                    root: r.to_path_buf(),
                });
            }
            return Err(ProjectError::NoAssets(r.to_path_buf()));
        }
        let cwd = std::env::current_dir().map_err(ProjectError::CurrentDir)?;
        cwd.ancestors()
            .find(|d| d.join("scenes").is_dir() && d.join("assets").is_dir())
            .map(|d| Project {
                root: d.to_path_buf(),
            })
            .ok_or(ProjectError::NotInProject(cwd))
    }

    /// Every scene file in `scenes/`, sorted by name.
    pub fn scenes(&self) -> Result<Vec<PathBuf>, ProjectError> {
        ron_files_in(&self.root.join("scenes"))
    }

    /// The scene files `args` name (`anim check A B`): each a scene name or
    /// path, or a folder standing for the scene files in it.
    pub fn scenes_named(&self, args: &[String]) -> Result<Vec<PathBuf>, ProjectError> {
        let mut paths = Vec::new();
        for a in args {
            if Path::new(a).is_dir() {
                let found = ron_files_in(Path::new(a))?;
                if found.is_empty() {
                    return Err(ProjectError::EmptyFolder(a.clone()));
                }
                paths.extend(found);
            } else {
                paths.push(self.find_scene(a)?);
            }
        }
        Ok(paths)
    }

    /// The scene file `name` picks: a path, a file name or a short name (see the module doc).
    pub fn find_scene(&self, name: &str) -> Result<PathBuf, ProjectError> {
        let not_a_scene = |what: String| ProjectError::NotASceneFile {
            name: name.to_string(),
            what,
        };
        if is_path(name) {
            return match not_a_scene_file(Path::new(name)) {
                None => Ok(PathBuf::from(name)),
                Some(what) => Err(not_a_scene(what)),
            };
        }
        let files = self.scenes()?;
        let stems = stems(&files);
        if let Some(i) = stems.iter().position(|s| s == name) {
            return Ok(files[i].clone());
        }
        let matches: Vec<usize> = (0..files.len())
            .filter(|&i| short_matches(&stems[i], name))
            .collect();
        match matches.as_slice() {
            [one] => Ok(files[*one].clone()),
            [] if std::fs::symlink_metadata(name).is_ok() => Err(not_a_scene(
                not_a_scene_file(Path::new(name))
                    .unwrap_or_else(|| "is not a scene name; give its path as ./NAME".into()),
            )),
            [] => {
                let shorts: Vec<&str> = stems.iter().map(|s| short_name(s, &stems)).collect();
                let names = stems.iter().map(String::as_str).chain(shorts.iter().copied());
                Err(ProjectError::Unknown {
                    name: name.to_string(),
                    hint: crate::suggest::hint(name, names),
                    scenes: stems.clone(),
                })
            }
            many => Err(ProjectError::Ambiguous {
                name: name.to_string(),
                matches: many.iter().map(|&i| stems[i].clone()).collect(),
            }),
        }
    }

    /// The first scene file numbered `n` (`scenes/0N-*.ron`: the preview's 1 … 5 keys).
    pub fn chapter(&self, n: u32) -> Result<Option<PathBuf>, ProjectError> {
        let prefix = format!("{n:02}-");
        Ok(self.scenes()?.into_iter().find(|p| {
            p.file_name()
                .is_some_and(|f| f.to_string_lossy().starts_with(&prefix))
        }))
    }
}

/// The `.ron` files in `dir`, sorted by name.
pub fn ron_files_in(dir: &Path) -> Result<Vec<PathBuf>, ProjectError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| ProjectError::ReadDir {
            dir: dir.to_path_buf(),
            source,
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    Ok(files)
}

/// The scene files' names without `.ron`.
pub fn stems(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|p| {
            p.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect()
}

/// `03-loop-treinamento` → `loop-treinamento`.
fn without_number(stem: &str) -> &str {
    match stem.split_once('-') {
        Some((n, rest)) if n.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => stem,
    }
}

/// Whether `name` names a file rather than a scene: it has a folder part or ends in `.ron`.
fn is_path(name: &str) -> bool {
    name.contains('/') || Path::new(name).extension().is_some_and(|x| x == "ron")
}

/// Whether `name` picks the scene `stem` by its short name: the name without
/// its number (`loop-treinamento`) or its first words (`loop`).
fn short_matches(stem: &str, name: &str) -> bool {
    let short = without_number(stem);
    short == name || short.starts_with(&format!("{name}-"))
}

/// The shortest name that picks `stem` alone among `all`: its first word(s)
/// after the number (`loop`, `cross-entropy` when `cross` were ambiguous).
pub fn short_name<'a>(stem: &'a str, all: &[String]) -> &'a str {
    let short = without_number(stem);
    let ends = short.match_indices('-').map(|(i, _)| i).chain([short.len()]);
    for end in ends {
        let candidate = &short[..end];
        if all.iter().filter(|s| short_matches(s, candidate)).count() == 1 {
            return candidate;
        }
    }
    short
}

/// What is at `path`, when it is not a regular file anim can read
/// ("is a folder, not a scene file", "does not exist"); `None` for a regular file.
pub fn not_a_scene_file(path: &Path) -> Option<String> {
    not_a(path, "scene file")
}

/// What is at `path`, when it is not a regular file, said against `wanted`
/// ("is a folder, not a video"); `None` for a regular file.
pub fn not_a(path: &Path, wanted: &str) -> Option<String> {
    use std::os::unix::fs::FileTypeExt;
    /// ELOOP: too many levels of symbolic links.
    const ELOOP: i32 = 40;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.raw_os_error() == Some(ELOOP) => return Some("is a loop of symbolic links".into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Some(if std::fs::symlink_metadata(path).is_ok() {
                "is a symbolic link to nothing".into()
            } else {
                "does not exist".into()
            })
        }
        Err(e) => return Some(format!("cannot be read: {e}")),
    };
    let t = meta.file_type();
    let what = if t.is_file() {
        return None;
    } else if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Some(format!("is {what}, not a {wanted}"))
}

#[cfg(test)]
mod tests;
