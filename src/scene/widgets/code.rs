//! A code block: highlighted source (written in the scene or read from a
//! file) in JetBrains Mono on a rounded panel, with optional line numbers.
//! Its text is kept as glyphs that remember their source bytes and line
//! ([`SrcGlyph`]), so `Write` types it on in source order and a part of it
//! (a span, a line) can be found again: see [`Code::glyphs`] and
//! [`Code::line_box`].

use std::hash::{Hash, Hasher};
use std::ops::Range;

use glam::{Affine2, Vec2};

use super::glyphs::{self, SrcGlyph};
use super::load::{spec, LoadCx, P};
use super::paint::PaintCx;
use super::state::ParamDef;
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::highlight::{self, HighlightError, Span};
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::text::{Align, Family, TextBlock, TextStyle, Weight};

spec!(
    /// Source code, `src` written here or `file` read from the project,
    /// highlighted as `language`, the panel's top-left corner at `at`.
    CodeSpec {
        #[serde(default)]
        at: P,
        src: Option<String>,
        /// Path relative to the project root, e.g. "assets/code/attention.py".
        file: Option<String>,
        language: String,
        /// Font size (default: the theme's small size, 20).
        size: Option<f32>,
        #[serde(default)]
        line_numbers: bool,
        /// The number printed beside the first line (default 1).
        first_line: Option<u32>,
        /// The panel: fill (default: the theme's code background), stroke
        /// (default "line"; "none" for none), corner radius (default 12),
        /// padding around the text (default: the font size).
        fill: Option<String>,
        stroke: Option<String>,
        radius: Option<f32>,
        padding: Option<f32>,
        /// The panel's width (default: as wide as the longest line needs).
        width: Option<f32>,
    }
);

/// Line height, in font sizes (JetBrains Mono's content is 1.32).
pub const LINE_HEIGHT: f32 = 1.5;
/// Columns a tab advances to the next multiple of.
pub const TAB: usize = 4;
/// Gap between the line numbers and the code, in character advances.
const GUTTER_GAP: f32 = 2.0;
const STROKE: f32 = 1.5;
const RADIUS: f32 = 12.0;

#[derive(Clone, Debug)]
pub struct Code {
    /// The source as written or read (a final newline kept): what the
    /// glyphs' byte ranges index.
    pub source: String,
    /// The source's glyphs in source order (tabs drawn as spaces: no glyph).
    pub glyphs: Vec<SrcGlyph>,
    /// Per source line, the index in `glyphs` of its first glyph (the
    /// next line's for a line with none).
    pub first_glyph: Vec<usize>,
    /// Per source line, its byte range in `source` (no `\n`).
    pub lines: Vec<Range<usize>>,
    /// The line numbers, one block per line (empty without `line_numbers`).
    pub numbers: Vec<TextBlock>,
    /// The box the code's text covers, checked against the frame (its
    /// glyphs are `glyphs`, so it has none of its own).
    pub text_box: TextBlock,
    pub panel: PathData,
    pub rect: Rect,
    pub fill: Option<Color>,
    pub stroke: Option<Color>,
    /// The top of line 0 and the height of a line.
    pub top: f32,
    pub line_height: f32,
    pub base_color: Color,
}

impl Code {
    /// The glyphs of the source, in source order.
    pub fn glyphs(&self) -> &[SrcGlyph] {
        &self.glyphs
    }

    /// The box of source line `line` (0-based): the block's full width, one
    /// line height tall.
    pub fn line_box(&self, line: usize) -> Option<Rect> {
        (line < self.lines.len()).then(|| {
            let top = self.top + line as f32 * self.line_height;
            Rect {
                min: Vec2::new(self.rect.min.x, top),
                max: Vec2::new(self.rect.max.x, top + self.line_height),
            }
        })
    }
}

/// A line with its tabs expanded: the text drawn, and for each of its
/// bytes (and its end) the byte of the source line it comes from.
fn expand_tabs(line: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(line.len());
    let mut from = Vec::with_capacity(line.len() + 1);
    let mut col = 0;
    for (b, ch) in line.char_indices() {
        if ch == '\t' {
            let n = TAB - col % TAB;
            out.extend(std::iter::repeat_n(' ', n));
            from.extend(std::iter::repeat_n(b, n));
            col += n;
        } else {
            out.push(ch);
            from.extend(std::iter::repeat_n(b, ch.len_utf8()));
            col += 1;
        }
    }
    from.push(line.len());
    (out, from)
}

/// What makes two glyphs the same for a morph: font, glyph id and size.
fn glyph_key(family: Family, weight: Weight, id: u16, size: f32) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (family, weight as u8, id, size.to_bits()).hash(&mut h);
    h.finish()
}

