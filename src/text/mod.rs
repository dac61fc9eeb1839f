//! ## Overview
//!
//! Shaped text as vector outlines. A [`FontBook`] owns the bytes of the six
//! shipped fonts (Inter in four weights, JetBrains Mono in two);
//! [`FontBook::layout`] shapes each line with rustybuzz and turns every glyph
//! into a [`PathData`] in layout coordinates, so text goes through the same
//! tessellator as every other shape and can be morphed, trimmed or revealed
//! glyph by glyph.
//!
//! Decisions:
//!
//! - **Shaping.** Each line is shaped separately with the font's default
//!   features (kerning and ligatures on; precomposed glyphs such as `ã` or `ç`
//!   come out as one glyph, and decomposed input is composed when the font has
//!   the precomposed glyph). Script and direction are guessed per line; glyphs
//!   are emitted in the visual order rustybuzz returns. When `letter_spacing`
//!   is non-zero, the `liga` feature is turned off (as CSS does), because a
//!   spaced-out "fi" ligature looks wrong.
//! - **Letter spacing** is added *between* glyphs of a line, not after the
//!   last one, so alignment and the reported width are not skewed by a
//!   trailing gap.
//! - **Vertical metrics.** Each line occupies a box of height
//!   `size * line_height`. The font's content height is
//!   `(ascender - descender) * scale` (the face's ascender/descender, i.e. hhea
//!   or typo metrics when the font asks for them); the extra leading
//!   `size * line_height - content` is split evenly above and below, so the
//!   baseline of line `i` is at
//!   `i * size * line_height + ascender * scale + extra / 2`.
//! - **Missing glyphs.** A character that maps to glyph 0 (`.notdef`) is an
//!   error ([`TextError::MissingGlyph`]) so scene authors learn about it when
//!   the scene loads rather than seeing tofu in a rendered video.
//! - **Whitespace.** Glyphs without an outline (spaces) produce no [`Glyph`]
//!   but still advance the pen. Consequently `glyphs.len()` can be smaller than
//!   the number of characters; use [`Glyph::char_index`] to relate them.
//! - **Lines.** The text is split on `'\n'` (a trailing `'\r'` on a line is
//!   dropped). An empty string, like any string, has at least one line, so its
//!   layout is `(0, size * line_height)`. A trailing newline adds an empty line.
//! - **Caching.** Unscaled outlines (font units, y up) are cached per
//!   `(font, glyph id)` behind a `Mutex`; a poisoned lock is recovered because
//!   the cache is a pure memo. Faces are re-parsed per call, which is cheap.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use glam::{Affine2, Mat2, Vec2};
use rustybuzz::ttf_parser::{GlyphId, Tag};

use crate::geom::PathData;
mod mark;
pub use mark::GlyphMark;

/// Font weight. JetBrains Mono only ships Regular and Medium; heavier weights map to Medium.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Weight {
    /// 400.
    #[default]
    Regular,
    /// 500.
    Medium,
    /// 600.
    SemiBold,
    /// 700.
    Bold,
}

/// Font family: `Sans` is Inter, `Mono` is JetBrains Mono.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Family {
    /// Inter.
    #[default]
    Sans,
    /// JetBrains Mono.
    Mono,
}

/// Horizontal alignment of each line within the block (whose width is the widest line).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Align {
    /// Lines start at x = 0.
    #[default]
    Left,
    /// Lines are centred in the block.
    Center,
    /// Lines end at the block's right edge.
    Right,
}

/// How a piece of text is set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    /// Typeface.
    pub family: Family,
    /// Weight (Mono maps SemiBold/Bold to Medium).
    pub weight: Weight,
    /// Font size in pixels (the em size); must be finite and > 0.
    pub size: f32,
    /// Horizontal alignment of lines.
    pub align: Align,
    /// Line box height as a multiple of `size`, e.g. 1.25; must be finite and > 0.
    pub line_height: f32,
    /// Extra space between glyphs, in pixels (may be negative).
    pub letter_spacing: f32,
}

