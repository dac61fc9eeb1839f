//! What tessellation produces: the [`Mesh`] of a frame, its [`Vertex`]
//! (keep in sync with shaders/fill.wgsl), and the settings both stages share.

use bytemuck::{Pod, Zeroable};

/// Maximum distance, in output pixels, between a curve and its flattened polygon.
pub const TOLERANCE_PX: f32 = 0.05;

/// How edges are anti-aliased. Tessellation and the GPU stage must agree:
/// [`crate::gpu::RenderOptions`] takes the same value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Antialias {
    /// Analytic coverage at one sample per pixel (see the module docs). The default.
    #[default]
    Coverage,
    /// 4× multisampling; geometry has hard edges.
    Msaa4,
    /// Hard edges at one sample: aliased. Used for supersampled references.
    Off,
}

impl Antialias {
    /// Samples per pixel of the render target.
    pub fn samples(self) -> u32 {
        match self {
            Antialias::Msaa4 => 4,
            Antialias::Coverage | Antialias::Off => 1,
        }
    }

    /// The name `--aa` takes.
    pub fn name(self) -> &'static str {
        match self {
            Antialias::Coverage => "coverage",
            Antialias::Msaa4 => "msaa",
            Antialias::Off => "off",
        }
    }
}

/// One vertex. Keep in sync with `VertexIn` in shaders/fill.wgsl.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Pod, Zeroable)]
pub struct Vertex {
    pub position: [f32; 2],
    /// Linear-light RGBA, premultiplied by alpha.
    pub color: [f32; 4],
    /// Coverage across the edge, in output pixels: `[offset.x, offset.y, reach]`.
    pub across: [f32; 3],
    /// Coverage along a stroke with butt ends, in output pixels: `[from start, to end]`.
    ///
    /// All terms are interpolated linearly; the fragment's coverage is
    /// `clamp(reach - |offset|, 0, 1) * clamp(from_start, 0, 1) * clamp(to_end, 0, 1)`.
    pub along: [f32; 2],
}

/// Triangles ready for upload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mesh {
    pub vertices: Vec<Vertex>,
    pub indices: Vec<u32>,
    /// Images, each drawn after the vector indices before its `index_start`
    /// and before those after it, so paint order holds across both kinds.
    pub images: Vec<ImageQuad>,
    /// For a mesh made for several clip rectangles ([`tessellate_cached`]),
    /// where each one's items end, in the clips' order; empty for one mesh
    /// of everything.
    pub parts: Vec<MeshPart>,
}

/// The end of one clip rectangle's items in a [`Mesh`]: they are the indices
/// and images from the previous part's ends to these.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MeshPart {
    pub index_end: u32,
    pub image_end: usize,
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
