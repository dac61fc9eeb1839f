//! Raw scene file → resolved [`Scene`]: defaults, theme colours, text
//! layout, arrow anchors, step timing, and every check that needs the whole
//! file. Errors point at the element or step they concern.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use glam::Vec2;

use super::error::SceneError;
use super::format::*;
use super::limits;
use super::model::*;
use super::nav;
use super::theme::Theme;
use super::Loader;
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::image::{ImageError, RgbaImage};
use crate::prob::ProbError;
use crate::text::{Align, Family, TextError, TextStyle, Weight};

/// Padding kept between a box's edge and its label.
pub const LABEL_PADDING: f32 = 12.0;

struct Ctx<'a> {
    loader: &'a Loader,
    path: &'a Path,
    src: &'a str,
    theme: Arc<Theme>,
    /// Where each element starts in `src`, by element index.
    element_offsets: Vec<usize>,
    /// Where each timeline step starts in `src`.
    step_offsets: Vec<usize>,
    elements: Vec<Element>,
    by_name: HashMap<String, usize>,
    /// Arrows are resolved after every other element: (element index, spec).
    arrows: Vec<(usize, ArrowSpec)>,
    /// Files read for this scene besides the scene file and the theme (data,
    /// images); a cell, as the readers only borrow the context.
    inputs: std::cell::RefCell<Vec<PathBuf>>,
}

fn v(p: P) -> Vec2 {
    Vec2::new(p.0, p.1)
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

    /// Where the value at `field` (a path such as `"stroke"` or
    /// `"series.1.color"`) of element `id` is written, if it is.
    fn field_offset(&self, id: usize, field: &str) -> Option<usize> {
        let start = *self.element_offsets.get(id)?;
        nav::path(self.src, start, field)
    }

    /// An error about the value at `field` of element `id`: the caret is on
    /// the value, or on the element when the field is not written (a default).
    fn field_err(&self, id: usize, field: &str, message: impl Into<String>) -> SceneError {
        let off = self.field_offset(id, field);
        self.err_at(off.or(self.element_offsets.get(id).copied()), message)
    }

    fn step_err(&self, index: usize, message: impl Into<String>) -> SceneError {
        self.err_at(self.step_offsets.get(index).copied(), message)
    }

    /// An error about the value at `field` of step `index`.
    fn step_field_err(&self, index: usize, field: &str, message: impl Into<String>) -> SceneError {
        let start = self.step_offsets.get(index).copied();
        let off = start.and_then(|s| nav::path(self.src, s, field));
        self.err_at(off.or(start), message)
    }

    /// The colour written at `field` of element `id`, or `default`.
    fn color(
        &self,
        id: usize,
        field: &str,
        spec: Option<&String>,
        default: &str,
    ) -> Result<Color, SceneError> {
        let s = spec.map(|s| s.as_str()).unwrap_or(default);
        self.theme.color(s).map_err(|e| self.field_err(id, field, e))
    }

    /// A fill or stroke colour with a default; `"none"` paints nothing.
    fn paint(
        &self,
        id: usize,
        field: &str,
        spec: Option<&String>,
        default: &str,
    ) -> Result<Option<Color>, SceneError> {
        match spec.map(|s| s.as_str()) {
            Some("none") => Ok(None),
            _ => self.color(id, field, spec, default).map(Some),
        }
    }

    /// A colour that is nothing unless written; `"none"` is nothing too,
    /// as for [`Ctx::paint`].
    fn opt_color(&self, id: usize, field: &str, spec: Option<&String>) -> Result<Option<Color>, SceneError> {
        spec.filter(|s| s.as_str() != "none")
            .map(|s| self.theme.color(s).map_err(|e| self.field_err(id, field, e)))
            .transpose()
    }

    fn finite(&self, id: usize, field: &str, vals: &[f32]) -> Result<(), SceneError> {
        if vals.iter().all(|x| x.is_finite()) {
            Ok(())
        } else {
            Err(self.field_err(
                id,
                field,
                format!("{field} must be a finite number (not NaN or inf)"),
            ))
        }
    }

    /// `x`, written at `field` and called `what` in the message, if it is positive.
    fn positive(&self, id: usize, field: &str, what: &str, x: f32) -> Result<f32, SceneError> {
        if x.is_finite() && x > 0.0 {
            Ok(x)
        } else {
            Err(self.field_err(id, field, format!("{what} must be a positive number, got {x}")))
        }
    }

    /// Lays out `text`, written at `field` of element `id`, with its block
    /// placed at `at` according to `align` (vertically centred on `at.y`).
    /// A glyph missing from the font is pointed at in the source when the
    /// character is written literally.
    fn text(
        &self,
        id: usize,
        field: &str,
        text: &str,
        style: TextStyle,
        at: Vec2,
        color: Color,
    ) -> Result<TextBlock, SceneError> {
        place_layout(self.loader.fonts(), text, &style, at, color).map_err(|e| {
            let value = self.field_offset(id, field);
            let glyph = match (&e, value) {
                (LayoutError::Font(TextError::MissingGlyph { ch, .. }), Some(v)) => {
                    let end = nav::value_end(self.src, v);
                    self.src[v..end].find(*ch).map(|i| v + i)
                }
                _ => None,
            };
            self.err_at(
                glyph.or(value).or(self.element_offsets.get(id).copied()),
                e.to_string(),
            )
        })
    }

    fn style(&self, size: f32, weight: Weight, family: Family, align: Align) -> TextStyle {
        TextStyle {
            family,
            weight,
            size,
            align,
            ..TextStyle::default()
        }
    }
}

/// Why text could not be laid out.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// The fonts could not set it (a missing glyph, say).
    #[error(transparent)]
    Font(#[from] TextError),
    /// The text or its size is over a limit.
    #[error("{0}")]
    Limit(String),
}

/// Lays out text and places it: `at` is the centre (Center), left middle
/// (Left) or right middle (Right) of the block.
pub fn place_layout(
    fonts: &crate::text::FontBook,
    text: &str,
    style: &TextStyle,
    at: Vec2,
    color: Color,
) -> Result<TextBlock, LayoutError> {
    if !style.size.is_finite() || style.size <= 0.0 || style.size > limits::MAX_WIDTH {
        return Err(LayoutError::Limit(format!(
            "text size must be within (0, {}], got {}",
            limits::MAX_WIDTH,
            style.size
        )));
    }
    if text.chars().count() > limits::MAX_TEXT_CHARS {
        return Err(LayoutError::Limit(format!(
            "text is longer than {} characters",
            limits::MAX_TEXT_CHARS
        )));
    }
    let layout = fonts.layout(text, style)?;
    let size = layout.size;
    let x = match style.align {
        Align::Left => at.x,
        Align::Center => at.x - size.x * 0.5,
        Align::Right => at.x - size.x,
    };
    let top_left = Vec2::new(x, at.y - size.y * 0.5);
    let shift = glam::Affine2::from_translation(top_left);
    let glyphs = layout
        .glyphs
        .into_iter()
        .map(|mut g| {
            g.path = g.path.transformed(&shift);
            g.origin += top_left;
            g
        })
        .collect();
    Ok(TextBlock {
        glyphs,
        chars: text.chars().count(),
        color,
        bounds: Rect {
            min: top_left,
            max: top_left + size,
        },
    })
}

fn weight(w: Option<WeightSpec>, default: Weight) -> Weight {
    match w {
        None => default,
        Some(WeightSpec::Regular) => Weight::Regular,
        Some(WeightSpec::Medium) => Weight::Medium,
        Some(WeightSpec::SemiBold) => Weight::SemiBold,
        Some(WeightSpec::Bold) => Weight::Bold,
    }
}

