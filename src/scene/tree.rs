//! The element tree walk: each element resolved by its kind's module, in
//! file order, with its group's offset; containers laid out
//! (`super::arrange`) from their children's measured boxes; elements with
//! `place` moved next to the element they name; arrows last, once every
//! other element has its bounds.
//!
//! Measuring is resolving: a subtree is resolved once where it would sit
//! with no offset, its bounds read, and the elements it added dropped again
//! (memoised per spec, so nesting costs one extra resolve per level, not a
//! doubling). Resolution is translation-invariant (every point goes through
//! `LoadCx::at`), so the real resolve at the solved offset lands the box
//! exactly where the layout put it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use glam::Vec2;

use super::arrange::{self, Align, ArrangeError, Reflow, Side};
use super::error::SceneError;
use super::limits;
use super::model::{Element, ElementSpec, Kind};
use super::nav;
use super::theme::Theme;
use super::widgets::{arrow, Elements, LoadCx, PlaceSpec};
use super::Loader;
use crate::geom::Rect;

/// What resolving a scene keeps between elements.
pub(super) struct Ctx<'a> {
    loader: &'a Loader,
    path: &'a Path,
    src: &'a str,
    theme: Arc<Theme>,
    /// Where each element starts in `src`, by element index.
    element_offsets: Vec<usize>,
    pub(super) elements: Vec<Element>,
    pub(super) by_name: HashMap<String, usize>,
    /// Files read for this scene besides the scene file and the theme (data,
    /// images); a cell, as the widgets only borrow the context.
    pub(super) inputs: std::cell::RefCell<Vec<PathBuf>>,
    /// Each measured subtree's box, relative to the offset it was resolved
    /// with, by the address of its spec (stable while the file is loaded).
    measured: HashMap<usize, Rect>,
}

/// Where the walk resolves an element.
#[derive(Clone, Copy)]
struct At {
    parent: Option<usize>,
    offset: Vec2,
    depth: usize,
    /// The parent is a container: it places the element.
    in_container: bool,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(loader: &'a Loader, path: &'a Path, src: &'a str, theme: Arc<Theme>) -> Ctx<'a> {
        Ctx {
            loader,
            path,
            src,
            theme,
            element_offsets: nav::element_starts(src),
            elements: Vec::new(),
            by_name: HashMap::new(),
            inputs: Default::default(),
            measured: HashMap::new(),
        }
    }

    /// An error at `offset`, or about the whole file when it is unknown.
    fn err_at(&self, offset: Option<usize>, message: impl Into<String>) -> SceneError {
        match offset {
            Some(o) => SceneError::at_offset(self.path, self.src, o, message),
            None => SceneError::whole_file(self.path, message),
        }
    }

    /// An error about element `id` as a whole: the caret is on its kind.
    pub(super) fn element_err(&self, id: usize, message: impl Into<String>) -> SceneError {
        self.err_at(self.element_offsets.get(id).copied(), message)
    }

    /// An error about the value at `field` of element `id`: the caret is on
    /// the value, or on the element when the field is not written (a default).
    fn field_err(&self, id: usize, field: &str, message: impl Into<String>) -> SceneError {
        let start = self.element_offsets.get(id).copied();
        let off = start.and_then(|s| nav::path(self.src, s, field));
        self.err_at(off.or(start), message)
    }

    /// Whether element `id` writes `field`.
    fn writes(&self, id: usize, field: &str) -> bool {
        let start = self.element_offsets.get(id).copied();
        start.and_then(|s| nav::field(self.src, s, field)).is_some()
    }

    /// Element `index`'s view of the scene, inside a group at `offset`.
    fn load_cx<'c>(
        &'c self,
        view: &'c Elements<'c>,
        index: usize,
        offset: Vec2,
        slot: Option<Rect>,
        parent: Option<usize>,
    ) -> LoadCx<'c> {
        LoadCx {
            path: self.path,
            src: self.src,
            theme: &self.theme,
            fonts: self.loader.fonts(),
            root: self.loader.root(),
            index,
            start: self.element_offsets.get(index).copied(),
            offset,
            slot,
            parent,
            declared: view,
            inputs: &self.inputs,
        }
    }

    /// Drops the elements from `len` on (a measuring pass).
    fn truncate(&mut self, len: usize) {
        for e in self.elements.drain(len..) {
            if let Some(n) = e.name {
                self.by_name.remove(&n);
            }
        }
    }
}

