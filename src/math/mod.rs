//! ## Overview
//!
//! Formulas in Typst's maths syntax, laid out by the `typst` crate used as a
//! library, read back as vector outlines. A pure stage: a formula and a size
//! in, glyph outlines out ([`Formula`]); the scene's `Math` element
//! (`scene::widgets::math`) places and paints them like any other text.
//!
//! Decisions:
//!
//! - **No TeX, no files, no code.** Each formula is compiled as a one-page
//!   Typst document `$ formula $` in a private [`World`] that has one font
//!   (New Computer Modern Math, shipped in `assets/fonts`) and no files: a
//!   formula that asks for one gets Typst's own error. `#` (Typst code) and
//!   `$` are refused before Typst sees the formula (write `\#`, `\$` for the
//!   signs), so a formula is maths only: no loops, no imports, bounded work.
//! - **Frames, not pictures.** The laid-out frame is walked item by item:
//!   every glyph (letters, stretched brackets, radical signs) becomes its
//!   font outline, every rule (fraction bars, a root's overbar) a filled
//!   rectangle, all in px with y down, 1 pt = 1 px. Nothing is rasterised,
//!   so a formula is as crisp as the rest of the frame at any `--scale`.
//! - **Source spans.** Each glyph keeps the byte range of the formula it
//!   was set from (Typst's span of its syntax node), so the scene can name
//!   a part of a formula by a piece of its source (`Part(of: "Q K^T")`).
//! - **A missing glyph is an error**, with the character and its place in
//!   the formula: the maths font is the only font, and a tofu box in a
//!   rendered figure is worse than a message at load.
//! - **Cache.** Layouts are memoised by (formula, size, display), so a scene
//!   reloaded in the preview lays out only the formulas that changed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use glam::{Affine2, Vec2};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::visualize::{CurveItem, Geometry};
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::geom::PathData;

/// The maths font's file, in the fonts folder.
pub const FONT_FILE: &str = "NewCMMath-Book.otf";
/// The longest formula accepted, in bytes.
pub const MAX_FORMULA: usize = 4000;
/// How many laid-out formulas the cache keeps before it starts over.
const CACHE_ENTRIES: usize = 512;

/// A laid-out formula: its glyphs and rules, in px, y down, with the
/// origin at the top left of its box.
#[derive(Clone, Debug, PartialEq)]
pub struct Formula {
    pub glyphs: Vec<MathGlyph>,
    /// Width and height of the formula's box.
    pub size: Vec2,
    /// The baseline, from the top of the box.
    pub baseline: f32,
}

/// One glyph or rule of a formula.
#[derive(Clone, Debug, PartialEq)]
pub struct MathGlyph {
    /// Its filled outline.
    pub path: PathData,
    /// The bytes of the formula it was set from (empty when Typst made it
    /// up, as the brackets a `mat` adds).
    pub range: Range<usize>,
    /// The same glyph at the same size has the same key; rules share one.
    pub key: u64,
    /// Its pen position (a glyph's baseline start, a rule's top left).
    pub origin: Vec2,
}

/// Why a formula could not be laid out: Typst's message, and the bytes of
/// the formula it is about when it is about some.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct MathError {
    pub message: String,
    pub range: Option<Range<usize>>,
}

impl MathError {
    fn at(message: impl Into<String>, range: Option<Range<usize>>) -> MathError {
        MathError {
            message: message.into(),
            range,
        }
    }
}

/// Lays out formulas with one maths font, and remembers them.
pub struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    font: Font,
    cache: Mutex<HashMap<(String, u32, bool), Arc<Formula>>>,
}

impl std::fmt::Debug for Typesetter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Typesetter")
    }
}

