//! Timeline steps → resolved [`Step`]s: absolute start times (`at`,
//! `delay`, `with_previous`, `stagger`), targets, and each step kind's own
//! fields (typed per kind in `format`, so a field a kind does not take is a
//! parse error), checked against what the target's kind can do.

use std::collections::HashMap;
use std::path::Path;

use glam::Vec2;

use super::expand::live::ValueStep;
use super::format::{CameraStep, CountStep, SetStep, StepSpec, P};
use super::limits;
use super::model::{CameraMove, Element, Kind, Moment, Param, Step, StepKind};
use super::nav;
use super::theme::Theme;
use super::widgets::shape::Shape;
use crate::easing::EaseSpec;
use crate::scene::error::SceneError;

/// What steps are resolved against: the elements, and where each step is
/// written (for messages).
pub(super) struct StepCx<'a> {
    pub path: &'a Path,
    pub src: &'a str,
    /// Where each timeline step starts in `src`.
    pub offsets: Vec<usize>,
    pub elements: &'a [Element],
    pub by_name: &'a HashMap<String, usize>,
    pub theme: &'a Theme,
    /// The scene values `Set(value: …)` may animate.
    pub values: &'a [(String, f64)],
    /// The frame's size (a camera's focus fits an element into it).
    pub frame: Vec2,
}

impl StepCx<'_> {
    fn err_at(&self, offset: Option<usize>, message: impl Into<String>) -> SceneError {
        match offset {
            Some(o) => SceneError::at_offset(self.path, self.src, o, message),
            None => SceneError::whole_file(self.path, message),
        }
    }

    fn step_err(&self, index: usize, message: impl Into<String>) -> SceneError {
        self.err_at(self.offsets.get(index).copied(), message)
    }

    /// An error about the value at `field` of step `index`.
    fn step_field_err(&self, index: usize, field: &str, message: impl Into<String>) -> SceneError {
        let start = self.offsets.get(index).copied();
        let off = start.and_then(|s| nav::path(self.src, s, field));
        self.err_at(off.or(start), message)
    }
}

fn v(p: P) -> Vec2 {
    Vec2::new(p.0, p.1)
}