pub(super) fn resolve(loader: &Loader, path: &Path, src: &str, file: SceneFile) -> Result<Scene, SceneError> {
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
    let theme_path = loader
        .root()
        .join(file.theme.as_deref().unwrap_or("assets/theme.ron"));
    let theme = Arc::new(load_theme(path, src, &theme_path)?);
    let background = match &file.background {
        Some(b) => theme.color(b).map_err(|e| at_key("background", e))?,
        None => theme.named("background"),
    };

    let mut ctx = Ctx {
        loader,
        path,
        src,
        theme: theme.clone(),
        element_offsets: nav::element_starts(src),
        step_offsets: nav::step_starts(src),
        elements: Vec::new(),
        by_name: HashMap::new(),
        arrows: Vec::new(),
        inputs: Default::default(),
    };
    for spec in &file.elements {
        add_element(&mut ctx, spec, None, Vec2::ZERO, 0)?;
    }
    resolve_arrows(&mut ctx)?;
    check_inside_canvas(&ctx, w as f32, h as f32)?;
    if file.timeline.len() > limits::MAX_STEPS {
        return Err(whole(format!(
            "{} timeline steps; the limit is {}",
            file.timeline.len(),
            limits::MAX_STEPS
        )));
    }
    let steps = resolve_steps(&mut ctx, &file.timeline, file.duration)?;
    let mut steps_of = vec![Vec::new(); ctx.elements.len()];
    for (i, s) in steps.iter().enumerate() {
        steps_of[s.target].push(i);
    }
    // An element whose first step is an entrance starts hidden; a token
    // strip whose first step is a Reveal starts with no chip shown.
    for (e, idx) in steps_of.iter().enumerate() {
        if let Some(&first) = idx.first() {
            if steps[first].kind.is_entrance() {
                ctx.elements[e].hidden = true;
            }
            if let (StepKind::Set(Param::Progress, _), Kind::Tokens { progress, .. }) =
                (&steps[first].kind, &mut ctx.elements[e].kind)
            {
                *progress = 0.0;
            }
        }
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Scene {
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
    })
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

fn common_of(spec: &ElementSpec) -> Common {
    match spec {
        ElementSpec::Box(s) => s.common(),
        ElementSpec::Circle(s) => s.common(),
        ElementSpec::Line(s) => s.common(),
        ElementSpec::Path(s) => s.common(),
        ElementSpec::Arrow(s) => s.common(),
        ElementSpec::Text(s) => s.common(),
        ElementSpec::Group(s) => s.common(),
        ElementSpec::Image(s) => s.common(),
        ElementSpec::Tokens(s) => s.common(),
        ElementSpec::Bars(s) => s.common(),
        ElementSpec::LineChart(s) => s.common(),
        ElementSpec::Distribution(s) => s.common(),
        ElementSpec::LossCurve(s) => s.common(),
    }
}

fn add_element(
    ctx: &mut Ctx<'_>,
    spec: &ElementSpec,
    parent: Option<usize>,
    offset: Vec2,
    depth: usize,
) -> Result<usize, SceneError> {
    let common = common_of(spec);
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
    let mut el = Element {
        name: common.name.clone(),
        parent,
        opacity,
        hidden: common.hidden,
        origin: offset,
        bounds: Rect {
            min: offset,
            max: offset,
        },
        kind: Kind::Group,
    };
    // Reserve the slot so children come after their parent.
    ctx.elements.push(el.clone());
    if let Some(n) = &common.name {
        ctx.by_name.insert(n.clone(), index);
    }
    let theme = ctx.theme.clone();
    match spec {
        ElementSpec::Box(s) => {
            ctx.finite(index, "at", &[s.at.0, s.at.1])?;
            let size = Vec2::new(
                ctx.positive(index, "size.0", "width", s.size.0)?,
                ctx.positive(index, "size.1", "height", s.size.1)?,
            );
            let rect = Rect::from_center(offset + v(s.at), size);
            let radius = s.radius.unwrap_or(theme.radius);
            let fill = ctx.paint(index, "fill", s.fill.as_ref(), "surface")?;
            let stroke = ctx.paint(index, "stroke", s.stroke.as_ref(), "ink")?;
            let label_color = ctx.color(index, "label_color", s.label_color.as_ref(), "ink")?;
            let label = match &s.label {
                Some(text) => {
                    let size = s.label_size.unwrap_or(theme.label_size);
                    let style = ctx.style(
                        size,
                        weight(s.label_weight, Weight::SemiBold),
                        Family::Sans,
                        Align::Center,
                    );
                    let has_caption = s.caption.is_some();
                    let y = if has_caption {
                        rect.center().y - size * 0.45
                    } else {
                        rect.center().y
                    };
                    let mut block = ctx.text(
                        index,
                        "label",
                        text,
                        style,
                        Vec2::new(rect.center().x, y),
                        label_color,
                    )?;
                    if let Some(c) = &s.caption {
                        let cs = ctx.style(theme.small_size, Weight::Regular, Family::Sans, Align::Center);
                        let cy = rect.center().y + size * 0.65;
                        let cap = ctx.text(
                            index,
                            "caption",
                            c,
                            cs,
                            Vec2::new(rect.center().x, cy),
                            theme.named("muted"),
                        )?;
                        block.bounds = block.bounds.union(&cap.bounds);
                        block.chars += cap.chars;
                        block.glyphs.extend(cap.glyphs.into_iter().map(|mut g| {
                            g.char_index += text.chars().count();
                            g
                        }));
                    }
                    check_fits(ctx, index, &block, rect)?;
                    Some(block)
                }
                None => None,
            };
            el.origin = rect.center();
            el.bounds = rect;
            el.kind = Kind::Shape {
                path: PathData::rounded_rect(rect, radius),
                fill,
                stroke,
                stroke_width: s.stroke_width.unwrap_or(theme.stroke_width),
                dashed: s.dashed,
                label,
            };
        }
        ElementSpec::Circle(s) => {
            ctx.finite(index, "at", &[s.at.0, s.at.1])?;
            let r = ctx.positive(index, "radius", "radius", s.radius)?;
            let c = offset + v(s.at);
            let rect = Rect::from_center(c, Vec2::splat(2.0 * r));
            let label = match &s.label {
                Some(text) => {
                    let style = ctx.style(
                        s.label_size.unwrap_or(theme.label_size),
                        Weight::SemiBold,
                        Family::Sans,
                        Align::Center,
                    );
                    let color = ctx.color(index, "label_color", s.label_color.as_ref(), "ink")?;
                    Some(ctx.text(index, "label", text, style, c, color)?)
                }
                None => None,
            };
            el.origin = c;
            el.bounds = rect;
            el.kind = Kind::Shape {
                path: PathData::ellipse(c, Vec2::splat(r)),
                fill: ctx.opt_color(index, "fill", s.fill.as_ref())?,
                stroke: ctx.opt_color(index, "stroke", s.stroke.as_ref())?,
                stroke_width: s.stroke_width.unwrap_or(theme.stroke_width),
                dashed: false,
                label,
            };
        }
        ElementSpec::Line(s) => {
            if s.points.len() < 2 || s.points.len() > limits::MAX_POINTS {
                return Err(ctx.field_err(
                    index,
                    "points",
                    format!(
                        "a line needs 2..={} points, got {}",
                        limits::MAX_POINTS,
                        s.points.len()
                    ),
                ));
            }
            let pts: Vec<Vec2> = s.points.iter().map(|p| offset + v(*p)).collect();
            ctx.finite(
                index,
                "points",
                &pts.iter().flat_map(|p| [p.x, p.y]).collect::<Vec<_>>(),
            )?;
            let path = PathData::polyline(&pts, s.closed);
            el.bounds = path.bounds().unwrap_or_default();
            el.origin = el.bounds.center();
            el.kind = Kind::Shape {
                path,
                fill: None,
                stroke: Some(ctx.color(index, "color", s.color.as_ref(), "ink")?),
                stroke_width: s.width.unwrap_or(theme.stroke_width),
                dashed: s.dashed,
                label: None,
            };
        }
        ElementSpec::Path(s) => {
            let path = PathData::parse_svg(&s.d)
                .map_err(|e| {
                    // Inside the string when it has no escapes to shift offsets.
                    let value = ctx.field_offset(index, "d");
                    let inside = value
                        .filter(|&o| {
                            ctx.src[o..]
                                .strip_prefix('"')
                                .is_some_and(|r| r.starts_with(&s.d))
                        })
                        .map(|o| o + 1 + e.offset);
                    ctx.err_at(inside.or(value), e.message)
                })?
                .transformed(&glam::Affine2::from_translation(offset));
            if s.fill.is_none() && s.stroke.is_none() {
                return Err(ctx.element_err(index, "a path needs a fill, a stroke or both"));
            }
            el.bounds = path.bounds().unwrap_or_default();
            el.origin = el.bounds.center();
            el.kind = Kind::Shape {
                path,
                fill: ctx.opt_color(index, "fill", s.fill.as_ref())?,
                stroke: ctx.opt_color(index, "stroke", s.stroke.as_ref())?,
                stroke_width: s.stroke_width.unwrap_or(theme.stroke_width),
                dashed: false,
                label: None,
            };
        }
        ElementSpec::Arrow(s) => {
            // Resolved once every element has its bounds.
            let mut s2 = s.clone_spec();
            if let EndSpec::Point(p) = &mut s2.from {
                *p = (p.0 + offset.x, p.1 + offset.y);
            }
            if let EndSpec::Point(p) = &mut s2.to {
                *p = (p.0 + offset.x, p.1 + offset.y);
            }
            ctx.arrows.push((index, s2));
        }
        ElementSpec::Text(s) => {
            ctx.finite(index, "at", &[s.at.0, s.at.1])?;
            let style = TextStyle {
                family: if s.font == Some(FontSpec::Mono) {
                    Family::Mono
                } else {
                    Family::Sans
                },
                weight: weight(s.weight, Weight::Regular),
                size: ctx.positive(index, "size", "size", s.size.unwrap_or(theme.text_size))?,
                align: match s.align {
                    Some(AlignSpec::Left) => Align::Left,
                    Some(AlignSpec::Right) => Align::Right,
                    _ => Align::Center,
                },
                ..TextStyle::default()
            };
            let color = ctx.color(index, "color", s.color.as_ref(), "ink")?;
            let at = offset + v(s.at);
            let dynamic = s.text.contains('{') || s.bind.is_some() || s.value.is_some();
            if dynamic {
                let bind = match &s.bind {
                    Some(b) => Some(*ctx.by_name.get(b).ok_or_else(|| {
                        ctx.field_err(
                            index,
                            "bind",
                            format!("bind: unknown element \"{b}\" (declare the widget before the text)"),
                        )
                    })?),
                    None => None,
                };
                let t = TextTemplate {
                    template: s.text.clone(),
                    style,
                    at,
                    color,
                    value: s.value.unwrap_or(0.0),
                    bind,
                };
                // Check the template now, so evaluation cannot fail later.
                let sample = crate::eval::fill_template(&t, &ctx.elements, None, t.value)
                    .map_err(|e| ctx.field_err(index, "text", e))?;
                let block = ctx.text(index, "text", &sample, t.style, at, color)?;
                el.bounds = block.bounds;
                el.kind = Kind::DynamicText(t);
            } else {
                let block = ctx.text(index, "text", &s.text, style, at, color)?;
                el.bounds = block.bounds;
                el.kind = Kind::Text(block);
            }
            el.origin = at;
        }
        ElementSpec::Image(s) => {
            ctx.finite(index, "at", &[s.at.0, s.at.1])?;
            let file = ctx.loader.root().join(&s.path);
            ctx.inputs.borrow_mut().push(file.clone());
            let img = RgbaImage::load_png_within(&file, limits::MAX_IMAGE_SIDE, limits::MAX_PNG_BYTES)
                .map_err(|e| {
                    let msg = match e {
                        ImageError::BadSize { .. } => format!("{}: {e}", file.display()),
                        _ => format!("cannot read image {}: {e}", file.display()),
                    };
                    ctx.field_err(index, "path", msg)
                })?;
            let (iw, ih) = (img.width as f32, img.height as f32);
            let size = match s.size {
                None => Vec2::new(iw, ih),
                Some((w, h)) if w > 0.0 && h == 0.0 => Vec2::new(w, w * ih / iw),
                Some((w, h)) if w == 0.0 && h > 0.0 => Vec2::new(h * iw / ih, h),
                Some((w, h)) => Vec2::new(
                    ctx.positive(index, "size.0", "width", w)?,
                    ctx.positive(index, "size.1", "height", h)?,
                ),
            };
            let rect = Rect::from_center(offset + v(s.at), size);
            el.origin = rect.center();
            el.bounds = rect;
            el.kind = Kind::Image {
                rect,
                image: crate::snapshot::ImageRef::new(img),
            };
        }
        ElementSpec::Group(s) => {
            let at = offset + v(s.at);
            ctx.elements[index].origin = at;
            let mut bounds: Option<Rect> = None;
            for child in &s.children {
                let ci = add_element(ctx, child, Some(index), at, depth + 1)?;
                let b = ctx.elements[ci].bounds;
                bounds = Some(bounds.map_or(b, |r| r.union(&b)));
            }
            el.origin = at;
            el.bounds = bounds.unwrap_or(Rect { min: at, max: at });
            el.kind = Kind::Group;
        }
        ElementSpec::Tokens(s) => {
            if s.tokens.is_empty() {
                return Err(ctx.field_err(index, "tokens", "a token strip needs at least one token"));
            }
            if let Some(ids) = &s.ids {
                if ids.len() != s.tokens.len() {
                    return Err(ctx.field_err(
                        index,
                        "ids",
                        format!(
                            "{} ids for {} tokens: give one id per token",
                            ids.len(),
                            s.tokens.len()
                        ),
                    ));
                }
            }
            let h = s.height.unwrap_or(56.0);
            let gap = s.gap.unwrap_or(12.0);
            let size = (h * 0.5).round();
            let style = ctx.style(size, Weight::Medium, Family::Mono, Align::Center);
            let ink = theme.named("ink");
            let mut widths = Vec::new();
            for (i, t) in s.tokens.iter().enumerate() {
                let b = ctx.text(index, &format!("tokens.{i}"), t, style, Vec2::ZERO, ink)?;
                widths.push(b.bounds.size().x.max(h * 0.5) + h * 0.6);
            }
            let total: f32 = widths.iter().sum::<f32>() + gap * (widths.len() - 1) as f32;
            let center = offset + v(s.at);
            let mut x = center.x - total * 0.5;
            let mut chips = Vec::new();
            for (i, t) in s.tokens.iter().enumerate() {
                let rect = Rect {
                    min: Vec2::new(x, center.y - h * 0.5),
                    max: Vec2::new(x + widths[i], center.y + h * 0.5),
                };
                let text = ctx.text(index, &format!("tokens.{i}"), t, style, rect.center(), ink)?;
                let id = match &s.ids {
                    Some(ids) => Some(ctx.text(
                        index,
                        &format!("ids.{i}"),
                        &ids[i].to_string(),
                        ctx.style(theme.small_size, Weight::Regular, Family::Mono, Align::Center),
                        Vec2::new(rect.center().x, rect.max.y + theme.small_size),
                        theme.named("muted"),
                    )?),
                    None => None,
                };
                chips.push(Chip { rect, text, id });
                x += widths[i] + gap;
            }
            el.origin = center;
            el.bounds = Rect::from_center(center, Vec2::new(total, h));
            el.kind = Kind::Tokens {
                progress: 1.0,
                chips,
                fill: ctx.color(index, "fill", s.fill.as_ref(), "primary_soft")?,
                stroke: ctx.color(index, "stroke", s.stroke.as_ref(), "primary")?,
            };
        }
        ElementSpec::Bars(s) => {
            if s.values.is_empty() || s.values.len() != s.labels.len() {
                return Err(ctx.field_err(
                    index,
                    "values",
                    format!(
                        "{} values for {} labels: give one value per label",
                        s.values.len(),
                        s.labels.len()
                    ),
                ));
            }
            if s.values.iter().any(|v| !v.is_finite() || *v < 0.0) {
                return Err(ctx.field_err(index, "values", "bar values must be finite and not negative"));
            }
            if s.decimals.is_some_and(|d| d > crate::eval::MAX_DECIMALS) {
                return Err(ctx.field_err(
                    index,
                    "decimals",
                    format!("decimals must be at most {}", crate::eval::MAX_DECIMALS),
                ));
            }
            let rect = Rect::from_center(offset + v(s.at), v(s.size));
            let max = s
                .max
                .unwrap_or_else(|| s.values.iter().cloned().fold(0.0, f64::max))
                .max(1e-9);
            let labels = bar_labels(ctx, index, "labels", &s.labels, rect)?;
            let hl = match s.highlight {
                Some(i) if i >= s.values.len() => {
                    return Err(ctx.field_err(
                        index,
                        "highlight",
                        format!("highlight {i} is past the last bar"),
                    ))
                }
                Some(i) => Some((
                    i,
                    ctx.color(index, "highlight_color", s.highlight_color.as_ref(), "good")?,
                )),
                None => None,
            };
            let title = widget_title(ctx, index, s.title.as_deref(), rect)?;
            el.origin = rect.center();
            el.bounds = rect;
            el.kind = Kind::Bars(Bars {
                rect,
                labels,
                values: s.values.clone(),
                max,
                color: ctx.color(index, "color", s.color.as_ref(), "primary")?,
                highlight: hl,
                decimals: s.decimals,
                percent: s.percent,
                title,
            });
        }
        ElementSpec::LineChart(s) => {
            let chart = resolve_chart(ctx, index, s, offset)?;
            el.origin = chart.rect.center();
            el.bounds = chart.rect;
            el.kind = Kind::LineChart(chart);
        }
        ElementSpec::Distribution(s) => {
            let n = s.tokens.len();
            if n == 0 || s.logits.len() != n {
                return Err(ctx.field_err(
                    index,
                    "logits",
                    format!(
                        "{} logits for {} tokens: give one logit per token",
                        s.logits.len(),
                        n
                    ),
                ));
            }
            if let Some(tl) = &s.trained_logits {
                if tl.len() != n {
                    return Err(ctx.field_err(
                        index,
                        "trained_logits",
                        "trained_logits needs one logit per token",
                    ));
                }
            }
            if s.top_k == Some(0) {
                return Err(ctx.field_err(
                    index,
                    "top_k",
                    "top_k must be at least 1 (top_k: 1 keeps only the most likely token), got 0",
                ));
            }
            let temperature = s.temperature.unwrap_or(1.0);
            let dec = crate::prob::Decoding {
                temperature,
                top_k: s.top_k,
                top_p: s.top_p,
            };
            for (field, logits) in [
                ("logits", Some(&s.logits)),
                ("trained_logits", s.trained_logits.as_ref()),
            ] {
                let Some(logits) = logits else { continue };
                crate::prob::decode_distribution(logits, &dec).map_err(|e| {
                    let at = match e {
                        ProbError::InvalidTemperature(_) => "temperature".to_string(),
                        ProbError::InvalidTopP(_) => "top_p".to_string(),
                        ProbError::NonFiniteLogit { index, .. } => format!("{field}.{index}"),
                        _ => field.to_string(),
                    };
                    ctx.field_err(index, &at, e.to_string())
                })?;
            }
            if let Some(t) = s.target {
                if t >= n {
                    return Err(ctx.field_err(index, "target", format!("target {t} is past the last token")));
                }
            }
            let rect = Rect::from_center(offset + v(s.at), v(s.size));
            let labels = bar_labels(ctx, index, "tokens", &s.tokens, rect)?;
            let title = widget_title(ctx, index, s.title.as_deref(), rect)?;
            el.origin = rect.center();
            el.bounds = rect;
            el.kind = Kind::Distribution(Distribution {
                rect,
                tokens: s.tokens.clone(),
                labels,
                logits: s.logits.clone(),
                trained_logits: s.trained_logits.clone(),
                temperature,
                top_k: s.top_k,
                top_p: s.top_p,
                target: s.target,
                highlight_argmax: s.highlight_argmax,
                cumulative: s.cumulative,
                filter: s.filter.unwrap_or(1.0).clamp(0.0, 1.0),
                color: ctx.color(index, "color", s.color.as_ref(), "primary")?,
                title,
            });
        }
        ElementSpec::LossCurve(s) => {
            let bind = *ctx.by_name.get(&s.bind).ok_or_else(|| {
                ctx.field_err(
                    index,
                    "bind",
                    format!(
                        "bind: unknown element \"{}\" (declare the distribution first)",
                        s.bind
                    ),
                )
            })?;
            if !matches!(
                ctx.elements[bind].kind,
                Kind::Distribution(Distribution { target: Some(_), .. })
            ) {
                return Err(ctx.field_err(index, "bind", "bind must name a Distribution with a target"));
            }
            let rect = Rect::from_center(offset + v(s.at), v(s.size));
            let y_max = s.y_max.unwrap_or(5.0);
            let tick_style = ctx.style(theme.small_size, Weight::Regular, Family::Sans, Align::Center);
            let muted = theme.named("muted");
            let ticks = vec![
                ctx.text(
                    index,
                    "",
                    "0",
                    tick_style,
                    Vec2::new(rect.min.x, rect.max.y + 22.0),
                    muted,
                )?,
                ctx.text(
                    index,
                    "",
                    "p(correto)",
                    tick_style,
                    Vec2::new(rect.center().x, rect.max.y + 22.0),
                    muted,
                )?,
                ctx.text(
                    index,
                    "",
                    "1",
                    tick_style,
                    Vec2::new(rect.max.x, rect.max.y + 22.0),
                    muted,
                )?,
                ctx.text(
                    index,
                    "",
                    "−log p",
                    tick_style,
                    Vec2::new(rect.min.x + 50.0, rect.min.y - 18.0),
                    muted,
                )?,
            ];
            el.origin = rect.center();
            el.bounds = rect;
            el.kind = Kind::LossCurve(LossCurve {
                rect,
                bind,
                y_max,
                color: ctx.color(index, "color", s.color.as_ref(), "accent")?,
                ticks,
            });
        }
    }
    check_geometry(ctx, index, &el)?;
    let (o, b, k) = (el.origin, el.bounds, el.kind);
    let slot = &mut ctx.elements[index];
    slot.origin = o;
    slot.bounds = b;
    slot.kind = k;
    Ok(index)
}

impl ArrowSpec {
    fn clone_spec(&self) -> ArrowSpec {
        ArrowSpec {
            name: self.name.clone(),
            opacity: self.opacity,
            hidden: self.hidden,
            from: self.from.clone(),
            to: self.to.clone(),
            bend: self.bend,
            color: self.color.clone(),
            width: self.width,
            gap: self.gap,
            dashed: self.dashed,
            label: self.label.clone(),
            label_size: self.label_size,
            label_offset: self.label_offset,
            via: self.via.clone(),
        }
    }
}

/// Coordinates, stroke widths and text sizes within the documented limits:
/// huge or non-finite geometry would stall tessellation or dashing later.
fn check_geometry(ctx: &Ctx<'_>, index: usize, el: &Element) -> Result<(), SceneError> {
    let b = el.bounds;
    let within = |v: f32| v.is_finite() && v.abs() <= limits::MAX_COORD;
    if ![b.min.x, b.min.y, b.max.x, b.max.y, el.origin.x, el.origin.y]
        .into_iter()
        .all(within)
    {
        return Err(ctx.element_err(
            index,
            format!(
                "coordinates must be finite and within ±{} (the frame is at most {} px)",
                limits::MAX_COORD,
                limits::MAX_SIDE
            ),
        ));
    }
    let width = match &el.kind {
        Kind::Shape { stroke_width, .. } => Some(*stroke_width),
        Kind::Arrow { width, .. } => Some(*width),
        _ => None,
    };
    if let Some(w) = width {
        if !w.is_finite() || !(0.0..=limits::MAX_WIDTH).contains(&w) {
            let field = if ctx.field_offset(index, "stroke_width").is_some() {
                "stroke_width"
            } else {
                "width"
            };
            return Err(ctx.field_err(
                index,
                field,
                format!("stroke width must be within 0..={}, got {w}", limits::MAX_WIDTH),
            ));
        }
    }
    Ok(())
}

/// Text that would be cut off by the frame's edge is an error: the figure
/// must stand alone, every label legible.
fn check_inside_canvas(ctx: &Ctx<'_>, w: f32, h: f32) -> Result<(), SceneError> {
    for (index, el) in ctx.elements.iter().enumerate() {
        for b in el.kind.text_blocks() {
            let r = b.bounds;
            if r.min.x < -0.5 || r.min.y < -0.5 || r.max.x > w + 0.5 || r.max.y > h + 0.5 {
                return Err(ctx.element_err(
                    index,
                    format!(
                        "a text of this element spans x {:.0}..{:.0}, y {:.0}..{:.0}: outside the {w}x{h} frame",
                        r.min.x, r.max.x, r.min.y, r.max.y
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_fits(ctx: &Ctx<'_>, index: usize, block: &TextBlock, rect: Rect) -> Result<(), SceneError> {
    let (bw, rw) = (block.bounds.size().x, rect.size().x - 2.0 * LABEL_PADDING);
    let (bh, rh) = (block.bounds.size().y, rect.size().y);
    if bw > rw || bh > rh + 1.0 {
        return Err(ctx.field_err(
            index,
            "label",
            format!(
                "the label ({bw:.0}x{bh:.0} px) does not fit its box ({:.0}x{:.0} px with {LABEL_PADDING} px padding): \
                 widen the box, shorten the label or lower label_size",
                rect.size().x,
                rect.size().y
            ),
        ));
    }
    Ok(())
}

/// The labels under the bars of a Bars or Distribution, written at `field`.
fn bar_labels(
    ctx: &Ctx<'_>,
    index: usize,
    field: &str,
    labels: &[String],
    rect: Rect,
) -> Result<Vec<TextBlock>, SceneError> {
    let n = labels.len() as f32;
    let slot = rect.size().x / n;
    let style = ctx.style(ctx.theme.small_size, Weight::Medium, Family::Sans, Align::Center);
    let ink = ctx.theme.named("ink");
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let b = ctx.text(
                index,
                &format!("{field}.{i}"),
                l,
                style,
                Vec2::new(rect.min.x + slot * (i as f32 + 0.5), rect.max.y + 24.0),
                ink,
            )?;
            if b.bounds.size().x > slot * 1.02 {
                return Err(ctx.field_err(
                    index,
                    &format!("{field}.{i}"),
                    format!(
                        "label \"{l}\" is wider ({:.0} px) than its bar slot ({slot:.0} px)",
                        b.bounds.size().x
                    ),
                ));
            }
            Ok(b)
        })
        .collect()
}

fn widget_title(
    ctx: &Ctx<'_>,
    index: usize,
    title: Option<&str>,
    rect: Rect,
) -> Result<Option<TextBlock>, SceneError> {
    title
        .map(|t| {
            let style = ctx.style(
                ctx.theme.label_size,
                Weight::SemiBold,
                Family::Sans,
                Align::Center,
            );
            ctx.text(
                index,
                "title",
                t,
                style,
                Vec2::new(rect.center().x, rect.min.y - 62.0),
                ctx.theme.named("ink"),
            )
        })
        .transpose()
}

fn resolve_chart(
    ctx: &Ctx<'_>,
    index: usize,
    s: &LineChartSpec,
    offset: Vec2,
) -> Result<LineChart, SceneError> {
    let rect = Rect::from_center(offset + v(s.at), v(s.size));
    let mut series = Vec::new();
    for (i, sp) in s.series.iter().enumerate() {
        let data = format!("series.{i}.{}", if sp.csv.is_some() { "csv" } else { "points" });
        let points = match (&sp.points, &sp.csv) {
            (Some(p), None) => p.clone(),
            (None, Some(csv)) => {
                let (x, y) = match (&sp.x, &sp.y) {
                    (Some(x), Some(y)) => (x.as_str(), y.as_str()),
                    _ => {
                        return Err(ctx.field_err(
                            index,
                            &format!("series.{i}"),
                            format!("series {i}: a csv series needs `x` and `y` column names"),
                        ))
                    }
                };
                let file = ctx.loader.root().join(csv);
                ctx.inputs.borrow_mut().push(file.clone());
                read_csv_columns(&file, x, y).map_err(|e| ctx.field_err(index, &data, e))?
            }
            _ => {
                return Err(ctx.field_err(
                    index,
                    &format!("series.{i}"),
                    format!("series {i}: give either `points` or `csv`"),
                ))
            }
        };
        if points.len() < 2 || points.len() > limits::MAX_POINTS {
            return Err(ctx.field_err(
                index,
                &data,
                format!(
                    "series {i}: needs 2..={} points, got {}",
                    limits::MAX_POINTS,
                    points.len()
                ),
            ));
        }
        if points.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
            return Err(ctx.field_err(index, &data, format!("series {i}: points must be finite")));
        }
        if points.windows(2).any(|w| w[1].0 < w[0].0) {
            return Err(ctx.field_err(index, &data, format!("series {i}: x values must not decrease")));
        }
        let color = ctx.color(
            index,
            &format!("series.{i}.color"),
            sp.color.as_ref(),
            if i == 0 { "primary" } else { "accent" },
        )?;
        series.push(Series {
            points,
            color,
            dashed: sp.dashed,
            label: None,
        });
    }
    if series.is_empty() {
        return Err(ctx.field_err(index, "series", "a chart needs at least one series"));
    }
    let fold = |f: fn(&(f64, f64)) -> f64| {
        let it = series.iter().flat_map(|s| s.points.iter().map(f));
        let v: Vec<f64> = it.collect();
        (
            v.iter().cloned().fold(f64::INFINITY, f64::min),
            v.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
        )
    };
    let x_range = s.x_range.unwrap_or_else(|| fold(|p| p.0));
    let y_range = s.y_range.unwrap_or_else(|| {
        let (lo, hi) = fold(|p| p.1);
        (lo.min(0.0), hi * 1.05)
    });
    let increasing = |r: (f64, f64)| r.0.is_finite() && r.1.is_finite() && r.1 > r.0;
    if !increasing(x_range) || !increasing(y_range) {
        let field = if increasing(x_range) { "y_range" } else { "x_range" };
        return Err(ctx.field_err(index, field, "x_range and y_range must be increasing"));
    }
    let theme = &ctx.theme;
    let tick_style = ctx.style(theme.small_size, Weight::Regular, Family::Sans, Align::Center);
    let right_style = ctx.style(theme.small_size, Weight::Regular, Family::Sans, Align::Right);
    let muted = theme.named("muted");
    let x_ticks = s.x_ticks.clone().unwrap_or_default();
    let y_ticks = s.y_ticks.clone().unwrap_or_default();
    let map_x = |x: f64| rect.min.x + ((x - x_range.0) / (x_range.1 - x_range.0)) as f32 * rect.size().x;
    let map_y = |y: f64| rect.max.y - ((y - y_range.0) / (y_range.1 - y_range.0)) as f32 * rect.size().y;
    let mut ticks = Vec::new();
    for (i, &x) in x_ticks.iter().enumerate() {
        ticks.push(ctx.text(
            index,
            &format!("x_ticks.{i}"),
            &format_tick(x),
            tick_style,
            Vec2::new(map_x(x), rect.max.y + 20.0),
            muted,
        )?);
    }
    for (i, &y) in y_ticks.iter().enumerate() {
        ticks.push(ctx.text(
            index,
            &format!("y_ticks.{i}"),
            &format_tick(y),
            right_style,
            Vec2::new(rect.min.x - 10.0, map_y(y)),
            muted,
        )?);
    }
    let mut axis_labels = Vec::new();
    if let Some(l) = &s.x_label {
        axis_labels.push(ctx.text(
            index,
            "x_label",
            l,
            ctx.style(theme.small_size, Weight::Medium, Family::Sans, Align::Center),
            Vec2::new(rect.center().x, rect.max.y + 52.0),
            theme.named("ink"),
        )?);
    }
    if let Some(l) = &s.y_label {
        axis_labels.push(ctx.text(
            index,
            "y_label",
            l,
            ctx.style(theme.small_size, Weight::Medium, Family::Sans, Align::Left),
            Vec2::new(rect.min.x, rect.min.y - 44.0),
            theme.named("ink"),
        )?);
    }
    for (i, (sp, se)) in s.series.iter().zip(series.iter_mut()).enumerate() {
        if let Some(l) = &sp.label {
            let last = se.points.last().copied().unwrap_or((0.0, 0.0));
            let style = ctx.style(theme.small_size, Weight::SemiBold, Family::Sans, Align::Left);
            se.label = Some(ctx.text(
                index,
                &format!("series.{i}.label"),
                l,
                style,
                Vec2::new(map_x(last.0) + 12.0, map_y(last.1)),
                se.color,
            )?);
        }
    }
    let marker_color = ctx.color(index, "marker_color", s.marker_color.as_ref(), "good")?;
    let mut markers = Vec::new();
    for (i, (x, l)) in s.markers.clone().unwrap_or_default().into_iter().enumerate() {
        let style = ctx.style(theme.small_size, Weight::Medium, Family::Mono, Align::Center);
        markers.push((
            x,
            ctx.text(
                index,
                &format!("markers.{i}.1"),
                &l,
                style,
                Vec2::new(map_x(x), rect.min.y - 12.0),
                marker_color,
            )?,
        ));
    }
    let progress = s.progress.unwrap_or(1.0);
    Ok(LineChart {
        rect,
        series,
        x_range,
        y_range,
        ticks,
        x_ticks,
        y_ticks,
        axis_labels,
        progress,
        markers,
        marker_color,
    })
}

/// A tick label: integers without decimals, others with up to two.
pub fn format_tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').replace('.', ",")
    }
}

/// The text of a CSV file: a regular file of at most
/// [`limits::MAX_CSV_BYTES`], UTF-8, without a byte-order mark (spreadsheets
/// write one), with LF or CRLF line endings.
fn read_csv_text(path: &Path) -> Result<String, String> {
    let bytes = crate::fsread::read_regular_file(path, limits::MAX_CSV_BYTES, "CSV files")
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&c| c == b'\n')
            .count();
        format!("{}:{}: the file is not valid UTF-8", path.display(), line + 1)
    })?;
    let text = super::strip_bom(&text);
    if let Some(problem) = super::line_ending_problem(text) {
        return Err(format!("{}: {problem}", path.display()));
    }
    Ok(text.to_string())
}

