//! ## Overview
//!
//! Scene files (RON, in `scenes/`) and the model they resolve into.
//!
//! Loading is the only place that sees raw input (resvg's usvg habit):
//! [`Loader::load`] parses the file ([`format`]), applies the theme
//! ([`theme`]), lays out every static text, resolves arrows to their anchors
//! and steps to absolute start times, and rejects anything wrong with the
//! file, line and column ([`error`]). What comes out ([`model::Scene`]) is
//! immutable; `eval::evaluate(&scene, t)` only reads it.

pub mod error;
pub mod format;
pub mod model;
pub mod theme;

mod resolve;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{Location, SceneError};
pub use model::Scene;

use crate::text::FontBook;

/// Limits that keep a scene file from exhausting memory or time. Documented
/// in docs/scene-format.md.
pub mod limits {
    /// Largest scene file read, in bytes.
    pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
    /// Largest output side, in pixels, after `--scale`.
    pub const MAX_SIDE: u32 = 8192;
    /// Longest scene, in seconds.
    pub const MAX_DURATION: f64 = 600.0;
    /// Highest frame rate.
    pub const MAX_FPS: u32 = 120;
    /// Most elements, counting group children.
    pub const MAX_ELEMENTS: usize = 5000;
    /// Most timeline steps.
    pub const MAX_STEPS: usize = 5000;
    /// Longest text, in chars.
    pub const MAX_TEXT_CHARS: usize = 2000;
    /// Deepest group nesting.
    pub const MAX_DEPTH: usize = 16;
    /// Largest image side, in pixels.
    pub const MAX_IMAGE_SIDE: u32 = 4096;
    /// Most points in one chart series or polyline.
    pub const MAX_POINTS: usize = 100_000;
    /// Largest coordinate, in scene units, of any element or movement (the
    /// frame itself is at most 8192).
    pub const MAX_COORD: f32 = 100_000.0;
    /// Thickest stroke and largest text, in scene units.
    pub const MAX_WIDTH: f32 = 1000.0;
    /// Largest `Scale` factor.
    pub const MAX_SCALE: f64 = 100.0;
}

pub(crate) fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES)
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(64)
}

/// A RON parse error as a [`SceneError`], with a hint for the common cases.
pub(crate) fn ron_error(path: &Path, src: &str, e: &ron::error::SpannedError) -> SceneError {
    let loc = Location {
        line: e.position.line.max(1),
        col: e.position.col.max(1),
    };
    let mut msg = e.code.to_string();
    if let ron::Error::NoSuchStructField { .. } = &e.code {
        msg.push_str(" (check the spelling; docs/scene-format.md lists every field)");
    }
    SceneError::at(path, src, loc, msg)
}

/// Loads scenes of one project: owns the fonts so that several scenes share them.
pub struct Loader {
    root: PathBuf,
    fonts: Arc<FontBook>,
    font_files: Vec<PathBuf>,
}

impl Loader {
    /// A loader for the project at `root` (the folder holding `assets/`).
    pub fn new(root: &Path) -> Result<Loader, SceneError> {
        let dir = root.join("assets/fonts");
        let fonts = FontBook::load(&dir).map_err(|e| SceneError::whole_file(&dir, e.to_string()))?;
        Ok(Loader {
            root: root.to_path_buf(),
            fonts: Arc::new(fonts),
            font_files: crate::text::font_files(&dir),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Reads, parses and resolves the scene file at `path`.
    pub fn load(&self, path: &Path) -> Result<Scene, SceneError> {
        let meta =
            std::fs::metadata(path).map_err(|e| SceneError::whole_file(path, format!("cannot read: {e}")))?;
        if meta.len() > limits::MAX_FILE_BYTES {
            return Err(SceneError::whole_file(
                path,
                format!(
                    "the file is {} bytes; scene files are limited to {}",
                    meta.len(),
                    limits::MAX_FILE_BYTES
                ),
            ));
        }
        let bytes =
            std::fs::read(path).map_err(|e| SceneError::whole_file(path, format!("cannot read: {e}")))?;
        let src = String::from_utf8(bytes).map_err(|e| {
            let off = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            SceneError::at_offset(path, &text, off, "the file is not valid UTF-8")
        })?;
        self.parse(path, &src)
    }

    /// Parses and resolves scene source; `path` names it in messages and gives the scene its name.
    pub fn parse(&self, path: &Path, src: &str) -> Result<Scene, SceneError> {
        if src.trim().is_empty() {
            return Err(SceneError::whole_file(
                path,
                "the file is empty; a scene starts with `(` — see docs/scene-format.md",
            ));
        }
        let file: format::SceneFile = ron_options()
            .from_str(src)
            .map_err(|e| ron_error(path, src, &e))?;
        resolve::resolve(self, path, src, file)
    }

    pub(crate) fn fonts(&self) -> &Arc<FontBook> {
        &self.fonts
    }

    /// The font files every scene is drawn with.
    pub(crate) fn font_files(&self) -> &[PathBuf] {
        &self.font_files
    }
}

/// Lays out `text` for a loaded scene (used by evaluation for text whose
/// content changes with time).
pub fn resolve_layout(
    scene: &Scene,
    text: &str,
    style: &crate::text::TextStyle,
    at: glam::Vec2,
    color: crate::color::Color,
) -> Result<model::TextBlock, String> {
    resolve::place_layout(&scene.fonts, text, style, at, color)
}