pub(super) fn resolve_steps(
    ctx: &StepCx<'_>,
    specs: &[StepSpec],
    duration: f64,
) -> Result<Timeline, SceneError> {
    let mut steps = Vec::new();
    let mut value_steps = Vec::new();
    let mut camera = Vec::new();
    let mut keyframes = Vec::new();
    let (mut prev_start, mut prev_end) = (0.0f64, 0.0f64);
    for (i, spec) in specs.iter().enumerate() {
        let (kind_name, f) = spec.parts();
        let err = |m: String| ctx.step_err(i, format!("{kind_name}: {m}"));
        let field_err = |field: &str, m: String| ctx.step_field_err(i, field, format!("{kind_name}: {m}"));
        // A step that would run past the scene's end is an error, whatever it animates.
        let past_end = |end: f64| {
            if end > duration + 1e-9 {
                Err(err(format!(
                    "runs until {end:.2} s, past the end of the scene ({duration} s): lengthen `duration` or move the step"
                )))
            } else {
                Ok(())
            }
        };
        let dur = f.dur.unwrap_or(match spec {
            StepSpec::Pulse(_) => 0.8,
            StepSpec::Keyframe(_) => 0.0,
            _ => 0.6,
        });
        if !dur.is_finite() || dur < 0.0 {
            return Err(field_err(
                "dur",
                format!("dur must be a finite number of seconds ≥ 0, got {dur}"),
            ));
        }
        for (what, x) in [("at", f.at), ("delay", f.delay), ("stagger", f.stagger)] {
            if let Some(x) = x {
                if !x.is_finite() || x < 0.0 {
                    return Err(field_err(
                        what,
                        format!("{what} must be a finite number of seconds ≥ 0, got {x}"),
                    ));
                }
            }
        }
        let delay = f.delay.unwrap_or(0.0);
        let start = match f.at {
            Some(at) => at + delay,
            None if f.with_previous => prev_start + delay,
            None => prev_end + delay,
        };
        // One target, or a list; both at once is ambiguous (one step on
        // the union? the list staggered after the single one?).
        let (targets, target_field): (Vec<String>, fn(usize) -> String) = match (&f.target, &f.targets) {
            (Some(_), Some(_)) => {
                return Err(field_err(
                    "targets",
                    "give either `target` or `targets`, not both".into(),
                ))
            }
            (Some(t), None) => (vec![t.to_string()], |_| "target".into()),
            (None, Some(ts)) => (ts.to_vec(), |k| format!("targets.{k}")),
            (None, None) => (Vec::new(), |_| String::new()),
        };
        if let StepSpec::Set(SetStep {
            value: Some(name), ..
        }) = spec
        {
            let StepSpec::Set(set) = spec else { unreachable!() };
            if !targets.is_empty() || set.param.is_some() {
                return Err(err(
                    "a Set on a value takes `value`, not `target` or `param`".into()
                ));
            }
            if !ctx.values.iter().any(|(n, _)| n == name) {
                return Err(field_err(
                    "value",
                    format!("unknown value \"{name}\": declare it in `values` as a number"),
                ));
            }
            let to = number(set.to).map_err(|m| field_err("to", m))?;
            past_end(start + dur)?;
            value_steps.push(ValueStep {
                name: name.clone(),
                to,
                start,
                dur,
                ease: f.ease.unwrap_or_default(),
            });
            prev_start = start;
            prev_end = start + dur;
            continue;
        }
        if let StepSpec::Camera(c) = spec {
            if !targets.is_empty() {
                return Err(field_err(
                    target_field(0).as_str(),
                    "moves the view, not an element: write `focus: \"name\"` to frame an element".into(),
                ));
            }
            let (center, zoom) = camera_view(ctx, c).map_err(|(f, m)| field_err(f, m))?;
            past_end(start + dur)?;
            camera.push(CameraMove {
                center,
                zoom,
                start,
                dur,
                ease: f.ease.unwrap_or_default(),
            });
            prev_start = start;
            prev_end = start + dur;
            continue;
        }
        if matches!(spec, StepSpec::Wait(_) | StepSpec::Keyframe(_)) {
            if !targets.is_empty() {
                return Err(err("does not take a target".into()));
            }
            if let StepSpec::Keyframe(k) = spec {
                past_end(start)?;
                if k.label
                    .as_ref()
                    .is_some_and(|l| l.chars().count() > limits::MAX_CAPTION_CHARS)
                {
                    return Err(field_err(
                        "label",
                        format!("a caption of at most {} characters", limits::MAX_CAPTION_CHARS),
                    ));
                }
                keyframes.push(Moment {
                    t: start,
                    label: k.label.clone(),
                });
            }
            prev_start = start;
            prev_end = start + dur;
            continue;
        }
        if targets.is_empty() {
            return Err(err("needs a `target` (or `targets: [...]`)".into()));
        }
        let stagger = f.stagger.unwrap_or(0.0);
        let mut end = start;
        // A name with `*` stands for every element it matches, in element order.
        let mut expanded: Vec<(String, usize)> = Vec::new();
        for (k, tname) in targets.iter().enumerate() {
            if tname.contains('*') {
                let mut hits: Vec<(usize, &String)> = ctx
                    .by_name
                    .iter()
                    .filter(|(n, _)| glob(tname, n))
                    .map(|(n, &i)| (i, n))
                    .collect();
                if hits.is_empty() {
                    return Err(field_err(
                        &target_field(k),
                        format!("no element's name matches \"{tname}\""),
                    ));
                }
                hits.sort();
                expanded.extend(hits.into_iter().map(|(_, n)| (n.clone(), k)));
            } else {
                expanded.push((tname.clone(), k));
            }
        }
        for (k, (tname, written)) in expanded.iter().enumerate() {
            let target_field = |_: usize| target_field(*written);
            let target = *ctx.by_name.get(tname).ok_or_else(|| {
                let mut known: Vec<&str> = ctx.by_name.keys().map(|s| s.as_str()).collect();
                known.sort();
                field_err(
                    &target_field(k),
                    format!("unknown element \"{tname}\" (known: {})", known.join(", ")),
                )
            })?;
            let s = start + stagger * k as f64;
            let kind = step_kind(ctx, spec, target).map_err(|m| match kind_field(spec) {
                "target" => field_err(&target_field(k), m),
                field => field_err(field, m),
            })?;
            past_end(s + dur)?;
            if let StepSpec::Count(CountStep { from: Some(from), .. }) = spec {
                let from = *from;
                steps.push(Step {
                    kind: StepKind::Set(Param::Value, from),
                    target,
                    start: s,
                    dur: 0.0,
                    ease: EaseSpec::Linear,
                    source_index: i,
                });
            }
            // A formula or code block that has morphed hands over to the one
            // it became, whose parts the steps after it animate.
            let hand_over = match kind {
                StepKind::Morph(o) if ctx.elements[target].kind.widget().caps().glyphs.is_some() => Some(o),
                _ => None,
            };
            steps.push(Step {
                kind,
                target,
                start: s,
                dur,
                ease: f.ease.unwrap_or_default(),
                source_index: i,
            });
            if let Some(o) = hand_over {
                for (kind, target) in [(StepKind::FadeOut, target), (StepKind::FadeIn, o)] {
                    steps.push(Step {
                        kind,
                        target,
                        start: s + dur,
                        dur: 0.0,
                        ease: EaseSpec::Linear,
                        source_index: i,
                    });
                }
            }
            end = end.max(s + dur);
        }
        prev_start = start;
        prev_end = end;
    }
    steps.sort_by(|a, b| a.start.total_cmp(&b.start));
    value_steps.sort_by(|a, b| a.start.total_cmp(&b.start));
    camera.sort_by(|a: &CameraMove, b| a.start.total_cmp(&b.start));
    keyframes.sort_by(|a: &Moment, b| a.t.total_cmp(&b.t));
    Ok(Timeline {
        steps,
        values: value_steps,
        camera,
        keyframes,
    })
}

