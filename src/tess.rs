//! ## Overview
//!
//! Snapshot → triangles, with lyon. Every item becomes a run of vertices
//! appended to one [`Mesh`], in paint order, so a whole frame is a single
//! draw call.
//!
//! The tolerance is expressed in *output pixels*: a 2× print render flattens
//! curves twice as finely in scene units, so circles stay round at any scale.
//!
//! ## Anti-aliasing by coverage
//! With [`Antialias::Coverage`] (the default) edges are anti-aliased here,
//! not by multisampling: every vertex carries what the fragment shader needs
//! to compute the fraction of its pixel the shape covers (box filter, one
//! sample per pixel — on a software adapter 4×MSAA costs several times a
//! one-sample render, see benches/README.md).
//!
//! - **Fills** are flattened and every contour is offset half a pixel inward
//!   and half a pixel outward (mitred). The inset contours are filled
//!   solid; a one-pixel strip between inset and outset carries coverage 1 → 0,
//!   so a pixel centred on the edge gets exactly ½: the linear ramp of a box
//!   filter across a straight edge. This is NanoVG's fringe, made exact by
//!   the inset.
//! - **Strokes** are tessellated half a pixel wider on each side; each vertex
//!   carries its offset from the centre line in pixels, and the shader turns
//!   the interpolated distance into coverage. Round caps and joins are exact
//!   (the offset is linear over a fan around one point); butt ends are
//!   prolonged half a pixel and fade along the path. Strokes thinner than a
//!   pixel are drawn one pixel wide at proportionally lower opacity.
//!
//! Features thinner than a pixel inside fills (hairlines of glyphs at small
//! sizes) come out slightly too dark, as with every fringe method; the AA test
//! in tests/render.rs bounds the error against a 4×4-supersampled render.

use bytemuck::{Pod, Zeroable};
use glam::Vec2;
use lyon::path::iterator::PathIterator;
use lyon::path::{FillRule, LineCap as LyonCap, LineJoin, Path, PathEvent};
use lyon::tessellation::{
    BuffersBuilder, FillOptions, FillTessellator, FillVertex, StrokeOptions, StrokeTessellator, StrokeVertex,
    VertexBuffers,
};

use crate::geom::{PathCmd, PathData};
use crate::snapshot::{DrawItem, LineCap, Paint, Snapshot};

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

/// Coverage across of a vertex inside a shape: full.
const INSIDE: [f32; 3] = [0.0, 0.0, 1.0];
/// Coverage across of a vertex on the outer edge of a fill's fringe: none.
const OUTSIDE: [f32; 3] = [1.0, 0.0, 1.0];
/// Coverage along of a vertex not near a butt end: full.
const MID: [f32; 2] = [1.0, 1.0];
/// Mitre offsets are capped at this many times the half-pixel offset, so a
/// sharp spike (an arrow tip, a glyph serif) is not pushed far away.
const MITRE_LIMIT: f32 = 4.0;

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

/// Tessellates every item of `snapshot`. `scale` is output pixels per scene
/// unit; `aa` decides whether coverage terms and fringes are generated.
pub fn tessellate(snapshot: &Snapshot, scale: f32, aa: Antialias) -> Result<Mesh, TessError> {
    tessellate_with(snapshot, scale, aa, None, 0..snapshot.items.len(), None)
}

/// [`tessellate`], reusing the triangles of items drawn identically in the
/// previous frame (static labels, boxes, axes: most of a frame). See
/// [`TessCache`]. Only the snapshot's `items` (a range of indices; the ones
/// before may be held in an underlay). With `clips` (scene units), the mesh
/// of a partial redraw: for each rectangle in turn, only the items that can
/// paint inside it (an item reaching two is in both), with [`Mesh::parts`]
/// saying where each rectangle's items end.
pub fn tessellate_cached(
    snapshot: &Snapshot,
    scale: f32,
    aa: Antialias,
    cache: &mut TessCache,
    items: std::ops::Range<usize>,
    clips: Option<&[crate::geom::Rect]>,
) -> Result<Mesh, TessError> {
    tessellate_with(snapshot, scale, aa, Some(cache), items, clips)
}

/// The triangles of recently drawn items, keyed by the item itself (path,
/// paint) and valid for one scale and anti-aliasing mode. An item drawn in
/// one frame only (a line that grows every frame) is dropped when not drawn
/// in the next; one drawn in two frames or more is static and kept for
/// [`TessCache::KEEP_STATIC`] frames after its last use (the video loop
/// draws static items only now and then, when it rebuilds its underlay).
#[derive(Debug, Default)]
pub struct TessCache {
    entries: std::collections::HashMap<u64, CacheEntry>,
    /// The scale (as bits) and mode the entries were made for.
    made_for: Option<(u32, Antialias)>,
    frame: u64,
    /// Items reused and tessellated since the cache was made.
    pub hits: u64,
    pub misses: u64,
}

