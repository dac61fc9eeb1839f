//! ## Overview
//!
//! Snapshot → triangles, with lyon. Every item becomes a run of vertices
//! (position in scene units, colour in linear premultiplied RGBA) appended to
//! one [`Mesh`], in paint order, so a whole frame is a single draw call.
//!
//! The tolerance is expressed in *output pixels*: a 2× print render flattens
//! curves twice as finely in scene units, so circles stay round at any scale.
//!
//! Anti-aliasing is not done here: the GPU stage resolves a multisampled
//! target (see `gpu::renderer`).

use bytemuck::{Pod, Zeroable};
use lyon::path::{FillRule, LineCap as LyonCap, LineJoin, Path};
use lyon::tessellation::{
    BuffersBuilder, FillOptions, FillTessellator, FillVertex, StrokeOptions, StrokeTessellator, StrokeVertex,
    VertexBuffers,
};

use crate::geom::{PathCmd, PathData};
use crate::snapshot::{LineCap, Paint, Snapshot};

/// Maximum distance, in output pixels, between a curve and its flattened polygon.
pub const TOLERANCE_PX: f32 = 0.05;

/// One vertex. Keep in sync with `VertexIn` in shaders/fill.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct Vertex {
    pub position: [f32; 2],
    /// Linear-light RGBA, premultiplied by alpha.
    pub color: [f32; 4],
}

/// Triangles ready for upload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mesh {
    pub vertices: Vec<Vertex>,
    pub indices: Vec<u32>,
    /// Images, each drawn after the vector indices before its `index_start`
    /// and before those after it, so paint order holds across both kinds.
    pub images: Vec<ImageQuad>,
}

/// An image to draw between the vector triangles.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageQuad {
    pub image: crate::snapshot::ImageRef,
    /// Top-left, top-right, bottom-right, bottom-left, in scene units.
    pub corners: [[f32; 2]; 4],
    pub opacity: f32,
    /// Number of vector indices drawn before this image.
    pub index_start: u32,
}

/// Why a snapshot could not be tessellated.
#[derive(Debug, thiserror::Error)]
pub enum TessError {
    /// lyon rejected a path (for example a degenerate or self-overlapping one it cannot handle).
    #[error("could not tessellate item {index}: {message}")]
    Lyon { index: usize, message: String },
}

/// Converts our path type to lyon's.
pub fn to_lyon(path: &PathData) -> Path {
    let mut b = Path::builder();
    let mut open = false;
    let pt = |v: glam::Vec2| lyon::math::point(v.x, v.y);
    for c in &path.cmds {
        match *c {
            PathCmd::MoveTo(p) => {
                if open {
                    b.end(false);
                }
                b.begin(pt(p));
                open = true;
            }
            PathCmd::LineTo(p) => {
                if open {
                    b.line_to(pt(p));
                }
            }
            PathCmd::QuadTo(c1, p) => {
                if open {
                    b.quadratic_bezier_to(pt(c1), pt(p));
                }
            }
            PathCmd::CubicTo(c1, c2, p) => {
                if open {
                    b.cubic_bezier_to(pt(c1), pt(c2), pt(p));
                }
            }
            PathCmd::Close => {
                if open {
                    b.end(true);
                    open = false;
                }
            }
        }
    }
    if open {
        b.end(false);
    }
    b.build()
}

