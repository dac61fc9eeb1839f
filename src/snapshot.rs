//! The resolved picture at one instant: what `evaluate(scene, t)` returns and
//! what the tessellator draws. Plain data in scene units (pixels at scale 1,
//! origin top-left, y down), painted in order (painter's algorithm).

use crate::color::Color;
use crate::geom::PathData;

/// How a stroke ends and turns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LineCap {
    Butt,
    #[default]
    Round,
    Square,
}

/// How a path is painted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Paint {
    /// Filled with the non-zero rule (what fonts expect).
    Fill(Color),
    /// Stroked with a round join.
    Stroke { color: Color, width: f32, cap: LineCap },
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