#[derive(Debug)]
struct CacheEntry {
    item: DrawItem,
    vertices: Vec<Vertex>,
    /// Relative to the entry's first vertex.
    indices: Vec<u32>,
    /// The frame it was last drawn in.
    used: u64,
    /// Whether it was drawn in more than one frame.
    reused: bool,
}

impl TessCache {
    /// Frames (tessellations) a reused item is kept after its last use.
    pub const KEEP_STATIC: u64 = 120;

    pub fn new() -> TessCache {
        TessCache::default()
    }

    /// Number of items held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn tessellate_with(
    snapshot: &Snapshot,
    scale: f32,
    aa: Antialias,
    mut cache: Option<&mut TessCache>,
    items: std::ops::Range<usize>,
    clips: Option<&[crate::geom::Rect]>,
) -> Result<Mesh, TessError> {
    let scale = scale.max(1e-3);
    let tolerance = TOLERANCE_PX / scale;
    let mut t = Tessellator {
        buffers: VertexBuffers::new(),
        fill: FillTessellator::new(),
        stroke: StrokeTessellator::new(),
        scale,
        tolerance,
        coverage: aa == Antialias::Coverage,
    };
    if let Some(cache) = cache.as_deref_mut() {
        let made_for = Some((scale.to_bits(), aa));
        if cache.made_for != made_for {
            cache.entries.clear();
            cache.made_for = made_for;
        }
        cache.frame += 1;
    }
    let mut images = Vec::new();
    let mut parts = Vec::new();
    let margin = 2.0 / scale;
    // Each item's bounds, once, when there are clips to test them against.
    let chosen = snapshot.items.get(items.clone()).unwrap_or_default();
    let bounds: Vec<Option<crate::geom::Rect>> = match clips {
        Some(_) => chosen.iter().map(crate::damage::item_bounds).collect(),
        None => Vec::new(),
    };
    let reaches = |index: usize, clip: Option<&crate::geom::Rect>| match (
        clip,
        bounds.get(index - items.start).copied().flatten(),
    ) {
        (Some(clip), Some(b)) => {
            b.min.x <= clip.max.x + margin
                && b.min.y <= clip.max.y + margin
                && b.max.x >= clip.min.x - margin
                && b.max.y >= clip.min.y - margin
        }
        _ => true,
    };
    // One pass over the items per clip rectangle (one pass for none).
    let passes: Vec<Option<&crate::geom::Rect>> = match clips {
        Some(clips) => clips.iter().map(Some).collect(),
        None => vec![None],
    };
    for clip in passes {
        for (index, item) in (items.start..).zip(chosen) {
            if !reaches(index, clip) {
                continue;
            }
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
                        index_start: t.buffers.indices.len() as u32,
                    });
                }
                continue;
            }
            let key = cache.as_ref().map(|_| item.key());
            if let (Some(cache), Some(key)) = (cache.as_deref_mut(), key) {
                if let Some(e) = cache.entries.get_mut(&key).filter(|e| e.item == *item) {
                    let base = t.buffers.vertices.len() as u32;
                    t.buffers.vertices.extend_from_slice(&e.vertices);
                    t.buffers.indices.extend(e.indices.iter().map(|i| i + base));
                    e.reused |= e.used != cache.frame;
                    e.used = cache.frame;
                    cache.hits += 1;
                    continue;
                }
            }
            let (v0, i0) = (t.buffers.vertices.len(), t.buffers.indices.len());
            let result = match &item.paint {
                Paint::Image { .. } => Ok(()),
                Paint::Fill(c) => t.fill(&item.path, c.to_linear_premultiplied()),
                Paint::Stroke { color, width, cap } => {
                    t.stroke(&item.path, color.to_linear_premultiplied(), *width, *cap)
                }
            };
            result.map_err(|e| TessError::Lyon {
                index,
                message: format!("{e:?}"),
            })?;
            if let (Some(cache), Some(key)) = (cache.as_deref_mut(), key) {
                cache.misses += 1;
                cache.entries.insert(
                    key,
                    CacheEntry {
                        item: item.clone(),
                        vertices: t.buffers.vertices[v0..].to_vec(),
                        indices: t.buffers.indices[i0..].iter().map(|i| i - v0 as u32).collect(),
                        used: cache.frame,
                        reused: false,
                    },
                );
            }
        }
        if clips.is_some() {
            parts.push(MeshPart {
                index_end: t.buffers.indices.len() as u32,
                image_end: images.len(),
            });
        }
    }
    if let Some(cache) = cache {
        let frame = cache.frame;
        let keep = |e: &CacheEntry| if e.reused { TessCache::KEEP_STATIC } else { 1 };
        cache.entries.retain(|_, e| e.used + keep(e) >= frame);
    }
    Ok(Mesh {
        vertices: t.buffers.vertices,
        indices: t.buffers.indices,
        images,
        parts,
    })
}