/// The document a formula is compiled as: the page fits the formula.
fn document(formula: &str, size: f32, display: bool) -> (String, usize) {
    let mut s = format!(
        "#set page(width: auto, height: auto, margin: 0pt, fill: none)\n\
         #set text(size: {size}pt, font: \"New Computer Modern Math\", top-edge: \"bounds\", bottom-edge: \"bounds\")\n\
         #show math.equation: set text(font: \"New Computer Modern Math\")\n"
    );
    s.push_str(if display { "$ " } else { "$" });
    let start = s.len();
    s.push_str(formula);
    s.push_str(if display { " $" } else { "$" });
    (s, start)
}

impl Typesetter {
    /// A typesetter with the maths font `data` (an OpenType font with a MATH table).
    pub fn new(data: Vec<u8>) -> Result<Typesetter, String> {
        let face = rustybuzz::ttf_parser::Face::parse(&data, 0)
            .map_err(|e| format!("the maths font cannot be read: {e}"))?;
        if face.tables().math.is_none() {
            return Err("the maths font has no MATH table".into());
        }
        let font = Font::new(Bytes::new(data), 0).ok_or("the maths font cannot be read")?;
        let book = FontBook::from_fonts([&font]);
        Ok(Typesetter {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            font,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// `formula` laid out at `size` px (the em size), as a display
    /// formula (limits above and below a sum, full-size fractions) or inline.
    pub fn typeset(&self, formula: &str, size: f32, display: bool) -> Result<Arc<Formula>, MathError> {
        check_source(formula)?;
        if !(size.is_finite() && size > 0.0 && size <= 4096.0) {
            return Err(MathError::at(
                format!("size must be within 0..=4096 px, got {size}"),
                None,
            ));
        }
        let key = (formula.to_string(), size.to_bits(), display);
        if let Some(f) = self.lock().get(&key) {
            return Ok(f.clone());
        }
        let f = Arc::new(self.layout(formula, size, display)?);
        let mut cache = self.lock();
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, f.clone());
        Ok(f)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, u32, bool), Arc<Formula>>> {
        // The cache is a pure memo: a panic elsewhere cannot leave it wrong.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn layout(&self, formula: &str, size: f32, display: bool) -> Result<Formula, MathError> {
        let (text, start) = document(formula, size, display);
        let world = FormulaWorld {
            typesetter: self,
            main: main_id(),
            source: Source::new(main_id(), text),
        };
        let local = |r: Option<Range<usize>>| -> Option<Range<usize>> {
            let r = r?;
            let end = start + formula.len();
            (r.start >= start && r.end <= end).then(|| r.start - start..r.end - start)
        };
        let doc = typst::compile::<PagedDocument>(&world).output.map_err(|errors| {
            let first = errors.first();
            let message = match first {
                Some(d) => {
                    let mut m = d.message.to_string();
                    for h in &d.hints {
                        m.push_str("; hint: ");
                        m.push_str(&h.v);
                    }
                    m
                }
                None => "the formula cannot be laid out".to_string(),
            };
            MathError::at(message, local(first.and_then(|d| world.range(d.span))))
        })?;
        let Some(page) = doc.pages().first() else {
            return Err(MathError::at("the formula laid out to nothing", None));
        };
        let frame = &page.frame;
        let mut out = Vec::new();
        let mut walk = Walk {
            world: &world,
            local: &local,
            out: &mut out,
        };
        walk.frame(frame, Affine2::IDENTITY)?;
        Ok(Formula {
            glyphs: out,
            size: Vec2::new(frame.width().to_pt() as f32, frame.height().to_pt() as f32),
            baseline: frame.baseline().to_pt() as f32,
        })
    }
}

/// `#` and `$` are refused (see the overview); `\#`, `\$` are the signs.
fn check_source(formula: &str) -> Result<(), MathError> {
    if formula.len() > MAX_FORMULA {
        return Err(MathError::at(
            format!(
                "the formula is {} bytes long; at most {MAX_FORMULA}",
                formula.len()
            ),
            None,
        ));
    }
    if formula.trim().is_empty() {
        return Err(MathError::at("the formula is empty", None));
    }
    let mut escaped = false;
    for (i, c) in formula.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '#' => {
                return Err(MathError::at(
                    "a formula is maths only: `#` (Typst code) is not allowed; write functions without it (`sqrt(x)`, `op(\"softmax\")`), colour parts with a Part and a Color step, or `\\#` for the sign",
                    Some(i..i + 1),
                ))
            }
            '$' => {
                return Err(MathError::at(
                    "`$` would end the formula: the scene adds the `$ … $` itself (write `\\$` for the sign)",
                    Some(i..i + 1),
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn main_id() -> FileId {
    // "/main.typ" is a valid path: this cannot fail.
    let vpath = VirtualPath::new("/main.typ").unwrap_or_else(|_| unreachable!("a constant path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The one-file world a formula is compiled in.
struct FormulaWorld<'a> {
    typesetter: &'a Typesetter,
    main: FileId,
    source: Source,
}

impl World for FormulaWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.typesetter.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.typesetter.book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        (index == 0).then(|| self.typesetter.font.clone())
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

/// Walks a frame into outlines.
struct Walk<'a, 'w> {
    world: &'a FormulaWorld<'w>,
    local: &'a dyn Fn(Option<Range<usize>>) -> Option<Range<usize>>,
    out: &'a mut Vec<MathGlyph>,
}

fn pt(p: Point) -> Vec2 {
    Vec2::new(p.x.to_pt() as f32, p.y.to_pt() as f32)
}

fn affine(t: &Transform) -> Affine2 {
    Affine2::from_cols_array(&[
        t.sx.get() as f32,
        t.ky.get() as f32,
        t.kx.get() as f32,
        t.sy.get() as f32,
        t.tx.to_pt() as f32,
        t.ty.to_pt() as f32,
    ])
}

fn hash_key(v: impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// The key all rules share.
fn rule_key() -> u64 {
    hash_key("rule")
}

impl Walk<'_, '_> {
    fn frame(&mut self, frame: &Frame, ts: Affine2) -> Result<(), MathError> {
        for (pos, item) in frame.items() {
            let at = ts * Affine2::from_translation(pt(*pos));
            match item {
                FrameItem::Group(g) => self.frame(&g.frame, at * affine(&g.transform))?,
                FrameItem::Text(t) => self.text(t, at)?,
                FrameItem::Shape(shape, span) => {
                    let range = (self.local)(self.world.range(*span)).unwrap_or(0..0);
                    if let Some(path) = shape_path(shape) {
                        let origin = at.transform_point2(Vec2::ZERO);
                        self.out.push(MathGlyph {
                            path: path.transformed(&at),
                            range,
                            key: rule_key(),
                            origin,
                        });
                    }
                }
                FrameItem::Image(..) | FrameItem::Link(..) | FrameItem::Tag(_) => {}
            }
        }
        Ok(())
    }

    fn text(&mut self, t: &typst::text::TextItem, at: Affine2) -> Result<(), MathError> {
        let font = &t.font;
        let size = t.size.to_pt() as f32;
        let scale = size / font.units_per_em() as f32;
        let mut x = 0.0f32;
        for g in &t.glyphs {
            let range = (self.local)(self.world.range(g.span.0));
            if g.id == 0 {
                let ch = t.text.get(g.range()).unwrap_or("?");
                return Err(MathError::at(
                    format!("the maths font (New Computer Modern Math) has no glyph for `{ch}`"),
                    range,
                ));
            }
            let pen = Vec2::new(
                x + g.x_offset.get() as f32 * size,
                -(g.y_offset.get() as f32) * size,
            );
            x += g.x_advance.get() as f32 * size;
            let mut b = crate::geom::OutlinePath(PathData::new());
            if font
                .ttf()
                .outline_glyph(rustybuzz::ttf_parser::GlyphId(g.id), &mut b)
                .is_none()
            {
                continue; // a space
            }
            let glyph_ts =
                at * Affine2::from_translation(pen) * Affine2::from_scale(Vec2::new(scale, -scale));
            self.out.push(MathGlyph {
                path: b.0.transformed(&glyph_ts),
                range: range.unwrap_or(0..0),
                key: hash_key((g.id, size.to_bits())),
                origin: at.transform_point2(pen),
            });
        }
        Ok(())
    }
}

/// A shape's filled outline: rectangles and curves filled; lines and
/// stroked curves become thin filled quads of the stroke's thickness.
fn shape_path(shape: &typst::visualize::Shape) -> Option<PathData> {
    let stroke = shape.stroke.as_ref().map(|s| s.thickness.to_pt() as f32);
    let mut p = PathData::new();
    match &shape.geometry {
        Geometry::Rect(size) => {
            let s = Vec2::new(size.x.to_pt() as f32, size.y.to_pt() as f32);
            if shape.fill.is_some() {
                quad(&mut p, &[Vec2::ZERO, Vec2::new(s.x, 0.0), s, Vec2::new(0.0, s.y)]);
            } else if let Some(w) = stroke {
                let c = [
                    Vec2::ZERO,
                    Vec2::new(s.x, 0.0),
                    s,
                    Vec2::new(0.0, s.y),
                    Vec2::ZERO,
                ];
                for pair in c.windows(2) {
                    segment(&mut p, pair[0], pair[1], w);
                }
            }
        }
        Geometry::Line(to) => segment(&mut p, Vec2::ZERO, pt(*to), stroke?),
        Geometry::Curve(curve) => {
            let mut start = Vec2::ZERO;
            let mut cur = Vec2::ZERO;
            let filled = shape.fill.is_some();
            for item in curve.0.iter() {
                match item {
                    CurveItem::Move(q) => {
                        cur = pt(*q);
                        start = cur;
                        if filled {
                            p.move_to(cur);
                        }
                    }
                    CurveItem::Line(q) => {
                        let q = pt(*q);
                        if filled {
                            p.line_to(q);
                        } else if let Some(w) = stroke {
                            segment(&mut p, cur, q, w);
                        }
                        cur = q;
                    }
                    CurveItem::Cubic(a, b, q) => {
                        let (a, b, q) = (pt(*a), pt(*b), pt(*q));
                        if filled {
                            p.cubic_to(a, b, q);
                        } else if let Some(w) = stroke {
                            // Thin strokes of curves (a `cancel`): chords are close enough.
                            let mut prev = cur;
                            for k in 1..=8 {
                                let t = k as f32 / 8.0;
                                let u = 1.0 - t;
                                let pnt = cur * u * u * u
                                    + a * 3.0 * u * u * t
                                    + b * 3.0 * u * t * t
                                    + q * t * t * t;
                                segment(&mut p, prev, pnt, w);
                                prev = pnt;
                            }
                        }
                        cur = q;
                    }
                    CurveItem::Close => {
                        if filled {
                            p.close();
                        } else if let Some(w) = stroke {
                            segment(&mut p, cur, start, w);
                        }
                        cur = start;
                    }
                }
            }
        }
    }
    (!p.is_empty()).then_some(p)
}

fn quad(p: &mut PathData, c: &[Vec2; 4]) {
    p.move_to(c[0]).line_to(c[1]).line_to(c[2]).line_to(c[3]).close();
}

/// A segment `a`–`b` of thickness `w` as a filled quad (all wound alike,
/// so overlapping ones fill once).
fn segment(p: &mut PathData, a: Vec2, b: Vec2, w: f32) {
    let d = b - a;
    if d.length_squared() == 0.0 || w <= 0.0 {
        return;
    }
    let n = Vec2::new(-d.y, d.x).normalize() * (w / 2.0);
    // Wind every quad the same way whatever the direction of the segment.
    let c = [a + n, b + n, b - n, a - n];
    let area = (c[1] - c[0]).perp_dot(c[2] - c[0]);
    if area >= 0.0 {
        quad(p, &c);
    } else {
        quad(p, &[c[3], c[2], c[1], c[0]]);
    }
}

#[cfg(test)]
mod tests;