/// The resolved timeline: element steps, value steps, camera moves, each
/// sorted by start time.
pub(super) struct Timeline {
    pub steps: Vec<Step>,
    pub values: Vec<ValueStep>,
    pub camera: Vec<CameraMove>,
    /// The `Keyframe` steps' moments, by time.
    pub keyframes: Vec<Moment>,
}

/// The padding around an element a `Camera(focus: ...)` frames, and the zoom's bounds.
const FOCUS_PADDING: f64 = 48.0;
const MAX_ZOOM: f64 = 50.0;
const MIN_ZOOM: f64 = 0.05;

/// Where a camera step points the view: a centre and a zoom, either
/// unchanged when `None`.
type View = (Option<Vec2>, Option<f32>);

/// Where a camera step points the view (the field at fault, and why, on error).
fn camera_view(ctx: &StepCx<'_>, c: &CameraStep) -> Result<View, (&'static str, String)> {
    let zoom = match c.zoom {
        Some(z) if !(z.is_finite() && (MIN_ZOOM..=MAX_ZOOM).contains(&z)) => {
            return Err((
                "zoom",
                format!("zoom must be within {MIN_ZOOM}..={MAX_ZOOM} (1 shows the whole frame), got {z}"),
            ))
        }
        z => z.map(|z| z as f32),
    };
    if let Some(to) = c.to {
        if !(to.0.is_finite() && to.1.is_finite()) {
            return Err(("to", "to must be a finite point".into()));
        }
    }
    let Some(name) = &c.focus else {
        if c.padding.is_some() {
            return Err((
                "padding",
                "padding goes with `focus`: the room left around the element framed".into(),
            ));
        }
        if c.to.is_none() && zoom.is_none() {
            return Err((
                "to",
                "give `to` (the centre of the view), `zoom`, or `focus: \"name\"`".into(),
            ));
        }
        return Ok((c.to.map(v), zoom));
    };
    if c.to.is_some() {
        return Err((
            "to",
            "give `focus` or `to`, not both: focus centres the view on the element".into(),
        ));
    }
    let Some(&i) = ctx.by_name.get(name) else {
        return Err(("focus", format!("unknown element \"{name}\" in `focus`")));
    };
    let pad = c.padding.unwrap_or(FOCUS_PADDING);
    if !(pad.is_finite() && pad >= 0.0 && pad <= limits::MAX_COORD as f64) {
        return Err((
            "padding",
            format!("padding must be a number of px ≥ 0, got {pad}"),
        ));
    }
    let b = ctx.elements[i].bounds;
    let size = b.size().as_dvec2() + glam::DVec2::splat(2.0 * pad);
    let fit = (ctx.frame.x as f64 / size.x.max(1.0)).min(ctx.frame.y as f64 / size.y.max(1.0));
    let zoom = zoom.unwrap_or(fit.clamp(MIN_ZOOM, MAX_ZOOM) as f32);
    Ok((Some(b.center()), Some(zoom)))
}

