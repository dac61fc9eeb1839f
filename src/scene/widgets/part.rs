//! Part: a named piece of its parent formula (`Math`) or code block
//! (`Code`): the glyphs set from a span of the parent's source (`of`,
//! its `nth` occurrence) or, in a code block, from a range of `lines`.
//! Ordinary steps animate it (colour, fade, pulse, move, write), and its
//! `highlight` parameter lays a soft band behind it. The parent paints the
//! glyphs no part claims.

use super::glyphs::{self, Selection, SrcGlyph};
use super::load::{spec, LoadCx};
use super::paint::PaintCx;
use super::state::{Param, ParamDef, Range};
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::error::SceneError;
use crate::text::TextBlock;

spec!(
    /// A piece of the parent formula or code block, found by its source.
    PartSpec {
        of: Option<String>,
        nth: Option<usize>,
        lines: Option<(usize, usize)>,
        /// What a morph matches it by in the next formula (default: `of`).
        key: Option<String>,
        color: Option<String>,
        highlight_color: Option<String>,
    }
);

impl PartSpec {
    /// Which glyphs it picks, if its fields say so unambiguously.
    pub fn selection(&self) -> Option<Selection> {
        match (&self.of, self.lines) {
            (Some(of), None) => Some(Selection::Span {
                of: of.clone(),
                nth: self.nth.unwrap_or(1),
            }),
            (None, Some((a, b))) if self.nth.is_none() => Some(Selection::Lines(a, b)),
            _ => None,
        }
    }
}

/// The glyphs of a part, and how it follows its parent.
#[derive(Clone, Debug)]
pub struct Part {
    pub parent: usize,
    pub glyphs: Vec<SrcGlyph>,
    /// Each glyph's index among the parent's (a parent's `Write` reaches
    /// them in that order).
    pub indices: Vec<usize>,
    pub total: usize,
    pub color: Option<Color>,
    pub band: PathData,
    pub band_color: Color,
}

/// How far the highlight band reaches past the part's glyphs.
pub const BAND_PAD: f32 = 6.0;

impl Spec for PartSpec {
    type Widget = Part;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Part>, SceneError> {
        let Some((parent, set)) = cx.parent.and_then(|p| cx.declared.glyphs(p).map(|s| (p, s))) else {
            return Err(cx.element_err(
                "a Part names a piece of a formula or a code block: write it in the `children` of a Math or a Code",
            ));
        };
        if self.place.is_some() {
            return Err(cx.field_err("place", "a Part sits where its formula or code block sets it: leave `place` out"));
        }
        if self.nth == Some(0) {
            return Err(cx.field_err("nth", "nth counts from 1 (the first occurrence)"));
        }
        let selection = match (&self.of, self.lines) {
            (Some(_), Some(_)) => {
                return Err(cx.field_err("lines", "give `of` (a piece of the source) or `lines`, not both"))
            }
            (None, Some(_)) if self.nth.is_some() => {
                return Err(cx.field_err("nth", "nth picks an occurrence of `of`; `lines` are already one place"))
            }
            (None, None) => {
                return Err(cx.element_err(
                    "a Part needs `of: \"…\"` (a piece of the source, e.g. of: \"Q K^T\") or, in a Code block, `lines: (first, last)`",
                ))
            }
            _ => self.selection().unwrap_or(Selection::Lines(0, 0)),
        };
        let picked = glyphs::select(set, &selection).map_err(|(f, m)| cx.field_err(f, m))?;
        let ordinal = cx.index - parent - 1;
        if let Some(&i) = picked.iter().find(|&&i| set.owner.get(i).copied().flatten() != Some(ordinal)) {
            let other = set.owner.get(i).copied().flatten().map_or(0, |k| k + 1);
            return Err(cx.field_err(
                if self.of.is_some() { "of" } else { "lines" },
                format!("this part shares glyphs with part {other} of the same parent; the parts of one formula or code block must not overlap"),
            ));
        }
        let glyphs: Vec<SrcGlyph> = picked.iter().map(|&i| set.glyphs[i].clone()).collect();
        let ink = glyphs::bounds(&glyphs).unwrap_or(Rect {
            min: glam::Vec2::ZERO,
            max: glam::Vec2::ZERO,
        });
        // A code block's band spans its lines; a formula's hugs the glyphs.
        let band_rect = match selection {
            Selection::Lines(a, b) => set.line_boxes[a - 1..b]
                .iter()
                .copied()
                .reduce(|x, y| x.union(&y))
                .unwrap_or(ink),
            Selection::Span { .. } => Rect {
                min: ink.min - glam::Vec2::splat(BAND_PAD),
                max: ink.max + glam::Vec2::splat(BAND_PAD),
            },
        };
        let part = Part {
            parent,
            indices: picked,
            total: set.glyphs.len(),
            glyphs,
            color: cx.opt_color("color", self.color.as_ref())?,
            band: PathData::rounded_rect(band_rect, BAND_PAD.min(band_rect.size().min_element() / 2.0)),
            band_color: cx.color("highlight_color", self.highlight_color.as_ref(), "accent_soft")?,
        };
        Ok(Placed::centred(part, ink))
    }
}

impl Widget for Part {
    const PARAMS: &'static [ParamDef<Self>] = &[ParamDef {
        param: Param::Highlight,
        range: Range::Unit,
        default: |_| Some(0.0),
        entrance: None,
    }];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        Vec::new()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            base_color: Some(self.color.unwrap_or_else(|| self.glyphs.first().map_or(Color::BLACK, |g| g.color))),
            writable: true,
            // It follows its parent's write and morph.
            reads_others: true,
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let s = cx.state;
        let parent = cx.others.state(self.parent);
        // While its formula morphs, the formula draws every glyph.
        if parent.is_some_and(|p| p.morph.is_some_and(|(_, t)| t > 0.0)) {
            return;
        }
        let band = s.param(Param::Highlight, 0.0) as f32;
        if band > 0.0 {
            cx.p.fill(&self.band, self.band_color.with_opacity(band));
        }
        let parent_shown = parent.map_or(1.0, |p| p.write).clamp(0.0, 1.0) * self.total as f32;
        let own_shown = s.write.clamp(0.0, 1.0) * self.glyphs.len() as f32;
        let color = s.color.or(self.color).or(parent.and_then(|p| p.color));
        for (k, g) in self.glyphs.iter().enumerate() {
            let a = (parent_shown - self.indices[k] as f32).clamp(0.0, 1.0) * (own_shown - k as f32).clamp(0.0, 1.0);
            if a > 0.0 {
                cx.p.glyph(&g.path, color.unwrap_or(g.color).with_opacity(a), g.text.as_deref());
            }
        }
    }
}