impl Default for TextStyle {
    /// Inter Regular, 32 px, left-aligned, line height 1.25, no letter spacing.
    fn default() -> TextStyle {
        TextStyle {
            family: Family::Sans,
            weight: Weight::Regular,
            size: 32.0,
            align: Align::Left,
            line_height: 1.25,
            letter_spacing: 0.0,
        }
    }
}

/// Why fonts could not be loaded or text could not be laid out.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// A font file could not be read.
    #[error("cannot read font {}: {source}", path.display())]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// Why: the OS error, not a regular file, or over [`MAX_FONT_BYTES`].
        source: crate::fsread::ReadError,
    },
    /// A font file was read but is not a font ttf-parser/rustybuzz can parse.
    #[error("cannot parse font {}", path.display())]
    InvalidFont {
        /// The file that failed.
        path: PathBuf,
    },
    /// The font has no glyph for a character of the text.
    #[error("font {family:?} has no glyph for {ch:?} (U+{:04X})", *ch as u32)]
    MissingGlyph {
        /// The character without a glyph.
        ch: char,
        /// The family that was asked for.
        family: Family,
    },
    /// The style's size or line height is not finite and positive.
    #[error("invalid text style: {0}")]
    InvalidStyle(String),
}

/// One visible glyph of a layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    /// Outline in layout coordinates: origin at the top-left of the block, y down, pixels.
    pub path: PathData,
    /// Index (in chars of the whole text, newlines included) of the first char of this glyph's cluster.
    pub char_index: usize,
    /// Line number (0-based) the glyph is on.
    pub line: usize,
    /// Pen position on the baseline where the glyph was placed (before its shaping offset).
    pub origin: Vec2,
    /// The font's glyph id (with the style's family, weight and size it
    /// says which outline this is: what a morph matches glyphs by).
    pub id: u16,
    /// What a vector sink needs to write the glyph as text.
    pub mark: GlyphMark,
}

/// The result of [`FontBook::layout`].
#[derive(Clone, Debug, PartialEq)]
pub struct TextLayout {
    /// Visible glyphs, line by line, in visual order.
    pub glyphs: Vec<Glyph>,
    /// Width = widest line's advance; height = `lines * size * line_height`.
    pub size: Vec2,
    /// Number of lines (at least 1).
    pub lines: usize,
}

/// The shipped font files, in [`FontId`] order.
const FONT_FILES: [&str; 6] = [
    "Inter-Regular.otf",
    "Inter-Medium.otf",
    "Inter-SemiBold.otf",
    "Inter-Bold.otf",
    "JetBrainsMono-Regular.ttf",
    "JetBrainsMono-Medium.ttf",
];

/// The font files [`FontBook::load`] reads from `dir`.
pub fn font_files(dir: &Path) -> Vec<PathBuf> {
    FONT_FILES.iter().map(|name| dir.join(name)).collect()
}

/// Largest font file read, in bytes (the shipped ones are under 1 MiB; a
/// font with CJK coverage is about 20 MiB).
pub const MAX_FONT_BYTES: u64 = 32 * 1024 * 1024;

/// Index into [`FONT_FILES`] / `FontBook::fonts`.
type FontId = usize;

/// Unscaled outline cache: (font, glyph id) → outline in font units, y up (`None` = no outline).
type OutlineCache = HashMap<(FontId, u16), Option<Arc<PathData>>>;

/// Owns the font bytes and a cache of glyph outlines.
#[derive(Debug)]
pub struct FontBook {
    fonts: Vec<Vec<u8>>,
    outlines: Mutex<OutlineCache>,
    /// Where the fonts were read from (the maths font is read from there on first use).
    #[cfg(feature = "math")]
    dir: PathBuf,
    /// The formula typesetter, made when the first formula is laid out.
    #[cfg(feature = "math")]
    math: std::sync::OnceLock<Result<Arc<crate::math::Typesetter>, String>>,
}

