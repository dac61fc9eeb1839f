//! Raw scene file → resolved [`Scene`]: the scene's own fields, the theme,
//! the element tree (each element resolved by its kind's module in
//! [`super::widgets`], arrows last), the timeline ([`super::steps`]) and the
//! checks that need the whole file. Errors point at the element or step
//! they concern.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use glam::Vec2;

use super::error::SceneError;
use super::expand::live::ValueStep;
use super::format::SceneFile;
use super::limits;
use super::model::{Element, ElementSpec, Kind, Scene, StepKind};
use super::nav;
use super::steps;
use super::theme::Theme;
use super::widgets::{arrow, Elements, LoadCx};
use super::Loader;
use crate::geom::Rect;

/// What resolving a scene keeps between elements and steps.
struct Ctx<'a> {
    loader: &'a Loader,
    path: &'a Path,
    src: &'a str,
    theme: Arc<Theme>,
    /// Where each element starts in `src`, by element index.
    element_offsets: Vec<usize>,
    elements: Vec<Element>,
    by_name: HashMap<String, usize>,
    /// Files read for this scene besides the scene file and the theme (data,
    /// images); a cell, as the widgets only borrow the context.
    inputs: std::cell::RefCell<Vec<PathBuf>>,
}

impl Ctx<'_> {
    /// An error at `offset`, or about the whole file when it is unknown.
    fn err_at(&self, offset: Option<usize>, message: impl Into<String>) -> SceneError {
        match offset {
            Some(o) => SceneError::at_offset(self.path, self.src, o, message),
            None => SceneError::whole_file(self.path, message),
        }
    }

    /// An error about element `id` as a whole: the caret is on its kind.
    fn element_err(&self, id: usize, message: impl Into<String>) -> SceneError {
        self.err_at(self.element_offsets.get(id).copied(), message)
    }

    /// An error about the value at `field` of element `id`: the caret is on
    /// the value, or on the element when the field is not written (a default).
    fn field_err(&self, id: usize, field: &str, message: impl Into<String>) -> SceneError {
        let start = self.element_offsets.get(id).copied();
        let off = start.and_then(|s| nav::path(self.src, s, field));
        self.err_at(off.or(start), message)
    }

    /// Element `index`'s view of the scene, inside a group at `offset`.
    fn load_cx<'c>(&'c self, view: &'c Elements<'c>, index: usize, offset: Vec2) -> LoadCx<'c> {
        LoadCx {
            path: self.path,
            src: self.src,
            theme: &self.theme,
            fonts: self.loader.fonts(),
            root: self.loader.root(),
            index,
            start: self.element_offsets.get(index).copied(),
            offset,
            declared: view,
            inputs: &self.inputs,
        }
    }
}

/// The theme a scene asks for, loaded before it is resolved (the expand
/// pass needs its colours).
pub(super) struct ThemeIn {
    pub theme: Arc<Theme>,
    pub path: PathBuf,
}

/// Loads the theme `rel` (relative to the project root; default
/// `assets/theme.ron`) that the scene `src` at `path` asks for.
pub(super) fn theme_for(
    loader: &Loader,
    path: &Path,
    src: &str,
    rel: Option<&str>,
) -> Result<ThemeIn, SceneError> {
    let theme_path = loader.root().join(rel.unwrap_or("assets/theme.ron"));
    let theme = Arc::new(load_theme(path, src, &theme_path)?);
    Ok(ThemeIn {
        theme,
        path: theme_path,
    })
}