impl CodeSpec {
    /// The source and the field it came from (`src` or `file`).
    fn source(&self, cx: &LoadCx<'_>) -> Result<(String, &'static str), SceneError> {
        match (&self.src, &self.file) {
            (Some(_), Some(_)) => Err(cx.field_err(
                "file",
                "Code takes its text from `src` or from `file`, not both: remove one",
            )),
            (None, None) => Err(cx.element_err(
                "Code needs its text: `src: \"...\"` or `file: \"assets/code/x.py\"`",
            )),
            (Some(s), None) => {
                if s.len() as u64 > limits::MAX_CODE_BYTES {
                    return Err(cx.field_err("src", too_big(s.len() as u64)));
                }
                // The expand pass leaves a string without a template part
                // as written: its doubled braces are the widget's to undo.
                Ok((s.replace("{{", "{").replace("}}", "}"), "src"))
            }
            (None, Some(f)) => {
                let path = cx.root.join(f);
                cx.inputs.borrow_mut().push(path.clone());
                let bytes = crate::fsread::read_regular_file(&path, limits::MAX_CODE_BYTES, "code files")
                    .map_err(|e| cx.field_err("file", format!("cannot read code file {f}: {e}")))?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    cx.field_err("file", format!("code file {f} is not UTF-8 text"))
                })?;
                let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
                Ok((text, "file"))
            }
        }
    }
}

fn too_big(n: u64) -> String {
    format!(
        "the code is {n} bytes, more than the {} a Code block may hold",
        limits::MAX_CODE_BYTES
    )
}

