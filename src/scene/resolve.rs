//! Raw scene file → resolved [`Scene`]: the scene's own fields, the theme,
//! the element tree ([`super::tree`]), the timeline ([`super::steps`]) and the
//! checks that need the whole file. Errors point at the element or step
//! they concern.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::SceneError;
use super::expand::live::ValueStep;
use super::format::SceneFile;
use super::limits;
use super::model::{Kind, Param, Scene, StepKind};
use super::nav;
use super::steps;
use super::theme::Theme;
use super::tree::{self, Ctx};
use super::Loader;

/// The theme a scene asks for, loaded before it is resolved (the expand
/// pass needs its colours).
pub(super) struct ThemeIn {
    pub theme: Arc<Theme>,
    pub path: PathBuf,
}

/// Loads the theme `rel` (relative to the project root; default
/// `assets/theme.ron`) that the scene `src` at `path` asks for.
/// The parameters `kind` starts from, its element's first step being
/// `first`: the kind's own, but one that step sets starts from the kind's
/// entrance value for it, if it has one (a token strip revealed chip by chip
/// starts empty). At load, and for a changing element at each instant.
pub(super) fn params_at_rest(kind: &Kind, first: Option<&StepKind>) -> Vec<(Param, f64)> {
    let mut params = kind.widget().params();
    if let Some(&StepKind::Set(p, _)) = first {
        if let Some(start) = kind.widget().entrance(p) {
            for (q, x) in &mut params {
                if *q == p {
                    *x = start;
                }
            }
        }
    }
    params
}

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

    let mut ctx = Ctx::new(loader, path, src, theme.clone());
    tree::add_all(&mut ctx, &file.elements)?;
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
        frame: glam::Vec2::new(w as f32, h as f32),
    };
    let steps::Timeline {
        steps,
        values: value_steps,
        camera,
        keyframes,
    } = steps::resolve_steps(&step_cx, &file.timeline, file.duration)?;
    let storyboard = storyboard(file.storyboard.as_ref(), keyframes, file.duration)
        .map_err(|m| at_key("storyboard", m))?;
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
            el.params = params_at_rest(&el.kind, Some(&steps[first].kind));
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
            camera,
            storyboard,
            live: None,
        },
        value_steps,
    ))
}

/// The storyboard's moments (its `times`, else the `Keyframe`s) and columns, checked.
fn storyboard(
    spec: Option<&super::format::StoryboardSpec>,
    keyframes: Vec<super::model::Moment>,
    duration: f64,
) -> Result<super::model::Storyboard, String> {
    let default = super::format::StoryboardSpec::default();
    let spec = spec.unwrap_or(&default);
    let columns = spec.columns;
    if let Some(c) = columns.filter(|c| !(1..=limits::MAX_STORYBOARD_PANELS as u32).contains(c)) {
        return Err(format!(
            "storyboard: columns must be 1..={}, got {c}",
            limits::MAX_STORYBOARD_PANELS
        ));
    }
    let moments = match &spec.times {
        Some(times) => {
            if times.is_empty() {
                return Err("storyboard: times is empty: give at least one time, or leave it out".into());
            }
            if let Some(t) = times
                .iter()
                .find(|t| !t.is_finite() || !(0.0..=duration).contains(*t))
            {
                return Err(format!(
                    "storyboard: time {t} is outside the scene's 0..={duration} s"
                ));
            }
            times
                .iter()
                .map(|&t| super::model::Moment { t, label: None })
                .collect()
        }
        None => keyframes,
    };
    if moments.len() > limits::MAX_STORYBOARD_PANELS {
        return Err(format!(
            "storyboard: {} moments; a storyboard shows at most {}",
            moments.len(),
            limits::MAX_STORYBOARD_PANELS
        ));
    }
    Ok(super::model::Storyboard { moments, columns })
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
