//! Layout shared by the chart kinds, computed by one function each so that
//! loading (which places labels) and painting (which places bars, lines and
//! numbers) agree to the bit: bar slots ([`Slots`]), data-to-scene mapping
//! ([`ChartMap`]), the labels under bars, a widget's title, and the bars
//! themselves ([`Bars::paint`]).

use glam::Vec2;

use super::load::LoadCx;
use super::number::format_number;
use super::paint::{small_label, PaintCx};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::error::SceneError;
use crate::text::{Align, Family, TextBlock, Weight};

/// A bar's width, as a fraction of its slot.
pub const BAR_WIDTH: f32 = 0.62;
/// Labels under the bars: this far below the baseline.
const LABEL_DROP: f32 = 24.0;
/// A widget's title: this far above its box.
const TITLE_RISE: f32 = 62.0;
/// A bar's value: this far above its top.
const VALUE_RISE: f32 = 20.0;
/// Corner radius of a bar (less for a bar shorter than twice this).
const BAR_RADIUS: f32 = 6.0;
/// A label keeps this much opacity when its bar fades.
const LABEL_MIN_ALPHA: f32 = 0.45;

/// `n` equal slots side by side across `rect`.
#[derive(Clone, Copy, Debug)]
pub struct Slots {
    pub rect: Rect,
    pub width: f32,
}

impl Slots {
    pub fn new(rect: Rect, n: usize) -> Slots {
        Slots {
            rect,
            width: rect.size().x / n as f32,
        }
    }
    /// The x `k` slot widths from the left edge (`i + 0.5`: slot `i`'s centre).
    pub fn x(&self, k: f32) -> f32 {
        self.rect.min.x + self.width * k
    }
    pub fn center(&self, i: usize) -> f32 {
        self.x(i as f32 + 0.5)
    }
}

/// Data coordinates to scene coordinates in a chart's box.
#[derive(Clone, Copy, Debug)]
pub struct ChartMap {
    pub rect: Rect,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
}

impl ChartMap {
    pub fn x(&self, x: f64) -> f32 {
        let (r, (lo, hi)) = (self.rect, self.x_range);
        r.min.x + ((x - lo) / (hi - lo)) as f32 * r.size().x
    }
    pub fn y(&self, y: f64) -> f32 {
        let (r, (lo, hi)) = (self.rect, self.y_range);
        r.max.y - ((y - lo) / (hi - lo)) as f32 * r.size().y
    }
    /// The scene point of data point `(x, y)`, if it is within both ranges.
    pub fn point(&self, x: f64, y: f64) -> Option<Vec2> {
        let within = |v: f64, (lo, hi): (f64, f64)| v >= lo.min(hi) && v <= lo.max(hi);
        (within(x, self.x_range) && within(y, self.y_range)).then(|| Vec2::new(self.x(x), self.y(y)))
    }
}

/// A data value as an axis or a message prints it: the fewest decimals
/// (up to four) that show it exactly, with the decimal comma ("2,5", "0,125").
pub fn data_text(v: f64) -> String {
    let decimals = (0..4)
        .find(|&d| {
            let k = v * 10f64.powi(d);
            (k - k.round()).abs() < 1e-6 * k.abs().max(1.0)
        })
        .unwrap_or(4);
    format_number(v, decimals as usize, false)
}

/// The labels under the bars of a Bars or Distribution, written at `field`.
pub fn bar_labels(
    cx: &LoadCx<'_>,
    field: &str,
    labels: &[String],
    rect: Rect,
) -> Result<Vec<TextBlock>, SceneError> {
    let slots = Slots::new(rect, labels.len());
    let slot = slots.width;
    let style = cx.style(cx.theme.small_size, Weight::Medium, Family::Sans, Align::Center);
    let ink = cx.theme.palette.ink;
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let at = Vec2::new(slots.center(i), rect.max.y + LABEL_DROP);
            let b = cx.text(&format!("{field}.{i}"), l, style, at, ink)?;
            if b.bounds.size().x > slot * 1.02 {
                return Err(cx.field_err(
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

/// A widget's title, centred over its box.
pub fn title(cx: &LoadCx<'_>, title: Option<&str>, rect: Rect) -> Result<Option<TextBlock>, SceneError> {
    title
        .map(|t| {
            let style = cx.style(cx.theme.label_size, Weight::SemiBold, Family::Sans, Align::Center);
            let at = Vec2::new(rect.center().x, rect.min.y - TITLE_RISE);
            cx.text("title", t, style, at, cx.theme.palette.ink)
        })
        .transpose()
}

/// One frame's bars: heights as fractions of the box, one colour, opacity
/// and optional printed value per bar, and the labels under them.
pub struct Bars<'a> {
    pub rect: Rect,
    pub values: &'a [f64],
    pub colors: &'a [Color],
    pub alphas: &'a [f32],
    pub value_labels: &'a [Option<String>],
    pub labels: &'a [TextBlock],
}

impl Bars<'_> {
    pub fn paint(&self, cx: &mut PaintCx<'_>) {
        let rect = self.rect;
        let slots = Slots::new(rect, self.values.len());
        let bar_w = slots.width * BAR_WIDTH;
        let pal = cx.theme.palette;
        let style = small_label(cx.theme.small_size, Align::Center);
        for (i, v) in self.values.iter().enumerate() {
            let x = slots.center(i);
            let h = (v.clamp(0.0, 1.0) as f32) * rect.size().y;
            let a = self.alphas[i];
            if h > 0.25 {
                let r = Rect {
                    min: Vec2::new(x - bar_w * 0.5, rect.max.y - h),
                    max: Vec2::new(x + bar_w * 0.5, rect.max.y),
                };
                cx.p.fill(
                    &PathData::rounded_rect(r, BAR_RADIUS.min(h * 0.5)),
                    self.colors[i].with_opacity(a),
                );
            }
            if let Some(text) = &self.value_labels[i] {
                cx.text_with_halo(
                    text,
                    &style,
                    Vec2::new(x, rect.max.y - h - VALUE_RISE),
                    pal.ink.with_opacity(a),
                    pal.surface,
                );
            }
            if let Some(l) = self.labels.get(i) {
                cx.p.text(l, l.color.with_opacity(a.max(LABEL_MIN_ALPHA)), 1.0);
            }
        }
        let base = PathData::polyline(
            &[
                Vec2::new(rect.min.x, rect.max.y),
                Vec2::new(rect.max.x, rect.max.y),
            ],
            false,
        );
        cx.p.stroke(&base, pal.line, 2.0);
    }
}
