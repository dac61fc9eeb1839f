//! Math: a formula in Typst's maths syntax (laid out by `crate::math`),
//! drawn as outlines like any text. Its `Part` children name pieces of its
//! source; it paints the glyphs no part claims, each part paints its own,
//! and a `Morph` into another formula carries the glyphs that match across.
//! The spec (`MathSpec`) is declared beside the registry in `mod.rs`, as
//! its children are elements.

use super::glyphs::{self, GlyphSet, MorphPlan, PartRequest, Selection, SrcGlyph};
use super::load::LoadCx;
use super::paint::{Neighbours, PaintCx};
use super::state::ParamDef;
use super::widget::{Caps, Placed, Widget};
use crate::color::Color;
use crate::geom::Rect;
use crate::scene::error::SceneError;
use crate::text::TextBlock;

/// A laid-out formula.
#[derive(Clone, Debug)]
pub struct Math {
    pub set: GlyphSet,
    pub color: Color,
    /// Each part's morph key and static colour.
    pub parts: Vec<(String, Option<Color>)>,
    /// The element index of the first part (parts follow the formula).
    pub first_child: usize,
}

/// The formula's size when none is written, relative to the theme's text
/// size: New Computer Modern's letters are smaller than Inter's at one em.
pub const SIZE_FACTOR: f32 = 1.25;

/// What the scene file says about a formula (its spec, `MathSpec`, is
/// declared beside the registry, as its children are elements).
pub struct Fields<'a> {
    pub at: super::load::P,
    pub src: &'a str,
    pub size: Option<f32>,
    pub color: Option<&'a String>,
    pub inline: bool,
}

impl Math {
    pub fn resolve(
        cx: &LoadCx<'_>,
        f: &Fields<'_>,
        parts: &[PartRequest<'_>],
    ) -> Result<Placed<Math>, SceneError> {
        let Fields {
            at,
            src,
            size,
            color,
            inline,
        } = *f;
        cx.finite("at", &[at.0, at.1])?;
        let size = cx.positive("size", "size", size.unwrap_or(cx.theme.text_size * SIZE_FACTOR))?;
        let color = cx.color("color", color, "ink")?;
        let (laid, box_size) = layout(cx, src, size, !inline)?;
        let centre = cx.at(at);
        let top_left = centre - box_size / 2.0;
        let shift = glam::Affine2::from_translation(top_left);
        let glyphs: Vec<SrcGlyph> = laid
            .iter()
            .map(|g| SrcGlyph {
                path: g.path.transformed(&shift),
                color,
                range: g.range.clone(),
                line: src.get(..g.range.start).map_or(0, |s| s.matches('\n').count()),
                key: g.key,
                origin: g.origin + top_left,
                // Formulas stay outlines in a PDF too (their maths font is typst's).
                text: None,
            })
            .collect();
        let mut set = GlyphSet {
            src: src.to_string(),
            glyphs,
            by_line: false,
            line_boxes: Vec::new(),
            owner: Vec::new(),
        };
        let keyed = parts
            .iter()
            .map(|p| {
                let key = match (&p.key, &p.selection) {
                    (Some(k), _) => k.to_string(),
                    (None, Some(Selection::Span { of, .. })) => of.clone(),
                    _ => String::new(),
                };
                (key, p.color.and_then(|c| cx.theme.color(c).ok()))
            })
            .collect();
        let owner = glyphs::claims(&set, parts);
        set.owner = owner;
        let bounds = Rect::from_center(centre, box_size);
        Ok(Placed {
            widget: Math {
                set,
                color,
                parts: keyed,
                first_child: cx.index + 1,
            },
            origin: centre,
            bounds,
        })
    }

    /// The colour glyph `i` has now: its part's (a step's, or the part's
    /// own), else the formula's.
    fn glyph_color(&self, i: usize, others: &dyn Neighbours, own: Option<Color>) -> Color {
        self.set.owner[i]
            .and_then(|k| {
                let state = others.state(self.first_child + k).and_then(|s| s.color);
                state.or(self.parts[k].1)
            })
            .or(own)
            .unwrap_or(self.color)
    }

    /// The morph into `other`: parts with the same key are matched first.
    pub fn plan(&self, other: &Math) -> MorphPlan {
        let mut groups = Vec::new();
        for (k, (key, _)) in self.parts.iter().enumerate() {
            if key.is_empty() {
                continue;
            }
            if let Some(k2) = other.parts.iter().position(|(q, _)| q == key) {
                let of = |m: &Math, k: usize| -> Vec<usize> {
                    (0..m.set.owner.len())
                        .filter(|&i| m.set.owner[i] == Some(k))
                        .collect()
                };
                groups.push((of(self, k), of(other, k2)));
            }
        }
        MorphPlan::new(&self.set.glyphs, &other.set.glyphs, &groups)
    }
}

/// The formula's glyphs (outline, source bytes, key, pen position) with
/// the origin at the top left of its box, and the box's size.
#[cfg(feature = "math")]
fn layout(
    cx: &LoadCx<'_>,
    src: &str,
    size: f32,
    display: bool,
) -> Result<(Vec<crate::math::MathGlyph>, glam::Vec2), SceneError> {
    let typesetter = cx.fonts.math().map_err(|e| cx.field_err("src", e))?;
    let formula = typesetter
        .typeset(src, size, display)
        .map_err(|e| cx.string_err("src", src, e.range.clone(), format!("formula: {e}")))?;
    cx.inputs
        .borrow_mut()
        .push(cx.root.join("assets/fonts").join(crate::math::FONT_FILE));
    Ok((formula.glyphs.clone(), formula.size))
}

#[cfg(not(feature = "math"))]
fn layout(
    cx: &LoadCx<'_>,
    _src: &str,
    _size: f32,
    _display: bool,
) -> Result<(Vec<NoGlyph>, glam::Vec2), SceneError> {
    Err(cx.element_err(UNAVAILABLE))
}

/// What a build without the `math` feature says of a formula.
pub const UNAVAILABLE: &str =
    "this anim was built without the `math` feature, so it cannot lay out formulas: build with the default features";

/// Stands in for a formula's glyph in a build without formulas.
#[cfg(not(feature = "math"))]
struct NoGlyph {
    path: crate::geom::PathData,
    range: std::ops::Range<usize>,
    key: u64,
    origin: glam::Vec2,
}

impl Widget for Math {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        Vec::new()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            base_color: Some(self.color),
            writable: true,
            // Its parts' colours and the formula it morphs into are read at paint time.
            reads_others: true,
            glyphs: Some(&self.set),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let s = cx.state;
        if let Some((o, other, t)) = glyphs::morphing_into::<Math>(cx) {
            let plan = self.plan(other);
            let others = cx.others;
            let theirs = others.state(o).and_then(|s| s.color);
            let ca = |i: usize| self.glyph_color(i, others, s.color);
            let cb = |j: usize| other.glyph_color(j, others, theirs);
            glyphs::paint_morph(&mut cx.p, &self.set.glyphs, &other.set.glyphs, &plan, t, &ca, &cb);
            return;
        }
        glyphs::paint_unclaimed(&mut cx.p, &self.set, s.color, s.write);
    }
}
