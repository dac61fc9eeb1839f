//! Shapes: `Box` (a rounded rectangle, optionally labelled, with a
//! caption), `Circle`, `Line` (a polyline) and `Path` (SVG path data). All
//! resolve to one [`Shape`]: an outline, filled and/or stroked, that can be
//! drawn on, morphed into another shape and followed.

use glam::Vec2;

use super::load::{spec, v, FontSpec, LoadCx, WeightSpec, P};
use super::paint::{dash, morph_path, PaintCx};
use super::state::ParamDef;
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::text::{Align, Family, TextBlock, Weight};

/// Padding kept between a box's edge and its label.
pub const LABEL_PADDING: f32 = 12.0;
/// A caption sits this many label sizes under the box's centre, and its
/// label moves up by [`LABEL_RISE`] label sizes to make room.
const CAPTION_DROP: f32 = 0.65;
const LABEL_RISE: f32 = 0.45;

spec!(
    /// A rounded rectangle centred on `at`, optionally labelled.
    BoxSpec {
        #[serde(default)]
        at: P,
        size: P,
        radius: Option<f32>,
        fill: Option<String>,
        stroke: Option<String>,
        stroke_width: Option<f32>,
        label: Option<String>,
        label_size: Option<f32>,
        label_color: Option<String>,
        label_weight: Option<WeightSpec>,
        label_font: Option<FontSpec>,
        /// A second, smaller line under the label.
        caption: Option<String>,
        /// A dashed outline.
        #[serde(default)]
        dashed: bool,
    }
);

spec!(
    /// A circle centred on `at`.
    CircleSpec {
        #[serde(default)]
        at: P,
        radius: f32,
        fill: Option<String>,
        stroke: Option<String>,
        stroke_width: Option<f32>,
        label: Option<String>,
        label_size: Option<f32>,
        label_color: Option<String>,
    }
);

spec!(
    /// A polyline through `points`.
    LineSpec {
        points: Vec<P>,
        color: Option<String>,
        width: Option<f32>,
        #[serde(default)]
        closed: bool,
        #[serde(default)]
        dashed: bool,
    }
);

spec!(
    /// SVG path data (`M L H V C S Q T Z`), filled and/or stroked.
    PathSpec {
        d: String,
        fill: Option<String>,
        stroke: Option<String>,
        stroke_width: Option<f32>,
    }
);

/// A resolved outline with its paint.
#[derive(Clone, Debug)]
pub struct Shape {
    pub path: PathData,
    pub fill: Option<Color>,
    pub stroke: Option<Color>,
    pub stroke_width: f32,
    pub dashed: bool,
    pub label: Option<TextBlock>,
}

pub fn weight(w: Option<WeightSpec>, default: Weight) -> Weight {
    match w {
        None => default,
        Some(WeightSpec::Regular) => Weight::Regular,
        Some(WeightSpec::Medium) => Weight::Medium,
        Some(WeightSpec::SemiBold) => Weight::SemiBold,
        Some(WeightSpec::Bold) => Weight::Bold,
    }
}

/// A shape placed at its bounds' centre, its stroke width checked.
fn placed(cx: &LoadCx<'_>, shape: Shape, bounds: Rect, origin: Vec2) -> Result<Placed<Shape>, SceneError> {
    let w = shape.stroke_width;
    if !w.is_finite() || !(0.0..=limits::MAX_WIDTH).contains(&w) {
        let field = if cx.field_offset("stroke_width").is_some() {
            "stroke_width"
        } else {
            "width"
        };
        return Err(cx.field_err(
            field,
            format!("stroke width must be within 0..={}, got {w}", limits::MAX_WIDTH),
        ));
    }
    Ok(Placed {
        widget: shape,
        origin,
        bounds,
    })
}

