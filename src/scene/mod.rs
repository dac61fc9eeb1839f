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
//!
//! Each element kind is one module of [`widgets`] (its spec, resolved form,
//! parameters and paint), listed once in the `widgets!` registry; `resolve`
//! walks the element tree and `steps` the timeline. See docs/architecture.md.

pub mod arrange;
pub mod csv;
pub mod error;
pub mod expand;
pub mod format;
pub mod import;
pub mod layout;
pub mod limits;
pub mod live;
pub mod model;
pub mod nav;
pub mod theme;
pub mod widgets;

mod resolve;
mod steps;
mod tree;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{Location, SceneError};
pub use model::{Moment, Scene, Storyboard};

use crate::text::FontBook;

/// How deep ron may recurse: each nested group costs it 6 levels (the
/// variant, its struct, the `children` list and the options in between),
/// so this lets [`limits::MAX_DEPTH`] + 1 groups through to the resolver,
/// which then says "groups are nested deeper than 16". serde recurses as
/// deep; a unit test checks that fits a thread's stack.
pub const RON_RECURSION_LIMIT: usize = 128;

pub(crate) fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES)
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(RON_RECURSION_LIMIT)
}

/// A RON parse error as a [`SceneError`], in anim's words for the cases
/// where ron's are for developers or misleading.
pub(crate) fn ron_error(path: &Path, src: &str, e: &ron::error::SpannedError) -> SceneError {
    let loc = Location {
        line: e.position.line.max(1),
        col: e.position.col.max(1),
    };
    if let Some((off, msg)) = float_for_integer(src, loc.offset_in(src)) {
        return SceneError::at_offset(path, src, off, msg);
    }
    let msg = match &e.code {
        ron::Error::ExceededRecursionLimit => format!(
            "brackets are nested too deeply here: anim reads at most {RON_RECURSION_LIMIT} levels \
             of RON nesting (and at most {} nested groups)",
            limits::MAX_DEPTH
        ),
        ron::Error::NoSuchStructField { .. } => {
            format!(
                "{} (check the spelling; docs/scene-format.md lists every field)",
                e.code
            )
        }
        ron::Error::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => {
            let hint = crate::suggest::hint(found, expected.iter().copied());
            // ron stops after the name: point at its start.
            let end = loc.offset_in(src);
            let loc = match end.checked_sub(found.len()) {
                Some(start) if src.get(start..end) == Some(found.as_str()) => Location::of_offset(src, start),
                _ => loc,
            };
            let msg = match outer.as_deref() {
                // The names of anim's own types mean nothing to an author.
                Some("ElementSpec") => format!(
                    "unknown element kind `{found}`{hint}; the kinds are {}",
                    expected.join(", ")
                ),
                Some("StepSpec") => format!(
                    "unknown step `{found}`{hint}; the steps are {}",
                    expected.join(", ")
                ),
                // A word of a field (`weight: Bolt`): the caret shows which field.
                _ => format!(
                    "unknown word `{found}` here{hint}: use one of {}",
                    expected.join(", ")
                ),
            };
            return SceneError::at(path, src, loc, msg);
        }
        ron::Error::UnexpectedChar('#')
            if src.get(loc.offset_in(src)..).is_some_and(|r| r.starts_with("#{")) =>
        {
            "`#{…}` is an expression's map: write it inside a string, \"{#{ x: 1 }}\", \
             or as RON's own map, { \"x\": 1 } (docs/expressions.md)"
                .to_string()
        }
        code => code.to_string(),
    };
    SceneError::at(path, src, loc, msg)
}

