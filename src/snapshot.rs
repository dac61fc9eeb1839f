//! The resolved picture at one instant: what `evaluate(scene, t)` returns and
//! what the tessellator draws. Plain data in scene units (pixels at scale 1,
//! origin top-left, y down), painted in order (painter's algorithm).

use std::sync::Arc;

use crate::color::Color;
use crate::geom::PathData;
use crate::image::RgbaImage;

/// A decoded image shared between frames. Equal when it is the same image
/// (pointer equality), so comparing snapshots never compares pixels.
#[derive(Clone, Debug)]
pub struct ImageRef(pub Arc<RgbaImage>);

impl PartialEq for ImageRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// How a stroke ends and turns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LineCap {
    Butt,
    #[default]
    Round,
    Square,
}

/// How a path is painted.
#[derive(Clone, Debug, PartialEq)]
pub enum Paint {
    /// Filled with the non-zero rule (what fonts expect).
    Fill(Color),
    /// Stroked with a round join.
    Stroke { color: Color, width: f32, cap: LineCap },
    /// An image mapped onto the path, which must be a quad: its first four
    /// points are the image's top-left, top-right, bottom-right and
    /// bottom-left corners.
    Image { image: ImageRef, opacity: f32 },
}

/// One painted path.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawItem {
    pub path: PathData,
    pub paint: Paint,
}

/// A whole frame: size, background and items back to front.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub width: u32,
    pub height: u32,
    /// `Color::TRANSPARENT` gives a PNG with an alpha channel.
    pub background: Color,
    pub items: Vec<DrawItem>,
}

impl Snapshot {
    pub fn new(width: u32, height: u32, background: Color) -> Snapshot {
        Snapshot {
            width,
            height,
            background,
            items: Vec::new(),
        }
    }
    pub fn fill(&mut self, path: PathData, color: Color) {
        if color.a > 0.0 && !path.is_empty() {
            self.items.push(DrawItem {
                path,
                paint: Paint::Fill(color),
            });
        }
    }
    pub fn stroke(&mut self, path: PathData, color: Color, width: f32) {
        if color.a > 0.0 && width > 0.0 && !path.is_empty() {
            self.items.push(DrawItem {
                path,
                paint: Paint::Stroke {
                    color,
                    width,
                    cap: LineCap::Round,
                },
            });
        }
    }
}