impl Spec for BoxSpec {
    type Widget = Shape;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Shape>, SceneError> {
        let (s, theme) = (self, cx.theme);
        cx.finite("at", &[s.at.0, s.at.1])?;
        let size = Vec2::new(
            cx.positive("size.0", "width", s.size.0)?,
            cx.positive("size.1", "height", s.size.1)?,
        );
        let rect = Rect::from_center(cx.at(s.at), size);
        let radius = s.radius.unwrap_or(theme.radius);
        let fill = cx.paint("fill", s.fill.as_ref(), "surface")?;
        let stroke = cx.paint("stroke", s.stroke.as_ref(), "ink")?;
        let label_color = cx.color("label_color", s.label_color.as_ref(), "ink")?;
        // An empty caption (a template whose value is "") is no caption:
        // the label stays centred.
        let caption = s.caption.as_deref().filter(|c| !c.trim().is_empty());
        let label = match &s.label {
            Some(text) => {
                let size = s.label_size.unwrap_or(theme.label_size);
                let style = cx.style(
                    size,
                    weight(s.label_weight, Weight::SemiBold),
                    FontSpec::family(s.label_font, Family::Sans),
                    Align::Center,
                );
                let y = if caption.is_some() {
                    rect.center().y - size * LABEL_RISE
                } else {
                    rect.center().y
                };
                let mut block = cx.text("label", text, style, Vec2::new(rect.center().x, y), label_color)?;
                if let Some(c) = caption {
                    let cs = cx.style(theme.small_size, Weight::Regular, Family::Sans, Align::Center);
                    let cy = rect.center().y + size * CAPTION_DROP;
                    let cap = cx.text(
                        "caption",
                        c,
                        cs,
                        Vec2::new(rect.center().x, cy),
                        theme.palette.muted,
                    )?;
                    block.bounds = block.bounds.union(&cap.bounds);
                    block.chars += cap.chars;
                    block.glyphs.extend(cap.glyphs.into_iter().map(|mut g| {
                        g.char_index += text.chars().count();
                        g
                    }));
                }
                check_fits(cx, &block, rect)?;
                Some(block)
            }
            None => None,
        };
        let shape = Shape {
            path: PathData::rounded_rect(rect, radius),
            fill,
            stroke,
            stroke_width: s.stroke_width.unwrap_or(theme.stroke_width),
            dashed: s.dashed,
            label,
        };
        placed(cx, shape, rect, rect.center())
    }
}

impl Spec for CircleSpec {
    type Widget = Shape;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Shape>, SceneError> {
        let (s, theme) = (self, cx.theme);
        cx.finite("at", &[s.at.0, s.at.1])?;
        let r = cx.positive("radius", "radius", s.radius)?;
        let c = cx.at(s.at);
        let rect = Rect::from_center(c, Vec2::splat(2.0 * r));
        let label = match &s.label {
            Some(text) => {
                let style = cx.style(
                    s.label_size.unwrap_or(theme.label_size),
                    Weight::SemiBold,
                    Family::Sans,
                    Align::Center,
                );
                let color = cx.color("label_color", s.label_color.as_ref(), "ink")?;
                Some(cx.text("label", text, style, c, color)?)
            }
            None => None,
        };
        let shape = Shape {
            path: PathData::ellipse(c, Vec2::splat(r)),
            fill: cx.opt_color("fill", s.fill.as_ref())?,
            stroke: cx.opt_color("stroke", s.stroke.as_ref())?,
            stroke_width: s.stroke_width.unwrap_or(theme.stroke_width),
            dashed: false,
            label,
        };
        placed(cx, shape, rect, c)
    }
}

impl Spec for LineSpec {
    type Widget = Shape;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Shape>, SceneError> {
        let s = self;
        if s.points.len() < 2 || s.points.len() > limits::MAX_POINTS {
            return Err(cx.field_err(
                "points",
                format!(
                    "a line needs 2..={} points, got {}",
                    limits::MAX_POINTS,
                    s.points.len()
                ),
            ));
        }
        let pts: Vec<Vec2> = s.points.iter().map(|p| cx.offset + v(*p)).collect();
        cx.finite("points", &pts.iter().flat_map(|p| [p.x, p.y]).collect::<Vec<_>>())?;
        let path = PathData::polyline(&pts, s.closed);
        let bounds = path.bounds().unwrap_or_default();
        let shape = Shape {
            path,
            fill: None,
            stroke: Some(cx.color("color", s.color.as_ref(), "ink")?),
            stroke_width: s.width.unwrap_or(cx.theme.stroke_width),
            dashed: s.dashed,
            label: None,
        };
        placed(cx, shape, bounds, bounds.center())
    }
}

