//! Raw scene file → resolved [`Scene`]: defaults, theme colours, text
//! layout, arrow anchors, step timing, and every check that needs the whole
//! file. Errors point at the element or step they concern.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use glam::Vec2;

use super::error::{find_name_decls, list_items, SceneError};
use super::format::*;
use super::limits;
use super::model::*;
use super::theme::Theme;
use super::Loader;
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::text::{Align, Family, TextStyle, Weight};

/// Padding kept between a box's edge and its label.
pub const LABEL_PADDING: f32 = 12.0;

struct Ctx<'a> {
    loader: &'a Loader,
    path: &'a Path,
    src: &'a str,
    theme: Arc<Theme>,
    element_offsets: Vec<usize>,
    step_offsets: Vec<usize>,
    elements: Vec<Element>,
    by_name: HashMap<String, usize>,
    /// Arrows are resolved after every other element: (element index, spec).
    arrows: Vec<(usize, ArrowSpec)>,
    top_level: usize,
    /// Files read for this scene besides the scene file and the theme (data,
    /// images); a cell, as the readers only borrow the context.
    inputs: std::cell::RefCell<Vec<PathBuf>>,
}

fn v(p: P) -> Vec2 {
    Vec2::new(p.0, p.1)
}

impl Ctx<'_> {
    /// An error about the element called `name` (or the `index`th top-level one).
    fn element_err(&self, name: Option<&str>, message: impl Into<String>) -> SceneError {
        let off = name
            .and_then(|n| {
                // The declaration of this element: the last one seen so far
                // (for a duplicate, the second).
                let decls = find_name_decls(self.src, n);
                let seen = self
                    .elements
                    .iter()
                    .filter(|e| e.name.as_deref() == Some(n))
                    .count();
                decls.get(seen.saturating_sub(1)).or(decls.last()).copied()
            })
            .or_else(|| self.element_offsets.get(self.top_level).copied());
        match off {
            Some(o) => SceneError::at_offset(self.path, self.src, o, message),
            None => SceneError::whole_file(self.path, message),
        }
    }

    fn step_err(&self, index: usize, message: impl Into<String>) -> SceneError {
        match self.step_offsets.get(index) {
            Some(&o) => SceneError::at_offset(self.path, self.src, o, message),
            None => SceneError::whole_file(self.path, message),
        }
    }

    fn color(&self, name: Option<&str>, spec: Option<&String>, default: &str) -> Result<Color, SceneError> {
        let s = spec.map(|s| s.as_str()).unwrap_or(default);
        self.theme.color(s).map_err(|e| self.element_err(name, e))
    }

    /// A fill or stroke colour with a default; `"none"` paints nothing.
    fn paint(
        &self,
        name: Option<&str>,
        spec: Option<&String>,
        default: &str,
    ) -> Result<Option<Color>, SceneError> {
        match spec.map(|s| s.as_str()) {
            Some("none") => Ok(None),
            _ => self.color(name, spec, default).map(Some),
        }
    }

    fn opt_color(&self, name: Option<&str>, spec: Option<&String>) -> Result<Option<Color>, SceneError> {
        spec.map(|s| self.theme.color(s).map_err(|e| self.element_err(name, e)))
            .transpose()
    }

    fn finite(&self, name: Option<&str>, what: &str, vals: &[f32]) -> Result<(), SceneError> {
        if vals.iter().all(|x| x.is_finite()) {
            Ok(())
        } else {
            Err(self.element_err(name, format!("{what} must be a finite number (not NaN or inf)")))
        }
    }

    fn positive(&self, name: Option<&str>, what: &str, x: f32) -> Result<f32, SceneError> {
        if x.is_finite() && x > 0.0 {
            Ok(x)
        } else {
            Err(self.element_err(name, format!("{what} must be a positive number, got {x}")))
        }
    }

    /// Lays out `text` with its block placed at `at` according to `align`
    /// (vertically centred on `at.y`).
    fn text(
        &self,
        name: Option<&str>,
        text: &str,
        style: TextStyle,
        at: Vec2,
        color: Color,
    ) -> Result<TextBlock, SceneError> {
        layout_block(self.loader, text, &style, at, color).map_err(|e| self.element_err(name, e))
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

/// Lays out text and places it: `at` is the centre (Center), left middle
/// (Left) or right middle (Right) of the block.
pub fn layout_block(
    loader: &Loader,
    text: &str,
    style: &TextStyle,
    at: Vec2,
    color: Color,
) -> Result<TextBlock, String> {
    place_layout(loader.fonts(), text, style, at, color)
}

/// [`layout_block`] with a font book.
pub fn place_layout(
    fonts: &crate::text::FontBook,
    text: &str,
    style: &TextStyle,
    at: Vec2,
    color: Color,
) -> Result<TextBlock, String> {
    if !style.size.is_finite() || style.size <= 0.0 || style.size > limits::MAX_WIDTH {
        return Err(format!(
            "text size must be within (0, {}], got {}",
            limits::MAX_WIDTH,
            style.size
        ));
    }
    if text.chars().count() > limits::MAX_TEXT_CHARS {
        return Err(format!(
            "text is longer than {} characters",
            limits::MAX_TEXT_CHARS
        ));
    }
    let layout = fonts.layout(text, style).map_err(|e| e.to_string())?;
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
    let at_key = |key: &str, m: String| match src.find(&format!("{key}:")) {
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
    let theme = Arc::new(Theme::load(&theme_path)?);
    let background = match &file.background {
        Some(b) => theme.color(b).map_err(|e| at_key("background", e))?,
        None => theme.named("background"),
    };

    let mut ctx = Ctx {
        loader,
        path,
        src,
        theme: theme.clone(),
        element_offsets: list_items(src, "elements"),
        step_offsets: list_items(src, "timeline"),
        elements: Vec::new(),
        by_name: HashMap::new(),
        arrows: Vec::new(),
        top_level: 0,
        inputs: Default::default(),
    };
    for (i, spec) in file.elements.iter().enumerate() {
        ctx.top_level = i;
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
    let name = common.name.as_deref();
    if depth > limits::MAX_DEPTH {
        return Err(ctx.element_err(
            name,
            format!("groups are nested deeper than {}", limits::MAX_DEPTH),
        ));
    }
    if ctx.elements.len() >= limits::MAX_ELEMENTS {
        return Err(ctx.element_err(name, format!("more than {} elements", limits::MAX_ELEMENTS)));
    }
    if let Some(n) = name {
        if n.is_empty() || n.contains('.') || n.contains(char::is_whitespace) {
            return Err(ctx.element_err(
                name,
                format!("invalid name \"{n}\": use letters, digits, - and _"),
            ));
        }
        if ctx.by_name.contains_key(n) {
            let msg = format!("duplicate name \"{n}\": each element needs its own name");
            return Err(match find_name_decls(ctx.src, n).get(1) {
                Some(&o) => SceneError::at_offset(ctx.path, ctx.src, o, msg),
                None => ctx.element_err(name, msg),
            });
        }
    }
    let opacity = common.opacity.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&opacity) {
        return Err(ctx.element_err(name, format!("opacity must be within 0..=1, got {opacity}")));
    }
    let index = ctx.elements.len();
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
            ctx.finite(name, "at/size", &[s.at.0, s.at.1, s.size.0, s.size.1])?;
            let size = Vec2::new(
                ctx.positive(name, "width", s.size.0)?,
                ctx.positive(name, "height", s.size.1)?,
            );
            let rect = Rect::from_center(offset + v(s.at), size);
            let radius = s.radius.unwrap_or(theme.radius);
            let fill = ctx.paint(name, s.fill.as_ref(), "surface")?;
            let stroke = ctx.paint(name, s.stroke.as_ref(), "ink")?;
            let label_color = ctx.color(name, s.label_color.as_ref(), "ink")?;
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
                    let mut block =
                        ctx.text(name, text, style, Vec2::new(rect.center().x, y), label_color)?;
                    if let Some(c) = &s.caption {
                        let cs = ctx.style(theme.small_size, Weight::Regular, Family::Sans, Align::Center);
                        let cy = rect.center().y + size * 0.65;
                        let cap =
                            ctx.text(name, c, cs, Vec2::new(rect.center().x, cy), theme.named("muted"))?;
                        block.bounds = block.bounds.union(&cap.bounds);
                        block.chars += cap.chars;
                        block.glyphs.extend(cap.glyphs.into_iter().map(|mut g| {
                            g.char_index += text.chars().count();
                            g
                        }));
                    }
                    check_fits(ctx, name, &block, rect)?;
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
            ctx.finite(name, "at", &[s.at.0, s.at.1])?;
            let r = ctx.positive(name, "radius", s.radius)?;
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
                    let color = ctx.color(name, s.label_color.as_ref(), "ink")?;
                    Some(ctx.text(name, text, style, c, color)?)
                }
                None => None,
            };
            el.origin = c;
            el.bounds = rect;
            el.kind = Kind::Shape {
                path: PathData::ellipse(c, Vec2::splat(r)),
                fill: ctx.opt_color(name, s.fill.as_ref())?,
                stroke: ctx.opt_color(name, s.stroke.as_ref())?,
                stroke_width: s.stroke_width.unwrap_or(theme.stroke_width),
                dashed: false,
                label,
            };
        }
        ElementSpec::Line(s) => {
            if s.points.len() < 2 || s.points.len() > limits::MAX_POINTS {
                return Err(ctx.element_err(name, "a line needs at least 2 points"));
            }
            let pts: Vec<Vec2> = s.points.iter().map(|p| offset + v(*p)).collect();
            ctx.finite(
                name,
                "points",
                &pts.iter().flat_map(|p| [p.x, p.y]).collect::<Vec<_>>(),
            )?;
            let path = PathData::polyline(&pts, s.closed);
            el.bounds = path.bounds().unwrap_or_default();
            el.origin = el.bounds.center();
            el.kind = Kind::Shape {
                path,
                fill: None,
                stroke: Some(ctx.color(name, s.color.as_ref(), "ink")?),
                stroke_width: s.width.unwrap_or(theme.stroke_width),
                dashed: s.dashed,
                label: None,
            };
        }
        ElementSpec::Path(s) => {
            let path = PathData::parse_svg(&s.d)
                .map_err(|e| {
                    let off = ctx.src.find(&s.d).map(|o| o + e.offset).unwrap_or(0);
                    SceneError::at_offset(ctx.path, ctx.src, off, e.message)
                })?
                .transformed(&glam::Affine2::from_translation(offset));
            if s.fill.is_none() && s.stroke.is_none() {
                return Err(ctx.element_err(name, "a path needs a fill, a stroke or both"));
            }
            el.bounds = path.bounds().unwrap_or_default();
            el.origin = el.bounds.center();
            el.kind = Kind::Shape {
                path,
                fill: ctx.opt_color(name, s.fill.as_ref())?,
                stroke: ctx.opt_color(name, s.stroke.as_ref())?,
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
            ctx.finite(name, "at", &[s.at.0, s.at.1])?;
            let style = TextStyle {
                family: if s.font == Some(FontSpec::Mono) {
                    Family::Mono
                } else {
                    Family::Sans
                },
                weight: weight(s.weight, Weight::Regular),
                size: ctx.positive(name, "size", s.size.unwrap_or(theme.text_size))?,
                align: match s.align {
                    Some(AlignSpec::Left) => Align::Left,
                    Some(AlignSpec::Right) => Align::Right,
                    _ => Align::Center,
                },
                ..TextStyle::default()
            };
            let color = ctx.color(name, s.color.as_ref(), "ink")?;
            let at = offset + v(s.at);
            let dynamic = s.text.contains('{') || s.bind.is_some() || s.value.is_some();
            if dynamic {
                let bind = match &s.bind {
                    Some(b) => Some(*ctx.by_name.get(b).ok_or_else(|| {
                        ctx.element_err(
                            name,
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
                    .map_err(|e| ctx.element_err(name, e))?;
                let block = ctx.text(name, &sample, t.style, at, color)?;
                el.bounds = block.bounds;
                el.kind = Kind::DynamicText(t);
            } else {
                let block = ctx.text(name, &s.text, style, at, color)?;
                el.bounds = block.bounds;
                el.kind = Kind::Text(block);
            }
            el.origin = at;
        }
        ElementSpec::Image(s) => {
            ctx.finite(name, "at", &[s.at.0, s.at.1])?;
            let file = ctx.loader.root().join(&s.path);
            ctx.inputs.borrow_mut().push(file.clone());
            let img = crate::image::RgbaImage::load_png(&file)
                .map_err(|e| ctx.element_err(name, format!("cannot read image {}: {e}", file.display())))?;
            let max = limits::MAX_IMAGE_SIDE;
            if img.width == 0 || img.height == 0 || img.width > max || img.height > max {
                return Err(ctx.element_err(
                    name,
                    format!(
                        "image {}x{} px: each side must be 1..={max}",
                        img.width, img.height
                    ),
                ));
            }
            let (iw, ih) = (img.width as f32, img.height as f32);
            let size = match s.size {
                None => Vec2::new(iw, ih),
                Some((w, h)) if w > 0.0 && h == 0.0 => Vec2::new(w, w * ih / iw),
                Some((w, h)) if w == 0.0 && h > 0.0 => Vec2::new(h * iw / ih, h),
                Some((w, h)) => Vec2::new(ctx.positive(name, "width", w)?, ctx.positive(name, "height", h)?),
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
                return Err(ctx.element_err(name, "a token strip needs at least one token"));
            }
            if let Some(ids) = &s.ids {
                if ids.len() != s.tokens.len() {
                    return Err(ctx.element_err(
                        name,
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
            for t in &s.tokens {
                let b = ctx.text(name, t, style, Vec2::ZERO, ink)?;
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
                let text = ctx.text(name, t, style, rect.center(), ink)?;
                let id = match &s.ids {
                    Some(ids) => Some(ctx.text(
                        name,
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
                fill: ctx.color(name, s.fill.as_ref(), "primary_soft")?,
                stroke: ctx.color(name, s.stroke.as_ref(), "primary")?,
            };
        }
        ElementSpec::Bars(s) => {
            if s.values.is_empty() || s.values.len() != s.labels.len() {
                return Err(ctx.element_err(
                    name,
                    format!(
                        "{} values for {} labels: give one value per label",
                        s.values.len(),
                        s.labels.len()
                    ),
                ));
            }
            if s.values.iter().any(|v| !v.is_finite() || *v < 0.0) {
                return Err(ctx.element_err(name, "bar values must be finite and not negative"));
            }
            if s.decimals.is_some_and(|d| d > crate::eval::MAX_DECIMALS) {
                return Err(ctx.element_err(
                    name,
                    format!("decimals must be at most {}", crate::eval::MAX_DECIMALS),
                ));
            }
            let rect = Rect::from_center(offset + v(s.at), v(s.size));
            let max = s
                .max
                .unwrap_or_else(|| s.values.iter().cloned().fold(0.0, f64::max))
                .max(1e-9);
            let labels = bar_labels(ctx, name, &s.labels, rect)?;
            let hl = match s.highlight {
                Some(i) if i >= s.values.len() => {
                    return Err(ctx.element_err(name, format!("highlight {i} is past the last bar")))
                }
                Some(i) => Some((i, ctx.color(name, s.highlight_color.as_ref(), "good")?)),
                None => None,
            };
            let title = widget_title(ctx, name, s.title.as_deref(), rect)?;
            el.origin = rect.center();
            el.bounds = rect;
            el.kind = Kind::Bars(Bars {
                rect,
                labels,
                values: s.values.clone(),
                max,
                color: ctx.color(name, s.color.as_ref(), "primary")?,
                highlight: hl,
                decimals: s.decimals,
                percent: s.percent,
                title,
            });
        }
        ElementSpec::LineChart(s) => {
            let chart = resolve_chart(ctx, name, s, offset)?;
            el.origin = chart.rect.center();
            el.bounds = chart.rect;
            el.kind = Kind::LineChart(chart);
        }
        ElementSpec::Distribution(s) => {
            let n = s.tokens.len();
            if n == 0 || s.logits.len() != n {
                return Err(ctx.element_err(
                    name,
                    format!(
                        "{} logits for {} tokens: give one logit per token",
                        s.logits.len(),
                        n
                    ),
                ));
            }
            if let Some(tl) = &s.trained_logits {
                if tl.len() != n {
                    return Err(ctx.element_err(name, "trained_logits needs one logit per token"));
                }
            }
            let temperature = s.temperature.unwrap_or(1.0);
            let dec = crate::prob::Decoding {
                temperature,
                top_k: s.top_k,
                top_p: s.top_p,
            };
            crate::prob::decode_distribution(&s.logits, &dec)
                .map_err(|e| ctx.element_err(name, e.to_string()))?;
            if let Some(tl) = &s.trained_logits {
                crate::prob::decode_distribution(tl, &dec)
                    .map_err(|e| ctx.element_err(name, e.to_string()))?;
            }
            if let Some(t) = s.target {
                if t >= n {
                    return Err(ctx.element_err(name, format!("target {t} is past the last token")));
                }
            }
            let rect = Rect::from_center(offset + v(s.at), v(s.size));
            let labels = bar_labels(ctx, name, &s.tokens, rect)?;
            let title = widget_title(ctx, name, s.title.as_deref(), rect)?;
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
                color: ctx.color(name, s.color.as_ref(), "primary")?,
                title,
            });
        }
        ElementSpec::LossCurve(s) => {
            let bind = *ctx.by_name.get(&s.bind).ok_or_else(|| {
                ctx.element_err(
                    name,
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
                return Err(ctx.element_err(name, "bind must name a Distribution with a target"));
            }
            let rect = Rect::from_center(offset + v(s.at), v(s.size));
            let y_max = s.y_max.unwrap_or(5.0);
            let tick_style = ctx.style(theme.small_size, Weight::Regular, Family::Sans, Align::Center);
            let muted = theme.named("muted");
            let ticks = vec![
                ctx.text(
                    name,
                    "0",
                    tick_style,
                    Vec2::new(rect.min.x, rect.max.y + 22.0),
                    muted,
                )?,
                ctx.text(
                    name,
                    "p(correto)",
                    tick_style,
                    Vec2::new(rect.center().x, rect.max.y + 22.0),
                    muted,
                )?,
                ctx.text(
                    name,
                    "1",
                    tick_style,
                    Vec2::new(rect.max.x, rect.max.y + 22.0),
                    muted,
                )?,
                ctx.text(
                    name,
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
                color: ctx.color(name, s.color.as_ref(), "accent")?,
                ticks,
            });
        }
    }
    check_geometry(ctx, name, &el)?;
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
fn check_geometry(ctx: &Ctx<'_>, name: Option<&str>, el: &Element) -> Result<(), SceneError> {
    let b = el.bounds;
    let within = |v: f32| v.is_finite() && v.abs() <= limits::MAX_COORD;
    if ![b.min.x, b.min.y, b.max.x, b.max.y, el.origin.x, el.origin.y]
        .into_iter()
        .all(within)
    {
        return Err(ctx.element_err(
            name,
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
            return Err(ctx.element_err(
                name,
                format!("stroke width must be within 0..={}, got {w}", limits::MAX_WIDTH),
            ));
        }
    }
    Ok(())
}

/// Text that would be cut off by the frame's edge is an error: the figure
/// must stand alone, every label legible.
fn check_inside_canvas(ctx: &Ctx<'_>, w: f32, h: f32) -> Result<(), SceneError> {
    for el in &ctx.elements {
        for b in el.kind.text_blocks() {
            let r = b.bounds;
            if r.min.x < -0.5 || r.min.y < -0.5 || r.max.x > w + 0.5 || r.max.y > h + 0.5 {
                return Err(ctx.element_err(
                    el.name.as_deref(),
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

fn check_fits(ctx: &Ctx<'_>, name: Option<&str>, block: &TextBlock, rect: Rect) -> Result<(), SceneError> {
    let (bw, rw) = (block.bounds.size().x, rect.size().x - 2.0 * LABEL_PADDING);
    let (bh, rh) = (block.bounds.size().y, rect.size().y);
    if bw > rw || bh > rh + 1.0 {
        return Err(ctx.element_err(
            name,
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

fn bar_labels(
    ctx: &Ctx<'_>,
    name: Option<&str>,
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
                name,
                l,
                style,
                Vec2::new(rect.min.x + slot * (i as f32 + 0.5), rect.max.y + 24.0),
                ink,
            )?;
            if b.bounds.size().x > slot * 1.02 {
                return Err(ctx.element_err(
                    name,
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
    name: Option<&str>,
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
                name,
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
    name: Option<&str>,
    s: &LineChartSpec,
    offset: Vec2,
) -> Result<LineChart, SceneError> {
    let rect = Rect::from_center(offset + v(s.at), v(s.size));
    let mut series = Vec::new();
    for (i, sp) in s.series.iter().enumerate() {
        let points = match (&sp.points, &sp.csv) {
            (Some(p), None) => p.clone(),
            (None, Some(csv)) => {
                let (x, y) = match (&sp.x, &sp.y) {
                    (Some(x), Some(y)) => (x.as_str(), y.as_str()),
                    _ => {
                        return Err(ctx.element_err(
                            name,
                            format!("series {i}: a csv series needs `x` and `y` column names"),
                        ))
                    }
                };
                let file = ctx.loader.root().join(csv);
                ctx.inputs.borrow_mut().push(file.clone());
                read_csv_columns(&file, x, y).map_err(|e| ctx.element_err(name, e))?
            }
            _ => return Err(ctx.element_err(name, format!("series {i}: give either `points` or `csv`"))),
        };
        if points.len() < 2 || points.len() > limits::MAX_POINTS {
            return Err(ctx.element_err(
                name,
                format!("series {i}: needs 2..={} points", limits::MAX_POINTS),
            ));
        }
        if points.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
            return Err(ctx.element_err(name, format!("series {i}: points must be finite")));
        }
        if points.windows(2).any(|w| w[1].0 < w[0].0) {
            return Err(ctx.element_err(name, format!("series {i}: x values must not decrease")));
        }
        let color = ctx.color(name, sp.color.as_ref(), if i == 0 { "primary" } else { "accent" })?;
        series.push(Series {
            points,
            color,
            dashed: sp.dashed,
            label: None,
        });
    }
    if series.is_empty() {
        return Err(ctx.element_err(name, "a chart needs at least one series"));
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
        return Err(ctx.element_err(name, "x_range and y_range must be increasing"));
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
    for &x in &x_ticks {
        ticks.push(ctx.text(
            name,
            &format_tick(x),
            tick_style,
            Vec2::new(map_x(x), rect.max.y + 20.0),
            muted,
        )?);
    }
    for &y in &y_ticks {
        ticks.push(ctx.text(
            name,
            &format_tick(y),
            right_style,
            Vec2::new(rect.min.x - 10.0, map_y(y)),
            muted,
        )?);
    }
    let mut axis_labels = Vec::new();
    if let Some(l) = &s.x_label {
        axis_labels.push(ctx.text(
            name,
            l,
            ctx.style(theme.small_size, Weight::Medium, Family::Sans, Align::Center),
            Vec2::new(rect.center().x, rect.max.y + 52.0),
            theme.named("ink"),
        )?);
    }
    if let Some(l) = &s.y_label {
        axis_labels.push(ctx.text(
            name,
            l,
            ctx.style(theme.small_size, Weight::Medium, Family::Sans, Align::Left),
            Vec2::new(rect.min.x, rect.min.y - 44.0),
            theme.named("ink"),
        )?);
    }
    for (sp, se) in s.series.iter().zip(series.iter_mut()) {
        if let Some(l) = &sp.label {
            let last = se.points.last().copied().unwrap_or((0.0, 0.0));
            let style = ctx.style(theme.small_size, Weight::SemiBold, Family::Sans, Align::Left);
            se.label = Some(ctx.text(
                name,
                l,
                style,
                Vec2::new(map_x(last.0) + 12.0, map_y(last.1)),
                se.color,
            )?);
        }
    }
    let marker_color = ctx.color(name, s.marker_color.as_ref(), "good")?;
    let mut markers = Vec::new();
    for (x, l) in s.markers.clone().unwrap_or_default() {
        let style = ctx.style(theme.small_size, Weight::Medium, Family::Mono, Align::Center);
        markers.push((
            x,
            ctx.text(
                name,
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

/// Reads two named columns of a CSV file with a header row. Errors name the
/// file, the line and the column.
pub fn read_csv_columns(path: &Path, x: &str, y: &str) -> Result<Vec<(f64, f64)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
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
        let name = spec.name.as_deref();
        match state[i] {
            2 => return Ok(()),
            1 => {
                chain.push(name.unwrap_or("?").to_string());
                return Err(ctx.element_err(name, format!("arrows form a cycle: {}", chain.join(" → "))));
            }
            _ => {}
        }
        state[i] = 1;
        chain.push(name.unwrap_or("?").to_string());
        let mut ends = [Vec2::ZERO; 2];
        let mut anchored = [false; 2];
        for (k, end) in [&spec.from, &spec.to].into_iter().enumerate() {
            ends[k] = match end {
                EndSpec::Point(p) => v(*p),
                EndSpec::Anchor(a) => {
                    let (el, anchor) = a.split_once('.').unwrap_or((a.as_str(), "center"));
                    let target = *ctx.by_name.get(el).ok_or_else(|| {
                        ctx.element_err(name, format!("arrow end \"{a}\": no element named \"{el}\""))
                    })?;
                    if let Some(&j) = arrow_indices.get(&target) {
                        visit(ctx, arrows, arrow_indices, state, j, chain)?;
                    }
                    let b = ctx.elements[target].bounds;
                    anchored[k] = true;
                    b.anchor(anchor).ok_or_else(|| {
                        ctx.element_err(
                            name,
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
            return Err(ctx.element_err(name, "the arrow's ends coincide"));
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
        let color = ctx.color(name, spec.color.as_ref(), "muted")?;
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
                Some(ctx.text(name, text, style, mid + off, color)?)
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
                return Err(err(format!("does not take `{field}`")));
            }
        }
        let dur = f.dur.unwrap_or(if matches!(spec, StepSpec::Pulse(_)) {
            0.8
        } else {
            0.6
        });
        if !dur.is_finite() || dur < 0.0 {
            return Err(err(format!(
                "dur must be a finite number of seconds ≥ 0, got {dur}"
            )));
        }
        for (what, x) in [("at", f.at), ("delay", f.delay), ("stagger", f.stagger)] {
            if let Some(x) = x {
                if !x.is_finite() || x < 0.0 {
                    return Err(err(format!(
                        "{what} must be a finite number of seconds ≥ 0, got {x}"
                    )));
                }
            }
        }
        let delay = f.delay.unwrap_or(0.0);
        let start = match f.at {
            Some(at) => at + delay,
            None if f.with_previous => prev_start + delay,
            None => prev_end + delay,
        };
        let mut targets: Vec<String> = f.targets.clone().unwrap_or_default();
        if let Some(t) = &f.target {
            targets.insert(0, t.clone());
        }
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
                err(format!(
                    "unknown element \"{tname}\" (known: {})",
                    known.join(", ")
                ))
            })?;
            let s = start + stagger * k as f64;
            let kind = step_kind(ctx, spec, f, target).map_err(&err)?;
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
                .ok_or("needs `path`: an Arrow, Line or Path to travel along")?;
            let other = *ctx
                .by_name
                .get(p)
                .ok_or_else(|| format!("unknown element \"{p}\" in `path`"))?;
            if other == target {
                return Err("an element cannot follow itself".into());
            }
            match &ctx.elements[other].kind {
                Kind::Arrow { .. } | Kind::Shape { .. } => StepKind::Follow(other),
                _ => return Err(format!("\"{p}\" is not an Arrow, Line or Path")),
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
