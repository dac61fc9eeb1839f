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
        let before = &src[..offset.min(src.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        Location { line, col }
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
                    let shown: String = s.chars().take(160).collect();
                    write!(
                        f,
                        "\n{:gutter$} |\n{line} | {shown}\n{:gutter$} | {:>col$}",
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

/// Byte offsets of the items of the list stored under `key` in a RON
/// document, at any depth, in order of appearance: `list_items(src,
/// "timeline")` gives where each timeline step starts, so a problem found
/// after parsing (an unknown target, say) can still point at its line.
///
/// The scan understands strings, raw strings are not used by anim's format,
/// and `//` and `/* */` comments.
pub fn list_items(src: &str, key: &str) -> Vec<usize> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Stack of (bracket, collecting?) — collecting is true inside `key: [`.
    let mut stack: Vec<(u8, bool)> = Vec::new();
    let mut expect_item = false;
    let mut last_ident: Option<(usize, usize)> = None;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let collecting = matches!(stack.last(), Some((b'[', true)));
        if collecting && expect_item && c != b']' {
            out.push(i);
            expect_item = false;
        }
        match c {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'[' => {
                let is_key = last_ident.is_some_and(|(s, e)| &src[s..e] == key);
                stack.push((b'[', is_key));
                expect_item = is_key;
                last_ident = None;
            }
            b'(' | b'{' => {
                stack.push((c, false));
                last_ident = None;
            }
            b']' | b')' | b'}' => {
                stack.pop();
                last_ident = None;
            }
            b',' => {
                if collecting {
                    expect_item = true;
                }
                last_ident = None;
            }
            b':' => {}
            _ if c.is_ascii_alphanumeric() || c == b'_' => {
                let s = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                // An identifier directly followed by ':' is a field name.
                let mut j = i;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                last_ident = if b.get(j) == Some(&b':') {
                    Some((s, i))
                } else {
                    None
                };
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Byte offsets of `name: "value"` declarations (any spacing), in order.
pub fn find_name_decls(src: &str, value: &str) -> Vec<usize> {
    let needle = format!("\"{value}\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = src.get(from..).and_then(|s| s.find(&needle)) {
        let at = from + i;
        let before = src[..at].trim_end();
        if let Some(b) = before.strip_suffix(':') {
            if b.trim_end().ends_with("name") {
                out.push(at);
            }
        }
        from = at + needle.len();
    }
    out
}

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
    }

    #[test]
    fn finds_list_items_with_comments_and_strings() {
        let src = "(\n elements: [\n  Box(name: \"a, [b]\"), // x, y\n  /* ( */ Circle(),\n ],\n timeline: [ FadeIn(target: \"a\"), FadeOut(target: \"a\") ],\n)";
        let els = list_items(src, "elements");
        assert_eq!(els.len(), 2);
        assert!(src[els[0]..].starts_with("Box("));
        assert!(src[els[1]..].starts_with("Circle("));
        let steps = list_items(src, "timeline");
        assert_eq!(steps.len(), 2);
        assert!(src[steps[1]..].starts_with("FadeOut"));
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
}