/// Whether `name` matches `pattern`, where `*` is any run of characters.
fn glob(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// The field that [`step_kind`]'s errors for this step are about.
fn kind_field(spec: &StepSpec) -> &'static str {
    match spec {
        StepSpec::Move(m) if m.by.is_some() => "by",
        StepSpec::Set(f) if f.param.as_deref().and_then(Param::parse).is_none() => "param",
        StepSpec::Morph(_) => "into",
        StepSpec::Follow(_) => "path",
        StepSpec::Move(_)
        | StepSpec::Scale(_)
        | StepSpec::Rotate(_)
        | StepSpec::Color(_)
        | StepSpec::Set(_)
        | StepSpec::Count(_)
        | StepSpec::Reveal(_) => "to",
        StepSpec::FadeIn(_)
        | StepSpec::FadeOut(_)
        | StepSpec::DrawOn(_)
        | StepSpec::Write(_)
        | StepSpec::Pulse(_)
        | StepSpec::Wait(_)
        | StepSpec::Keyframe(_)
        | StepSpec::Camera(_) => "target",
    }
}

fn number(to: Option<f64>) -> Result<f64, String> {
    match to {
        Some(x) if x.is_finite() => Ok(x),
        Some(x) => Err(format!("`to` must be finite, got {x}")),
        None => Err("needs a number `to`".into()),
    }
}