/// Resolves the scene's top-level elements and then its arrows.
pub(super) fn add_all(ctx: &mut Ctx<'_>, specs: &[ElementSpec]) -> Result<(), SceneError> {
    let top = At {
        parent: None,
        offset: Vec2::ZERO,
        depth: 0,
        in_container: false,
    };
    for spec in specs {
        add_element(ctx, spec, top)?;
    }
    place_arrows(ctx)
}

/// The box `spec`'s subtree takes when resolved at `at`, relative to
/// `at.offset`. `id` is the element's number in the file (depth first):
/// the earlier siblings it is measured without are stood in for by hidden
/// copies of its parent, so that an error inside it points at its own line.
fn measure(ctx: &mut Ctx<'_>, spec: &ElementSpec, at: At, id: usize) -> Result<Rect, SceneError> {
    let key = spec as *const ElementSpec as usize;
    if let Some(r) = ctx.measured.get(&key) {
        return Ok(*r);
    }
    let len = ctx.elements.len();
    if let Some(parent) = at.parent.filter(|_| id > len) {
        let filler = Element {
            name: None,
            hidden: true,
            ..ctx.elements[parent].clone()
        };
        ctx.elements.resize(id, filler);
    }
    let zero = At {
        offset: Vec2::ZERO,
        ..at
    };
    let i = resolve_at(ctx, spec, zero)?;
    let b = ctx.elements[i].bounds;
    ctx.truncate(len);
    ctx.measured.insert(key, b);
    Ok(b)
}

/// Resolves `spec` (and its children) into `ctx.elements`, moved next to
/// the element its `place` names, if it names one.
fn add_element(ctx: &mut Ctx<'_>, spec: &ElementSpec, at: At) -> Result<usize, SceneError> {
    let index = ctx.elements.len();
    let common = spec.common();
    let Some(place) = &common.place else {
        if !at.in_container && spec.placed_by_at() && !ctx.writes(index, "at") {
            return Err(ctx.element_err(
                index,
                "missing field `at`: where the element goes (see docs/scene-format.md for what `at` means for each kind), or `place: Below(of: \"name\")` next to another element, or put it in a Row, Column, Grid or Stack",
            ));
        }
        return resolve_at(ctx, spec, at);
    };
    if at.in_container {
        return Err(ctx.field_err(
            index,
            "place",
            "place has no effect inside a Row, Column, Grid or Stack: the container places its children",
        ));
    }
    if ctx.writes(index, "at") && spec.placed_by_at() {
        return Err(ctx.field_err(
            index,
            "at",
            "`at` and `place` both say where the element goes: keep one",
        ));
    }
    if matches!(spec, ElementSpec::Arrow(_)) {
        return Err(ctx.field_err(
            index,
            "place",
            "an Arrow is placed by its ends (`from`, `to`), not by `place`",
        ));
    }
    let rel = measure(ctx, spec, at, index)?;
    let here = Rect {
        min: rel.min + at.offset,
        max: rel.max + at.offset,
    };
    let delta = placement(ctx, index, at, place, here)?;
    let i = resolve_at(
        ctx,
        spec,
        At {
            offset: at.offset + delta,
            ..at
        },
    )?;
    // A changing element is placed again every frame, from where it was before `place`.
    ctx.elements[i].offset = at.offset;
    Ok(i)
}

/// How far an element whose box is `here` moves to sit where `place` says.
fn placement(ctx: &Ctx<'_>, index: usize, at: At, place: &PlaceSpec, here: Rect) -> Result<Vec2, SceneError> {
    place_delta(&ctx.elements, &ctx.by_name, at.parent, place, here)
        .map_err(|(f, m)| ctx.field_err(index, &f, m))
}