impl FontBook {
    /// Loads the six shipped fonts from `dir`. A missing or unparseable file is
    /// an error naming its path.
    pub fn load(dir: &Path) -> Result<FontBook, TextError> {
        let mut fonts = Vec::with_capacity(FONT_FILES.len());
        for name in FONT_FILES {
            let path = dir.join(name);
            let bytes =
                crate::fsread::read_regular_file(&path, MAX_FONT_BYTES, "font files").map_err(|source| {
                    TextError::Io {
                        path: path.clone(),
                        source,
                    }
                })?;
            if rustybuzz::Face::from_slice(&bytes, 0).is_none() {
                return Err(TextError::InvalidFont { path });
            }
            fonts.push(bytes);
        }
        Ok(FontBook {
            fonts,
            outlines: Mutex::new(HashMap::new()),
            #[cfg(feature = "math")]
            dir: dir.to_path_buf(),
            #[cfg(feature = "math")]
            math: std::sync::OnceLock::new(),
        })
    }

    /// The formula typesetter, with the maths font read from the fonts
    /// folder the first time (a scene without formulas never reads it).
    /// Typesetters are shared by every book in the process with the same
    /// font bytes, so the preview, which loads each edit with a fresh
    /// book, keeps its laid-out formulas across reloads.
    #[cfg(feature = "math")]
    pub fn math(&self) -> Result<&crate::math::Typesetter, String> {
        type Shared = Mutex<HashMap<u64, Arc<crate::math::Typesetter>>>;
        static SHARED: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
        self.math
            .get_or_init(|| {
                let path = self.dir.join(crate::math::FONT_FILE);
                let bytes = crate::fsread::read_regular_file(&path, MAX_FONT_BYTES, "font files")
                    .map_err(|e| format!("cannot read the maths font {}: {e}", path.display()))?;
                let key = {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    bytes.hash(&mut h);
                    h.finish()
                };
                let mut shared = SHARED
                    .get_or_init(Default::default)
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                if let Some(t) = shared.get(&key) {
                    return Ok(t.clone());
                }
                let t = Arc::new(
                    crate::math::Typesetter::new(bytes).map_err(|e| format!("{}: {e}", path.display()))?,
                );
                shared.insert(key, t.clone());
                Ok(t)
            })
            .as_ref()
            .map(|t| t.as_ref())
            .map_err(|e| e.clone())
    }

    /// Which font file serves a family and weight.
    fn font_id(family: Family, weight: Weight) -> FontId {
        match (family, weight) {
            (Family::Sans, Weight::Regular) => 0,
            (Family::Sans, Weight::Medium) => 1,
            (Family::Sans, Weight::SemiBold) => 2,
            (Family::Sans, Weight::Bold) => 3,
            (Family::Mono, Weight::Regular) => 4,
            (Family::Mono, _) => 5,
        }
    }

    /// The unscaled outline of a glyph (font units, y up), from the cache when possible.
    fn outline(&self, font: FontId, face: &rustybuzz::Face, gid: u16) -> Option<Arc<PathData>> {
        let mut cache = self.outlines.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry((font, gid))
            .or_insert_with(|| {
                let mut b = crate::geom::OutlinePath(PathData::new());
                face.outline_glyph(GlyphId(gid), &mut b)?;
                (!b.0.is_empty()).then(|| Arc::new(b.0))
            })
            .clone()
    }

    /// The bytes of font `font` (a [`GlyphMark::font`]), for a sink that
    /// embeds it.
    pub fn font_bytes(&self, font: u8) -> Option<&[u8]> {
        self.fonts.get(font as usize).map(Vec::as_slice)
    }