/// ron reads the integer part of `59.94` for an integer field and then
/// stops at the `.`, saying "Expected comma". When the error sits on the
/// `.` or exponent of a number, this names the field that wants a whole
/// number instead: (where the number starts, the message).
fn float_for_integer(src: &str, off: usize) -> Option<(usize, String)> {
    let rest = src.get(off..)?;
    let fraction = rest.starts_with('.') || rest.starts_with(['e', 'E']);
    let before = &src[..off];
    let start = before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let start = if before[..start].ends_with('-') {
        start - 1
    } else {
        start
    };
    let standalone = !before[..start].ends_with(|c: char| c.is_alphanumeric() || matches!(c, '_' | '.'));
    if !fraction || start == off || !standalone {
        return None;
    }
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_')))
        .unwrap_or(rest.len());
    let number = &src[start..off + len];
    let msg = match field_before(src, start) {
        Some((field, true)) => format!("`{field}` must be a whole number, got {number}"),
        Some((field, false)) => format!("`{field}` takes whole numbers, got {number}"),
        None => format!("expected a whole number, got {number}"),
    };
    Some((start, msg))
}

/// The field whose value contains the byte at `off`, scanning back over
/// enclosing lists and tuples: (its name, whether the value is directly
/// the field's). `None` once the scan leaves a named struct.
fn field_before(src: &str, off: usize) -> Option<(&str, bool)> {
    let b = src.as_bytes();
    let (mut i, mut depth, mut direct) = (off, 0usize, true);
    while i > 0 {
        i -= 1;
        match b[i] {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth > 0 => depth -= 1,
            b'(' | b'[' | b'{' => {
                let head = src[..i].trim_end();
                if head.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    return None; // the start of a named struct: no field holds it
                }
                direct = false;
            }
            b',' if depth == 0 => direct = false,
            b':' if depth == 0 => {
                let head = src[..i].trim_end();
                let name_start = head
                    .char_indices()
                    .rfind(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
                    .map_or(0, |(n, c)| n + c.len_utf8());
                let name = &head[name_start..];
                return (!name.is_empty()).then_some((name, direct));
            }
            b'"' => return None, // inside or after a string: do not guess
            _ => {}
        }
    }
    None
}

/// Scene and theme source as anim reads it, for [`Loader::parse`] and the
/// theme: without a leading UTF-8 byte-order mark (which editors hide and
/// ron does not skip; dropping it keeps columns the ones an editor shows),
/// and refused when its lines end in a lone CR (classic Mac), which ron
/// reads as one long line so every later position would be wrong.
pub(crate) fn clean_source<'a>(path: &Path, src: &'a str) -> Result<&'a str, SceneError> {
    let src = strip_bom(src);
    match line_ending_problem(src) {
        Some(msg) => Err(SceneError::whole_file(path, msg)),
        None => Ok(src),
    }
}

/// `s` without a leading byte-order mark.
pub(crate) fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

/// Why the line endings of `s` would make line numbers wrong, if they do:
/// more lone CRs than LFs means CR-only endings (a stray CR is harmless).
pub(crate) fn line_ending_problem(s: &str) -> Option<&'static str> {
    let lf = s.bytes().filter(|&c| c == b'\n').count();
    let lone_cr = s
        .as_bytes()
        .windows(2)
        .filter(|w| w[0] == b'\r' && w[1] != b'\n')
        .count()
        + usize::from(s.ends_with('\r'));
    (lone_cr > lf)
        .then_some("the file uses CR-only (classic Mac) line endings; save it with LF or CRLF line endings")
}

/// UTF-8 text from the bytes of a file; the error points at the first
/// byte that is not UTF-8.
pub(crate) fn utf8_source(path: &Path, bytes: Vec<u8>) -> Result<String, SceneError> {
    String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        SceneError::at_offset(path, &text, off, "the file is not valid UTF-8")
    })
}

/// Reads a scene or theme file: a regular file of at most `cap` bytes, UTF-8.
pub(crate) fn read_source(path: &Path, cap: u64, what: &'static str) -> Result<String, SceneError> {
    let bytes = crate::fsread::read_regular_file(path, cap, what)
        .map_err(|e| SceneError::whole_file(path, read_error_message(&e)))?;
    utf8_source(path, bytes)
}