pub(super) fn resolve(
    loader: &Loader,
    path: &Path,
    src: &str,
    file: SceneFile,
    theme_in: ThemeIn,
    values: &[(String, f64)],
) -> Result<(Scene, Vec<ValueStep>), SceneError> {
    let whole = |m: String| SceneError::whole_file(path, m);
    let key_offset = |key: &str| nav::field(src, nav::root(src), key);
    let at_key = |key: &str, m: String| match key_offset(key) {
        Some(o) => SceneError::at_offset(path, src, o, m),
        None => whole(m),
    };
    let (w, h) = file.size;
    if w == 0 || h == 0 || w > limits::MAX_SIDE || h > limits::MAX_SIDE {
        return Err(at_key(
            "size",
            format!(
                "size {w}x{h} is impossible: each side must be 1..={}",
                limits::MAX_SIDE
            ),
        ));
    }
    if file.fps == 0 || file.fps > limits::MAX_FPS {
        return Err(at_key(
            "fps",
            format!("fps must be 1..={}, got {}", limits::MAX_FPS, file.fps),
        ));
    }
    if !file.duration.is_finite() || file.duration <= 0.0 || file.duration > limits::MAX_DURATION {
        return Err(at_key(
            "duration",
            format!(
                "duration must be more than 0 and at most {} seconds, got {}",
                limits::MAX_DURATION,
                file.duration
            ),
        ));
    }
    let still = file.still.unwrap_or(file.duration);
    if !still.is_finite() || !(0.0..=file.duration).contains(&still) {
        return Err(at_key(
            "still",
            format!("still must be a time within 0..={} s", file.duration),
        ));
    }
    let ThemeIn {
        theme,
        path: theme_path,
    } = theme_in;
    let background = match &file.background {
        Some(b) => theme.color(b).map_err(|e| at_key("background", e))?,
        None => theme.palette.background,
    };

    let mut ctx = Ctx {
        loader,
        path,
        src,
        theme: theme.clone(),
        element_offsets: nav::element_starts(src),
        elements: Vec::new(),
        by_name: HashMap::new(),
        inputs: Default::default(),
    };
    for spec in &file.elements {
        add_element(&mut ctx, spec, None, Vec2::ZERO, 0)?;
    }
    place_arrows(&mut ctx)?;
    check_inside_canvas(&ctx, w as f32, h as f32)?;
    if file.timeline.len() > limits::MAX_STEPS {
        return Err(whole(format!(
            "{} timeline steps; the limit is {}",
            file.timeline.len(),
            limits::MAX_STEPS
        )));
    }
    let step_cx = steps::StepCx {
        path,
        src,
        offsets: nav::step_starts(src),
        elements: &ctx.elements,
        by_name: &ctx.by_name,
        theme: &theme,
        values,
    };
    let (steps, value_steps) = steps::resolve_steps(&step_cx, &file.timeline, file.duration)?;
    let mut steps_of = vec![Vec::new(); ctx.elements.len()];
    for (i, s) in steps.iter().enumerate() {
        steps_of[s.target].push(i);
    }
    // An element whose first step is an entrance starts hidden; a
    // parameter the first step animates may start from another value (a
    // token strip revealed chip by chip starts empty).
    for (e, idx) in steps_of.iter().enumerate() {
        if let Some(&first) = idx.first() {
            let el = &mut ctx.elements[e];
            if steps[first].kind.is_entrance() {
                el.hidden = true;
            }
            if let StepKind::Set(p, _) = steps[first].kind {
                if let Some(start) = el.kind.widget().entrance(p) {
                    for (q, x) in &mut el.params {
                        if *q == p {
                            *x = start;
                        }
                    }
                }
            }
        }
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((
        Scene {
            path: path.to_path_buf(),
            name,
            title: file.title,
            width: w,
            height: h,
            fps: file.fps,
            duration: file.duration,
            still,
            background,
            theme,
            fonts: loader.fonts().clone(),
            elements: ctx.elements,
            steps,
            steps_of,
            by_name: ctx.by_name,
            inputs: [path.to_path_buf(), theme_path]
                .into_iter()
                .chain(loader.font_files().iter().cloned())
                .chain(ctx.inputs.into_inner())
                .collect(),
            live: None,
        },
        value_steps,
    ))
}

/// The scene's theme (default `assets/theme.ron`). Its errors name the
/// theme file and, after the message, the scene and line that asked for it.
fn load_theme(path: &Path, src: &str, theme_path: &Path) -> Result<Theme, SceneError> {
    Theme::load(theme_path).map_err(|mut e| {
        let asked = match nav::field(src, nav::root(src), "theme") {
            Some(o) => {
                let at = super::error::Location::of_offset(src, o);
                format!("the theme of {}:{}:{}", path.display(), at.line, at.col)
            }
            None => format!("the default theme of {}", path.display()),
        };
        e.message = format!("{} ({asked})", e.message);
        e
    })
}

/// Resolves `spec` (and a group's children) into `ctx.elements`.
fn add_element(
    ctx: &mut Ctx<'_>,
    spec: &ElementSpec,
    parent: Option<usize>,
    offset: Vec2,
    depth: usize,
) -> Result<usize, SceneError> {
    let common = spec.common();
    // Elements are numbered depth first, as `nav::element_starts` finds them.
    let index = ctx.elements.len();
    // `depth` groups hold this element; a group here would be one more.
    if matches!(spec, ElementSpec::Group(_)) && depth >= limits::MAX_DEPTH {
        return Err(ctx.element_err(
            index,
            format!("groups are nested deeper than {}", limits::MAX_DEPTH),
        ));
    }
    if index >= limits::MAX_ELEMENTS {
        return Err(ctx.element_err(index, format!("more than {} elements", limits::MAX_ELEMENTS)));
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
    let (kind, origin, mut bounds) = {
        let view = Elements {
            elements: &ctx.elements,
            by_name: &ctx.by_name,
        };
        spec.resolve(&ctx.load_cx(&view, index, offset))?
    };
    // Reserve the slot so children come after their parent.
    ctx.elements.push(Element {
        name: common.name.clone(),
        parent,
        opacity,
        hidden: common.hidden,
        origin,
        bounds,
        params: kind.widget().params(),
        kind,
    });
    if let Some(n) = &common.name {
        ctx.by_name.insert(n.clone(), index);
    }
    if let ElementSpec::Group(g) = spec {
        let mut children: Option<Rect> = None;
        for child in &g.children {
            let ci = add_element(ctx, child, Some(index), origin, depth + 1)?;
            let b = ctx.elements[ci].bounds;
            children = Some(children.map_or(b, |r| r.union(&b)));
        }
        bounds = children.unwrap_or(bounds);
        ctx.elements[index].bounds = bounds;
    }
    check_geometry(ctx, index, origin, bounds)?;
    Ok(index)
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
        let cx_of = |i: usize| ctx.load_cx(&view, i, Vec2::ZERO);
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

/// Text that would be cut off by the frame's edge is an error: the figure
/// must stand alone, every label legible.
fn check_inside_canvas(ctx: &Ctx<'_>, w: f32, h: f32) -> Result<(), SceneError> {
    for (index, el) in ctx.elements.iter().enumerate() {
        if let Some(m) = text_outside_frame(&el.kind, w, h) {
            return Err(ctx.element_err(index, m));
        }
    }
    Ok(())
}

/// Why a text of `kind` would be cut off by a `w`×`h` frame, if one would.
pub(super) fn text_outside_frame(kind: &Kind, w: f32, h: f32) -> Option<String> {
    kind.widget().text_blocks().iter().find_map(|b| {
        let r = b.bounds;
        (r.min.x < -0.5 || r.min.y < -0.5 || r.max.x > w + 0.5 || r.max.y > h + 0.5).then(|| {
            format!(
                "a text of this element spans x {:.0}..{:.0}, y {:.0}..{:.0}: outside the {w}x{h} frame",
                r.min.x, r.max.x, r.min.y, r.max.y
            )
        })
    })
}