    /// Shapes `text` and returns its glyph outlines; see the module docs for the
    /// line, alignment and baseline rules.
    pub fn layout(&self, text: &str, style: &TextStyle) -> Result<TextLayout, TextError> {
        if !(style.size.is_finite() && style.size > 0.0) {
            return Err(TextError::InvalidStyle(format!(
                "size must be finite and > 0, got {}",
                style.size
            )));
        }
        if !(style.line_height.is_finite() && style.line_height > 0.0) {
            return Err(TextError::InvalidStyle(format!(
                "line_height must be finite and > 0, got {}",
                style.line_height
            )));
        }
        if !style.letter_spacing.is_finite() {
            return Err(TextError::InvalidStyle(format!(
                "letter_spacing must be finite, got {}",
                style.letter_spacing
            )));
        }
        let font = Self::font_id(style.family, style.weight);
        let bytes = &self.fonts[font];
        // Validated in `load`; a failure here would mean the bytes changed.
        let face = rustybuzz::Face::from_slice(bytes, 0).ok_or_else(|| TextError::InvalidFont {
            path: PathBuf::from(FONT_FILES[font]),
        })?;
        let scale = style.size / (face.units_per_em() as f32).max(1.0);
        let line_box = style.size * style.line_height;
        let ascender = f32::from(face.ascender()) * scale;
        let descender = f32::from(face.descender()) * scale;
        let extra = line_box - (ascender - descender);
        let features: Vec<rustybuzz::Feature> = if style.letter_spacing != 0.0 {
            vec![rustybuzz::Feature::new(Tag::from_bytes(b"liga"), 0, ..)]
        } else {
            Vec::new()
        };

        // First pass: shape every line, collect pen positions relative to the line start.
        struct Placed {
            gid: u16,
            char_index: usize,
            pen_x: f32,
            offset: Vec2,
            text: Arc<str>,
        }
        let mut lines: Vec<(Vec<Placed>, f32)> = Vec::new();
        let mut line_char_start = 0usize;
        for raw_line in text.split('\n') {
            let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
            // Byte offset → char index within the line, for cluster mapping.
            let starts: Vec<usize> = line.char_indices().map(|(b, _)| b).collect();
            let mut placed = Vec::new();
            let mut width = 0.0f32;
            if !line.is_empty() {
                let mut buffer = rustybuzz::UnicodeBuffer::new();
                buffer.push_str(line);
                buffer.guess_segment_properties();
                let shaped = rustybuzz::shape(&face, &features, buffer);
                let mut pen = 0.0f32;
                let n = shaped.len();
                let clusters: Vec<usize> = shaped.glyph_infos().iter().map(|i| i.cluster as usize).collect();
                let texts = mark::cluster_texts(line, &clusters);
                for (k, (info, pos)) in shaped
                    .glyph_infos()
                    .iter()
                    .zip(shaped.glyph_positions())
                    .enumerate()
                {
                    let cluster = info.cluster as usize;
                    let local = starts.partition_point(|&b| b < cluster);
                    if info.glyph_id == 0 {
                        let ch = line
                            .get(cluster..)
                            .and_then(|s| s.chars().next())
                            .unwrap_or('\u{FFFD}');
                        return Err(TextError::MissingGlyph {
                            ch,
                            family: style.family,
                        });
                    }
                    let text = texts[k].clone();
                    placed.push(Placed {
                        gid: info.glyph_id as u16,
                        char_index: line_char_start + local,
                        pen_x: pen,
                        offset: Vec2::new(pos.x_offset as f32, pos.y_offset as f32) * scale,
                        text,
                    });
                    pen += pos.x_advance as f32 * scale;
                    if k + 1 < n {
                        pen += style.letter_spacing;
                    }
                }
                width = pen;
            }
            // Count the raw line plus its '\n'.
            line_char_start += raw_line.chars().count() + 1;
            lines.push((placed, width));
        }

        let block_width = lines.iter().map(|(_, w)| *w).fold(0.0f32, f32::max);
        let mut glyphs: Vec<Glyph> = Vec::new();
        for (i, (placed, width)) in lines.iter().enumerate() {
            let x0 = match style.align {
                Align::Left => 0.0,
                Align::Center => (block_width - width) * 0.5,
                Align::Right => block_width - width,
            };
            let baseline = i as f32 * line_box + ascender + extra * 0.5;
            for p in placed {
                let Some(outline) = self.outline(font, &face, p.gid) else {
                    mark::space_after(&mut glyphs, i, x0 + p.pen_x, p.gid, &p.text);
                    continue;
                };
                let origin = Vec2::new(x0 + p.pen_x, baseline);
                // Font units (y up) → pixels (y down), at the pen plus the shaping offset.
                let at = origin + Vec2::new(p.offset.x, -p.offset.y);
                let t = Affine2::from_mat2_translation(Mat2::from_diagonal(Vec2::new(scale, -scale)), at);
                glyphs.push(Glyph {
                    path: outline.transformed(&t),
                    char_index: p.char_index,
                    line: i,
                    origin,
                    id: p.gid,
                    mark: GlyphMark {
                        font: font as u8,
                        size: style.size,
                        offset: Vec2::new(p.offset.x, -p.offset.y),
                        text: p.text.clone(),
                        space: None,
                    },
                });
            }
        }
        Ok(TextLayout {
            glyphs,
            size: Vec2::new(block_width, lines.len() as f32 * line_box),
            lines: lines.len(),
        })
    }
}

