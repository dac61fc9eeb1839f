//! Vector stills: a frame's display list written as SVG or PDF.
//!
//! The [`Snapshot`] is already the display list: paths in scene units with
//! their paint, before any tessellation. The sinks here walk it and write
//! each item as what it is, a filled or stroked path, an image, or (in a
//! PDF) a glyph of text, so a vector file is never a re-trace of triangles.
//!
//! A [`Page`] is one or more snapshots ([`Layer`]s) placed on a canvas: a
//! still is one layer; a storyboard (`crate::render::storyboard`) is a grid
//! of them, each clipped to its panel.
//!
//! - [`svg`]: text as outlines (it looks the same in every viewer, with no
//!   font to install or embed).
//! - [`pdf`]: through krilla; text as real text with the fonts subset and
//!   embedded, so it can be selected and searched (formulas stay outlines).
//!
//! Colours are the scene's sRGB values, opacity is kept per item; a page
//! whose background is transparent has none (`--transparent`).
//!
//! One difference from the PNG is inherent: the GPU blends translucent
//! paint in linear light, SVG and PDF viewers in sRGB, so overlaps of
//! translucent items come out slightly darker in the vector files.

use glam::{Affine2, Vec2};

use crate::color::Color;
use crate::geom::{PathCmd, PathData, Rect};
use crate::snapshot::Snapshot;

pub mod pdf;
pub mod svg;

/// One snapshot drawn on a page.
#[derive(Clone, Debug)]
pub struct Layer<'a> {
    pub snap: &'a Snapshot,
    /// Snapshot (scene units) → page units.
    pub xf: Affine2,
    /// In page units: nothing of the layer is drawn outside.
    pub clip: Option<Rect>,
    /// Whether the snapshot's own background is painted (under the clip, or
    /// over its whole frame).
    pub background: bool,
}

/// A canvas of `width`×`height` page units (scene pixels) with layers on it.
#[derive(Clone, Debug)]
pub struct Page<'a> {
    pub width: f32,
    pub height: f32,
    /// Painted first, unless transparent.
    pub background: Color,
    pub layers: Vec<Layer<'a>>,
}

impl<'a> Page<'a> {
    /// A still: the snapshot alone, its background the page's.
    pub fn still(snap: &'a Snapshot) -> Page<'a> {
        Page::still_at(snap, (snap.width, snap.height))
    }

    /// A still on a `width`×`height` page: the snapshot scaled to fill it
    /// (a render's `--size` and `--scale`).
    pub fn still_at(snap: &'a Snapshot, (width, height): (u32, u32)) -> Page<'a> {
        let scale = Vec2::new(
            width as f32 / snap.width.max(1) as f32,
            height as f32 / snap.height.max(1) as f32,
        );
        Page {
            width: width as f32,
            height: height as f32,
            background: snap.background,
            layers: vec![Layer {
                snap,
                xf: Affine2::from_scale(scale),
                clip: None,
                background: false,
            }],
        }
    }
}

/// The frame a layer's background fills: its clip, else its snapshot's
/// frame mapped to the page.
pub fn layer_frame(layer: &Layer<'_>) -> PathData {
    match layer.clip {
        Some(r) => PathData::rounded_rect(r, 0.0),
        None => {
            let s = layer.snap;
            PathData::rounded_rect(
                Rect {
                    min: Vec2::ZERO,
                    max: Vec2::new(s.width as f32, s.height as f32),
                },
                0.0,
            )
            .transformed(&layer.xf)
        }
    }
}

/// Where an image item's pixels go: image pixel space (origin top-left, one
/// unit a pixel) → scene, from the quad's first three corners (top-left,
/// top-right, bottom-left of the image; see [`crate::snapshot::Paint::Image`]).
pub fn image_transform(path: &PathData, width: u32, height: u32) -> Option<Affine2> {
    let pts: Vec<Vec2> = path
        .cmds
        .iter()
        .filter_map(|c| match *c {
            PathCmd::MoveTo(p) | PathCmd::LineTo(p) => Some(p),
            _ => None,
        })
        .take(4)
        .collect();
    let [tl, tr, _, bl] = pts.as_slice() else {
        return None;
    };
    if width == 0 || height == 0 {
        return None;
    }
    let x = (*tr - *tl) / width as f32;
    let y = (*bl - *tl) / height as f32;
    Some(Affine2::from_cols(x, y, *tl))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_quads_map_pixels_to_their_corners() {
        let quad = PathData::polyline(
            &[
                Vec2::new(10.0, 20.0),
                Vec2::new(110.0, 20.0),
                Vec2::new(110.0, 70.0),
                Vec2::new(10.0, 70.0),
            ],
            true,
        );
        let xf = image_transform(&quad, 200, 100).unwrap_or(Affine2::ZERO);
        assert_eq!(xf.transform_point2(Vec2::ZERO), Vec2::new(10.0, 20.0));
        assert_eq!(
            xf.transform_point2(Vec2::new(200.0, 100.0)),
            Vec2::new(110.0, 70.0)
        );
        assert!(image_transform(&PathData::new(), 1, 1).is_none());
    }
}
