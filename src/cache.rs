//! The scene-level render cache: an output whose inputs are unchanged since
//! it was written is not rendered again.
//!
//! Beside each output anim writes a small record, `.NAME.ext.anim-cache`,
//! holding content hashes of everything that output was made from: the
//! anim executable itself (its code and shaders, so a new build re-renders),
//! the options that shape the output (size, times, frame rate, encoder
//! settings, …), every input file the scene read (the scene file, the
//! theme, the fonts, data and image files), and the output file as written.
//! An output is up to date only when all of them still match, so an output
//! deleted or edited by hand, a changed CSV or a new binary all render
//! again; a missing or unreadable record or input never skips anything.
//! A render that fails leaves the earlier output and its record as they
//! were (both are replaced by renames); one that dies between renaming the
//! output and writing its record leaves a record whose output hash no
//! longer matches, so nothing is trusted that should not be.
//!
//! Hashes are 64-bit SipHash ([`std::hash::DefaultHasher`], fixed keys):
//! deterministic for one build of anim, which is all a record must match
//! (the executable's own hash is part of it).

use std::fmt::Write as _;
use std::hash::Hasher;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// First line of a record; a record in another format is ignored.
const MAGIC: &str = "anim-cache 1";

/// The suffix of record files.
const SUFFIX: &str = ".anim-cache";

/// What an output was made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    /// Hash of the running executable.
    binary: u64,
    /// Hash of the options that shape this output.
    options: u64,
    /// Each input file with the hash of its content, sorted by path.
    files: Vec<(PathBuf, u64)>,
    /// For a video, a hash of what each segment's frames show
    /// ([`crate::render::segment_hashes`]): derived from the rest, kept so
    /// that a changed scene re-renders only the segments that look different.
    segments: Vec<u64>,
}

/// Why an output must be rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// No usable record (never rendered here, or rendered by an older anim).
    NoRecord,
    /// The output is gone, or differs from what anim wrote.
    OutputChanged,
    /// anim itself was rebuilt or updated.
    BinaryChanged,
    /// The flags ask for something else than last time.
    OptionsChanged,
    /// These input files changed, appeared or disappeared.
    FilesChanged(Vec<PathBuf>),
    /// Up to date, but `--force` asked for it.
    Forced,
}

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stale::NoRecord => write!(f, "not rendered before"),
            Stale::OutputChanged => write!(f, "the output was deleted or changed since anim wrote it"),
            Stale::BinaryChanged => write!(f, "anim itself changed"),
            Stale::OptionsChanged => write!(f, "other options than last time"),
            Stale::Forced => write!(f, "up to date, but --force"),
            Stale::FilesChanged(paths) => {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(f, "changed: {}", names.join(", "))
            }
        }
    }
}

/// Content hashes of input files, sorted by path: hashed once per scene,
/// shared by its outputs' [`Inputs`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileHashes(Vec<(PathBuf, u64)>);

impl FileHashes {
    /// Hashes `files`, read whole; a file that cannot be read gets a hash
    /// no record holds for a readable one, so it never matches.
    pub fn new(files: &[PathBuf]) -> FileHashes {
        let mut files: Vec<(PathBuf, u64)> = files.iter().map(|p| (p.clone(), hash_file(p))).collect();
        files.sort();
        files.dedup();
        FileHashes(files)
    }
}

impl Inputs {
    /// The inputs of an output made from `files` with `options`.
    pub fn new(files: &FileHashes, options: &str) -> Inputs {
        Inputs {
            binary: binary_hash(),
            options: hash_bytes(options.as_bytes()),
            files: files.0.clone(),
            segments: Vec::new(),
        }
    }

    /// The same, for a video whose segments show what `segments` hash.
    pub fn with_segments(self, segments: Vec<u64>) -> Inputs {
        Inputs { segments, ..self }
    }

    /// The segment hashes recorded for `output` when it is still as anim
    /// wrote it, by this build, with these options: its segments whose hash
    /// is unchanged can be copied instead of rendered.
    pub fn old_segments(&self, output: &Path) -> Option<Vec<u64>> {
        let old = parse(&std::fs::read_to_string(record_path(output)).ok()?)?;
        let same = old.output == hash_file(output)
            && old.inputs.binary == self.binary
            && old.inputs.options == self.options;
        same.then_some(old.inputs.segments)
    }

    /// Whether `output` was written from exactly these inputs and is still as written.
    pub fn check(&self, output: &Path) -> Result<(), Stale> {
        let record = std::fs::read_to_string(record_path(output)).map_err(|_| Stale::NoRecord)?;
        let old = parse(&record).ok_or(Stale::NoRecord)?;
        if old.output != hash_file(output) || !output.is_file() {
            return Err(Stale::OutputChanged);
        }
        if old.inputs.binary != self.binary {
            return Err(Stale::BinaryChanged);
        }
        if old.inputs.options != self.options {
            return Err(Stale::OptionsChanged);
        }
        if old.inputs.files != self.files {
            let mut changed: Vec<PathBuf> = self
                .files
                .iter()
                .filter(|f| !old.inputs.files.contains(f))
                .map(|(p, _)| p.clone())
                .collect();
            for (p, _) in &old.inputs.files {
                if !self.files.iter().any(|(q, _)| q == p) {
                    changed.push(p.clone());
                }
            }
            return Err(Stale::FilesChanged(changed));
        }
        Ok(())
    }

