//! How a widget paints: a [`Painter`] that puts transformed, faded paths
//! into the snapshot, and the [`PaintCx`] a widget's `paint` receives (its
//! state, the theme with its typed palette, the fonts for text that changes with
//! time, and read access to the other elements it is bound to).

use std::any::Any;
use std::sync::Arc;

use glam::{Affine2, Vec2};

use super::state::State;
use crate::color::Color;
use crate::geom::{PathCmd, PathData, Rect};
use crate::scene::layout::place_layout;
use crate::scene::theme::Theme;
use crate::snapshot::{DrawItem, ImageRef, Paint, Snapshot, TextMark};
use crate::text::{FontBook, TextBlock, TextStyle};

/// The other elements of the scene, as a widget bound to one sees them.
pub trait Neighbours {
    /// The resolved widget of element `i` (downcast it to the kind you expect).
    fn widget(&self, i: usize) -> Option<&dyn Any>;
    /// The state of element `i` at this instant.
    fn state(&self, i: usize) -> Option<&State>;
}

/// Paints into one snapshot under one element's world transform and opacity.
pub struct Painter<'a> {
    pub snap: &'a mut Snapshot,
    pub xf: Affine2,
    pub opacity: f32,
}

impl Painter<'_> {
    fn stroke_scale(&self) -> f32 {
        self.xf.matrix2.determinant().abs().sqrt()
    }
    pub fn fill(&mut self, path: &PathData, c: Color) {
        self.snap
            .fill(path.transformed(&self.xf), c.with_opacity(self.opacity));
    }
    pub fn stroke(&mut self, path: &PathData, c: Color, width: f32) {
        let w = width * self.stroke_scale();
        self.snap
            .stroke(path.transformed(&self.xf), c.with_opacity(self.opacity), w);
    }
    /// A glyph's outline, filled, marked as the text `mark` says (in the
    /// element's coordinates, like `path`) for the vector sinks.
    pub fn glyph(&mut self, path: &PathData, c: Color, mark: Option<&TextMark>) {
        let mark = mark.map(|m| TextMark {
            xf: self.xf * m.xf,
            ..m.clone()
        });
        self.snap
            .fill_text(path.transformed(&self.xf), c.with_opacity(self.opacity), mark);
    }
    /// Text with the first `reveal` (0..=1) of its chars shown; the glyph
    /// being written fades in.
    pub fn text(&mut self, block: &TextBlock, color: Color, reveal: f32) {
        let shown = reveal.clamp(0.0, 1.0) * block.chars as f32;
        for g in &block.glyphs {
            let a = (shown - g.char_index as f32).clamp(0.0, 1.0);
            if a > 0.0 {
                let mark = g.text_mark(&Affine2::IDENTITY);
                self.glyph(&g.path, color.with_opacity(a), Some(&mark));
            }
        }
    }
    /// An image mapped onto `rect`, at `opacity` times the element's.
    pub fn image(&mut self, rect: Rect, image: &ImageRef, opacity: f32) {
        let r = rect;
        let quad = PathData::polyline(
            &[
                r.min,
                Vec2::new(r.max.x, r.min.y),
                r.max,
                Vec2::new(r.min.x, r.max.y),
            ],
            true,
        )
        .transformed(&self.xf);
        self.snap.items.push(DrawItem {
            path: Arc::new(quad),
            paint: Paint::Image {
                image: image.clone(),
                opacity: self.opacity * opacity,
            },
            text: None,
        });
    }
}

/// What a widget's `paint` gets.
pub struct PaintCx<'a> {
    pub p: Painter<'a>,
    /// The element's own state.
    pub state: &'a State,
    /// The theme: sizes, and the palette typed at load.
    pub theme: &'a Theme,
    /// The scene's fonts, for text set at paint time (numbers that change).
    pub fonts: &'a FontBook,
    pub others: &'a dyn Neighbours,
}

impl PaintCx<'_> {
    /// Sets `text` now and paints it whole (a number that changes with time).
    pub fn text_at(&mut self, text: &str, style: &TextStyle, at: Vec2, color: Color) {
        if let Ok(block) = place_layout(self.fonts, text, style, at, color) {
            self.p.text(&block, color, 1.0);
        }
    }
    /// Text over a `halo` outline, legible over lines drawn behind it.
    pub fn text_with_halo(&mut self, text: &str, style: &TextStyle, at: Vec2, color: Color, halo: Color) {
        if let Ok(block) = place_layout(self.fonts, text, style, at, color) {
            for g in &block.glyphs {
                self.p.stroke(&g.path, halo.with_opacity(color.a), 5.0);
            }
            self.p.text(&block, color, 1.0);
        }
    }
}