/// Reads two named columns of a CSV file with a header row. Errors name the
/// file, the line and the column. Every row has as many cells as the
/// header: a longer or shorter row is an error, not a guess.
pub fn read_csv_columns(path: &Path, x: &str, y: &str) -> Result<Vec<(f64, f64)>, String> {
    let text = read_csv_text(path)?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let (_, header) = lines
        .next()
        .ok_or_else(|| format!("{}: the CSV file is empty", path.display()))?;
    let cols: Vec<&str> = header.split(',').map(|c| c.trim()).collect();
    let find = |name: &str| {
        cols.iter().position(|c| *c == name).ok_or_else(|| {
            format!(
                "{}: no column \"{name}\" (columns: {})",
                path.display(),
                cols.join(", ")
            )
        })
    };
    let (xi, yi) = (find(x)?, find(y)?);
    let mut out = Vec::new();
    for (n, line) in lines {
        let cells: Vec<&str> = line.split(',').map(|c| c.trim()).collect();
        if cells.len() != cols.len() {
            return Err(format!(
                "{}:{}: the row has {} cells but the header has {} columns",
                path.display(),
                n + 1,
                cells.len(),
                cols.len()
            ));
        }
        let get = |i: usize, name: &str| -> Result<f64, String> {
            let cell = cells
                .get(i)
                .ok_or_else(|| format!("{}:{}: missing column \"{name}\"", path.display(), n + 1))?;
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(format!(
                    "{}:{}: \"{cell}\" in column \"{name}\" is not a number",
                    path.display(),
                    n + 1
                )),
            }
        };
        if cells.get(yi).is_some_and(|c| c.is_empty()) {
            continue; // a blank cell: this series has no value at that x
        }
        out.push((get(xi, x)?, get(yi, y)?));
        if out.len() > limits::MAX_POINTS {
            return Err(format!(
                "{}: more than {} rows",
                path.display(),
                limits::MAX_POINTS
            ));
        }
    }
    Ok(out)
}