/// The message for a file that could not be read: size errors stand
/// alone, others follow "cannot read".
pub(crate) fn read_error_message(e: &crate::fsread::ReadError) -> String {
    use crate::fsread::ReadError;
    match e {
        ReadError::TooLarge { .. } | ReadError::Grew { .. } => e.to_string(),
        _ => format!("cannot read: {e}"),
    }
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
        let src = read_source(path, limits::MAX_FILE_BYTES, "scene files")?;
        self.parse(path, &src)
    }

    /// Parses and resolves scene source; `path` names it in messages and
    /// gives the scene its name. A leading byte-order mark is skipped.
    pub fn parse(&self, path: &Path, src: &str) -> Result<Scene, SceneError> {
        let src = clean_source(path, src)?;
        if src.trim().is_empty() {
            return Err(SceneError::whole_file(
                path,
                "the file is empty; a scene starts with `(` — see docs/scene-format.md",
            ));
        }
        let Some(root) = expand::cst::parse(src) else {
            // Not RON this reader understands: ron says why (or reads it).
            // Its reading of the whole file as values comes first, so that a
            // syntax error inside `values` or `components` is reported where
            // it is, not as "unexpected field `values`".
            if let Err(e) = ron_options().from_str::<ron::Value>(src) {
                return Err(ron_error(path, src, &e));
            }
            return self.parse_plain(path, src, None);
        };
        let sources = import::Sources::read(&self.root, path, src, &root)?;
        let mut scene = self
            .parse_tree(path, src, &root, &sources)
            .map_err(|e| sources.relocate(e, path))?;
        scene.inputs.extend(sources.files().cloned());
        Ok(scene)
    }

    /// Its theme, and what the expand pass makes of the scene `src` at
    /// `path` (tree `root`) with its imported files (`None`: it computes
    /// nothing). Errors are placed in `sources.text`.
    fn expand_tree(
        &self,
        path: &Path,
        src: &str,
        root: &expand::cst::Node,
        sources: &import::Sources,
    ) -> Result<(resolve::ThemeIn, Option<expand::Expanded>), SceneError> {
        let theme_rel = root.field(src, "theme").and_then(|f| f.value.as_str());
        let theme = resolve::theme_for(self, path, src, theme_rel)?;
        let expanded = expand::expand(path, &sources.text, root, &sources.nodes, &theme.theme)?;
        Ok((theme, expanded))
    }

    /// A scene read by the expand pass, with its imported files. One that
    /// computes nothing is read by ron as written.
    fn parse_tree(
        &self,
        path: &Path,
        src: &str,
        root: &expand::cst::Node,
        sources: &import::Sources,
    ) -> Result<Scene, SceneError> {
        let full = sources.text.as_str();
        let (theme, expanded) = self.expand_tree(path, src, root, sources)?;
        let Some(expanded) = expanded else {
            return self.parse_plain(path, src, Some(theme));
        };
        let out = &expanded.out;
        let text = &out.text;
        let file: format::SceneFile = ron_options()
            .from_str(text)
            .map_err(|e| out.remap(ron_error(path, text, &e), path, full))?;
        let inputs = expanded.live.as_ref().map_or(&[][..], |l| &l.inputs[..]);
        let (mut scene, tracks) =
            resolve::resolve(self, path, text, file, theme, inputs).map_err(|e| out.remap(e, path, full))?;
        if let Some(mut live) = expanded.live {
            live.tracks = tracks;
            let ls = model::LiveScene {
                live,
                root: self.root.clone(),
            };
            ls.check(&scene)?;
            scene.live = Some(Arc::new(ls));
        }
        Ok(scene)
    }

    /// The scene source with its computation done: values, templates,
    /// loops and components expanded into plain elements, animated values at
    /// their starting value. What `parse` reads; a scene that computes
    /// nothing is returned as written. For tests and `anim check --expanded`.
    pub fn expanded(&self, path: &Path, src: &str) -> Result<String, SceneError> {
        let src = clean_source(path, src)?;
        let Some(root) = expand::cst::parse(src) else {
            return Ok(src.to_string());
        };
        let sources = import::Sources::read(&self.root, path, src, &root)?;
        let (_, expanded) = self
            .expand_tree(path, src, &root, &sources)
            .map_err(|e| sources.relocate(e, path))?;
        Ok(expanded.map_or_else(|| src.to_string(), |x| x.out.text))
    }

    /// [`Loader::expanded`] of the scene file at `path`, read as [`Loader::load`] reads it.
    pub fn load_expanded(&self, path: &Path) -> Result<String, SceneError> {
        let src = read_source(path, limits::MAX_FILE_BYTES, "scene files")?;
        self.expanded(path, &src)
    }

    /// A scene that computes nothing: ron reads the file as written.
    /// `theme` is the theme already loaded for it, if it was.
    fn parse_plain(
        &self,
        path: &Path,
        src: &str,
        theme: Option<resolve::ThemeIn>,
    ) -> Result<Scene, SceneError> {
        let file: format::SceneFile = ron_options()
            .from_str(src)
            .map_err(|e| ron_error(path, src, &e))?;
        let theme = match theme {
            Some(t) => t,
            None => resolve::theme_for(self, path, src, file.theme.as_deref())?,
        };
        resolve::resolve(self, path, src, file, theme, &[]).map(|(s, _)| s)
    }

    pub(crate) fn fonts(&self) -> &Arc<FontBook> {
        &self.fonts
    }

    /// The font files every scene is drawn with.
    pub(crate) fn font_files(&self) -> &[PathBuf] {
        &self.font_files
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn loader() -> Loader {
        Loader::new(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn parse(src: &str) -> Result<Scene, SceneError> {
        loader().parse(Path::new("t.ron"), src)
    }

    /// The error `src` must give.
    fn error(src: &str) -> SceneError {
        match parse(src) {
            Ok(_) => panic!("loaded:\n{src}"),
            Err(e) => e,
        }
    }

    /// `n` groups, each the only child of the one before.
    fn nested_groups(n: usize) -> String {
        let inner = (0..n).fold(String::new(), |acc, _| format!("Group(children: [{acc}])"));
        format!("(\n    size: (800, 450),\n    duration: 4.0,\n    elements: [\n{inner}\n    ],\n)\n")
    }

    const MINI: &str = "(\n    size: (800, 450),\n    duration: 4.0,\n    elements: [\n        Box(name: \"a\", at: (200, 150), size: (200, 80)),\n    ],\n)\n";

    #[test]
    fn a_byte_order_mark_is_skipped_with_lf_or_crlf() {
        for src in [MINI.to_string(), MINI.replace('\n', "\r\n")] {
            let scene = parse(&format!("\u{feff}{src}")).unwrap();
            assert_eq!(scene.elements.len(), 1);
        }
        // Later errors keep their line and column (the BOM is not a column).
        let bad = MINI.replace("size: (200, 80)", "sise: (200, 80)");
        let without = error(&bad).location;
        assert_eq!(without.map(|l| l.line), Some(5));
        for src in [bad.clone(), bad.replace('\n', "\r\n")] {
            let e = error(&format!("\u{feff}{src}"));
            assert_eq!(e.location, without, "{e}");
            assert!(e.snippet.unwrap().starts_with("        Box("));
        }
    }

    #[test]
    fn a_syntax_error_inside_values_is_reported_where_it_is() {
        let src = "(\n    size: (200, 100),\n    values: {\n        \"a\": [1, 2,\n        \"b\": 3,\n    },\n    elements: [],\n)\n";
        let e = error(src);
        assert_eq!(e.location.map(|l| (l.line, l.col)), Some((5, 12)), "{e}");
        assert!(!e.message.contains("values"), "{e}");
        // An expression's map written as RON: said so, with both spellings.
        let e = error(&src.replace("[1, 2,", "#{ x: 1 },"));
        assert_eq!(e.location.map(|l| (l.line, l.col)), Some((4, 14)), "{e}");
        assert!(e.message.contains("inside a string"), "{e}");
    }

    #[test]
    fn an_empty_caption_is_no_caption() {
        let with =
            parse(&MINI.replace("size: (200, 80)", "size: (200, 80), label: \"a\", caption: \"\"")).unwrap();
        let without = parse(&MINI.replace("size: (200, 80)", "size: (200, 80), label: \"a\"")).unwrap();
        assert_eq!(
            format!("{:?}", with.elements[0].kind),
            format!("{:?}", without.elements[0].kind)
        );
    }

    #[test]
    fn cr_only_line_endings_are_named() {
        let e = error(&MINI.replace('\n', "\r"));
        assert!(e.message.contains("CR-only (classic Mac) line endings"), "{e}");
        // A stray CR in an LF file is harmless.
        assert!(parse(&MINI.replacen('\n', "\r\n", 1).replacen("    ", "\r    ", 1)).is_ok());
    }

    #[test]
    fn sixteen_nested_groups_load_and_seventeen_are_refused_in_anims_words() {
        assert_eq!(
            parse(&nested_groups(limits::MAX_DEPTH)).unwrap().elements.len(),
            16
        );
        let e = error(&nested_groups(limits::MAX_DEPTH + 1));
        assert!(
            e.message
                .contains("groups and containers are nested deeper than 16"),
            "{e}"
        );
        // Deeper than ron reads: still anim's words, with a position.
        let e = error(&nested_groups(40));
        assert!(e.message.contains("nested too deeply"), "{e}");
        assert!(!e.message.contains("ron::Options"), "{e}");
        assert_eq!(e.location.map(|l| l.line), Some(5));
    }

    /// The deepest source ron accepts does not overflow a thread stack
    /// much smaller than the 2 MiB Rust gives spawned threads (`--jobs`,
    /// the preview's reloader), with serde's and the resolver's recursion.
    #[test]
    fn the_deepest_accepted_nesting_fits_a_small_stack() {
        let loader = loader();
        let worker = std::thread::Builder::new().stack_size(512 * 1024);
        let handle = worker
            .spawn(move || {
                let mut deepest = 0;
                for n in 1..40 {
                    match loader.parse(Path::new("t.ron"), &nested_groups(n)) {
                        Err(e) if e.message.contains("nested too deeply") => break,
                        _ => deepest = n,
                    }
                }
                deepest
            })
            .unwrap();
        assert!(handle.join().unwrap() > limits::MAX_DEPTH);
    }

    #[test]
    fn a_float_for_an_integer_names_the_field() {
        let cases = [
            (
                "fps: 30,",
                "fps: 59.94,",
                "`fps` must be a whole number, got 59.94",
            ),
            (
                "size: (800, 450)",
                "size: (800, 450.5)",
                "`size` takes whole numbers, got 450.5",
            ),
            (
                "size: (800, 450)",
                "size: (8e2, 450)",
                "`size` takes whole numbers, got 8e2",
            ),
        ];
        let src = MINI.replace("duration: 4.0,", "duration: 4.0,\n    fps: 30,");
        for (from, to, want) in cases {
            let e = error(&src.replace(from, to));
            assert!(e.message.contains(want), "{to}: {e}");
            // The caret is on the number.
            let number = want.rsplit(' ').next().unwrap();
            let col = e.snippet.as_deref().unwrap().find(number).unwrap() + 1;
            assert_eq!(e.location.unwrap().col, col, "{e}");
        }
        // No panic whatever precedes the field name (here a multi-byte space).
        let e = error(&src.replace("    fps: 30,", "\u{2028}fps: 1.5,"));
        assert!(
            e.message.contains("`fps` must be a whole number") || e.location.is_some(),
            "{e}"
        );
        // A float where a float belongs is not an error.
        assert!(parse(&src.replace("duration: 4.0", "duration: 4.5")).is_ok());
    }

    /// Colour and glyph errors point at the value that has them, not at
    /// the element's name.
    #[test]
    fn carets_point_at_the_offending_field() {
        let at = |src: &str, what: &str| {
            let e = error(src);
            let loc = e.location.unwrap();
            let line = src.lines().nth(loc.line - 1).unwrap();
            let col = line.char_indices().nth(loc.col - 1).unwrap().0;
            assert!(
                line[col..].starts_with(what),
                "{e}: the caret is on {:?}",
                &line[col..]
            );
        };
        let el = |e: &str| MINI.replace("Box(name: \"a\", at: (200, 150), size: (200, 80))", e);
        at(
            &el("Path(name: \"p\", d: \"M 0 0 L 9 9\", stroke: \"rosa\")"),
            "\"rosa\"",
        );
        at(
            &el("Box(name: \"b\", at: (200, 150), size: (200, 80), fill: \"ink\", label_color: \"#12\")"),
            "\"#12\"",
        );
        at(&el("Text(name: \"t\", at: (100, 100), text: \"emoji 😀\")"), "😀");
        at(
            &el("Group(children: [Text(at: (100, 100), text: \"só 😀\")])"),
            "😀",
        );
        at(
            &el("Tokens(name: \"k\", at: (400, 100), tokens: [\"a\", \"b😀\"])"),
            "😀",
        );
        at(
            &el("LineChart(at: (400, 200), size: (300, 100), series: [(points: [(0, 1), (1, 2)]), (points: [(0, 1), (1, 2)], color: \"nope\")])"),
            "\"nope\"",
        );
        let steps = MINI.replace(
            "    ],\n)",
            "    ],\n    timeline: [ FadeIn(target: \"a\"), Color(target: \"a\", to: \"rosa\") ],\n)",
        );
        at(&steps, "\"rosa\"");
    }

    #[test]
    fn top_k_zero_is_refused() {
        let e = error(&MINI.replace(
            "Box(name: \"a\", at: (200, 150), size: (200, 80))",
            "Distribution(name: \"d\", at: (400, 200), size: (300, 100), tokens: [\"a\", \"b\"], logits: [1, 2], top_k: 0)",
        ));
        assert!(e.message.contains("top_k must be at least 1"), "{e}");
    }

    #[test]
    fn target_and_targets_together_are_refused() {
        let src = MINI.replace(
            "    ],\n)",
            "    ],\n    timeline: [ FadeIn(target: \"a\", targets: [\"a\"]) ],\n)",
        );
        let e = error(&src);
        assert!(e.message.contains("give either `target` or `targets`"), "{e}");
    }

    /// `"none"` paints nothing wherever a colour is optional, as the docs
    /// say, not only on a Box.
    #[test]
    fn none_paints_nothing_on_paths_and_circles() {
        let src = MINI.replace(
            "Box(name: \"a\", at: (200, 150), size: (200, 80))",
            "Path(d: \"M 0 0 L 9 9\", fill: \"none\", stroke: \"ink\"),\n        Circle(at: (9, 9), radius: 3, fill: \"ink\", stroke: \"none\")",
        );
        let scene = parse(&src).unwrap();
        for el in &scene.elements {
            let shape = el.kind.widget().as_any().downcast_ref::<widgets::shape::Shape>();
            let shape = shape.unwrap();
            assert!(shape.fill.is_some() != shape.stroke.is_some());
        }
    }

    /// Follow travels once around a Box's or Circle's outline (documented
    /// in docs/scene-format.md): accepted, not an accident.
    #[test]
    fn follow_accepts_a_box_outline() {
        let src = MINI.replace(
            "    ],\n)",
            "        Circle(name: \"c\", at: (10, 10), radius: 5, fill: \"ink\"),\n    ],\n    timeline: [ Follow(target: \"c\", path: \"a\", dur: 1) ],\n)",
        );
        assert!(parse(&src).is_ok());
    }

    #[test]
    fn line_points_over_the_limit_name_the_limit() {
        let points = vec!["(1, 1)"; limits::MAX_POINTS + 1].join(",");
        let src = MINI.replace(
            "Box(name: \"a\", at: (200, 150), size: (200, 80))",
            &format!("Line(points: [{points}])"),
        );
        let e = error(&src);
        assert!(
            e.message.contains("a line needs 2..=100000 points, got 100001"),
            "{e}"
        );
    }
}