/// lyon's tessellators and the buffers they append to.
struct Tessellator {
    buffers: VertexBuffers<Vertex, u32>,
    fill: FillTessellator,
    stroke: StrokeTessellator,
    /// Output pixels per scene unit.
    scale: f32,
    /// Flattening tolerance in scene units.
    tolerance: f32,
    /// Generate coverage terms ([`Antialias::Coverage`]).
    coverage: bool,
}

type LyonResult = Result<(), lyon::tessellation::TessellationError>;

impl Tessellator {
    /// `path` filled (non-zero rule) with full coverage everywhere.
    fn fill_solid(&mut self, path: &Path, color: [f32; 4]) -> LyonResult {
        let opts = FillOptions::tolerance(self.tolerance).with_fill_rule(FillRule::NonZero);
        self.fill
            .tessellate_path(
                path,
                &opts,
                &mut BuffersBuilder::new(&mut self.buffers, |v: FillVertex| Vertex {
                    position: v.position().to_array(),
                    color,
                    across: INSIDE,
                    along: MID,
                }),
            )
            .map(|_| ())
    }

    fn fill(&mut self, path: &PathData, color: [f32; 4]) -> LyonResult {
        if !self.coverage {
            return self.fill_solid(&to_lyon(path), color);
        }
        let contours = flatten_closed(&to_lyon(path), self.tolerance);
        if contours.is_empty() {
            return Ok(());
        }
        let half = 0.5 / self.scale;
        let offsets: Vec<Vec<Vec2>> = contours
            .iter()
            .map(|c| mitres(c, interior_side(c, &contours)))
            .collect();
        // The inset contours, filled solid.
        let mut b = Path::builder();
        for (c, m) in contours.iter().zip(&offsets) {
            let mut pts = c.iter().zip(m).map(|(p, m)| *p + *m * half);
            if let Some(first) = pts.next() {
                b.begin(lyon::math::point(first.x, first.y));
                for p in pts {
                    b.line_to(lyon::math::point(p.x, p.y));
                }
                b.end(true);
            }
        }
        self.fill_solid(&b.build(), color)?;
        // The fringe: inset (coverage 1) to outset (coverage 0), one quad per edge.
        for (c, m) in contours.iter().zip(&offsets) {
            let base = self.buffers.vertices.len() as u32;
            for (p, m) in c.iter().zip(m) {
                self.buffers.vertices.push(Vertex {
                    position: (*p + *m * half).to_array(),
                    color,
                    across: INSIDE,
                    along: MID,
                });
                self.buffers.vertices.push(Vertex {
                    position: (*p - *m * half).to_array(),
                    color,
                    across: OUTSIDE,
                    along: MID,
                });
            }
            let n = c.len() as u32;
            for i in 0..n {
                let (a, b) = (base + 2 * i, base + 2 * ((i + 1) % n));
                self.buffers
                    .indices
                    .extend_from_slice(&[a, a + 1, b, b, a + 1, b + 1]);
            }
        }
        Ok(())
    }