fn step_kind(ctx: &StepCx<'_>, spec: &StepSpec, target: usize) -> Result<StepKind, String> {
    let el = &ctx.elements[target];
    let w = el.kind.widget();
    let other = |field: &str, name: &str| {
        ctx.by_name
            .get(name)
            .copied()
            .ok_or_else(|| format!("unknown element \"{name}\" in `{field}`"))
    };
    Ok(match spec {
        StepSpec::FadeIn(_) => StepKind::FadeIn,
        StepSpec::FadeOut(_) => StepKind::FadeOut,
        StepSpec::DrawOn(_) => StepKind::DrawOn,
        StepSpec::Write(_) => {
            if !w.caps().writable {
                return Err("Write needs a Text, or a Box/Circle with a label".to_string());
            }
            StepKind::Write
        }
        StepSpec::Pulse(_) => StepKind::Pulse,
        StepSpec::Move(f) => {
            let (kind, p) = match (&f.by, &f.to) {
                (Some(by), None) => (StepKind::MoveBy(v(*by)), v(*by)),
                (None, Some(p)) => (StepKind::MoveTo(v(*p)), v(*p)),
                _ => return Err("needs either `by: (dx, dy)` or `to: (x, y)`".into()),
            };
            if !(p.is_finite() && p.abs().max_element() <= limits::MAX_COORD) {
                return Err(format!(
                    "the point must be finite and within ±{}",
                    limits::MAX_COORD
                ));
            }
            kind
        }
        StepSpec::Scale(f) => {
            let s = number(f.to)?;
            if !(0.0..=limits::MAX_SCALE).contains(&s) {
                return Err(format!("scale must be within 0..={}, got {s}", limits::MAX_SCALE));
            }
            StepKind::Scale(s as f32)
        }
        StepSpec::Rotate(f) => StepKind::Rotate(number(f.to)? as f32),
        StepSpec::Color(f) => match &f.to {
            Some(c) => StepKind::Color(ctx.theme.color(c)?),
            _ => return Err("needs a colour `to` (a theme name or #hex)".into()),
        },
        StepSpec::Morph(f) => {
            let into = f.into.as_ref().ok_or("needs `into`: the element to morph into")?;
            let o = other("into", into)?;
            if o == target {
                return Err("an element cannot morph into itself".into());
            }
            let shape = |k: &Kind| k.widget().as_any().is::<Shape>();
            let glyphs = |k: &Kind| k.widget().caps().glyphs.is_some();
            let same_kind = std::mem::discriminant(&el.kind) == std::mem::discriminant(&ctx.elements[o].kind);
            if !((shape(&el.kind) && shape(&ctx.elements[o].kind)) || (glyphs(&el.kind) && same_kind)) {
                return Err(
                    "Morph works between two shapes (Box, Circle, Path, Line), two formulas (Math) or two code blocks (Code)"
                        .into(),
                );
            }
            StepKind::Morph(o)
        }
        StepSpec::Follow(f) => {
            let p = f
                .path
                .as_ref()
                .ok_or("needs `path`: an Arrow, Line, Path, Box or Circle to travel along")?;
            let o = other("path", p)?;
            if o == target {
                return Err("an element cannot follow itself".into());
            }
            // A Box or Circle is followed around its outline (documented).
            if ctx.elements[o].kind.widget().caps().outline.is_none() {
                return Err(format!("\"{p}\" is not an Arrow, Line, Path, Box or Circle"));
            }
            StepKind::Follow(o)
        }
        StepSpec::Set(f) => {
            let pname = f.param.as_ref().ok_or("needs `param`")?;
            let param = Param::parse(pname).ok_or_else(|| {
                let names: Vec<&str> = Param::NAMES.iter().map(|(n, _)| *n).collect();
                format!("unknown param \"{pname}\" (one of: {})", names.join(", "))
            })?;
            let to = number(f.to)?;
            check_param(el, param, to)?;
            StepKind::Set(param, to)
        }
        StepSpec::Count(f) => {
            if w.range(Param::Value).is_none() {
                return Err("Count needs a Text with a {value} placeholder".into());
            }
            if f.from.is_some_and(|x| !x.is_finite()) {
                return Err("`from` must be finite".into());
            }
            StepKind::Set(Param::Value, number(f.to)?)
        }
        StepSpec::Reveal(f) => {
            let to = match f.to {
                None => 1.0,
                Some(_) => number(f.to)?,
            };
            check_param(el, Param::Progress, to)?;
            StepKind::Set(Param::Progress, to)
        }
        StepSpec::Wait(_) => return Err("Wait has no target".into()),
        StepSpec::Camera(_) => return Err("Camera has no target".into()),
        StepSpec::Keyframe(_) => return Err("Keyframe has no target".into()),
    })
}

/// `to` is a value the element's parameter `param` may take (its kind's table says).
fn check_param(el: &Element, param: Param, to: f64) -> Result<(), String> {
    let range = el
        .kind
        .widget()
        .range(param)
        .ok_or_else(|| format!("this element has no parameter {param:?}"))?;
    if !range.contains(to) {
        return Err(format!("value {to} is out of range for {param:?}"));
    }
    Ok(())
}