fn resolve_arrows(ctx: &mut Ctx<'_>) -> Result<(), SceneError> {
    let arrows = std::mem::take(&mut ctx.arrows);
    let arrow_indices: HashMap<usize, usize> = arrows.iter().enumerate().map(|(i, (e, _))| (*e, i)).collect();
    let mut state = vec![0u8; arrows.len()]; // 0 new, 1 visiting, 2 done
    fn visit(
        ctx: &mut Ctx<'_>,
        arrows: &[(usize, ArrowSpec)],
        arrow_indices: &HashMap<usize, usize>,
        state: &mut [u8],
        i: usize,
        chain: &mut Vec<String>,
    ) -> Result<(), SceneError> {
        let (index, spec) = &arrows[i];
        let (id, name) = (*index, spec.name.as_deref());
        match state[i] {
            2 => return Ok(()),
            1 => {
                chain.push(name.unwrap_or("?").to_string());
                return Err(ctx.field_err(id, "name", format!("arrows form a cycle: {}", chain.join(" → "))));
            }
            _ => {}
        }
        if spec.via.as_ref().is_some_and(|v| v.len() > limits::MAX_POINTS) {
            return Err(ctx.field_err(
                id,
                "via",
                format!("an arrow has at most {} `via` points", limits::MAX_POINTS),
            ));
        }
        state[i] = 1;
        chain.push(name.unwrap_or("?").to_string());
        let mut ends = [Vec2::ZERO; 2];
        let mut anchored = [false; 2];
        for (k, (field, end)) in [("from", &spec.from), ("to", &spec.to)].into_iter().enumerate() {
            ends[k] = match end {
                EndSpec::Point(p) => v(*p),
                EndSpec::Anchor(a) => {
                    let (el, anchor) = a.split_once('.').unwrap_or((a.as_str(), "center"));
                    let target = *ctx.by_name.get(el).ok_or_else(|| {
                        ctx.field_err(id, field, format!("arrow end \"{a}\": no element named \"{el}\""))
                    })?;
                    if let Some(&j) = arrow_indices.get(&target) {
                        visit(ctx, arrows, arrow_indices, state, j, chain)?;
                    }
                    let b = ctx.elements[target].bounds;
                    anchored[k] = true;
                    b.anchor(anchor).ok_or_else(|| {
                        ctx.field_err(
                            id,
                            field,
                            format!("unknown anchor \"{anchor}\": use center, left, right, top, bottom, top_left, top_right, bottom_left or bottom_right"),
                        )
                    })?
                }
            };
        }
        chain.pop();
        let gap = spec.gap.unwrap_or(8.0);
        let (mut a, mut b) = (ends[0], ends[1]);
        let first_dir = spec
            .via
            .as_ref()
            .and_then(|v| v.first())
            .map(|p| Vec2::new(p.0, p.1))
            .unwrap_or(b);
        let last_dir = spec
            .via
            .as_ref()
            .and_then(|v| v.last())
            .map(|p| Vec2::new(p.0, p.1))
            .unwrap_or(a);
        if anchored[0] {
            a += (first_dir - a).normalize_or_zero() * gap;
        }
        if anchored[1] {
            b += (last_dir - b).normalize_or_zero() * gap;
        }
        if a.distance(b) < 1.0 {
            return Err(ctx.element_err(id, "the arrow's ends coincide"));
        }
        let shaft = match (&spec.via, spec.bend) {
            (Some(via), _) => {
                let mut pts = vec![a];
                pts.extend(via.iter().map(|p| Vec2::new(p.0, p.1)));
                pts.push(b);
                PathData::polyline(&pts, false)
            }
            (None, Some(bend)) if bend != 0.0 => {
                let d = b - a;
                let c = (a + b) * 0.5 + Vec2::new(d.y, -d.x) * bend;
                let mut p = PathData::new();
                p.move_to(a).quad_to(c, b);
                p
            }
            _ => PathData::polyline(&[a, b], false),
        };
        let theme = ctx.theme.clone();
        let color = ctx.color(id, "color", spec.color.as_ref(), "muted")?;
        let label = match &spec.label {
            Some(text) => {
                let (mid, _) = shaft.point_at(0.5).unwrap_or((a, Vec2::X));
                let off = spec.label_offset.map(v).unwrap_or(Vec2::new(0.0, -24.0));
                let style = ctx.style(
                    spec.label_size.unwrap_or(theme.small_size),
                    Weight::Medium,
                    Family::Sans,
                    Align::Center,
                );
                Some(ctx.text(id, "label", text, style, mid + off, color)?)
            }
            None => None,
        };
        let el = &mut ctx.elements[*index];
        el.bounds = shaft.bounds().unwrap_or_default();
        el.origin = el.bounds.center();
        el.kind = Kind::Arrow {
            shaft,
            color,
            width: spec.width.unwrap_or(theme.stroke_width),
            dashed: spec.dashed,
            label,
        };
        state[i] = 2;
        Ok(())
    }
    for i in 0..arrows.len() {
        let mut chain = Vec::new();
        visit(ctx, &arrows, &arrow_indices, &mut state, i, &mut chain)?;
    }
    Ok(())
}

