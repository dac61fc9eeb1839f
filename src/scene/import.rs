//! `import: ["assets/serie.ron"]`: values and components shared by many
//! scenes (a series' title, panel and legend), each in a file of its own.
//!
//! The imported files are read (relative to the project root, like the
//! theme) and placed after the scene's text, each from a fresh line, so the
//! expand pass reads one text where every offset is still the scene's own
//! up to its end ([`Sources::text`]). An error found past the scene's last
//! line is moved back into the imported file it came from
//! ([`Sources::relocate`]), line and caret included.

use std::path::{Path, PathBuf};

use super::error::{Location, SceneError};
use super::expand::cst::{self, Node, NodeKind};

/// How many files a scene may import.
const MAX_IMPORTS: usize = 16;

/// The scene's text followed by its imported files.
pub struct Sources {
    pub text: String,
    /// Each imported file's tree, its spans offsets into `text`.
    pub nodes: Vec<Node>,
    /// Each imported file, with the line of `text` it starts on.
    files: Vec<(PathBuf, usize)>,
}

impl Sources {
    /// The scene `src` at `path` (whose tree is `root`) and the files its
    /// `import` names, read from `root_dir` (none when it names none).
    pub fn read(root_dir: &Path, path: &Path, src: &str, root: &Node) -> Result<Sources, SceneError> {
        let mut text = String::from(src);
        let (mut nodes, mut files) = (Vec::new(), Vec::new());
        let Some(field) = root.field(src, "import") else {
            return Ok(Sources { text, nodes, files });
        };
        let at = |offset: usize, m: String| SceneError::at_offset(path, src, offset, m);
        let NodeKind::List(items) = &field.value.kind else {
            return Err(at(
                field.value.span.start,
                "import is a list of files: import: [\"assets/serie.ron\"]".into(),
            ));
        };
        if items.len() > MAX_IMPORTS {
            return Err(at(
                field.value.span.start,
                format!("a scene imports at most {MAX_IMPORTS} files"),
            ));
        }
        for item in items {
            let Some(rel) = item.as_str() else {
                return Err(at(item.span.start, "an import is a file name in quotes".into()));
            };
            let file = root_dir.join(rel);
            if files.iter().any(|(f, _)| *f == file) {
                return Err(at(item.span.start, format!("\"{rel}\" is imported twice")));
            }
            let imported = super::read_source(&file, super::limits::MAX_FILE_BYTES, "imported files")
                .map_err(|e| at(item.span.start, format!("import \"{rel}\": {}", e.message)))?;
            let imported = super::clean_source(&file, &imported)?.to_string();
            text.push('\n');
            let start = text.len();
            let line = Location::of_offset(&text, start).line;
            text.push_str(&imported);
            let node = cst::parse_at(&text, start..text.len()).ok_or_else(|| {
                // ron says what is wrong with it, in its own words and place.
                match super::ron_options().from_str::<ron::Value>(&imported) {
                    Err(e) => super::ron_error(&file, &imported, &e),
                    Ok(_) => SceneError::whole_file(
                        &file,
                        "an imported file is (values: { … }, components: { … })",
                    ),
                }
            })?;
            nodes.push(node);
            files.push((file, line));
        }
        Ok(Sources { text, nodes, files })
    }

    /// `e`, found in [`Sources::text`] as the scene file's, moved into the
    /// imported file it lies in (if it lies past the scene's text).
    pub fn relocate(&self, e: SceneError, path: &Path) -> SceneError {
        let Some(loc) = e.location.filter(|_| e.file == path) else {
            return e;
        };
        match self.files.iter().rev().find(|(_, line)| loc.line >= *line) {
            Some((file, line)) => SceneError {
                file: file.clone(),
                location: Some(Location {
                    line: loc.line - line + 1,
                    col: loc.col,
                }),
                ..e
            },
            None => e,
        }
    }

    /// The imported files, for the render cache and the preview's watch.
    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.iter().map(|(f, _)| f)
    }
}
