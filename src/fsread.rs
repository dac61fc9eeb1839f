//! ## Overview
//!
//! Reading an input file with a bound on the work it can cause. Every file
//! a scene makes anim read (the scene itself, its theme, CSV data, PNG
//! images, the fonts) goes through [`read_regular_file`], because a path is
//! not always a file:
//!
//! - `/dev/zero` or `/dev/urandom` never end: `std::fs::read` fills memory
//!   with them in seconds;
//! - opening a FIFO blocks until someone writes to it, so anim would hang;
//! - a directory cannot be read at all, and the OS error says so obscurely.
//!
//! So the path is stat-ed first (following symlinks) and anything but a
//! regular file is refused, saying what it is, *before* it is opened. A
//! regular file larger than the cap of its kind is refused from its size;
//! one that grows while it is read (or lies about its size, as files in
//! `/proc` do) is read through `take(cap + 1)`, so the cap holds anyway.
//!
//! A path swapped for a FIFO between the stat and the open would still
//! block the open; that needs someone racing anim on its own project folder.

use std::fs::{File, FileType};
use std::io::Read;
use std::path::Path;

/// Why an input file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file system refused (no such file, permission denied, …).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The path names something other than a regular file: the text says what.
    #[error("it is {0}, not a regular file")]
    NotAFile(&'static str),
    /// The file is larger than the cap for its kind.
    #[error("the file is {size} bytes; {what} are limited to {cap}")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The cap.
        cap: u64,
        /// The kind of file, plural: "scene files".
        what: &'static str,
    },
    /// The file grew past the cap while it was read.
    #[error("the file grew past {cap} bytes while it was read; {what} are limited to {cap}")]
    Grew {
        /// The cap.
        cap: u64,
        /// The kind of file, plural.
        what: &'static str,
    },
}

/// Reads the whole of the regular file at `path`, at most `cap` bytes;
/// `what` names the kind of file in the error ("CSV files").
pub fn read_regular_file(path: &Path, cap: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path)?;
    check_regular(meta.file_type())?;
    if meta.len() > cap {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            cap,
            what,
        });
    }
    let file = File::open(path)?;
    // The path may have been replaced since the stat: check what was opened.
    check_regular(file.metadata()?.file_type())?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::Grew { cap, what });
    }
    Ok(bytes)
}

/// `Ok` for a regular file; otherwise what it is.
fn check_regular(t: FileType) -> Result<(), ReadError> {
    if t.is_file() {
        return Ok(());
    }
    Err(ReadError::NotAFile(describe(t)))
}

/// What a non-regular file is, in words.
fn describe(t: FileType) -> &'static str {
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("anim-fsread-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn reads_a_small_file() {
        let d = temp_dir("small");
        std::fs::write(d.join("a"), "abc").unwrap();
        assert_eq!(read_regular_file(&d.join("a"), 3, "tests").unwrap(), b"abc");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn refuses_a_file_over_the_cap() {
        let d = temp_dir("cap");
        std::fs::write(d.join("a"), "abcd").unwrap();
        let e = read_regular_file(&d.join("a"), 3, "tests").unwrap_err();
        assert_eq!(e.to_string(), "the file is 4 bytes; tests are limited to 3");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn says_what_a_special_file_is() {
        let d = temp_dir("special");
        let e = read_regular_file(&d, 10, "tests").unwrap_err();
        assert_eq!(e.to_string(), "it is a directory, not a regular file");
        #[cfg(unix)]
        {
            let e = read_regular_file(Path::new("/dev/zero"), 10, "tests").unwrap_err();
            assert_eq!(e.to_string(), "it is a character device, not a regular file");
            // Through a symlink too.
            std::os::unix::fs::symlink("/dev/zero", d.join("zero")).unwrap();
            let e = read_regular_file(&d.join("zero"), 10, "tests").unwrap_err();
            assert!(e.to_string().contains("character device"), "{e}");
            // A FIFO is refused before it is opened (opening it would block).
            let fifo = d.join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
            assert!(made.success());
            let e = read_regular_file(&fifo, 10, "tests").unwrap_err();
            assert_eq!(e.to_string(), "it is a FIFO (named pipe), not a regular file");
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    /// A file that reports a small size but has more bytes (as `/proc`
    /// files do) is still cut at the cap.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_longer_than_its_size_is_bounded() {
        let p = Path::new("/proc/self/maps");
        assert_eq!(std::fs::metadata(p).unwrap().len(), 0);
        let e = read_regular_file(p, 16, "tests").unwrap_err();
        assert!(matches!(e, ReadError::Grew { cap: 16, .. }), "{e}");
    }
}