/// How far an element in group `parent` whose box is `here` moves to sit
/// where `place` says, among the `elements` resolved so far; or the field
/// at fault and why (shared with changing elements, placed every frame).
pub(super) fn place_delta(
    elements: &[Element],
    by_name: &HashMap<String, usize>,
    parent: Option<usize>,
    place: &PlaceSpec,
    here: Rect,
) -> Result<Vec2, (String, String)> {
    let of = place.of();
    let field = |f: &str| format!("place.{f}");
    let Some(&r) = by_name.get(of) else {
        return Err((
            field("of"),
            format!(
                "place: no element named \"{of}\" is declared before this one; an element is placed next to one written above it (so placements can never form a cycle)"
            ),
        ));
    };
    let mut p = parent;
    while let Some(a) = p {
        if a == r {
            return Err((
                field("of"),
                format!(
                    "place: \"{of}\" holds this element; place it next to an element outside its own group"
                ),
            ));
        }
        p = elements[a].parent;
    }
    let target = &elements[r];
    if matches!(target.kind, Kind::Arrow(_)) {
        return Err((
            field("of"),
            format!("place: \"{of}\" is an Arrow, whose box is known only after every element is placed"),
        ));
    }
    let (reference, side, gap, align) = match place {
        PlaceSpec::Data { x, y, side, gap, .. } => {
            let Some(map) = target.kind.widget().caps().chart else {
                return Err((
                    field("of"),
                    format!("place: \"{of}\" has no data coordinates (a LineChart or Scatter has)"),
                ));
            };
            let Some(p) = map.point(*x, *y) else {
                let (xr, yr) = (map.x_range, map.y_range);
                return Err((
                    field("x"),
                    format!(
                        "place: the data point ({x}, {y}) is outside \"{of}\"'s ranges (x {}..{}, y {}..{})",
                        xr.0, xr.1, yr.0, yr.1
                    ),
                ));
            };
            let side = side.unwrap_or(Side::On);
            let gap = gap.unwrap_or(if side == Side::On { 0.0 } else { DATA_GAP });
            (Rect { min: p, max: p }, side, gap, Align::Center)
        }
        _ => {
            let (side, gap, align) = place.side_gap_align().map_err(|m| (field("align"), m))?;
            (target.bounds, side, gap.unwrap_or(PLACE_GAP), align)
        }
    };
    if !(gap.is_finite() && gap.abs() <= limits::MAX_COORD) {
        return Err((
            field("gap"),
            format!("place: gap must be a finite number of px, got {gap}"),
        ));
    }
    Ok(arrange::place_next_to(here, reference, side, gap, align))
}

/// The gap `place` leaves when none is written, and next to a data point.
pub const PLACE_GAP: f32 = 24.0;
const DATA_GAP: f32 = 10.0;

