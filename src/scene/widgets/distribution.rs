//! Next-token probabilities: softmax of `logits` at a temperature, top-k
//! and top-p filtering, optionally moving towards `trained_logits`, drawn as
//! bars (and the running cumulative sum for nucleus sampling). Every number
//! can be animated with `Set`.

use std::collections::HashMap;

use glam::Vec2;

use super::axes::{self, Slots};
use super::load::{spec, LoadCx, P};
use super::number::format_number;
use super::paint::{dash, lerp, small_label, PaintCx};
use super::state::{Param, ParamDef, Range, State};
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::prob::{self, ProbError};
use crate::scene::error::SceneError;
use crate::text::{Align, TextBlock};

spec!(
    /// Next-token probabilities computed from `logits`: softmax at
    /// `temperature`, then `top_k` and `top_p` filtering. With
    /// `trained_logits`, the `training` parameter (0..=1) moves the logits
    /// towards them. All parameters can be animated with `Set`.
    DistributionSpec {
        #[serde(default)]
        at: P,
        size: P,
        tokens: Vec<String>,
        logits: Vec<f64>,
        trained_logits: Option<Vec<f64>>,
        temperature: Option<f64>,
        top_k: Option<usize>,
        top_p: Option<f64>,
        /// Index of the correct next token (drawn in the "correct" colour).
        target: Option<usize>,
        #[serde(default)]
        highlight_argmax: bool,
        /// Draw the running cumulative sum (for nucleus sampling).
        #[serde(default)]
        cumulative: bool,
        /// 0..=1: how far the top-k/top-p filter is applied at the start (default 1).
        filter: Option<f64>,
        color: Option<String>,
        title: Option<String>,
    }
);

#[derive(Clone, Debug)]
pub struct Distribution {
    pub rect: Rect,
    pub tokens: Vec<String>,
    pub labels: Vec<TextBlock>,
    pub logits: Vec<f64>,
    pub trained_logits: Option<Vec<f64>>,
    pub temperature: f64,
    pub top_k: Option<usize>,
    pub top_p: Option<f64>,
    pub target: Option<usize>,
    pub highlight_argmax: bool,
    pub cumulative: bool,
    pub filter: f64,
    pub color: Color,
    pub title: Option<TextBlock>,
}

/// Opacity lost by a bar the filter drops, when fully applied.
const DROPPED_FADE: f64 = 0.78;
/// Without the cumulative line, the tallest bar sets the scale: at least
/// this probability, plus [`HEADROOM`].
const MIN_SCALE: f64 = 0.5;
const HEADROOM: f64 = 1.1;

impl Spec for DistributionSpec {
    type Widget = Distribution;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Distribution>, SceneError> {
        let s = self;
        let n = s.tokens.len();
        if n == 0 || s.logits.len() != n {
            return Err(cx.field_err(
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
                return Err(cx.field_err("trained_logits", "trained_logits needs one logit per token"));
            }
        }
        if s.top_k == Some(0) {
            return Err(cx.field_err(
                "top_k",
                "top_k must be at least 1 (top_k: 1 keeps only the most likely token), got 0",
            ));
        }
        let temperature = s.temperature.unwrap_or(1.0);
        let dec = prob::Decoding {
            temperature,
            top_k: s.top_k,
            top_p: s.top_p,
        };
        for (field, logits) in [
            ("logits", Some(&s.logits)),
            ("trained_logits", s.trained_logits.as_ref()),
        ] {
            let Some(logits) = logits else { continue };
            prob::decode_distribution(logits, &dec).map_err(|e| {
                let at = match e {
                    ProbError::InvalidTemperature(_) => "temperature".to_string(),
                    ProbError::InvalidTopP(_) => "top_p".to_string(),
                    ProbError::NonFiniteLogit { index, .. } => format!("{field}.{index}"),
                    _ => field.to_string(),
                };
                cx.field_err(&at, e.to_string())
            })?;
        }
        if let Some(t) = s.target {
            if t >= n {
                return Err(cx.field_err("target", format!("target {t} is past the last token")));
            }
        }
        let rect = Rect::from_center(cx.at(s.at), super::load::v(s.size));
        let labels = axes::bar_labels(cx, "tokens", &s.tokens, rect)?;
        let title = axes::title(cx, s.title.as_deref(), rect)?;
        let d = Distribution {
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
            color: cx.color("color", s.color.as_ref(), "primary")?,
            title,
        };
        Ok(Placed::centred(d, rect))
    }
}

/// What a Distribution shows at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct DistValues {
    /// Softmax at the current temperature.
    pub raw: Vec<f64>,
    /// Kept by top-k and top-p.
    pub mask: Vec<bool>,
    /// Renormalised over the kept tokens.
    pub probs: Vec<f64>,
    pub argmax: usize,
    pub temperature: f64,
    pub top_k: usize,
    pub top_p: f64,
    /// Probability of the target token (from `raw`) and its cross-entropy.
    pub p_target: Option<f64>,
    pub loss: Option<f64>,
}

