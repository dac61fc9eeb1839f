//! The resolved picture at one instant: what `evaluate(scene, t)` returns and
//! what the tessellator draws. Plain data in scene units (pixels at scale 1,
//! origin top-left, y down), painted in order (painter's algorithm).

use std::sync::Arc;

use crate::color::Color;
use crate::geom::{PathCmd, PathData};
use crate::image::RgbaImage;

/// A decoded image shared between frames. Equal when it is the same image
/// (pointer equality), so comparing snapshots never compares pixels.
#[derive(Clone, Debug)]
pub struct ImageRef(pub Arc<RgbaImage>, u64);

impl ImageRef {
    /// Shares `image`, hashing its pixels once: [`DrawItem::key`] names an
    /// image by its content, so keys mean the same picture from one run of
    /// anim to the next (the video cache compares them across runs).
    pub fn new(image: RgbaImage) -> ImageRef {
        use std::hash::Hasher;
        let mut h = std::hash::DefaultHasher::new();
        h.write_u32(image.width);
        h.write_u32(image.height);
        h.write(&image.data);
        ImageRef(Arc::new(image), h.finish())
    }
}

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

/// What a filled path is when it is one glyph of laid-out text: enough for
/// a vector sink to write it as text (a PDF's selectable, searchable text
/// with the font embedded) instead of as an outline. The raster stages
/// ignore it; the path is the same glyph's outline.
#[derive(Clone, Debug, PartialEq)]
pub struct TextMark {
    /// The font, as [`crate::text::FontBook::font_bytes`] numbers it.
    pub font: u8,
    /// The font's glyph id.
    pub glyph: u16,
    /// Font size in text space (pixels at scale 1).
    pub size: f32,
    /// Text space → scene: the origin is the glyph's pen position on the
    /// baseline, y down, so the glyph's outline is its font outline at
    /// `size`, flipped, mapped by this.
    pub xf: glam::Affine2,
    /// The characters the glyph stands for (its cluster's; empty for the
    /// second glyph of a cluster).
    pub text: Arc<str>,
    /// The space that follows it on its line, which draws nothing and so
    /// has no item of its own: a PDF writes it as text after this glyph.
    pub space: Option<SpaceAfter>,
}

/// A space glyph after a [`TextMark`]'s glyph.
#[derive(Clone, Debug, PartialEq)]
pub struct SpaceAfter {
    /// Its glyph id in the same font.
    pub glyph: u16,
    /// From the glyph's origin to the space's, along the baseline, in text space.
    pub dx: f32,
    pub text: Arc<str>,
}

/// One painted path.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawItem {
    /// Shared, so that copying an unchanged element's items into the next
    /// frame ([`crate::eval::Evaluator`]) copies no outlines.
    pub path: Arc<PathData>,
    pub paint: Paint,
    /// Set when the path is a glyph of text ([`TextMark`]); not part of
    /// [`DrawItem::key`]: the pixels are the path's.
    pub text: Option<Arc<TextMark>>,
}

impl DrawItem {
    /// A 64-bit hash of an item's geometry and paint (FxHash-style, fast). The
    /// tessellation cache compares the stored item on a hit; `damage` trusts the hash (a
    /// collision between two different items of consecutive frames would leave
    /// one stale region for a frame: odds of about 2^-64 per pair).
    pub fn key(&self) -> u64 {
        let mut h = 0u64;
        let mut put = |x: u32| h = (h.rotate_left(5) ^ x as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        for c in &self.path.cmds {
            match *c {
                PathCmd::MoveTo(p) => [1, p.x.to_bits(), p.y.to_bits()].into_iter().for_each(&mut put),
                PathCmd::LineTo(p) => [2, p.x.to_bits(), p.y.to_bits()].into_iter().for_each(&mut put),
                PathCmd::QuadTo(a, p) => [3, a.x.to_bits(), a.y.to_bits(), p.x.to_bits(), p.y.to_bits()]
                    .into_iter()
                    .for_each(&mut put),
                PathCmd::CubicTo(a, b, p) => [
                    4,
                    a.x.to_bits(),
                    a.y.to_bits(),
                    b.x.to_bits(),
                    b.y.to_bits(),
                    p.x.to_bits(),
                    p.y.to_bits(),
                ]
                .into_iter()
                .for_each(&mut put),
                PathCmd::Close => put(5),
            }
        }
        let rgba = |c: &crate::color::Color| [c.r.to_bits(), c.g.to_bits(), c.b.to_bits(), c.a.to_bits()];
        match &self.paint {
            Paint::Fill(c) => {
                put(6);
                rgba(c).into_iter().for_each(&mut put);
            }
            Paint::Stroke { color, width, cap } => {
                [7, width.to_bits(), *cap as u32].into_iter().for_each(&mut put);
                rgba(color).into_iter().for_each(&mut put);
            }
            Paint::Image { image, opacity } => {
                // Which image, by a hash of its pixels (ImageRef::new).
                let content = image.1;
                [8, opacity.to_bits(), content as u32, (content >> 32) as u32]
                    .into_iter()
                    .for_each(&mut put)
            }
        }
        h
    }
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
                path: Arc::new(path),
                paint: Paint::Fill(color),
                text: None,
            });
        }
    }
    /// [`Snapshot::fill`] of a glyph's outline that vector sinks may write as `text`.
    pub fn fill_text(&mut self, path: PathData, color: Color, text: Option<TextMark>) {
        if color.a > 0.0 && !path.is_empty() {
            self.items.push(DrawItem {
                path: Arc::new(path),
                paint: Paint::Fill(color),
                text: text.map(Arc::new),
            });
        }
    }
    pub fn stroke(&mut self, path: PathData, color: Color, width: f32) {
        if color.a > 0.0 && width > 0.0 && !path.is_empty() {
            self.items.push(DrawItem {
                path: Arc::new(path),
                paint: Paint::Stroke {
                    color,
                    width,
                    cap: LineCap::Round,
                },
                text: None,
            });
        }
    }
}