/// Resolves `spec` at `at` (no placement), its children after it.
fn resolve_at(ctx: &mut Ctx<'_>, spec: &ElementSpec, at: At) -> Result<usize, SceneError> {
    let common = spec.common();
    // Elements are numbered depth first, as `nav::element_starts` finds them.
    let index = ctx.elements.len();
    let nests = !spec.children().is_empty() || matches!(spec, ElementSpec::Group(_));
    // `depth` groups hold this element; a group here would be one more.
    if nests && at.depth >= limits::MAX_DEPTH {
        return Err(ctx.element_err(
            index,
            format!(
                "groups and containers are nested deeper than {}",
                limits::MAX_DEPTH
            ),
        ));
    }
    if index >= limits::MAX_ELEMENTS {
        return Err(ctx.element_err(index, format!("more than {} elements", limits::MAX_ELEMENTS)));
    }
    if at.in_container && spec.placed_by_at() && ctx.writes(index, "at") {
        return Err(ctx.field_err(
            index,
            "at",
            "`at` has no effect inside a Row, Column, Grid or Stack: the container places its children (leave `at` out)",
        ));
    }
    if let Some(n) = common.name.as_deref() {
        if n.is_empty() || n.contains('.') || n.contains(char::is_whitespace) {
            return Err(ctx.field_err(
                index,
                "name",
                format!("invalid name \"{n}\": use letters, digits, - and _"),
            ));
        }
        if ctx.by_name.contains_key(n) {
            return Err(ctx.field_err(
                index,
                "name",
                format!("duplicate name \"{n}\": each element needs its own name"),
            ));
        }
    }
    let opacity = common.opacity.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&opacity) {
        return Err(ctx.field_err(
            index,
            "opacity",
            format!("opacity must be within 0..=1, got {opacity}"),
        ));
    }
    let rotation = common.rotation.unwrap_or(0.0);
    if !(rotation.is_finite() && rotation.abs() <= 36_000.0) {
        return Err(ctx.field_err(
            index,
            "rotation",
            format!("rotation must be a finite number of degrees (|r| ≤ 36000), got {rotation}"),
        ));
    }
    let container = {
        let view = Elements {
            elements: &ctx.elements,
            by_name: &ctx.by_name,
        };
        let cx = ctx.load_cx(&view, index, at.offset, None, at.parent);
        spec.container(&cx)?.map(|c| (c.flow, c.at, c.anchor, c.reflow))
    };
    let resolve = |ctx: &mut Ctx<'_>, slot: Option<Rect>| {
        let view = Elements {
            elements: &ctx.elements,
            by_name: &ctx.by_name,
        };
        spec.resolve(&ctx.load_cx(&view, index, at.offset, slot, at.parent))
    };
    let (kind, origin, mut bounds) = resolve(ctx, None)?;
    // Reserve the slot so children come after their parent.
    ctx.elements.push(Element {
        name: common.name.clone(),
        parent: at.parent,
        opacity,
        hidden: common.hidden,
        offset: at.offset,
        rotation,
        origin,
        bounds,
        params: kind.widget().params(),
        kind,
    });
    if let Some(n) = &common.name {
        ctx.by_name.insert(n.clone(), index);
    }
    let inner = At {
        parent: Some(index),
        offset: origin,
        depth: at.depth + 1,
        in_container: container.is_some(),
    };
    if let Some((flow, anchor_at, anchor, reflow)) = container {
        let children = spec.children();
        let mut rels = Vec::with_capacity(children.len());
        for (k, child) in children.iter().enumerate() {
            let ci = nth_child_index(ctx, index, k).unwrap_or(ctx.elements.len());
            if matches!(child, ElementSpec::Arrow(_)) {
                return Err(ctx.element_err(
                    ci,
                    "an Arrow joins two elements and takes no room: write it after the container, not inside it",
                ));
            }
            rels.push(measure(ctx, child, inner, ci)?);
        }
        let sizes: Vec<Vec2> = rels.iter().map(|r| r.size()).collect();
        let solved = arrange::solve(&flow, &sizes, None).map_err(|e| match e {
            ArrangeError::TooLarge { index: k, message } => {
                let ci = nth_child_index(ctx, index, k).unwrap_or(index);
                ctx.element_err(ci, message)
            }
            ArrangeError::Engine(m) => ctx.element_err(index, format!("layout failed: {m}")),
        })?;
        let min = anchor_at - anchor.fraction() * solved.size;
        let rect = Rect {
            min,
            max: min + solved.size,
        };
        let (kind, origin, b) = resolve(ctx, Some(rect))?;
        {
            let el = &mut ctx.elements[index];
            el.kind = kind;
            el.origin = origin;
            el.bounds = b;
        }
        bounds = b;
        let mut child_ids = Vec::with_capacity(children.len());
        let mut rest = Vec::with_capacity(children.len());
        for ((child, rel), slot) in children.iter().zip(&rels).zip(&solved.children) {
            let offset = rect.min + slot.min - rel.min;
            child_ids.push(add_element(ctx, child, At { offset, ..inner })?);
            rest.push(Rect {
                min: rect.min + slot.min,
                max: rect.min + slot.max,
            });
        }
        if reflow {
            if let Kind::Row(p) | Kind::Column(p) = &mut ctx.elements[index].kind {
                p.reflow = Some(Arc::new(Reflow {
                    flow,
                    at: anchor_at,
                    anchor,
                    children: child_ids,
                    sizes,
                    rest,
                }));
            }
        }
    } else if matches!(spec, ElementSpec::Group(_)) {
        let mut children: Option<Rect> = None;
        for child in spec.children() {
            let ci = add_element(ctx, child, inner)?;
            let b = ctx.elements[ci].bounds;
            children = Some(children.map_or(b, |r| r.union(&b)));
        }
        bounds = children.unwrap_or(bounds);
        ctx.elements[index].bounds = bounds;
    } else {
        // A formula's or code block's parts: pieces of it, inside its box.
        for child in spec.children() {
            add_element(ctx, child, inner)?;
        }
    }
    check_geometry(ctx, index, origin, bounds)?;
    Ok(index)
}