fn resolve_steps(ctx: &mut Ctx<'_>, specs: &[StepSpec], duration: f64) -> Result<Vec<Step>, SceneError> {
    let mut steps = Vec::new();
    let (mut prev_start, mut prev_end) = (0.0f64, 0.0f64);
    for (i, spec) in specs.iter().enumerate() {
        let (kind_name, f) = step_parts(spec);
        let err = |m: String| ctx.step_err(i, format!("{kind_name}: {m}"));
        let field_err = |field: &str, m: String| ctx.step_field_err(i, field, format!("{kind_name}: {m}"));
        let allowed: &[&str] = match spec {
            StepSpec::FadeIn(_)
            | StepSpec::FadeOut(_)
            | StepSpec::DrawOn(_)
            | StepSpec::Write(_)
            | StepSpec::Pulse(_) => &[],
            StepSpec::Move(_) => &["by", "to"],
            StepSpec::Scale(_) | StepSpec::Rotate(_) | StepSpec::Color(_) | StepSpec::Reveal(_) => &["to"],
            StepSpec::Morph(_) => &["into"],
            StepSpec::Follow(_) => &["path"],
            StepSpec::Set(_) => &["param", "to"],
            StepSpec::Count(_) => &["from", "to"],
            StepSpec::Wait(_) => &[],
        };
        for (field, present) in [
            ("by", f.by.is_some()),
            ("to", f.to.is_some()),
            ("from", f.from.is_some()),
            ("path", f.path.is_some()),
            ("param", f.param.is_some()),
            ("into", f.into.is_some()),
        ] {
            if present && !allowed.contains(&field) {
                return Err(field_err(field, format!("does not take `{field}`")));
            }
        }
        let dur = f.dur.unwrap_or(if matches!(spec, StepSpec::Pulse(_)) {
            0.8
        } else {
            0.6
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
            (Some(t), None) => (vec![t.clone()], |_| "target".into()),
            (None, Some(ts)) => (ts.clone(), |k| format!("targets.{k}")),
            (None, None) => (Vec::new(), |_| String::new()),
        };
        if matches!(spec, StepSpec::Wait(_)) {
            if !targets.is_empty() {
                return Err(err("does not take a target".into()));
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
        for (k, tname) in targets.iter().enumerate() {
            let target = *ctx.by_name.get(tname).ok_or_else(|| {
                let mut known: Vec<&str> = ctx.by_name.keys().map(|s| s.as_str()).collect();
                known.sort();
                field_err(
                    &target_field(k),
                    format!("unknown element \"{tname}\" (known: {})", known.join(", ")),
                )
            })?;
            let s = start + stagger * k as f64;
            let kind = step_kind(ctx, spec, f, target).map_err(|m| match kind_field(spec, f) {
                "target" => field_err(&target_field(k), m),
                field => field_err(field, m),
            })?;
            if s + dur > duration + 1e-9 {
                return Err(err(format!(
                    "runs until {:.2} s, past the end of the scene ({duration} s): lengthen `duration` or move the step",
                    s + dur
                )));
            }
            if let (StepSpec::Count(_), Some(from)) = (spec, f.from) {
                steps.push(Step {
                    kind: StepKind::Set(Param::Value, from),
                    target,
                    start: s,
                    dur: 0.0,
                    ease: EaseSpec::Linear,
                    source_index: i,
                });
            }
            steps.push(Step {
                kind,
                target,
                start: s,
                dur,
                ease: f.ease.unwrap_or_default(),
                source_index: i,
            });
            end = end.max(s + dur);
        }
        prev_start = start;
        prev_end = end;
    }
    steps.sort_by(|a, b| a.start.total_cmp(&b.start));
    Ok(steps)
}

/// The field that [`step_kind`]'s errors for this step are about.
fn kind_field(spec: &StepSpec, f: &StepFields) -> &'static str {
    match spec {
        StepSpec::Move(_) if f.by.is_some() => "by",
        StepSpec::Set(_) if f.param.as_deref().and_then(Param::parse).is_none() => "param",
        StepSpec::Morph(_) => "into",
        StepSpec::Follow(_) => "path",
        StepSpec::Move(_)
        | StepSpec::Scale(_)
        | StepSpec::Rotate(_)
        | StepSpec::Color(_)
        | StepSpec::Set(_)
        | StepSpec::Count(_)
        | StepSpec::Reveal(_) => "to",
        _ => "target",
    }
}

fn step_parts(spec: &StepSpec) -> (&'static str, &StepFields) {
    match spec {
        StepSpec::FadeIn(f) => ("FadeIn", f),
        StepSpec::FadeOut(f) => ("FadeOut", f),
        StepSpec::DrawOn(f) => ("DrawOn", f),
        StepSpec::Write(f) => ("Write", f),
        StepSpec::Move(f) => ("Move", f),
        StepSpec::Scale(f) => ("Scale", f),
        StepSpec::Rotate(f) => ("Rotate", f),
        StepSpec::Color(f) => ("Color", f),
        StepSpec::Pulse(f) => ("Pulse", f),
        StepSpec::Morph(f) => ("Morph", f),
        StepSpec::Follow(f) => ("Follow", f),
        StepSpec::Set(f) => ("Set", f),
        StepSpec::Count(f) => ("Count", f),
        StepSpec::Reveal(f) => ("Reveal", f),
        StepSpec::Wait(f) => ("Wait", f),
    }
}

fn number(to: &Option<ToSpec>) -> Result<f64, String> {
    match to {
        Some(ToSpec::Number(x)) if x.is_finite() => Ok(*x),
        Some(ToSpec::Number(x)) => Err(format!("`to` must be finite, got {x}")),
        _ => Err("needs a number `to`".into()),
    }
}

fn step_kind(ctx: &Ctx<'_>, spec: &StepSpec, f: &StepFields, target: usize) -> Result<StepKind, String> {
    let el = &ctx.elements[target];
    let needs_text = || match el.kind {
        Kind::Text(_) | Kind::DynamicText(_) | Kind::Shape { label: Some(_), .. } | Kind::Arrow { .. } => {
            Ok(())
        }
        _ => Err("Write needs a Text, or a Box/Circle with a label".to_string()),
    };
    Ok(match spec {
        StepSpec::FadeIn(_) => StepKind::FadeIn,
        StepSpec::FadeOut(_) => StepKind::FadeOut,
        StepSpec::DrawOn(_) => StepKind::DrawOn,
        StepSpec::Write(_) => {
            needs_text()?;
            StepKind::Write
        }
        StepSpec::Pulse(_) => StepKind::Pulse,
        StepSpec::Move(_) => {
            let (kind, p) = match (&f.by, &f.to) {
                (Some(by), None) => (StepKind::MoveBy(v(*by)), v(*by)),
                (None, Some(ToSpec::Point(p))) => (StepKind::MoveTo(v(*p)), v(*p)),
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
        StepSpec::Scale(_) => {
            let s = number(&f.to)?;
            if !(0.0..=limits::MAX_SCALE).contains(&s) {
                return Err(format!("scale must be within 0..={}, got {s}", limits::MAX_SCALE));
            }
            StepKind::Scale(s as f32)
        }
        StepSpec::Rotate(_) => StepKind::Rotate(number(&f.to)? as f32),
        StepSpec::Color(_) => match &f.to {
            Some(ToSpec::Name(c)) => StepKind::Color(ctx.theme.color(c)?),
            _ => return Err("needs a colour `to` (a theme name or #hex)".into()),
        },
        StepSpec::Morph(_) => {
            let into = f.into.as_ref().ok_or("needs `into`: the element to morph into")?;
            let other = *ctx
                .by_name
                .get(into)
                .ok_or_else(|| format!("unknown element \"{into}\" in `into`"))?;
            if other == target {
                return Err("an element cannot morph into itself".into());
            }
            match (&el.kind, &ctx.elements[other].kind) {
                (Kind::Shape { .. }, Kind::Shape { .. }) => StepKind::Morph(other),
                _ => return Err("Morph works between two shapes (Box, Circle, Path, Line)".into()),
            }
        }
        StepSpec::Follow(_) => {
            let p = f
                .path
                .as_ref()
                .ok_or("needs `path`: an Arrow, Line, Path, Box or Circle to travel along")?;
            let other = *ctx
                .by_name
                .get(p)
                .ok_or_else(|| format!("unknown element \"{p}\" in `path`"))?;
            if other == target {
                return Err("an element cannot follow itself".into());
            }
            match &ctx.elements[other].kind {
                // A Box or Circle is followed around its outline (documented).
                Kind::Arrow { .. } | Kind::Shape { .. } => StepKind::Follow(other),
                _ => return Err(format!("\"{p}\" is not an Arrow, Line, Path, Box or Circle")),
            }
        }
        StepSpec::Set(_) => {
            let pname = f.param.as_ref().ok_or("needs `param`")?;
            let param = Param::parse(pname).ok_or_else(|| {
                let names: Vec<&str> = Param::NAMES.iter().map(|(n, _)| *n).collect();
                format!("unknown param \"{pname}\" (one of: {})", names.join(", "))
            })?;
            let to = number(&f.to)?;
            check_param(el, param, to)?;
            StepKind::Set(param, to)
        }
        StepSpec::Count(_) => {
            if !matches!(el.kind, Kind::DynamicText(_)) {
                return Err("Count needs a Text with a {value} placeholder".into());
            }
            if f.from.is_some_and(|x| !x.is_finite()) {
                return Err("`from` must be finite".into());
            }
            StepKind::Set(Param::Value, number(&f.to)?)
        }
        StepSpec::Reveal(_) => {
            let to = match &f.to {
                None => 1.0,
                Some(_) => number(&f.to)?,
            };
            check_param(el, Param::Progress, to)?;
            StepKind::Set(Param::Progress, to)
        }
        StepSpec::Wait(_) => return Err("Wait has no target".into()),
    })
}

fn check_param(el: &Element, param: Param, to: f64) -> Result<(), String> {
    let ok_kind = match param {
        Param::Temperature | Param::TopK | Param::TopP | Param::Training | Param::Filter => {
            matches!(el.kind, Kind::Distribution(_))
        }
        Param::Progress => matches!(el.kind, Kind::LineChart(_) | Kind::Tokens { .. }),
        Param::Value => matches!(el.kind, Kind::DynamicText(_)),
    };
    if !ok_kind {
        return Err(format!("this element has no parameter {param:?}"));
    }
    let ok_value = match param {
        Param::Temperature => to > 0.0,
        Param::TopK => to >= 1.0,
        Param::TopP => to > 0.0 && to <= 1.0,
        Param::Training | Param::Filter | Param::Progress => (0.0..=1.0).contains(&to),
        Param::Value => true,
    };
    if !ok_value {
        return Err(format!("value {to} is out of range for {param:?}"));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn csv(name: &str, text: &str) -> Result<Vec<(f64, f64)>, String> {
        let dir = std::env::temp_dir().join(format!("anim-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = read_csv_columns(&path, "step", "loss");
        std::fs::remove_file(&path).unwrap();
        out
    }

    #[test]
    fn a_csv_with_a_byte_order_mark_reads_like_one_without() {
        let plain = "step,loss\n0,3.5\n1,2.5\n";
        let want = vec![(0.0, 3.5), (1.0, 2.5)];
        assert_eq!(csv("plain.csv", plain).unwrap(), want);
        assert_eq!(csv("bom.csv", &format!("\u{feff}{plain}")).unwrap(), want);
        let crlf = format!("\u{feff}{}", plain.replace('\n', "\r\n"));
        assert_eq!(csv("crlf.csv", &crlf).unwrap(), want);
    }

    #[test]
    fn a_csv_row_longer_or_shorter_than_the_header_is_refused() {
        let e = csv("long.csv", "step,loss\n0,3.5\n1,2.5,9\n").unwrap_err();
        assert!(
            e.ends_with("long.csv:3: the row has 3 cells but the header has 2 columns"),
            "{e}"
        );
        let e = csv("short.csv", "step,loss,x\n0,3.5\n").unwrap_err();
        assert!(
            e.ends_with("short.csv:2: the row has 2 cells but the header has 3 columns"),
            "{e}"
        );
    }

    #[test]
    fn a_csv_with_cr_only_line_endings_is_named() {
        let e = csv("mac.csv", "step,loss\r0,3.5\r1,2.5\r").unwrap_err();
        assert!(e.contains("mac.csv: the file uses CR-only"), "{e}");
    }
}