    fn stroke(&mut self, path: &PathData, color: [f32; 4], width: f32, cap: LineCap) -> LyonResult {
        let lyon_cap = match cap {
            LineCap::Butt => LyonCap::Butt,
            LineCap::Round => LyonCap::Round,
            LineCap::Square => LyonCap::Square,
        };
        let opts = |w: f32| {
            StrokeOptions::tolerance(self.tolerance)
                .with_line_width(w)
                .with_line_join(LineJoin::Round)
                .with_line_cap(lyon_cap)
        };
        if !self.coverage {
            return self
                .stroke
                .tessellate_path(
                    &to_lyon(path),
                    &opts(width),
                    &mut BuffersBuilder::new(&mut self.buffers, |v: StrokeVertex| Vertex {
                        position: v.position().to_array(),
                        color,
                        across: INSIDE,
                        along: MID,
                    }),
                )
                .map(|_| ());
        }
        let scale = self.scale;
        let width_px = width * scale;
        // Strokes under a pixel: one pixel wide, proportionally fainter.
        let (reach, color) = if width_px >= 1.0 {
            ((width_px + 1.0) * 0.5, color)
        } else {
            (1.0, color.map(|c| c * width_px.max(0.0)))
        };
        let opts = opts(2.0 * reach / scale);
        let vertex = |v: StrokeVertex, along: [f32; 2]| {
            let offset = (v.position() - v.position_on_path()) * scale;
            Vertex {
                position: v.position().to_array(),
                color,
                across: [offset.x, offset.y, reach],
                along,
            }
        };
        let (v0, i0) = (self.buffers.vertices.len(), self.buffers.indices.len());
        if cap != LineCap::Butt {
            self.stroke.tessellate_path(
                &to_lyon(path),
                &opts,
                &mut BuffersBuilder::new(&mut self.buffers, |v: StrokeVertex| vertex(v, MID)),
            )?;
            split_strips(&mut self.buffers, v0, i0, scale);
            return Ok(());
        }
        // Butt ends: each open sub-path is prolonged half a pixel at both ends
        // and fades over that pixel along its length (`along`).
        let half = 0.5 / scale;
        for sub in sub_paths(path) {
            let first = self.buffers.vertices.len();
            let (lyon_path, closed) = prolonged(&sub, half);
            self.stroke.tessellate_path(
                &lyon_path,
                &opts,
                &mut BuffersBuilder::new(&mut self.buffers, |v: StrokeVertex| {
                    // Distance from the start in pixels; to the end once the length is known.
                    let along = v.advancement() * scale;
                    vertex(v, [along, 0.0])
                }),
            )?;
            let added = &mut self.buffers.vertices[first..];
            let total = added.iter().map(|v| v.along[0]).fold(0.0f32, f32::max);
            for v in added {
                v.along = if closed {
                    MID
                } else {
                    [v.along[0], total - v.along[0]]
                };
            }
        }
        split_strips(&mut self.buffers, v0, i0, scale);
        Ok(())
    }
}

/// Makes the `across` offsets of the stroke triangles appended since
/// (`v0`, `i0`) exact under linear interpolation. lyon shares a vertex
/// between the strips of two segments at a join; its offset from the join
/// point is not perpendicular to either segment (at a right-angle join it is
/// the diagonal), and interpolated along the whole segment it would fade the
/// stroke towards the corner. So every triangle gets its own vertices: in a
/// triangle spanning a segment (vertices on different path points) each
/// offset keeps only its component across that segment; a triangle around
/// one path point (a round cap or join) keeps the radial offsets.
fn split_strips(buffers: &mut VertexBuffers<Vertex, u32>, v0: usize, i0: usize, scale: f32) {
    let tri_indices = buffers.indices.split_off(i0);
    let shared = buffers.vertices.split_off(v0);
    let on_path = |v: &Vertex| Vec2::from(v.position) - Vec2::new(v.across[0], v.across[1]) / scale;
    let eps = 1e-4 / scale;
    buffers.vertices.reserve(tri_indices.len());
    buffers.indices.reserve(tri_indices.len());
    for t in tri_indices.chunks_exact(3) {
        let vs = [t[0], t[1], t[2]].map(|i| shared[i as usize - v0]);
        let ps = vs.map(|v| on_path(&v));
        // The segment: the two path points farthest apart.
        let (mut a, mut b, mut far) = (ps[0], ps[0], 0.0);
        for i in 0..3 {
            for j in i + 1..3 {
                let d = ps[i].distance_squared(ps[j]);
                if d > far {
                    (a, b, far) = (ps[i], ps[j], d);
                }
            }
        }
        let offsets = vs.map(|v| Vec2::new(v.across[0], v.across[1]));
        let set = |mut v: Vertex, off: Vec2| {
            v.across[0] = off.x;
            v.across[1] = off.y;
            v
        };
        let mut emit = |tri: [Vertex; 3]| {
            let base = buffers.vertices.len() as u32;
            buffers.vertices.extend_from_slice(&tri);
            buffers.indices.extend_from_slice(&[base, base + 1, base + 2]);
        };
        if far > eps * eps {
            let dir = (b - a).normalize_or_zero();
            emit([0, 1, 2].map(|k| set(vs[k], offsets[k] - dir * offsets[k].dot(dir))));
            continue;
        }
        // Around one path point: radial offsets are exact for caps and the
        // outside of joins. The inner corner of a join is a vertex farther
        // from the point than the stroke reaches; radially it would leave the
        // corner uncovered. Split at the point: each half measures across the
        // segment on its side.
        let Some(m) = (0..3).find(|&k| offsets[k].length() > vs[k].across[2] * 1.001) else {
            emit(vs);
            continue;
        };
        let (i, j) = ((m + 1) % 3, (m + 2) % 3);
        let mut centre = set(vs[i], Vec2::ZERO);
        centre.position = ps[m].to_array();
        centre.along = [
            (vs[i].along[0] + vs[j].along[0]) * 0.5,
            (vs[i].along[1] + vs[j].along[1]) * 0.5,
        ];
        for (side, order) in [(i, [m, i, 3]), (j, [m, 3, j])] {
            let u = offsets[side].normalize_or_zero();
            let inner = set(vs[m], u * offsets[m].dot(u));
            let pick = |k: usize| match k {
                3 => centre,
                k if k == m => inner,
                k => vs[k],
            };
            emit(order.map(pick));
        }
    }
}

