//! A bar chart of declared values, sharing its layout ([`super::axes`])
//! with the Distribution.

use super::axes;
use super::load::{spec, v, LoadCx, P};
use super::number::{format_number, MAX_DECIMALS};
use super::paint::PaintCx;
use super::state::ParamDef;
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::Rect;
use crate::scene::error::SceneError;
use crate::text::TextBlock;

spec!(
    /// A bar chart of declared values in a `size` box centred on `at`.
    BarsSpec {
        #[serde(default)]
        at: P,
        size: P,
        labels: Vec<String>,
        values: Vec<f64>,
        max: Option<f64>,
        color: Option<String>,
        /// Index of a bar drawn in the highlight colour.
        highlight: Option<usize>,
        highlight_color: Option<String>,
        /// Decimal places of the value printed over each bar; none hides them.
        decimals: Option<usize>,
        /// Append "%" and print values × 100.
        #[serde(default)]
        percent: bool,
        title: Option<String>,
    }
);

#[derive(Clone, Debug)]
pub struct Bars {
    pub rect: Rect,
    pub labels: Vec<TextBlock>,
    /// Each bar's height as a fraction of the box.
    pub heights: Vec<f64>,
    /// Each bar's colour, and its printed value (when `decimals` is given).
    pub colors: Vec<Color>,
    pub value_labels: Vec<Option<String>>,
    pub title: Option<TextBlock>,
}

impl Spec for BarsSpec {
    type Widget = Bars;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Bars>, SceneError> {
        let s = self;
        if s.values.is_empty() || s.values.len() != s.labels.len() {
            return Err(cx.field_err(
                "values",
                format!(
                    "{} values for {} labels: give one value per label",
                    s.values.len(),
                    s.labels.len()
                ),
            ));
        }
        if s.values.iter().any(|v| !v.is_finite() || *v < 0.0) {
            return Err(cx.field_err("values", "bar values must be finite and not negative"));
        }
        if s.decimals.is_some_and(|d| d > MAX_DECIMALS) {
            return Err(cx.field_err("decimals", format!("decimals must be at most {MAX_DECIMALS}")));
        }
        let rect = Rect::from_center(cx.at(s.at), v(s.size));
        let max = s
            .max
            .unwrap_or_else(|| s.values.iter().cloned().fold(0.0, f64::max))
            .max(1e-9);
        let labels = axes::bar_labels(cx, "labels", &s.labels, rect)?;
        let highlight = match s.highlight {
            Some(i) if i >= s.values.len() => {
                return Err(cx.field_err("highlight", format!("highlight {i} is past the last bar")))
            }
            Some(i) => Some((
                i,
                cx.color("highlight_color", s.highlight_color.as_ref(), "good")?,
            )),
            None => None,
        };
        let title = axes::title(cx, s.title.as_deref(), rect)?;
        let color = cx.color("color", s.color.as_ref(), "primary")?;
        let bars = Bars {
            rect,
            labels,
            heights: s.values.iter().map(|v| v / max).collect(),
            colors: (0..s.values.len())
                .map(|i| match highlight {
                    Some((h, c)) if h == i => c,
                    _ => color,
                })
                .collect(),
            value_labels: s
                .values
                .iter()
                .map(|v| s.decimals.map(|d| format_number(*v, d, s.percent)))
                .collect(),
            title,
        };
        Ok(Placed::centred(bars, rect))
    }
}

impl Widget for Bars {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        self.labels.iter().chain(&self.title).collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps::NONE
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        axes::Bars {
            rect: self.rect,
            values: &self.heights,
            colors: &self.colors,
            alphas: &vec![1.0; self.heights.len()],
            value_labels: &self.value_labels,
            labels: &self.labels,
        }
        .paint(cx);
        if let Some(t) = &self.title {
            cx.p.text(t, t.color, 1.0);
        }
    }
}