/// The element index child `k` of the container at `index` will have
/// (children are numbered depth first, after their parent).
fn nth_child_index(ctx: &Ctx<'_>, index: usize, k: usize) -> Option<usize> {
    // The children were measured and dropped again, so count the elements
    // each earlier child's subtree holds in the source.
    let starts = &ctx.element_offsets;
    let parent_start = *starts.get(index)?;
    let parent_end = nav::value_end(ctx.src, parent_start);
    let mut seen = 0;
    let mut i = index + 1;
    while let Some(&s) = starts.get(i) {
        if s >= parent_end {
            return None;
        }
        let end = nav::value_end(ctx.src, s);
        if seen == k {
            return Some(i);
        }
        seen += 1;
        // Skip the child's own subtree.
        i += 1;
        while starts.get(i).is_some_and(|&d| d < end) {
            i += 1;
        }
    }
    None
}

/// Places the arrows, now that every other element has its bounds.
fn place_arrows(ctx: &mut Ctx<'_>) -> Result<(), SceneError> {
    let mut pending = Vec::new();
    for (i, el) in ctx.elements.iter_mut().enumerate() {
        if let Kind::Arrow(a) = &mut el.kind {
            if let Some(spec) = a.pending.take() {
                pending.push((i, *spec));
            }
        }
    }
    let placed = {
        let view = Elements {
            elements: &ctx.elements,
            by_name: &ctx.by_name,
        };
        let cx_of = |i: usize| ctx.load_cx(&view, i, Vec2::ZERO, None, None);
        arrow::place_all(&pending, &cx_of, &view)?
    };
    for (i, p) in placed {
        let el = &mut ctx.elements[i];
        el.origin = p.origin;
        el.bounds = p.bounds;
        el.kind = Kind::Arrow(p.widget);
    }
    Ok(())
}

/// Coordinates within the documented limits: huge or non-finite geometry
/// would stall tessellation or dashing later (stroke widths are checked by
/// the kinds that stroke).
fn check_geometry(ctx: &Ctx<'_>, index: usize, origin: Vec2, b: Rect) -> Result<(), SceneError> {
    match geometry_problem(origin, b) {
        Some(m) => Err(ctx.element_err(index, m)),
        None => Ok(()),
    }
}

/// Why an element's origin or bounds are out of the documented limits, if
/// they are (shared with the per-frame check of changing elements).
pub(super) fn geometry_problem(origin: Vec2, b: Rect) -> Option<String> {
    let within = |v: f32| v.is_finite() && v.abs() <= limits::MAX_COORD;
    let ok = [b.min.x, b.min.y, b.max.x, b.max.y, origin.x, origin.y]
        .into_iter()
        .all(within);
    (!ok).then(|| {
        format!(
            "coordinates must be finite and within ±{} (the frame is at most {} px)",
            limits::MAX_COORD,
            limits::MAX_SIDE
        )
    })
}