impl Spec for CodeSpec {
    type Widget = Code;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Code>, SceneError> {
        if !highlight::AVAILABLE {
            return Err(cx.element_err(HighlightError::Unavailable.to_string()));
        }
        cx.finite("at", &[self.at.0, self.at.1])?;
        let (source, field) = self.source(cx)?;
        let size = cx.positive("size", "size", self.size.unwrap_or(cx.theme.small_size))?;
        if size > limits::MAX_WIDTH {
            return Err(cx.field_err("size", format!("size must be at most {}, got {size}", limits::MAX_WIDTH)));
        }
        let padding = match self.padding {
            Some(p) if !(p.is_finite() && (0.0..=limits::MAX_COORD).contains(&p)) => {
                return Err(cx.field_err("padding", format!("padding must be a finite number of px ≥ 0, got {p}")))
            }
            p => p.unwrap_or(size),
        };
        let radius = match self.radius {
            Some(r) if !(r.is_finite() && r >= 0.0) => {
                return Err(cx.field_err("radius", format!("radius must be a finite number ≥ 0, got {r}")))
            }
            r => r.unwrap_or(RADIUS),
        };
        let lines = highlight::line_ranges(&source);
        if lines.len() > limits::MAX_CODE_LINES {
            return Err(cx.field_err(
                field,
                format!(
                    "the code has {} lines, more than the {} a Code block may hold",
                    lines.len(),
                    limits::MAX_CODE_LINES
                ),
            ));
        }
        let spans = highlight::highlight(&source, &self.language).map_err(|e| match e {
            HighlightError::UnknownLanguage { .. } => cx.field_err("language", format!("language: {e}")),
            _ => cx.field_err(field, e.to_string()),
        })?;
        let style = TextStyle {
            family: Family::Mono,
            weight: Weight::Regular,
            size,
            align: Align::Left,
            line_height: LINE_HEIGHT,
            letter_spacing: 0.0,
        };
        let font_err = |n: usize, e: crate::text::TextError| cx.field_err(field, format!("line {}: {e}", n + 1));
        let advance = cx.fonts.layout("0", &style).map_err(|e| font_err(0, e))?.size.x;
        let first = self.first_line.unwrap_or(1);
        let last = u64::from(first) + lines.len() as u64 - 1;
        let digits = last.to_string().len();
        let gutter = if self.line_numbers {
            (digits as f32 + GUTTER_GAP) * advance
        } else {
            0.0
        };
        let at = cx.at(self.at);
        let lh = size * LINE_HEIGHT;
        let top = at.y + padding;
        let text_x = at.x + padding + gutter;
        let palette = &cx.theme.code;
        let mut out = Vec::new();
        let mut first_glyph = Vec::with_capacity(lines.len());
        let mut widest = 0.0f32;
        for (n, (r, spans)) in lines.iter().zip(&spans).enumerate() {
            first_glyph.push(out.len());
            let (shown, from) = expand_tabs(&source[r.clone()]);
            let chars = shown.chars().count();
            if chars > limits::MAX_CODE_LINE_CHARS {
                return Err(cx.field_err(
                    field,
                    format!(
                        "line {} has {chars} characters (tabs expanded), more than the {} a Code line may have",
                        n + 1,
                        limits::MAX_CODE_LINE_CHARS
                    ),
                ));
            }
            let layout = cx.fonts.layout(&shown, &style).map_err(|e| font_err(n, e))?;
            widest = widest.max(layout.size.x);
            let starts: Vec<usize> = shown.char_indices().map(|(b, _)| b).collect();
            let shift = Vec2::new(text_x, top + n as f32 * lh);
            let xf = Affine2::from_translation(shift);
            for g in layout.glyphs {
                let Some(&b) = starts.get(g.char_index) else {
                    continue;
                };
                let end = shown[b..].chars().next().map_or(b, |c| b + c.len_utf8());
                let range = r.start + from[b]..r.start + from[end];
                out.push(SrcGlyph {
                    path: g.path.transformed(&xf),
                    color: palette.of(class_at(spans, range.start)),
                    key: glyph_key(style.family, style.weight, g.id, size),
                    origin: g.origin + shift,
                    range,
                    line: n,
                });
            }
        }
        let inner = gutter + widest;
        let width = match self.width {
            Some(w) if !(w.is_finite() && w <= limits::MAX_COORD && w + 0.5 >= inner + 2.0 * padding) => {
                return Err(cx.field_err(
                    "width",
                    format!(
                        "width: the longest line needs {:.0} px (with the padding{}), got {w}",
                        (inner + 2.0 * padding).ceil(),
                        if self.line_numbers { " and line numbers" } else { "" }
                    ),
                ))
            }
            w => w.unwrap_or(inner + 2.0 * padding),
        };
        let rect = Rect {
            min: at,
            max: at + Vec2::new(width, 2.0 * padding + lines.len() as f32 * lh),
        };
        let mut numbers = Vec::new();
        if self.line_numbers {
            let num_style = TextStyle {
                align: Align::Right,
                ..style
            };
            let right = at.x + padding + digits as f32 * advance;
            for n in 0..lines.len() {
                let label = (u64::from(first) + n as u64).to_string();
                let centre = Vec2::new(right, top + (n as f32 + 0.5) * lh);
                numbers.push(cx.text("line_numbers", &label, num_style, centre, palette.line_number)?);
            }
        }
        let text_box = TextBlock {
            glyphs: Vec::new(),
            chars: 0,
            color: palette.plain,
            bounds: Rect {
                min: Vec2::new(text_x, top),
                max: Vec2::new(text_x + widest, top + lines.len() as f32 * lh),
            },
        };
        let fill = match &self.fill {
            None => Some(palette.background),
            s => cx.paint("fill", s.as_ref(), "panel")?,
        };
        let code = Code {
            glyphs: out,
            first_glyph,
            lines,
            numbers,
            text_box,
            panel: PathData::rounded_rect(rect, radius.min(rect.size().min_element() * 0.5)),
            rect,
            fill,
            stroke: cx.paint("stroke", self.stroke.as_ref(), "line")?,
            top,
            line_height: lh,
            base_color: palette.plain,
            source,
        };
        Ok(Placed::centred(code, rect))
    }
}

/// The class of the span holding byte `at` (spans are in order).
fn class_at(spans: &[Span], at: usize) -> highlight::Class {
    let i = spans.partition_point(|s| s.range.end <= at);
    spans.get(i).map_or(highlight::Class::Plain, |s| s.class)
}

impl Widget for Code {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        std::iter::once(&self.text_box).chain(&self.numbers).collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            base_color: Some(self.base_color),
            writable: true,
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let s = cx.state;
        if let Some(f) = self.fill {
            cx.p.fill(&self.panel, f);
        }
        if let Some(c) = self.stroke {
            cx.p.stroke(&self.panel, c, STROKE);
        }
        // `Write` types the code on glyph by glyph; a line's number comes
        // with its first glyph.
        glyphs::paint(&mut cx.p, &self.glyphs, s.color, s.write);
        let shown = s.write.clamp(0.0, 1.0) * self.glyphs.len() as f32;
        for (block, &first) in self.numbers.iter().zip(&self.first_glyph) {
            let a = if s.write >= 1.0 {
                1.0
            } else {
                (shown - first as f32).clamp(0.0, 1.0)
            };
            if a > 0.0 {
                cx.p.text(block, block.color.with_opacity(a), 1.0);
            }
        }
    }
}
