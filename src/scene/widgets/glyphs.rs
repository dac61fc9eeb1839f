//! Glyphs that remember where they came from in their element's source
//! text: what a formula (`Math`) and a code block (`Code`) are drawn as, so
//! that a `Part` of either can claim a span or a range of lines, `Write`
//! can type them on in source order, and a `Morph` between two versions can
//! carry the glyphs that match across.

use std::ops::Range;

use glam::Vec2;

use super::paint::Painter;
use crate::color::Color;
use crate::geom::{PathData, Rect};

/// One glyph (or rule: a fraction bar, a radical's overbar) in scene coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct SrcGlyph {
    /// Outline, filled.
    pub path: PathData,
    pub color: Color,
    /// The bytes of the element's source text it was set from.
    pub range: Range<usize>,
    /// The source line (0-based) it is on.
    pub line: usize,
    /// What makes two glyphs the same one for a morph: the font's glyph id
    /// and size for a letter, the shape for a rule. Equal keys, equal outlines
    /// up to a translation.
    pub key: u64,
    /// Its pen position (a letter's left end of the baseline; a rule's top
    /// left): where a morph moves it from and to.
    pub origin: Vec2,
}

/// The box the glyphs cover, if any has an outline.
pub fn bounds(glyphs: &[SrcGlyph]) -> Option<Rect> {
    glyphs
        .iter()
        .filter_map(|g| g.path.bounds())
        .reduce(|a, b| a.union(&b))
}

/// Paints `glyphs` with the first `reveal` (0..=1) of them shown in source
/// order (the one being written fades in), in `color` when given.
pub fn paint(p: &mut Painter<'_>, glyphs: &[SrcGlyph], color: Option<Color>, reveal: f32) {
    let shown = reveal.clamp(0.0, 1.0) * glyphs.len() as f32;
    for (i, g) in glyphs.iter().enumerate() {
        let a = (shown - i as f32).clamp(0.0, 1.0);
        if a > 0.0 {
            p.fill(&g.path, color.unwrap_or(g.color).with_opacity(a));
        }
    }
}