impl Spec for PathSpec {
    type Widget = Shape;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Shape>, SceneError> {
        let s = self;
        let path = PathData::parse_svg(&s.d)
            .map_err(|e| {
                // Inside the string when it has no escapes to shift offsets.
                let value = cx.field_offset("d");
                let inside = value
                    .filter(|&o| cx.src[o..].strip_prefix('"').is_some_and(|r| r.starts_with(&s.d)))
                    .map(|o| o + 1 + e.offset);
                cx.err_at(inside.or(value), e.message)
            })?
            .transformed(&glam::Affine2::from_translation(cx.offset));
        if s.fill.is_none() && s.stroke.is_none() {
            return Err(cx.element_err("a path needs a fill, a stroke or both"));
        }
        let bounds = path.bounds().unwrap_or_default();
        let shape = Shape {
            path,
            fill: cx.opt_color("fill", s.fill.as_ref())?,
            stroke: cx.opt_color("stroke", s.stroke.as_ref())?,
            stroke_width: s.stroke_width.unwrap_or(cx.theme.stroke_width),
            dashed: false,
            label: None,
        };
        placed(cx, shape, bounds, bounds.center())
    }
}

fn check_fits(cx: &LoadCx<'_>, block: &TextBlock, rect: Rect) -> Result<(), SceneError> {
    let (bw, rw) = (block.bounds.size().x, rect.size().x - 2.0 * LABEL_PADDING);
    let (bh, rh) = (block.bounds.size().y, rect.size().y);
    if bw > rw || bh > rh + 1.0 {
        return Err(cx.field_err(
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

fn lerp_opt(a: Option<Color>, b: Option<Color>, t: f32) -> Option<Color> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.lerp(y, t)),
        (Some(x), None) => Some(x.with_opacity(1.0 - t)),
        (None, Some(y)) => Some(y.with_opacity(t)),
        (None, None) => None,
    }
}

impl Widget for Shape {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        self.label.iter().collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            // An unpainted shape (a bare labelled circle) is recoloured from black.
            base_color: Some(self.fill.or(self.stroke).unwrap_or(Color::BLACK)),
            writable: self.label.is_some(),
            outline: Some(&self.path),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let s = cx.state;
        let (mut path, mut fill, mut stroke, mut sw) =
            (self.path.clone(), self.fill, self.stroke, self.stroke_width);
        let mut label_alpha = 1.0;
        if let Some((other, t)) = s.morph {
            if let Some(o) = cx.others.widget(other).and_then(|w| w.downcast_ref::<Shape>()) {
                match morph_path(&path, &o.path, t) {
                    Some(m) => path = m,
                    None => {
                        // Different structure: cross-fade.
                        if t >= 0.5 {
                            path = o.path.clone();
                        }
                    }
                }
                fill = lerp_opt(fill, o.fill, t);
                stroke = lerp_opt(stroke, o.stroke, t);
                sw += (o.stroke_width - sw) * t;
                label_alpha = 1.0 - t;
                if let Some(l) = &o.label {
                    cx.p.text(l, l.color.with_opacity(t), 1.0);
                }
            }
        }
        if let Some(c) = s.color {
            if fill.is_some() {
                fill = Some(c);
            } else {
                stroke = Some(c);
            }
        }
        let fill_alpha = ((s.draw - 0.4) / 0.6).clamp(0.0, 1.0);
        if let Some(f) = fill {
            cx.p.fill(&path, f.with_opacity(fill_alpha));
        }
        if s.pulse > 0.0 {
            // An unpainted shape (a bare labelled circle) pulses in black.
            let halo = stroke.or(fill).unwrap_or(Color::BLACK);
            cx.p.stroke(&path, halo.with_opacity(0.3 * s.pulse), sw + 14.0 * s.pulse);
        }
        if let Some(c) = stroke {
            let mut outline = if s.draw < 1.0 {
                path.trim(s.draw)
            } else {
                path.clone()
            };
            if self.dashed {
                outline = dash(&outline, sw * 3.0, sw * 2.5);
            }
            cx.p.stroke(&outline, c, sw);
        }
        if let Some(l) = &self.label {
            let reveal = if s.write < 1.0 { s.write } else { 1.0 };
            cx.p.text(
                l,
                l.color
                    .with_opacity(label_alpha * fill_alpha.max(if fill.is_none() { 1.0 } else { 0.0 })),
                reveal,
            );
        }
    }
}