/// Computes a distribution widget's numbers for the given parameters.
pub fn dist_values(d: &Distribution, params: &HashMap<Param, f64>) -> Option<DistValues> {
    let training = params.get(&Param::Training).copied().unwrap_or(0.0);
    let logits: Vec<f64> = match &d.trained_logits {
        Some(tl) => d
            .logits
            .iter()
            .zip(tl)
            .map(|(a, b)| lerp(*a, *b, training))
            .collect(),
        None => d.logits.clone(),
    };
    let temperature = params
        .get(&Param::Temperature)
        .copied()
        .unwrap_or(d.temperature)
        .max(1e-3);
    let top_k = params
        .get(&Param::TopK)
        .copied()
        .map(|k| k.round().max(1.0) as usize);
    let top_p = params.get(&Param::TopP).copied().map(|p| p.clamp(1e-6, 1.0));
    let dec = prob::Decoding {
        temperature,
        top_k: top_k.filter(|k| *k < logits.len()),
        top_p: top_p.filter(|p| *p < 1.0),
    };
    let out = prob::decode_distribution(&logits, &dec).ok()?;
    let argmax = prob::argmax(&out.raw)?;
    let p_target = d.target.map(|t| out.raw[t]);
    let loss = d.target.and_then(|t| prob::cross_entropy(&out.raw, t).ok());
    Some(DistValues {
        raw: out.raw,
        mask: out.mask,
        probs: out.probs,
        argmax,
        temperature,
        top_k: top_k.unwrap_or(logits.len()),
        top_p: top_p.unwrap_or(1.0),
        p_target,
        loss,
    })
}

impl Widget for Distribution {
    const PARAMS: &'static [ParamDef<Self>] = &[
        ParamDef {
            param: Param::Temperature,
            range: Range::Positive,
            default: |d| Some(d.temperature),
            entrance: None,
        },
        ParamDef {
            param: Param::TopK,
            range: Range::AtLeast(1.0),
            default: |d| Some(d.top_k.unwrap_or(d.logits.len()) as f64),
            entrance: None,
        },
        ParamDef {
            param: Param::TopP,
            range: Range::Fraction,
            default: |d| Some(d.top_p.unwrap_or(1.0)),
            entrance: None,
        },
        ParamDef {
            param: Param::Training,
            range: Range::Unit,
            default: |_| Some(0.0),
            entrance: None,
        },
        ParamDef {
            param: Param::Filter,
            range: Range::Unit,
            default: |d| Some(d.filter),
            entrance: None,
        },
    ];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        self.labels.iter().chain(&self.title).collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps::NONE
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let (d, s) = (self, cx.state);
        let pal = cx.theme.palette;
        if let Some(v) = dist_values(d, &s.params) {
            let filter = s.param(Param::Filter, 1.0);
            let n = d.logits.len();
            let heights: Vec<f64> = (0..n)
                .map(|i| {
                    if v.mask[i] {
                        lerp(v.raw[i], v.probs[i], filter)
                    } else {
                        v.raw[i]
                    }
                })
                .collect();
            let alphas: Vec<f32> = (0..n)
                .map(|i| {
                    if v.mask[i] {
                        1.0
                    } else {
                        (1.0 - DROPPED_FADE * filter) as f32
                    }
                })
                .collect();
            let colors: Vec<Color> = (0..n)
                .map(|i| {
                    if d.target == Some(i) {
                        pal.good
                    } else if d.highlight_argmax && v.argmax == i {
                        pal.accent
                    } else {
                        d.color
                    }
                })
                .collect();
            let labels: Vec<Option<String>> =
                heights.iter().map(|h| Some(format_number(*h, 0, true))).collect();
            // Bars share one probability axis with the cumulative line when
            // it is drawn; otherwise the tallest bar sets the scale.
            let max = if d.cumulative {
                1.0
            } else {
                1.0f64.min(heights.iter().cloned().fold(0.0, f64::max).max(MIN_SCALE) * HEADROOM)
            };
            let scaled: Vec<f64> = heights.iter().map(|h| h / max).collect();
            // The running sum goes behind the bars, whose value labels
            // carry a halo so the line never hides a number.
            if d.cumulative {
                paint_cumulative(cx, d, &v, s);
            }
            axes::Bars {
                rect: d.rect,
                values: &scaled,
                colors: &colors,
                alphas: &alphas,
                value_labels: &labels,
                labels: &d.labels,
            }
            .paint(cx);
        }
        if let Some(t) = &d.title {
            cx.p.text(t, t.color, 1.0);
        }
    }
}

/// The cumulative sum of the sorted probabilities, and the top-p threshold.
fn paint_cumulative(cx: &mut PaintCx<'_>, d: &Distribution, v: &DistValues, s: &State) {
    let pal = cx.theme.palette;
    let slots = Slots::new(d.rect, d.logits.len());
    let y_of = |c: f64| d.rect.max.y - (c.clamp(0.0, 1.0) as f32) * d.rect.size().y;
    let filter = s.param(Param::Filter, 1.0) as f32;
    let cum = prob::cumulative_sorted(&v.raw);
    let mut pts = vec![Vec2::new(d.rect.min.x, d.rect.max.y)];
    for (rank, (_, c)) in cum.iter().enumerate() {
        pts.push(Vec2::new(slots.x(rank as f32 + 1.0), y_of(*c)));
    }
    cx.p.stroke(
        &PathData::polyline(&pts, false),
        pal.accent.with_opacity(0.9),
        3.0,
    );
    for pt in &pts[1..] {
        cx.p.fill(&PathData::ellipse(*pt, Vec2::splat(5.0)), pal.accent);
    }
    // The threshold p.
    let y = y_of(v.top_p);
    let line = PathData::polyline(&[Vec2::new(d.rect.min.x, y), Vec2::new(d.rect.max.x, y)], false);
    cx.p.stroke(
        &dash(&line, 10.0, 8.0),
        pal.bad.with_opacity(filter.max(0.4)),
        2.0,
    );
    let style = small_label(cx.theme.small_size, Align::Left);
    cx.text_at(
        &format!("p = {}", format_number(v.top_p, 2, false)),
        &style,
        Vec2::new(d.rect.max.x + 10.0, y),
        pal.bad,
    );
}