    /// Records that `output` (already in place) was made from these inputs.
    /// Written to a temporary file and renamed, like the outputs.
    pub fn record(&self, output: &Path) -> std::io::Result<()> {
        let mut text = format!(
            "{MAGIC}\nbinary {:016x}\noptions {:016x}\noutput {:016x}\n",
            self.binary,
            self.options,
            hash_file(output)
        );
        for hash in &self.segments {
            let _ = writeln!(text, "segment {hash:016x}");
        }
        for (path, hash) in &self.files {
            let _ = writeln!(text, "file {hash:016x} {}", path.display());
        }
        let path = record_path(output);
        let guard = crate::output::TempGuard::new(crate::output::temp_path(&path));
        std::fs::write(&guard.path, text)?;
        guard.commit(&path)
    }
}

/// `renders/03-loop.mp4` → `renders/.03-loop.mp4.anim-cache`.
pub fn record_path(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}{SUFFIX}"))
}

struct Record {
    inputs: Inputs,
    output: u64,
}

fn parse(text: &str) -> Option<Record> {
    let mut lines = text.lines();
    if lines.next()? != MAGIC {
        return None;
    }
    let mut field = |key: &str| -> Option<u64> {
        let line = lines.next()?;
        u64::from_str_radix(line.strip_prefix(key)?.strip_prefix(' ')?, 16).ok()
    };
    let (binary, options, output) = (field("binary")?, field("options")?, field("output")?);
    let (mut files, mut segments) = (Vec::new(), Vec::new());
    for line in lines {
        if let Some(hash) = line.strip_prefix("segment ") {
            segments.push(u64::from_str_radix(hash, 16).ok()?);
            continue;
        }
        let rest = line.strip_prefix("file ")?;
        let (hash, path) = rest.split_once(' ')?;
        files.push((PathBuf::from(path), u64::from_str_radix(hash, 16).ok()?));
    }
    Some(Record {
        inputs: Inputs {
            binary,
            options,
            files,
            segments,
        },
        output,
    })
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// The hash of a regular file's content; files that cannot be read (gone,
/// a folder, a FIFO) all hash to one value that is never written for a real file.
fn hash_file(path: &Path) -> u64 {
    const UNREADABLE: u64 = 0;
    let readable = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    let Some(mut file) = readable.then(|| std::fs::File::open(path).ok()).flatten() else {
        return UNREADABLE;
    };
    let mut h = std::hash::DefaultHasher::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut len = 0u64;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                h.write(&buf[..n]);
                len += n as u64;
            }
            Err(_) => return UNREADABLE,
        }
    }
    h.write_u64(len);
    h.finish().max(1)
}

/// The running executable's hash, computed once.
fn binary_hash() -> u64 {
    static HASH: OnceLock<u64> = OnceLock::new();
    *HASH.get_or_init(|| {
        std::env::current_exe().map(|p| hash_file(&p)).unwrap_or(0)
            ^ hash_bytes(env!("CARGO_PKG_VERSION").as_bytes())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_output_is_up_to_date_only_while_everything_matches() {
        let dir = std::env::temp_dir().join(format!("anim-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (scene, data, out) = (dir.join("s.ron"), dir.join("d.csv"), dir.join("s.png"));
        std::fs::write(&scene, "scene").unwrap();
        std::fs::write(&data, "a,b").unwrap();
        let with = |options: &str| Inputs::new(&FileHashes::new(&[scene.clone(), data.clone()]), options);
        let inputs = || with("png 320x180");
        assert_eq!(inputs().check(&out), Err(Stale::NoRecord));
        std::fs::write(&out, "pixels").unwrap();
        inputs().record(&out).unwrap();
        assert_eq!(inputs().check(&out), Ok(()));
        // Options, inputs and the output itself each make it stale.
        assert_eq!(with("png 640x360").check(&out), Err(Stale::OptionsChanged));
        std::fs::write(&data, "a,c").unwrap();
        assert_eq!(inputs().check(&out), Err(Stale::FilesChanged(vec![data.clone()])));
        inputs().record(&out).unwrap();
        assert_eq!(inputs().check(&out), Ok(()));
        std::fs::write(&out, "edited by hand").unwrap();
        assert_eq!(inputs().check(&out), Err(Stale::OutputChanged));
        inputs().record(&out).unwrap();
        std::fs::remove_file(&out).unwrap();
        assert_eq!(inputs().check(&out), Err(Stale::OutputChanged));
        // Segment hashes are kept for the next render of a changed video.
        inputs().with_segments(vec![7, 9]).record(&out).unwrap();
        assert_eq!(inputs().old_segments(&out), Some(vec![7, 9]));
        assert_eq!(
            with("other").old_segments(&out),
            None,
            "other options: nothing to keep"
        );
        // A record without its output, or in another format, keeps nothing; an unreadable input never matches.
        std::fs::write(&out, "pixels").unwrap();
        std::fs::write(record_path(&out), "anim-cache 0\n").unwrap();
        assert_eq!(inputs().check(&out), Err(Stale::NoRecord));
        std::fs::remove_file(&data).unwrap();
        inputs().record(&out).unwrap();
        std::fs::write(&data, "").unwrap();
        assert_eq!(inputs().check(&out), Err(Stale::FilesChanged(vec![data.clone()])));
        assert!(record_path(&out)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".s.png"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