/// The path's sub-paths (split at each move-to).
fn sub_paths(path: &PathData) -> Vec<PathData> {
    let mut out: Vec<PathData> = Vec::new();
    for c in &path.cmds {
        if matches!(c, PathCmd::MoveTo(_)) || out.is_empty() {
            out.push(PathData::new());
        }
        if let Some(last) = out.last_mut() {
            last.cmds.push(*c);
        }
    }
    out
}

/// `sub` as a lyon path, prolonged by `by` scene units along its end
/// tangents when it is open; and whether it is closed.
fn prolonged(sub: &PathData, by: f32) -> (Path, bool) {
    let closed = sub.cmds.iter().any(|c| matches!(c, PathCmd::Close));
    let (Some((start, start_dir)), Some((end, end_dir))) = (start_tangent(sub), end_tangent(sub)) else {
        return (to_lyon(sub), closed);
    };
    if closed {
        return (to_lyon(sub), true);
    }
    let mut longer = PathData::new();
    longer.move_to(start - start_dir * by).line_to(start);
    longer.cmds.extend(sub.cmds.iter().skip(1).copied());
    longer.line_to(end + end_dir * by);
    (to_lyon(&longer), false)
}

/// The first point of a sub-path and the unit direction it leaves in.
fn start_tangent(sub: &PathData) -> Option<(Vec2, Vec2)> {
    let PathCmd::MoveTo(a) = *sub.cmds.first()? else {
        return None;
    };
    let dir = match *sub.cmds.get(1)? {
        PathCmd::LineTo(p) => p - a,
        PathCmd::QuadTo(c, p) => first_nonzero(&[c - a, p - a]),
        PathCmd::CubicTo(c1, c2, p) => first_nonzero(&[c1 - a, c2 - a, p - a]),
        PathCmd::MoveTo(_) | PathCmd::Close => return None,
    };
    Some((a, dir.normalize_or_zero()))
}

/// The last point of a sub-path and the unit direction it arrives in.
fn end_tangent(sub: &PathData) -> Option<(Vec2, Vec2)> {
    let mut prev = None;
    let mut last = None;
    for c in &sub.cmds {
        let (p, from) = match *c {
            PathCmd::MoveTo(p) => (p, p),
            PathCmd::LineTo(p) => (p, prev.unwrap_or(p)),
            PathCmd::QuadTo(c, p) => (p, if c == p { prev.unwrap_or(p) } else { c }),
            PathCmd::CubicTo(c1, c2, p) => (
                p,
                if c2 != p {
                    c2
                } else if c1 != p {
                    c1
                } else {
                    prev.unwrap_or(p)
                },
            ),
            PathCmd::Close => return None,
        };
        last = Some((p, (p - from).normalize_or_zero()));
        prev = Some(p);
    }
    last
}

fn first_nonzero(v: &[Vec2]) -> Vec2 {
    v.iter()
        .copied()
        .find(|d| d.length_squared() > 0.0)
        .unwrap_or(Vec2::ZERO)
}