/// Tessellates every item of `snapshot`. `scale` is output pixels per scene unit.
pub fn tessellate(snapshot: &Snapshot, scale: f32) -> Result<Mesh, TessError> {
    let tolerance = TOLERANCE_PX / scale.max(1e-3);
    let mut buffers: VertexBuffers<Vertex, u32> = VertexBuffers::new();
    let mut fill = FillTessellator::new();
    let mut stroke = StrokeTessellator::new();
    let mut images = Vec::new();
    for (index, item) in snapshot.items.iter().enumerate() {
        if let Paint::Image { image, opacity } = &item.paint {
            let pts: Vec<[f32; 2]> = item
                .path
                .cmds
                .iter()
                .filter_map(|c| match c {
                    PathCmd::MoveTo(p) | PathCmd::LineTo(p) => Some(p.to_array()),
                    _ => None,
                })
                .collect();
            if let [a, b, c, d, ..] = pts[..] {
                images.push(ImageQuad {
                    image: image.clone(),
                    corners: [a, b, c, d],
                    opacity: *opacity,
                    index_start: buffers.indices.len() as u32,
                });
            }
            continue;
        }
        let path = to_lyon(&item.path);
        let result = match item.paint {
            Paint::Image { .. } => continue,
            Paint::Fill(c) => {
                let color = c.to_linear_premultiplied();
                let opts = FillOptions::tolerance(tolerance).with_fill_rule(FillRule::NonZero);
                fill.tessellate_path(
                    &path,
                    &opts,
                    &mut BuffersBuilder::new(&mut buffers, |v: FillVertex| Vertex {
                        position: v.position().to_array(),
                        color,
                    }),
                )
            }
            Paint::Stroke { color: c, width, cap } => {
                let color = c.to_linear_premultiplied();
                let cap = match cap {
                    LineCap::Butt => LyonCap::Butt,
                    LineCap::Round => LyonCap::Round,
                    LineCap::Square => LyonCap::Square,
                };
                let opts = StrokeOptions::tolerance(tolerance)
                    .with_line_width(width)
                    .with_line_join(LineJoin::Round)
                    .with_line_cap(cap);
                stroke.tessellate_path(
                    &path,
                    &opts,
                    &mut BuffersBuilder::new(&mut buffers, |v: StrokeVertex| Vertex {
                        position: v.position().to_array(),
                        color,
                    }),
                )
            }
        };
        result.map_err(|e| TessError::Lyon {
            index,
            message: format!("{e:?}"),
        })?;
    }
    Ok(Mesh {
        vertices: buffers.vertices,
        indices: buffers.indices,
        images,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::color::Color;
    use crate::geom::Rect;
    use glam::Vec2;

    fn area(mesh: &Mesh) -> f32 {
        mesh.indices
            .chunks(3)
            .map(|t| {
                let p = |i: u32| Vec2::from(mesh.vertices[i as usize].position);
                let (a, b, c) = (p(t[0]), p(t[1]), p(t[2]));
                ((b - a).perp_dot(c - a) * 0.5).abs()
            })
            .sum()
    }

    #[test]
    fn a_filled_square_is_two_triangles_of_its_area() {
        let mut s = Snapshot::new(100, 100, Color::WHITE);
        s.fill(
            PathData::rounded_rect(
                Rect {
                    min: Vec2::ZERO,
                    max: Vec2::splat(10.0),
                },
                0.0,
            ),
            Color::BLACK,
        );
        let mesh = tessellate(&s, 1.0).unwrap();
        assert_eq!(mesh.indices.len(), 6);
        assert!((area(&mesh) - 100.0).abs() < 1e-3);
    }

    #[test]
    fn circle_area_converges_and_scale_refines() {
        let mut s = Snapshot::new(100, 100, Color::WHITE);
        s.fill(
            PathData::ellipse(Vec2::splat(50.0), Vec2::splat(40.0)),
            Color::BLACK,
        );
        let m1 = tessellate(&s, 1.0).unwrap();
        let m2 = tessellate(&s, 4.0).unwrap();
        let exact = std::f32::consts::PI * 1600.0;
        assert!((area(&m1) - exact).abs() / exact < 2e-3, "{}", area(&m1));
        assert!(m2.vertices.len() > m1.vertices.len());
    }

    #[test]
    fn a_stroke_covers_length_times_width() {
        let mut s = Snapshot::new(100, 100, Color::WHITE);
        let mut line = Snapshot::new(100, 100, Color::WHITE);
        line.items.clear();
        s.items.push(crate::snapshot::DrawItem {
            path: PathData::polyline(&[Vec2::new(10.0, 10.0), Vec2::new(90.0, 10.0)], false),
            paint: Paint::Stroke {
                color: Color::BLACK,
                width: 4.0,
                cap: LineCap::Butt,
            },
        });
        let mesh = tessellate(&s, 1.0).unwrap();
        assert!((area(&mesh) - 320.0).abs() < 1e-2, "{}", area(&mesh));
    }

    #[test]
    fn colours_are_linear_and_premultiplied() {
        let mut s = Snapshot::new(10, 10, Color::WHITE);
        let c = Color::from_hex("#80808080").unwrap();
        s.fill(
            PathData::rounded_rect(
                Rect {
                    min: Vec2::ZERO,
                    max: Vec2::ONE,
                },
                0.0,
            ),
            c,
        );
        let mesh = tessellate(&s, 1.0).unwrap();
        assert_eq!(mesh.vertices[0].color, c.to_linear_premultiplied());
    }

    #[test]
    fn vertex_layout_matches_the_shader() {
        // VertexIn in shaders/fill.wgsl: vec2<f32> at 0, vec4<f32> at 8.
        assert_eq!(std::mem::size_of::<Vertex>(), 24);
        assert_eq!(std::mem::offset_of!(Vertex, color), 8);
    }
}