/// Laid-out text at a fixed place.
#[derive(Clone, Debug, PartialEq)]
pub struct TextBlock {
    /// Glyph outlines in scene coordinates.
    pub glyphs: Vec<Glyph>,
    /// Number of chars, for the write animation.
    pub chars: usize,
    pub color: crate::color::Color,
    pub bounds: crate::geom::Rect,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn book() -> FontBook {
        FontBook::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts")).unwrap()
    }

    fn sans(size: f32) -> TextStyle {
        TextStyle {
            size,
            ..TextStyle::default()
        }
    }

    fn top(l: &TextLayout) -> f32 {
        l.glyphs
            .iter()
            .filter_map(|g| g.path.bounds())
            .map(|b| b.min.y)
            .fold(f32::INFINITY, f32::min)
    }

    #[test]
    fn ola_has_three_glyphs() {
        let l = book().layout("Olá", &sans(40.0)).unwrap();
        assert_eq!(l.glyphs.len(), 3);
        assert!(l.size.x > 0.0);
        assert_eq!(l.lines, 1);
        assert_eq!(l.size.y, 50.0);
        assert_eq!(
            l.glyphs.iter().map(|g| g.char_index).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
    }

    #[test]
    fn diacritics_are_precomposed_and_above() {
        let b = book();
        let a = b.layout("a", &sans(40.0)).unwrap();
        for s in ["ã", "ção", "ãçéõíáêôú"] {
            let l = b.layout(s, &sans(40.0)).unwrap();
            assert_eq!(l.glyphs.len(), s.chars().count(), "{s}");
            assert!(l.glyphs.iter().all(|g| !g.path.is_empty()));
            assert!(top(&l) < top(&a) - 1.0, "{s}: {} vs {}", top(&l), top(&a));
        }
        // Decomposed input (a + combining tilde) is composed into one glyph.
        let d = b.layout("a\u{0303}", &sans(40.0)).unwrap();
        assert_eq!(d.glyphs.len(), 1);
    }

    #[test]
    fn kerning_av() {
        let b = book();
        let w = |s: &str| b.layout(s, &sans(40.0)).unwrap().size.x;
        assert!(
            w("AV") < w("A") + w("V") - 0.5,
            "{} vs {}",
            w("AV"),
            w("A") + w("V")
        );
    }

    #[test]
    fn center_alignment() {
        let style = TextStyle {
            align: Align::Center,
            ..sans(40.0)
        };
        let l = book().layout("a much longer line\nshort", &style).unwrap();
        assert_eq!(l.lines, 2);
        assert_eq!(l.size.y, 100.0);
        let second: Vec<_> = l
            .glyphs
            .iter()
            .filter(|g| g.line == 1)
            .filter_map(|g| g.path.bounds())
            .collect();
        assert_eq!(second.len(), 5);
        let min = second.iter().map(|r| r.min.x).fold(f32::INFINITY, f32::min);
        let max = second.iter().map(|r| r.max.x).fold(f32::NEG_INFINITY, f32::max);
        let centre = (min + max) * 0.5;
        assert!(
            (centre - l.size.x * 0.5).abs() < 1.0,
            "{centre} vs {}",
            l.size.x * 0.5
        );
        // char_index counts the newline.
        assert_eq!(l.glyphs.iter().find(|g| g.line == 1).unwrap().char_index, 19);
        // Second-line glyphs sit one line box lower.
        assert!(second.iter().all(|r| r.min.y > 50.0));
    }

    #[test]
    fn mono_advances_equal() {
        let style = TextStyle {
            family: Family::Mono,
            weight: Weight::Bold,
            ..sans(20.0)
        };
        let l = book().layout("iWm.l_0", &style).unwrap();
        let xs: Vec<f32> = l.glyphs.iter().map(|g| g.origin.x).collect();
        let steps: Vec<f32> = xs.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(
            steps.iter().all(|s| (s - steps[0]).abs() < 1e-3 && *s > 0.0),
            "{steps:?}"
        );
        assert!((l.size.x - steps[0] * 7.0).abs() < 1e-3);
    }

    #[test]
    fn double_size_doubles_width() {
        let b = book();
        let w1 = b.layout("Hello, mundo!", &sans(24.0)).unwrap().size.x;
        let w2 = b.layout("Hello, mundo!", &sans(48.0)).unwrap().size.x;
        assert!((w2 / w1 - 2.0).abs() < 0.02, "{w1} {w2}");
    }

    #[test]
    fn spaces_advance_without_glyphs() {
        let b = book();
        let l = b.layout("a b", &sans(40.0)).unwrap();
        assert_eq!(l.glyphs.len(), 2);
        assert_eq!(l.glyphs[1].char_index, 2);
        assert!(l.size.x > b.layout("ab", &sans(40.0)).unwrap().size.x);
    }

    #[test]
    fn letter_spacing_between_glyphs() {
        let b = book();
        let base = b.layout("abc", &sans(40.0)).unwrap().size.x;
        let spaced = b
            .layout(
                "abc",
                &TextStyle {
                    letter_spacing: 5.0,
                    ..sans(40.0)
                },
            )
            .unwrap()
            .size
            .x;
        assert!((spaced - base - 10.0).abs() < 1e-3);
    }

    #[test]
    fn empty_text() {
        let l = book().layout("", &sans(40.0)).unwrap();
        assert!(l.glyphs.is_empty());
        assert_eq!(l.size, Vec2::new(0.0, 50.0));
        assert_eq!(l.lines, 1);
    }

    #[test]
    fn baseline_centres_line_box() {
        // Single line: glyphs stay inside the line box for ordinary letters.
        let l = book()
            .layout(
                "Hxg",
                &TextStyle {
                    line_height: 1.5,
                    ..sans(40.0)
                },
            )
            .unwrap();
        let t = top(&l);
        let bottom = l
            .glyphs
            .iter()
            .filter_map(|g| g.path.bounds())
            .map(|b| b.max.y)
            .fold(0.0, f32::max);
        assert!(t > 0.0 && bottom < l.size.y, "{t} {bottom}");
    }

    #[test]
    fn missing_glyph_is_error() {
        let err = book().layout("ok \u{1F600}", &sans(40.0)).unwrap_err();
        assert!(
            matches!(
                err,
                TextError::MissingGlyph {
                    ch: '\u{1F600}',
                    family: Family::Sans
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn invalid_style_is_error() {
        assert!(matches!(
            book().layout("a", &sans(0.0)),
            Err(TextError::InvalidStyle(_))
        ));
    }

    /// A font path that is a special file is refused, not read forever.
    #[cfg(unix)]
    #[test]
    fn a_font_that_is_a_device_is_refused() {
        let dir = std::env::temp_dir().join(format!("anim-fonts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
        for name in FONT_FILES {
            let _ = std::fs::remove_file(dir.join(name));
            std::os::unix::fs::symlink(shipped.join(name), dir.join(name)).unwrap();
        }
        std::fs::remove_file(dir.join(FONT_FILES[2])).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join(FONT_FILES[2])).unwrap();
        let err = FontBook::load(&dir).unwrap_err().to_string();
        assert!(
            err.contains("Inter-SemiBold.otf: it is a character device"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_missing_dir_names_path() {
        let err = FontBook::load(Path::new("/nonexistent/fonts-dir")).unwrap_err();
        assert!(
            err.to_string()
                .contains("/nonexistent/fonts-dir/Inter-Regular.otf"),
            "{err}"
        );
    }
}