/// Flattens `path` into closed polygons (a fill closes every sub-path),
/// without repeated points; polygons with fewer than three points are dropped.
fn flatten_closed(path: &Path, tolerance: f32) -> Vec<Vec<Vec2>> {
    let mut out = Vec::new();
    let mut cur: Vec<Vec2> = Vec::new();
    let eps = tolerance * 1e-3;
    let mut finish = |cur: &mut Vec<Vec2>| {
        while cur.len() > 1 && cur[0].distance(cur[cur.len() - 1]) <= eps {
            cur.pop();
        }
        if cur.len() >= 3 {
            out.push(std::mem::take(cur));
        }
        cur.clear();
    };
    for event in path.iter().flattened(tolerance) {
        match event {
            PathEvent::Begin { at } => {
                finish(&mut cur);
                cur.push(Vec2::new(at.x, at.y));
            }
            PathEvent::Line { to, .. } => {
                let p = Vec2::new(to.x, to.y);
                if cur.last().is_none_or(|q| q.distance(p) > eps) {
                    cur.push(p);
                }
            }
            PathEvent::End { .. } => finish(&mut cur),
            PathEvent::Quadratic { .. } | PathEvent::Cubic { .. } => {}
        }
    }
    finish(&mut cur);
    out
}

/// Left-hand normal of a direction (the side `interior_side` measures).
fn left(d: Vec2) -> Vec2 {
    Vec2::new(-d.y, d.x)
}

/// +1 when the filled region (non-zero rule, over all `contours`) lies on
/// the left of `contour`'s edges, -1 when on the right. Decided by the
/// winding number just beside the midpoint of its longest edge.
fn interior_side(contour: &[Vec2], contours: &[Vec<Vec2>]) -> f32 {
    let n = contour.len();
    let (mut a, mut b) = (contour[0], contour[1 % n]);
    for i in 0..n {
        let (p, q) = (contour[i], contour[(i + 1) % n]);
        if p.distance_squared(q) > a.distance_squared(b) {
            (a, b) = (p, q);
        }
    }
    let d = (b - a).normalize_or_zero();
    let eps = (a.distance(b) * 1e-3).max(1e-4);
    let mid = (a + b) * 0.5;
    let inside = |p: Vec2| contours.iter().map(|c| winding(c, p)).sum::<i32>() != 0;
    match (inside(mid + left(d) * eps), inside(mid - left(d) * eps)) {
        (true, false) => 1.0,
        (false, true) => -1.0,
        // Degenerate (both sides filled or neither): fall back to the
        // contour's own orientation.
        _ => {
            if signed_area(contour) >= 0.0 {
                1.0
            } else {
                -1.0
            }
        }
    }
}

/// Winding number of `polygon` around `p` (crossings of a ray towards +x).
fn winding(polygon: &[Vec2], p: Vec2) -> i32 {
    let mut w = 0;
    let n = polygon.len();
    for i in 0..n {
        let (a, b) = (polygon[i], polygon[(i + 1) % n]);
        let side = (b - a).perp_dot(p - a);
        if a.y <= p.y {
            if b.y > p.y && side > 0.0 {
                w += 1;
            }
        } else if b.y <= p.y && side < 0.0 {
            w -= 1;
        }
    }
    w
}

/// The signed area, positive when the interior is on the left.
fn signed_area(polygon: &[Vec2]) -> f32 {
    let n = polygon.len();
    (0..n)
        .map(|i| polygon[i].perp_dot(polygon[(i + 1) % n]))
        .sum::<f32>()
        * 0.5
}

