//! The curve L = −ln p for p in (0, 1], with a dot at a bound
//! Distribution's probability of its target token.

use glam::Vec2;

use super::distribution::{dist_values, Distribution};
use super::load::{spec, v, LoadCx, P};
use super::number::format_number;
use super::paint::{dash, small_label, PaintCx};
use super::state::ParamDef;
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::error::SceneError;
use crate::text::{Align, Family, TextBlock, Weight};

spec!(
    /// The curve L = −ln p for p in (0, 1], with a dot at the `bind`
    /// distribution's probability of its target token.
    LossCurveSpec {
        #[serde(default)]
        at: P,
        size: P,
        bind: String,
        y_max: Option<f64>,
        color: Option<String>,
        /// The label under the middle of the p axis, in the scene's
        /// language (e.g. "p(correto)"); none by default.
        p_label: Option<String>,
        /// The label over the loss axis (default "−log p").
        loss_label: Option<String>,
    }
);

#[derive(Clone, Debug)]
pub struct LossCurve {
    pub rect: Rect,
    pub bind: usize,
    pub y_max: f64,
    pub color: Color,
    pub ticks: Vec<TextBlock>,
}

/// Default top of the loss axis.
const Y_MAX: f64 = 5.0;
/// Where the axis labels sit.
const TICK_DROP: f32 = 22.0;
const LOSS_LABEL_AT: Vec2 = Vec2::new(50.0, -18.0);
/// Samples along the curve.
const SAMPLES: usize = 160;
const DOT_RADIUS: f32 = 10.0;

impl Spec for LossCurveSpec {
    type Widget = LossCurve;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<LossCurve>, SceneError> {
        let s = self;
        let bind = cx.named("bind", &s.bind, "declare the distribution first")?;
        let bound = cx
            .declared
            .widget(bind)
            .and_then(|w| w.downcast_ref::<Distribution>());
        if bound.is_none_or(|d| d.target.is_none()) {
            return Err(cx.field_err("bind", "bind must name a Distribution with a target"));
        }
        let rect = Rect::from_center(cx.at(s.at), v(s.size));
        let style = cx.style(cx.theme.small_size, Weight::Regular, Family::Sans, Align::Center);
        let muted = cx.theme.palette.muted;
        let below = rect.max.y + TICK_DROP;
        let label = |field: &str, text: &str, at: Vec2| cx.text(field, text, style, at, muted);
        let mut ticks = vec![label("", "0", Vec2::new(rect.min.x, below))?];
        if let Some(p) = &s.p_label {
            ticks.push(label("p_label", p, Vec2::new(rect.center().x, below))?);
        }
        ticks.push(label("", "1", Vec2::new(rect.max.x, below))?);
        let loss = s.loss_label.as_deref().unwrap_or("−log p");
        ticks.push(label("loss_label", loss, rect.min + LOSS_LABEL_AT)?);
        let curve = LossCurve {
            rect,
            bind,
            y_max: s.y_max.unwrap_or(Y_MAX),
            color: cx.color("color", s.color.as_ref(), "accent")?,
            ticks,
        };
        Ok(Placed::centred(curve, rect))
    }
}

impl Widget for LossCurve {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        self.ticks.iter().collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            reads_others: true,
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let (c, pal) = (self, cx.theme.palette);
        let r = c.rect;
        let x_of = |pr: f64| r.min.x + pr as f32 * r.size().x;
        let y_of = |l: f64| r.max.y - (l / c.y_max).min(1.0) as f32 * r.size().y;
        let axes = PathData::polyline(&[r.min, Vec2::new(r.min.x, r.max.y), r.max], false);
        cx.p.stroke(&axes, pal.line, 2.0);
        let p_min = (-c.y_max).exp();
        let pts: Vec<Vec2> = (0..=SAMPLES)
            .map(|i| {
                let pr = p_min + (1.0 - p_min) * (i as f64 / SAMPLES as f64).powi(2);
                Vec2::new(x_of(pr), y_of(-pr.ln()))
            })
            .collect();
        cx.p.stroke(&PathData::polyline(&pts, false), c.color, 3.0);
        for t in &c.ticks {
            cx.p.text(t, t.color, 1.0);
        }
        let Some(d) = cx
            .others
            .widget(c.bind)
            .and_then(|w| w.downcast_ref::<Distribution>())
        else {
            return;
        };
        let Some(v) = cx.others.state(c.bind).and_then(|s| dist_values(d, &s.params)) else {
            return;
        };
        if let (Some(pt), Some(loss)) = (v.p_target, v.loss) {
            let dot = Vec2::new(x_of(pt), y_of(loss));
            let drop = PathData::polyline(&[dot, Vec2::new(dot.x, r.max.y)], false);
            cx.p.stroke(&dash(&drop, 6.0, 6.0), pal.muted, 1.5);
            cx.p.fill(&PathData::ellipse(dot, Vec2::splat(DOT_RADIUS)), pal.good);
            cx.p.stroke(&PathData::ellipse(dot, Vec2::splat(DOT_RADIUS)), pal.surface, 3.0);
            let style = small_label(cx.theme.small_size, Align::Left);
            cx.text_at(
                &format!("L = {}", format_number(loss, 2, false)),
                &style,
                dot + Vec2::new(18.0, -18.0),
                pal.ink,
            );
        }
    }
}
