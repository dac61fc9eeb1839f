//! A code block: highlighted source (written in the scene or read from a
//! file) in JetBrains Mono on a rounded panel, with optional line numbers.
//! Its text is kept as glyphs that remember their source bytes and line
//! ([`SrcGlyph`]), so `Write` types it on in source order and a part of it
//! (a span, a line) can be found again: see [`Code::glyphs`] and
//! [`Code::line_box`].

use std::hash::{Hash, Hasher};
use std::ops::Range;

use glam::{Affine2, Vec2};

use super::glyphs::{self, GlyphSet, MorphPlan, PartRequest, SrcGlyph};
use super::load::{LoadCx, P};
use super::paint::{morph_path, PaintCx};
use super::state::ParamDef;
use super::widget::{Caps, Placed, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::highlight::{self, HighlightError, Span};
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::text::{Align, Family, TextBlock, TextStyle, Weight};

/// What the scene file says about a code block. Its spec, `CodeSpec`, is
/// declared beside the registry (`mod.rs`), as its children are elements
/// (its `Part`s); it hands these fields over.
#[derive(Clone, Debug)]
pub struct Fields {
    /// The panel's top-left corner.
    pub at: P,
    pub src: Option<String>,
    /// Path relative to the project root, e.g. "assets/code/attention.py".
    pub file: Option<String>,
    pub language: String,
    /// Font size (default: the theme's small size, 20).
    pub size: Option<f32>,
    pub line_numbers: bool,
    /// The number printed beside the first line (default 1).
    pub first_line: Option<u32>,
    /// The panel: fill (default: the theme's code background), stroke
    /// (default "line"; "none" for none), corner radius (default 12),
    /// padding around the text (default: the font size).
    pub fill: Option<String>,
    pub stroke: Option<String>,
    pub radius: Option<f32>,
    pub padding: Option<f32>,
    /// The panel's width (default: as wide as the longest line needs).
    pub width: Option<f32>,
}

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
    /// The element index of the first part (parts follow the block), and
    /// each part's colour at rest.
    pub first_child: usize,
    pub part_colors: Vec<Option<Color>>,
    /// The source as written or read (a final newline kept: what the
    /// glyphs' byte ranges index), its glyphs in source order (tabs drawn
    /// as spaces: no glyph), its line boxes, and which part claims each glyph.
    pub set: GlyphSet,
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
        &self.set.glyphs
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

impl Fields {
    /// The source and the field it came from (`src` or `file`).
    fn source(&self, cx: &LoadCx<'_>) -> Result<(String, &'static str), SceneError> {
        match (&self.src, &self.file) {
            (Some(_), Some(_)) => Err(cx.field_err(
                "file",
                "Code takes its text from `src` or from `file`, not both: remove one",
            )),
            (None, None) => {
                Err(cx.element_err("Code needs its text: `src: \"...\"` or `file: \"assets/code/x.py\"`"))
            }
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
                let text = String::from_utf8(bytes)
                    .map_err(|_| cx.field_err("file", format!("code file {f} is not UTF-8 text")))?;
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

impl Fields {
    /// Resolves the block; `parts` are its `Part` children's requests.
    pub fn resolve(&self, cx: &LoadCx<'_>, parts: &[PartRequest<'_>]) -> Result<Placed<Code>, SceneError> {
        if !highlight::AVAILABLE {
            return Err(cx.element_err(HighlightError::Unavailable.to_string()));
        }
        cx.finite("at", &[self.at.0, self.at.1])?;
        let (source, field) = self.source(cx)?;
        let size = cx.positive("size", "size", self.size.unwrap_or(cx.theme.small_size))?;
        if size > limits::MAX_WIDTH {
            return Err(cx.field_err(
                "size",
                format!("size must be at most {}, got {size}", limits::MAX_WIDTH),
            ));
        }
        let padding = match self.padding {
            Some(p) if !(p.is_finite() && (0.0..=limits::MAX_COORD).contains(&p)) => {
                return Err(cx.field_err(
                    "padding",
                    format!("padding must be a finite number of px ≥ 0, got {p}"),
                ))
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
        let font_err =
            |n: usize, e: crate::text::TextError| cx.field_err(field, format!("line {}: {e}", n + 1));
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
                    text: Some(std::sync::Arc::new(g.text_mark(&xf))),
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
                        if self.line_numbers {
                            " and line numbers"
                        } else {
                            ""
                        }
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
        let line_boxes: Vec<Rect> = (0..lines.len())
            // From just left of the text (the line numbers stay clear) to the panel's edge.
            .map(|n| Rect {
                min: Vec2::new(text_x - padding / 2.0, top + n as f32 * lh),
                max: Vec2::new(rect.max.x, top + (n + 1) as f32 * lh),
            })
            .collect();
        let mut set = GlyphSet {
            src: source,
            glyphs: out,
            by_line: true,
            line_boxes,
            owner: Vec::new(),
        };
        set.owner = glyphs::claims(&set, parts);
        let code = Code {
            first_child: cx.index + 1,
            part_colors: parts
                .iter()
                .map(|p| p.color.and_then(|c| cx.theme.color(c).ok()))
                .collect(),
            set,
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
        };
        Ok(Placed::centred(code, rect))
    }
}

/// The class of the span holding byte `at` (spans are in order).
fn class_at(spans: &[Span], at: usize) -> highlight::Class {
    let i = spans.partition_point(|s| s.range.end <= at);
    spans.get(i).map_or(highlight::Class::Plain, |s| s.class)
}

impl Code {
    /// The source text the glyphs' byte ranges index.
    pub fn source(&self) -> &str {
        &self.set.src
    }

    /// Paints the line numbers, each with its line's first glyph while the
    /// block is written, at `alpha`.
    fn paint_numbers(&self, cx: &mut PaintCx<'_>, write: f32, alpha: f32) {
        let shown = write.clamp(0.0, 1.0) * self.set.glyphs.len() as f32;
        for (block, &first) in self.numbers.iter().zip(&self.first_glyph) {
            let a = if write >= 1.0 {
                1.0
            } else {
                (shown - first as f32).clamp(0.0, 1.0)
            } * alpha;
            if a > 0.0 {
                cx.p.text(block, block.color.with_opacity(a), 1.0);
            }
        }
    }

    /// The colour glyph `i` has now: its part's (a step's, or the part's
    /// own), else the block's colour step, else its class's.
    fn glyph_color(
        &self,
        i: usize,
        others: &dyn super::paint::Neighbours,
        own: Option<Color>,
        first_child: usize,
    ) -> Color {
        self.set.owner[i]
            .and_then(|k| {
                let state = others.state(first_child + k).and_then(|s| s.color);
                state.or(self.part_colors[k])
            })
            .or(own)
            .unwrap_or(self.set.glyphs[i].color)
    }

    /// Morphs into `other` at `t`: the panel reshapes, lines travel (see
    /// `glyphs::line_plan`), the line numbers cross-fade.
    fn paint_morph(&self, cx: &mut PaintCx<'_>, o: usize, other: &Code, t: f32) {
        let s = cx.state;
        let theirs = cx.others.state(o).and_then(|s| s.color);
        let fill = |c: &Code| c.fill.unwrap_or(Color::TRANSPARENT);
        let stroke = |c: &Code| c.stroke.unwrap_or(Color::TRANSPARENT);
        let panel = morph_path(&self.panel, &other.panel, t).unwrap_or_else(|| other.panel.clone());
        cx.p.fill(&panel, fill(self).lerp(fill(other), t));
        if self.stroke.is_some() || other.stroke.is_some() {
            cx.p.stroke(&panel, stroke(self).lerp(stroke(other), t), STROKE);
        }
        self.paint_numbers(cx, 1.0, 1.0 - t);
        other.paint_numbers(cx, 1.0, t);
        let plan: MorphPlan = glyphs::line_plan(&self.set, &other.set);
        let others = cx.others;
        let (mine, next) = (self.first_child, other.first_child);
        let ca = |i: usize| self.glyph_color(i, others, s.color, mine);
        let cb = |j: usize| other.glyph_color(j, others, theirs, next);
        glyphs::paint_morph(&mut cx.p, &self.set.glyphs, &other.set.glyphs, &plan, t, &ca, &cb);
    }
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
            // Its parts' colours and the block it morphs into are read at paint time.
            reads_others: true,
            glyphs: Some(&self.set),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let s = cx.state;
        if let Some((o, other, t)) = glyphs::morphing_into::<Code>(cx) {
            return self.paint_morph(cx, o, other, t);
        }
        if let Some(f) = self.fill {
            cx.p.fill(&self.panel, f);
        }
        if let Some(c) = self.stroke {
            cx.p.stroke(&self.panel, c, STROKE);
        }
        // `Write` types the code on glyph by glyph (the parts' glyphs are
        // theirs to paint); a line's number comes with its first glyph.
        glyphs::paint_unclaimed(&mut cx.p, &self.set, s.color, s.write);
        self.paint_numbers(cx, s.write, 1.0);
    }
}
