//! The expanded text and its source map: every byte of the text the expand
//! pass writes comes from somewhere in the scene file (copied verbatim, or
//! written for a value or an expression there), so an error ron or the
//! resolver finds in the expanded text is put back where the author wrote it,
//! with the loop or component it came through.

use std::ops::Range;
use std::path::Path;

use crate::scene::error::{Location, SceneError};

/// The text written so far and where each piece came from.
#[derive(Clone, Debug, Default)]
pub struct Out {
    pub text: String,
    segs: Vec<Seg>,
    /// "where i = 3", "in component `Cell` used at 12:9": by id.
    pub contexts: Vec<String>,
}

#[derive(Clone, Copy, Debug)]
struct Seg {
    /// Where the piece starts in the expanded text.
    at: usize,
    /// Where it comes from in the scene file.
    orig: usize,
    /// Copied bytes map one to one; a written piece (`exact: false`) maps to `orig`.
    exact: bool,
    ctx: Option<u32>,
    /// What the piece is, when it is an expression's value: said after a
    /// message about it ("`{w}` gives [1, 2, 3]").
    note: Option<u32>,
}

impl Out {
    /// Copies `span` of `src` verbatim.
    pub fn copy(&mut self, src: &str, span: Range<usize>, ctx: Option<u32>) {
        self.segs.push(Seg {
            at: self.text.len(),
            orig: span.start,
            exact: true,
            ctx,
            note: None,
        });
        self.text.push_str(&src[span]);
    }

    /// Writes `s`, standing for what is at `orig` in the scene file.
    pub fn put(&mut self, s: &str, orig: usize, ctx: Option<u32>) {
        self.segs.push(Seg {
            at: self.text.len(),
            orig,
            exact: false,
            ctx,
            note: None,
        });
        self.text.push_str(s);
    }

    /// [`Out::put`] for an expression's value, with `note` saying what it is.
    pub fn put_value(&mut self, s: &str, orig: usize, ctx: Option<u32>, note: String) {
        self.contexts.push(note);
        self.segs.push(Seg {
            at: self.text.len(),
            orig,
            exact: false,
            ctx,
            note: Some(self.contexts.len() as u32 - 1),
        });
        self.text.push_str(s);
    }

    /// The scene-file offset of byte `at` of the text, its context and note.
    pub fn origin(&self, at: usize) -> (usize, Option<&str>, Option<&str>) {
        let i = self.segs.partition_point(|s| s.at <= at);
        match i.checked_sub(1).map(|i| self.segs[i]) {
            Some(s) => {
                let off = if s.exact { s.orig + (at - s.at) } else { s.orig };
                let text = |c: Option<u32>| c.map(|c| self.contexts[c as usize].as_str());
                (off, text(s.ctx), text(s.note))
            }
            None => (0, None, None),
        }
    }

    /// `e`, found in this text, moved to the scene file `src` at `path`.
    /// Errors about other files (the theme, a CSV) are left alone.
    pub fn remap(&self, e: SceneError, path: &Path, src: &str) -> SceneError {
        let Some(loc) = e.location.filter(|_| e.file == path) else {
            return e;
        };
        let (off, ctx, note) = self.origin(loc.offset_in(&self.text));
        let mut message = e.message;
        if let Some(n) = note {
            message = format!("{message}: {n}");
        }
        if let Some(c) = ctx {
            message = format!("{message} ({c})");
        }
        let off = off.min(src.len());
        SceneError::at(path, src, Location::of_offset(src, off), message)
    }
}

/// `s` as a RON string literal.
pub fn ron_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