/// For each vertex of a closed polygon, the mitre vector towards the interior
/// (`side` from [`interior_side`]): offsetting every vertex by `m * h` moves
/// each edge `h` inward. Capped at [`MITRE_LIMIT`].
fn mitres(polygon: &[Vec2], side: f32) -> Vec<Vec2> {
    let n = polygon.len();
    let normal = |i: usize| left((polygon[(i + 1) % n] - polygon[i]).normalize_or_zero()) * side;
    (0..n)
        .map(|i| {
            let (n0, n1) = (normal((i + n - 1) % n), normal(i));
            let denom = 1.0 + n0.dot(n1);
            if denom < 1e-6 {
                return Vec2::ZERO;
            }
            let m = (n0 + n1) / denom;
            let len = m.length();
            if len > MITRE_LIMIT {
                m * (MITRE_LIMIT / len)
            } else {
                m
            }
        })
        .collect()
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
        let mesh = tessellate(&s, 1.0, Antialias::Off).unwrap();
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
        let m1 = tessellate(&s, 1.0, Antialias::Off).unwrap();
        let m2 = tessellate(&s, 4.0, Antialias::Off).unwrap();
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
            path: PathData::polyline(&[Vec2::new(10.0, 10.0), Vec2::new(90.0, 10.0)], false).into(),
            paint: Paint::Stroke {
                color: Color::BLACK,
                width: 4.0,
                cap: LineCap::Butt,
            },
        });
        let mesh = tessellate(&s, 1.0, Antialias::Off).unwrap();
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
        let mesh = tessellate(&s, 1.0, Antialias::Off).unwrap();
        assert_eq!(mesh.vertices[0].color, c.to_linear_premultiplied());
    }

    /// Area of the triangles whose three vertices all have full coverage across.
    fn solid_area(mesh: &Mesh) -> f32 {
        mesh.indices
            .chunks(3)
            .filter(|t| t.iter().all(|&i| mesh.vertices[i as usize].across == INSIDE))
            .map(|t| {
                let p = |i: u32| Vec2::from(mesh.vertices[i as usize].position);
                ((p(t[1]) - p(t[0])).perp_dot(p(t[2]) - p(t[0])) * 0.5).abs()
            })
            .sum()
    }

    fn square(min: f32, size: f32, clockwise: bool) -> PathData {
        let (a, b) = (min, min + size);
        let pts = if clockwise {
            [(a, a), (a, b), (b, b), (b, a)]
        } else {
            [(a, a), (b, a), (b, b), (a, b)]
        };
        PathData::polyline(&pts.map(|(x, y)| Vec2::new(x, y)), true)
    }

    #[test]
    fn coverage_fill_is_inset_half_a_pixel_and_fringed_to_half_a_pixel_out() {
        for clockwise in [false, true] {
            let mut s = Snapshot::new(100, 100, Color::WHITE);
            s.fill(square(10.0, 10.0, clockwise), Color::BLACK);
            // At scale 2 half a pixel is 0.25 scene units.
            let mesh = tessellate(&s, 2.0, Antialias::Coverage).unwrap();
            assert!(
                (solid_area(&mesh) - 9.5 * 9.5).abs() < 1e-3,
                "{}",
                solid_area(&mesh)
            );
            // The whole mesh covers the square grown by 0.25 on each side.
            assert!((area(&mesh) - 10.5 * 10.5).abs() < 1e-3, "{}", area(&mesh));
            // Fringe vertices: full coverage on the inset, none on the outset.
            let xs: Vec<f32> = mesh
                .vertices
                .iter()
                .filter(|v| v.across == OUTSIDE)
                .map(|v| v.position[0])
                .collect();
            assert!(xs.iter().all(|&x| x == 9.75 || x == 20.25), "{xs:?}");
        }
    }

    #[test]
    fn coverage_fill_keeps_holes_open_and_grows_them() {
        // Outer square and a reversed inner one: a ring under the non-zero rule.
        let mut ring = square(0.0, 20.0, false);
        ring.extend(&square(5.0, 10.0, true));
        let mut s = Snapshot::new(100, 100, Color::WHITE);
        s.fill(ring, Color::BLACK);
        let mesh = tessellate(&s, 1.0, Antialias::Coverage).unwrap();
        // Inset outer 19×19 minus the hole grown to 11×11.
        let expected = 19.0 * 19.0 - 11.0 * 11.0;
        assert!(
            (solid_area(&mesh) - expected).abs() < 1e-2,
            "{}",
            solid_area(&mesh)
        );
    }

    #[test]
    fn sharp_spikes_are_mitred_within_the_limit() {
        let mut s = Snapshot::new(100, 100, Color::WHITE);
        s.fill(PathData::parse_svg("M 0 0 L 50 1 L 0 2 Z").unwrap(), Color::BLACK);
        let mesh = tessellate(&s, 1.0, Antialias::Coverage).unwrap();
        for v in &mesh.vertices {
            let p = Vec2::from(v.position);
            assert!(
                p.x > -0.5 * MITRE_LIMIT - 1e-3 && p.x < 50.0 + 0.5 * MITRE_LIMIT + 1e-3,
                "{p}"
            );
        }
    }

    fn stroked(d: &str, width: f32, cap: LineCap, scale: f32) -> Mesh {
        let mut s = Snapshot::new(100, 100, Color::WHITE);
        s.items.push(crate::snapshot::DrawItem {
            path: PathData::parse_svg(d).unwrap().into(),
            paint: Paint::Stroke {
                color: Color::BLACK,
                width,
                cap,
            },
        });
        tessellate(&s, scale, Antialias::Coverage).unwrap()
    }

    #[test]
    fn coverage_strokes_reach_half_a_pixel_past_the_edge() {
        // 3 px wide at scale 1: geometry 4 px wide, offsets ±2 px, reach 2.
        let mesh = stroked("M 10 10 L 90 10", 3.0, LineCap::Round, 1.0);
        for v in &mesh.vertices {
            let offset = Vec2::new(v.across[0], v.across[1]).length();
            assert!((offset - 2.0).abs() < 1e-3 && v.across[2] == 2.0, "{v:?}");
            assert_eq!(v.along, MID);
        }
        // Scale 2: the same stroke is 6 px wide; offsets are in pixels.
        let mesh = stroked("M 10 10 L 90 10", 3.0, LineCap::Round, 2.0);
        assert!(mesh.vertices.iter().all(|v| v.across[2] == 3.5));
    }

    #[test]
    fn butt_ends_are_prolonged_and_fade_along_the_path() {
        let mesh = stroked("M 10 10 L 90 10", 2.0, LineCap::Butt, 1.0);
        let xs: Vec<f32> = mesh.vertices.iter().map(|v| v.position[0]).collect();
        assert!(xs.iter().all(|&x| (9.5..=90.5).contains(&x)), "{xs:?}");
        for v in &mesh.vertices {
            // from start + to end = the prolonged length, 81 px.
            assert!((v.along[0] + v.along[1] - 81.0).abs() < 1e-3, "{v:?}");
            if v.position[0] == 9.5 {
                assert_eq!(v.along[0], 0.0);
            }
        }
    }

    #[test]
    fn strokes_thinner_than_a_pixel_are_one_pixel_and_fainter() {
        let mesh = stroked("M 10 10 L 90 10", 0.25, LineCap::Round, 1.0);
        for v in &mesh.vertices {
            assert_eq!(v.across[2], 1.0);
            assert!((v.color[3] - 0.25).abs() < 1e-6, "{:?}", v.color);
        }
    }

    #[test]
    fn other_modes_have_hard_edges() {
        for aa in [Antialias::Msaa4, Antialias::Off] {
            let mut s = Snapshot::new(100, 100, Color::WHITE);
            s.fill(square(10.0, 10.0, false), Color::BLACK);
            let mesh = tessellate(&s, 1.0, aa).unwrap();
            assert!(mesh.vertices.iter().all(|v| v.across == INSIDE && v.along == MID));
            assert!((area(&mesh) - 100.0).abs() < 1e-3);
        }
    }

    #[test]
    fn the_cache_gives_the_same_mesh_and_forgets_what_is_gone() {
        let frame = |x: f32| {
            let mut s = Snapshot::new(100, 100, Color::WHITE);
            s.fill(square(10.0, 10.0, false), Color::BLACK);
            s.stroke(
                PathData::parse_svg(&format!("M {x} 50 L 90 50")).unwrap(),
                Color::BLACK,
                2.0,
            );
            s
        };
        let mut cache = TessCache::new();
        for (i, x) in [10.0, 10.0, 20.0, 30.0].into_iter().enumerate() {
            let s = frame(x);
            let cached =
                tessellate_cached(&s, 1.0, Antialias::Coverage, &mut cache, 0..s.items.len(), None).unwrap();
            assert_eq!(
                cached,
                tessellate(&s, 1.0, Antialias::Coverage).unwrap(),
                "frame {i}"
            );
        }
        // The square was tessellated once; the moving line on every frame but the repeat.
        assert_eq!((cache.hits, cache.misses), (4, 4));
        // The square and the line of frames 0-1 were drawn twice: static,
        // kept; so are the lines of the previous and current frames.
        assert_eq!(cache.len(), 4);
        for x in [40.0, 50.0] {
            let s = frame(x);
            tessellate_cached(&s, 1.0, Antialias::Coverage, &mut cache, 0..s.items.len(), None).unwrap();
        }
        // Lines drawn in one frame only are gone two frames later.
        assert_eq!(cache.len(), 4);
        assert_eq!(cache.misses, 6);
        // Another scale or mode starts afresh.
        let f = frame(30.0);
        tessellate_cached(&f, 2.0, Antialias::Coverage, &mut cache, 0..f.items.len(), None).unwrap();
        assert_eq!(cache.misses, 8);
    }

    #[test]
    fn vertex_layout_matches_the_shader() {
        // VertexIn in shaders/fill.wgsl: vec2<f32> at 0, vec4<f32> at 8.
        // VertexIn: vec2<f32> at 0, vec4<f32> at 8, vec3<f32> at 24, vec2<f32> at 36.
        assert_eq!(std::mem::size_of::<Vertex>(), 44);
        assert_eq!(std::mem::offset_of!(Vertex, color), 8);
        assert_eq!(std::mem::offset_of!(Vertex, across), 24);
        assert_eq!(std::mem::offset_of!(Vertex, along), 36);
    }
}
