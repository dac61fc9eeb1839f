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

use crate::geom::PathCmd;
use crate::snapshot::{DrawItem, Paint, Snapshot};

mod build;
mod mesh;

pub use build::to_lyon;
use build::Tessellator;
pub use mesh::{Antialias, ImageQuad, Mesh, MeshPart, TessError, Vertex, TOLERANCE_PX};

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
    let mut t = Tessellator::new(scale, aa);
    let scale = scale.max(1e-3);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
