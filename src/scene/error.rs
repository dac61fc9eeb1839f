//! Errors that point at the scene file: `file:line:col`, the offending line
//! and a caret, like a compiler.

use std::fmt;
use std::path::{Path, PathBuf};

/// A 1-based line and column in a scene or theme file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub col: usize,
}

impl Location {
    /// The location of byte `offset` in `src`.
    pub fn of_offset(src: &str, offset: usize) -> Location {
        let mut end = offset.min(src.len());
        while !src.is_char_boundary(end) {
            end -= 1;
        }
        let before = &src[..end];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        Location { line, col }
    }

    /// The byte offset of this location in `src` (its end when past it);
    /// the inverse of [`Location::of_offset`].
    pub fn offset_in(&self, src: &str) -> usize {
        let line_start = match self.line {
            0 | 1 => 0,
            n => src
                .match_indices('\n')
                .nth(n - 2)
                .map_or(src.len(), |(i, _)| i + 1),
        };
        src[line_start..]
            .char_indices()
            .nth(self.col.saturating_sub(1))
            .map_or(src.len(), |(i, _)| line_start + i)
    }
}

/// An error in a scene (or theme) file, with where it is when that is known.
#[derive(Debug, Clone, PartialEq)]
pub struct SceneError {
    pub file: PathBuf,
    pub location: Option<Location>,
    pub message: String,
    /// The source line at `location`, for the caret display.
    pub snippet: Option<String>,
}

impl SceneError {
    /// An error not tied to a position (unreadable file, say).
    pub fn whole_file(file: &Path, message: impl Into<String>) -> SceneError {
        SceneError {
            file: file.to_path_buf(),
            location: None,
            message: message.into(),
            snippet: None,
        }
    }

    /// An error at byte `offset` of `src`.
    pub fn at_offset(file: &Path, src: &str, offset: usize, message: impl Into<String>) -> SceneError {
        Self::at(file, src, Location::of_offset(src, offset), message)
    }

    /// An error at `loc` of `src`.
    pub fn at(file: &Path, src: &str, loc: Location, message: impl Into<String>) -> SceneError {
        let snippet = src.lines().nth(loc.line.saturating_sub(1)).map(|l| l.to_string());
        SceneError {
            file: file.to_path_buf(),
            location: Some(loc),
            message: message.into(),
            snippet,
        }
    }
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some(Location { line, col }) => {
                write!(f, "{}:{line}:{col}: {}", self.file.display(), self.message)?;
                if let Some(s) = &self.snippet {
                    let gutter = line.to_string().len();
                    let (shown, caret) = window(s, col);
                    write!(
                        f,
                        "\n{:gutter$} |\n{line} | {shown}\n{:gutter$} | {:>caret$}",
                        "", "", "^"
                    )?;
                }
                Ok(())
            }
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for SceneError {}

/// Expression errors are placed in the scene file here, on the scene side
/// (the expression engine knows nothing of scenes).
impl crate::expr::ExprError {
    /// The error as a scene-file error: `file:line:col`, the line and a caret.
    ///
    /// `src` is the scene file's text. When the expression is not written
    /// verbatim at its origin (a RON string with escapes), the caret goes to
    /// the expression's start instead of a wrong column.
    pub fn to_scene_error(&self, file: &Path, src: &str) -> SceneError {
        let start = self.offset - self.at;
        let verbatim = src.get(start..).is_some_and(|s| s.starts_with(&self.source));
        let offset = if verbatim { self.offset } else { start };
        SceneError::at_offset(file, src, offset, self.message.clone())
    }
}

/// At most [`SNIPPET_CHARS`] chars of `line` that include column `col`
/// (1-based), and the caret's column in them: a long line (a minified
/// scene, deep nesting) is shown around the error, marked with `…`.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= SNIPPET_CHARS {
        return (line.to_string(), col);
    }
    let start = col
        .saturating_sub(SNIPPET_CHARS / 2)
        .min(chars.len() - SNIPPET_CHARS);
    let end = start + SNIPPET_CHARS;
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, col - start + usize::from(start > 0))
}

/// The longest part of a source line quoted under a message.
const SNIPPET_CHARS: usize = 160;

/// Byte offset of the first occurrence of the quoted string `"value"` after `from`.
pub fn find_quoted(src: &str, value: &str, from: usize) -> Option<usize> {
    let needle = format!("\"{value}\"");
    src.get(from..)?.find(&needle).map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_based() {
        let src = "ab\ncdé\nx";
        assert_eq!(Location::of_offset(src, 0), Location { line: 1, col: 1 });
        assert_eq!(Location::of_offset(src, 4), Location { line: 2, col: 2 });
        assert_eq!(Location::of_offset(src, src.len()), Location { line: 3, col: 2 });
        for off in [0, 4, 5, 8, 9] {
            assert_eq!(Location::of_offset(src, off).offset_in(src), off);
        }
        // Inside a multi-byte char: the char's location, no panic.
        assert_eq!(Location::of_offset(src, 6), Location::of_offset(src, 5));
    }

    #[test]
    fn display_shows_the_line_and_a_caret() {
        let src = "(\n  size: (10, x),\n)";
        let e = SceneError::at(
            Path::new("s.ron"),
            src,
            Location { line: 2, col: 15 },
            "expected a number",
        );
        let text = e.to_string();
        assert!(text.starts_with("s.ron:2:15: expected a number"), "{text}");
        assert!(text.contains("2 |   size: (10, x),"));
        assert!(text.ends_with("|               ^"), "{text:?}");
    }

    #[test]
    fn a_long_line_is_shown_around_the_caret() {
        let long = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let e = SceneError::at(Path::new("s.ron"), &long, Location { line: 1, col: 301 }, "here");
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        let (shown, caret) = (lines[2], lines[3]);
        assert!(shown.contains('X') && shown.ends_with('…'), "{shown}");
        assert_eq!(
            shown.chars().position(|c| c == 'X'),
            caret.chars().position(|c| c == '^')
        );
    }
}