/// The style of the numbers widgets print: theme small size, SemiBold.
pub fn small_label(size: f32, align: crate::text::Align) -> TextStyle {
    TextStyle {
        size,
        weight: crate::text::Weight::SemiBold,
        align,
        ..Default::default()
    }
}

/// Beyond this many dashes on one path, it is drawn solid.
const MAX_DASHES: usize = 20_000;

/// Dashes an open or closed path: `on` drawn, `off` skipped, along its length.
pub fn dash(path: &PathData, on: f32, off: f32) -> PathData {
    // Dashes shorter than half a unit are invisible and would multiply work.
    let (on, off) = (on.max(0.5), off.max(0.5));
    if path.length() / (on + off) > MAX_DASHES as f32 {
        return path.clone();
    }
    let mut out = PathData::new();
    for line in path.flatten(crate::geom::FLATTEN_TOLERANCE) {
        let mut drawing = true;
        let mut left = on;
        let mut cur = vec![line[0]];
        for w in line.windows(2) {
            let (mut a, b) = (w[0], w[1]);
            let mut seg = a.distance(b);
            while seg > 0.0 {
                let step = seg.min(left);
                let p = a + (b - a).normalize_or_zero() * step;
                if drawing {
                    cur.push(p);
                }
                seg -= step;
                left -= step;
                a = p;
                if left <= 1e-6 {
                    if drawing && cur.len() > 1 {
                        out.extend(&PathData::polyline(&cur, false));
                    }
                    drawing = !drawing;
                    left = if drawing { on } else { off };
                    cur = vec![a];
                }
            }
        }
        if drawing && cur.len() > 1 {
            out.extend(&PathData::polyline(&cur, false));
        }
    }
    out
}

/// Interpolates two paths point by point when they have the same structure.
pub fn morph_path(a: &PathData, b: &PathData, t: f32) -> Option<PathData> {
    if a.cmds.len() != b.cmds.len() {
        return None;
    }
    let l = |p: Vec2, q: Vec2| p.lerp(q, t);
    let cmds = a
        .cmds
        .iter()
        .zip(&b.cmds)
        .map(|(x, y)| match (*x, *y) {
            (PathCmd::MoveTo(p), PathCmd::MoveTo(q)) => Some(PathCmd::MoveTo(l(p, q))),
            (PathCmd::LineTo(p), PathCmd::LineTo(q)) => Some(PathCmd::LineTo(l(p, q))),
            (PathCmd::QuadTo(c, p), PathCmd::QuadTo(d, q)) => Some(PathCmd::QuadTo(l(c, d), l(p, q))),
            (PathCmd::CubicTo(c1, c2, p), PathCmd::CubicTo(d1, d2, q)) => {
                Some(PathCmd::CubicTo(l(c1, d1), l(c2, d2), l(p, q)))
            }
            (PathCmd::Close, PathCmd::Close) => Some(PathCmd::Close),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some(PathData { cmds })
}

pub fn lerp(a: f64, b: f64, t: f64) -> f64 {
    a + (b - a) * t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_alternate_along_the_length() {
        let line = PathData::polyline(&[Vec2::ZERO, Vec2::new(100.0, 0.0)], false);
        let d = dash(&line, 10.0, 10.0);
        // 0-10, 20-30, ..., 80-90: five dashes of 10.
        assert!((d.length() - 50.0).abs() < 1e-3, "{}", d.length());
        assert_eq!(
            d.cmds.iter().filter(|c| matches!(c, PathCmd::MoveTo(_))).count(),
            5
        );
    }

    #[test]
    fn morph_needs_matching_structure() {
        let a = PathData::rounded_rect(
            Rect {
                min: Vec2::ZERO,
                max: Vec2::splat(10.0),
            },
            2.0,
        );
        let b = PathData::rounded_rect(
            Rect {
                min: Vec2::ZERO,
                max: Vec2::splat(30.0),
            },
            4.0,
        );
        let m = morph_path(&a, &b, 0.5).unwrap_or_default();
        assert_eq!(m.bounds().map(|r| r.max), Some(Vec2::splat(20.0)));
        assert!(morph_path(&a, &PathData::ellipse(Vec2::ZERO, Vec2::ONE), 0.5).is_none());
    }
}
