//! lyon's tessellators and the coverage anti-aliasing built on them (see
//! the [`super`] overview): one item at a time into a [`Mesh`]'s buffers.

use glam::Vec2;
use lyon::path::iterator::PathIterator;
use lyon::path::{FillRule, LineCap as LyonCap, LineJoin, Path, PathEvent};
use lyon::tessellation::{
    BuffersBuilder, FillOptions, FillTessellator, FillVertex, StrokeOptions, StrokeTessellator, StrokeVertex,
    VertexBuffers,
};

use crate::geom::{PathCmd, PathData};
use crate::snapshot::LineCap;

use super::mesh::{Antialias, Vertex, TOLERANCE_PX};
/// Coverage across of a vertex inside a shape: full.
pub(super) const INSIDE: [f32; 3] = [0.0, 0.0, 1.0];
/// Coverage across of a vertex on the outer edge of a fill's fringe: none.
pub(super) const OUTSIDE: [f32; 3] = [1.0, 0.0, 1.0];
/// Coverage along of a vertex not near a butt end: full.
pub(super) const MID: [f32; 2] = [1.0, 1.0];
/// Mitre offsets are capped at this many times the half-pixel offset, so a
/// sharp spike (an arrow tip, a glyph serif) is not pushed far away.
pub(super) const MITRE_LIMIT: f32 = 4.0;

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

/// lyon's tessellators and the buffers they append to.
pub(super) struct Tessellator {
    pub(super) buffers: VertexBuffers<Vertex, u32>,
    fill: FillTessellator,
    stroke: StrokeTessellator,
    /// Output pixels per scene unit.
    scale: f32,
    /// Flattening tolerance in scene units.
    tolerance: f32,
    /// Generate coverage terms ([`Antialias::Coverage`]).
    coverage: bool,
}

pub(super) type LyonResult = Result<(), lyon::tessellation::TessellationError>;

impl Tessellator {
    /// Tessellators for `scale` output pixels per scene unit (at least 1e-3),
    /// with coverage terms when `aa` asks for them.
    pub(super) fn new(scale: f32, aa: Antialias) -> Tessellator {
        let scale = scale.max(1e-3);
        Tessellator {
            buffers: VertexBuffers::new(),
            fill: FillTessellator::new(),
            stroke: StrokeTessellator::new(),
            scale,
            tolerance: TOLERANCE_PX / scale,
            coverage: aa == Antialias::Coverage,
        }
    }

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

    pub(super) fn fill(&mut self, path: &PathData, color: [f32; 4]) -> LyonResult {
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

    pub(super) fn stroke(
        &mut self,
        path: &PathData,
        color: [f32; 4],
        width: f32,
        cap: LineCap,
    ) -> LyonResult {
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
