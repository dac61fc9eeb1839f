//! A line chart with axes, ticks, labelled series (inline points, CSV
//! columns or a function of x), shaded x bands and vertical markers; its
//! `progress` (animate with `Reveal`) is the fraction of the x range drawn
//! so far.

use std::time::{Duration, Instant};

use glam::Vec2;

use super::axes::{data_text, ChartMap};
use super::load::{spec, v, LoadCx, P, XY};
use super::number::format_tick;
use super::paint::{dash, lerp, PaintCx};
use super::state::{Param, ParamDef, Range};
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::expr::{Engine, Origin, Values};
use crate::geom::{PathData, Rect};
use crate::scene::csv::read_csv_columns;
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::text::{Align, Family, TextBlock, Weight};

/// One line of a chart: inline `points`, two columns of a CSV file, or
/// `y_of_x`, an expression of `x` sampled over the chart's x range.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    pub label: Option<String>,
    pub color: Option<String>,
    pub points: Option<Vec<XY>>,
    /// CSV path relative to the project root, with a header row.
    pub csv: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
    /// y as an expression of `x` (`"x * x"`, `"exp(-x / 10)"`).
    pub y_of_x: Option<String>,
    /// How many evenly spaced x a `y_of_x` is evaluated at (default 200).
    pub samples: Option<usize>,
    #[serde(default)]
    pub dashed: bool,
}

/// A shaded x range, drawn behind the series (a warm-up phase).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandSpec {
    pub from: f64,
    pub to: f64,
    /// Default "accent_soft".
    pub color: Option<String>,
    /// Written inside the band, under the plot's top edge.
    pub label: Option<String>,
}

/// Where a marker's label sits: over the plot's top edge, or just under it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
pub enum MarkerSide {
    #[default]
    Above,
    Below,
}

/// A vertical marker: `(x, "label")`, or `(x: 12, label: "época 2",
/// side: Below, size: 18)`.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkerSpec {
    pub x: f64,
    pub label: String,
    pub side: MarkerSide,
    /// Label size (default: the theme's small size).
    pub size: Option<f32>,
    /// Written as a struct: its label's field is `label`, not `1`.
    pub named: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkerFields {
    x: f64,
    label: String,
    #[serde(default)]
    side: MarkerSide,
    size: Option<f32>,
}

impl<'de> serde::Deserialize<'de> for MarkerSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<MarkerSpec, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = MarkerSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a marker (x, \"label\") or (x: …, label: …, side: Above, size: …)")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<MarkerSpec, A::Error> {
                use serde::de::Error;
                let x: f64 = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let label: String = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(1, &self))?;
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(A::Error::invalid_length(3, &self));
                }
                Ok(MarkerSpec {
                    x,
                    label,
                    side: MarkerSide::Above,
                    size: None,
                    named: false,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<MarkerSpec, A::Error> {
                use serde::Deserialize;
                let m = MarkerFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(MarkerSpec {
                    x: m.x,
                    label: m.label,
                    side: m.side,
                    size: m.size,
                    named: true,
                })
            }
        }
        d.deserialize_any(Visit)
    }
}

spec!(
    /// A line chart with axes. Its `progress` (0..=1, animate with `Reveal`)
    /// is the fraction of the x range drawn so far.
    LineChartSpec {
        #[serde(default)]
        at: P,
        size: P,
        series: Vec<SeriesSpec>,
        x_range: Option<(f64, f64)>,
        y_range: Option<(f64, f64)>,
        x_label: Option<String>,
        y_label: Option<String>,
        x_ticks: Option<Vec<f64>>,
        y_ticks: Option<Vec<f64>>,
        progress: Option<f64>,
        /// Vertical markers (x, label), e.g. checkpoints.
        markers: Option<Vec<MarkerSpec>>,
        marker_color: Option<String>,
        /// Shaded x ranges behind the series.
        band: Option<Vec<BandSpec>>,
    }
);

/// One resolved chart series.
#[derive(Clone, Debug)]
pub struct Series {
    pub points: Vec<(f64, f64)>,
    pub color: Color,
    pub dashed: bool,
    pub label: Option<TextBlock>,
}

#[derive(Clone, Debug)]
pub struct LineChart {
    pub map: ChartMap,
    pub bands: Vec<Band>,
    pub series: Vec<Series>,
    pub ticks: Vec<TextBlock>,
    pub y_ticks: Vec<f64>,
    pub axis_labels: Vec<TextBlock>,
    pub progress: f64,
    pub markers: Vec<Marker>,
    pub marker_color: Color,
}

/// One resolved marker: its x, its label, and where its dashed line starts.
#[derive(Clone, Debug)]
pub struct Marker {
    pub x: f64,
    pub label: TextBlock,
    pub line_top: f32,
}

/// One resolved band: its x range, colour and label.
#[derive(Clone, Debug)]
pub struct Band {
    pub from: f64,
    pub to: f64,
    pub color: Color,
    pub label: Option<TextBlock>,
}

/// Where the labels sit around the box.
const X_TICK_DROP: f32 = 20.0;
const Y_TICK_GAP: f32 = 10.0;
const X_LABEL_DROP: f32 = 52.0;
const Y_LABEL_RISE: f32 = 44.0;
const SERIES_LABEL_GAP: f32 = 12.0;
const MARKER_LABEL_RISE: f32 = 12.0;
/// A marker's dashed line starts this far under the top edge (its label over the edge).
const MARKER_LINE_TOP: f32 = 14.0;
/// A `Below` label's top is this far under the top edge, its line this far under the label.
const MARKER_BELOW_DROP: f32 = 6.0;
const MARKER_LINE_GAP: f32 = 6.0;
/// A band's label: centred on the band (if it fits), this far under the top edge.
const BAND_LABEL_DROP: f32 = 18.0;
/// A band's label keeps this far from its edges; one that does not fit starts this far inside its left edge.
const BAND_LABEL_PAD: f32 = 6.0;
/// Default samples of a `y_of_x` series, and the most time sampling one may take.
const SAMPLES: usize = 200;
const SAMPLING_TIME: Duration = Duration::from_secs(2);
/// A y range read from the data leaves this much room over the highest point.
const Y_HEADROOM: f64 = 1.05;

/// Series `i` as written: its inline or CSV points, checked; a `y_of_x`
/// series has none yet ([`sample`] gives them once the x range is known).
fn series(cx: &LoadCx<'_>, i: usize, sp: &SeriesSpec) -> Result<Series, SceneError> {
    let default = if i == 0 { "primary" } else { "accent" };
    let color = cx.color(&format!("series.{i}.color"), sp.color.as_ref(), default)?;
    let mut series = Series {
        points: Vec::new(),
        color,
        dashed: sp.dashed,
        label: None,
    };
    if sp.samples.is_some() && sp.y_of_x.is_none() {
        return Err(cx.field_err(
            &format!("series.{i}.samples"),
            format!("series {i}: `samples` is for a `y_of_x` series"),
        ));
    }
    let data = format!("series.{i}.{}", if sp.csv.is_some() { "csv" } else { "points" });
    let points = match (&sp.points, &sp.csv, &sp.y_of_x) {
        (Some(p), None, None) => p.iter().map(|&XY(x, y)| (x, y)).collect(),
        (None, Some(csv), None) => {
            let (x, y) = match (&sp.x, &sp.y) {
                (Some(x), Some(y)) => (x.as_str(), y.as_str()),
                _ => {
                    return Err(cx.field_err(
                        &format!("series.{i}"),
                        format!("series {i}: a csv series needs `x` and `y` column names"),
                    ))
                }
            };
            let file = cx.root.join(csv);
            cx.inputs.borrow_mut().push(file.clone());
            read_csv_columns(&file, x, y).map_err(|e| cx.field_err(&data, e))?
        }
        (None, None, Some(_)) => return Ok(series),
        _ => {
            return Err(cx.field_err(
                &format!("series.{i}"),
                format!("series {i}: give one of `points`, `csv` or `y_of_x`"),
            ))
        }
    };
    if points.len() < 2 || points.len() > limits::MAX_POINTS {
        return Err(cx.field_err(
            &data,
            format!(
                "series {i}: needs 2..={} points, got {}",
                limits::MAX_POINTS,
                points.len()
            ),
        ));
    }
    if points.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
        return Err(cx.field_err(&data, format!("series {i}: points must be finite")));
    }
    if points.windows(2).any(|w| w[1].0 < w[0].0) {
        return Err(cx.field_err(&data, format!("series {i}: x values must not decrease")));
    }
    series.points = points;
    Ok(series)
}

/// Series `i`'s `y_of_x` (the expression `src`) at `samples` evenly spaced
/// x across `x_range`, both ends included. An error is placed inside the
/// expression's text, and says at which x it failed.
fn sample(
    cx: &LoadCx<'_>,
    i: usize,
    sp: &SeriesSpec,
    src: &str,
    x_range: (f64, f64),
) -> Result<Vec<(f64, f64)>, SceneError> {
    let n = sp.samples.unwrap_or(SAMPLES);
    if !(2..=limits::MAX_SAMPLES).contains(&n) {
        return Err(cx.field_err(
            &format!("series.{i}.samples"),
            format!("series {i}: samples must be 2..={}, got {n}", limits::MAX_SAMPLES),
        ));
    }
    // The expression's text starts after the opening quote.
    let field = format!("series.{i}.y_of_x");
    let origin = cx.field_offset(&field).map(|o| o + 1);
    let err = |e: crate::expr::ExprError, what: String| {
        cx.err_at(origin.map(|_| e.offset).or(cx.start), format!("series {i}: y_of_x {what}: {}", e.message))
    };
    let engine = Engine::new();
    let mut values = Values::new(&["x"]);
    let expr = values
        .compile(&engine, src, Origin::at(origin.unwrap_or(0)))
        .map_err(|e| err(e, "does not compile".into()))?;
    let started = Instant::now();
    let (x0, x1) = x_range;
    let mut points = Vec::with_capacity(n);
    for k in 0..n {
        let x = if k + 1 == n {
            x1
        } else {
            x0 + (x1 - x0) * k as f64 / (n - 1) as f64
        };
        values.set("x", x);
        let y = values
            .eval_number(&engine, &expr)
            .map_err(|e| err(e, format!("fails at x = {}", data_text(x))))?;
        points.push((x, y));
        if started.elapsed() > SAMPLING_TIME {
            return Err(cx.field_err(
                &field,
                format!(
                    "series {i}: sampling y_of_x took over {} s: give fewer samples or a simpler expression",
                    SAMPLING_TIME.as_secs()
                ),
            ));
        }
    }
    Ok(points)
}

impl LineChartSpec {
    /// The x range: as given, or the data series' extent (a `y_of_x` series
    /// alone needs it given).
    fn x_range(&self, cx: &LoadCx<'_>, series: &[Series]) -> Result<(f64, f64), SceneError> {
        if let Some(r) = self.x_range {
            return Ok(r);
        }
        let xs = || series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
        if xs().next().is_none() {
            let i = self.series.iter().position(|s| s.y_of_x.is_some()).unwrap_or(0);
            return Err(cx.field_err(
                &format!("series.{i}.y_of_x"),
                "a y_of_x series is sampled over the chart's x range: give `x_range`",
            ));
        }
        Ok((
            xs().fold(f64::INFINITY, f64::min),
            xs().fold(f64::NEG_INFINITY, f64::max),
        ))
    }

    /// The shaded bands, within the x range.
    fn bands(&self, cx: &LoadCx<'_>, map: &ChartMap) -> Result<Vec<Band>, SceneError> {
        let (x0, x1) = map.x_range;
        let mut bands = Vec::new();
        for (i, b) in self.band.iter().flatten().enumerate() {
            let field = |f: &str| format!("band.{i}.{f}");
            if !(b.from.is_finite() && b.to.is_finite() && b.to > b.from) {
                return Err(cx.field_err(&field("to"), format!("band {i}: `to` must be more than `from`")));
            }
            if b.from < x0 || b.to > x1 {
                return Err(cx.field_err(
                    &field(if b.from < x0 { "from" } else { "to" }),
                    format!(
                        "band {i} ({}, {}) is not within x_range ({}, {})",
                        data_text(b.from),
                        data_text(b.to),
                        data_text(x0),
                        data_text(x1)
                    ),
                ));
            }
            let color = cx.color(&field("color"), b.color.as_ref(), "accent_soft")?;
            let label = match &b.label {
                Some(l) => {
                    let (left, right) = (map.x(b.from), map.x(b.to));
                    let y = map.rect.min.y + BAND_LABEL_DROP;
                    let style = |align| cx.style(cx.theme.small_size, Weight::Medium, Family::Sans, align);
                    let muted = cx.theme.palette.muted;
                    let centred =
                        cx.text(&field("label"), l, style(Align::Center), Vec2::new((left + right) * 0.5, y), muted)?;
                    // Wider than the band: from its left edge, over what follows.
                    if centred.bounds.size().x + 2.0 * BAND_LABEL_PAD > right - left {
                        let at = Vec2::new(left + BAND_LABEL_PAD, y);
                        Some(cx.text(&field("label"), l, style(Align::Left), at, muted)?)
                    } else {
                        Some(centred)
                    }
                }
                None => None,
            };
            bands.push(Band {
                from: b.from,
                to: b.to,
                color,
                label,
            });
        }
        Ok(bands)
    }

    /// The markers' labels and where their lines start.
    fn markers(&self, cx: &LoadCx<'_>, map: &ChartMap, color: Color) -> Result<Vec<Marker>, SceneError> {
        let rect = map.rect;
        let mut markers = Vec::new();
        for (i, m) in self.markers.iter().flatten().enumerate() {
            let size = match m.size {
                Some(z) => cx.positive(&format!("markers.{i}.size"), "size", z)?,
                None => cx.theme.small_size,
            };
            let style = cx.style(size, Weight::Medium, Family::Mono, Align::Center);
            let field = format!("markers.{i}.{}", if m.named { "label" } else { "1" });
            let x = map.x(m.x);
            let marker = match m.side {
                MarkerSide::Above => Marker {
                    x: m.x,
                    label: cx.text(&field, &m.label, style, Vec2::new(x, rect.min.y - MARKER_LABEL_RISE), color)?,
                    line_top: rect.min.y + MARKER_LINE_TOP,
                },
                MarkerSide::Below => {
                    let at = Vec2::new(x, rect.min.y + MARKER_BELOW_DROP + size * 0.5);
                    let label = cx.text(&field, &m.label, style, at, color)?;
                    let line_top = label.bounds.max.y + MARKER_LINE_GAP;
                    Marker {
                        x: m.x,
                        label,
                        line_top,
                    }
                }
            };
            markers.push(marker);
        }
        Ok(markers)
    }
}

impl Spec for LineChartSpec {
    type Widget = LineChart;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<LineChart>, SceneError> {
        let s = self;
        let rect = Rect::from_center(cx.at(s.at), v(s.size));
        let mut series = s
            .series
            .iter()
            .enumerate()
            .map(|(i, sp)| self::series(cx, i, sp))
            .collect::<Result<Vec<_>, _>>()?;
        if series.is_empty() {
            return Err(cx.field_err("series", "a chart needs at least one series"));
        }
        let x_range = s.x_range(cx, &series)?;
        if x_range.0.is_finite() && x_range.1.is_finite() && x_range.1 > x_range.0 {
            for (i, (sp, se)) in s.series.iter().zip(series.iter_mut()).enumerate() {
                if let Some(src) = &sp.y_of_x {
                    se.points = sample(cx, i, sp, src, x_range)?;
                }
            }
        }
        let fold = |f: fn(&(f64, f64)) -> f64| {
            let v: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(f)).collect();
            (
                v.iter().cloned().fold(f64::INFINITY, f64::min),
                v.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
            )
        };
        let y_range = s.y_range.unwrap_or_else(|| {
            let (lo, hi) = fold(|p| p.1);
            (lo.min(0.0), hi * Y_HEADROOM)
        });
        let increasing = |r: (f64, f64)| r.0.is_finite() && r.1.is_finite() && r.1 > r.0;
        if !increasing(x_range) || !increasing(y_range) {
            let field = if increasing(x_range) { "y_range" } else { "x_range" };
            return Err(cx.field_err(field, "x_range and y_range must be increasing"));
        }
        let theme = cx.theme;
        let small = |weight, family, align| cx.style(theme.small_size, weight, family, align);
        let tick_style = small(Weight::Regular, Family::Sans, Align::Center);
        let right_style = small(Weight::Regular, Family::Sans, Align::Right);
        let muted = theme.palette.muted;
        let x_ticks = s.x_ticks.clone().unwrap_or_default();
        let y_ticks = s.y_ticks.clone().unwrap_or_default();
        let map = ChartMap {
            rect,
            x_range,
            y_range,
        };
        let mut ticks = Vec::new();
        for (i, &x) in x_ticks.iter().enumerate() {
            let at = Vec2::new(map.x(x), rect.max.y + X_TICK_DROP);
            ticks.push(cx.text(&format!("x_ticks.{i}"), &format_tick(x), tick_style, at, muted)?);
        }
        for (i, &y) in y_ticks.iter().enumerate() {
            let at = Vec2::new(rect.min.x - Y_TICK_GAP, map.y(y));
            ticks.push(cx.text(&format!("y_ticks.{i}"), &format_tick(y), right_style, at, muted)?);
        }
        let ink = theme.palette.ink;
        let mut axis_labels = Vec::new();
        if let Some(l) = &s.x_label {
            let at = Vec2::new(rect.center().x, rect.max.y + X_LABEL_DROP);
            axis_labels.push(cx.text(
                "x_label",
                l,
                small(Weight::Medium, Family::Sans, Align::Center),
                at,
                ink,
            )?);
        }
        if let Some(l) = &s.y_label {
            let at = Vec2::new(rect.min.x, rect.min.y - Y_LABEL_RISE);
            axis_labels.push(cx.text(
                "y_label",
                l,
                small(Weight::Medium, Family::Sans, Align::Left),
                at,
                ink,
            )?);
        }
        for (i, (sp, se)) in s.series.iter().zip(series.iter_mut()).enumerate() {
            if let Some(l) = &sp.label {
                let last = se.points.last().copied().unwrap_or((0.0, 0.0));
                let style = small(Weight::SemiBold, Family::Sans, Align::Left);
                let at = Vec2::new(map.x(last.0) + SERIES_LABEL_GAP, map.y(last.1));
                se.label = Some(cx.text(&format!("series.{i}.label"), l, style, at, se.color)?);
            }
        }
        let marker_color = cx.color("marker_color", s.marker_color.as_ref(), "good")?;
        let markers = s.markers(cx, &map, marker_color)?;
        let chart = LineChart {
            map,
            bands: s.bands(cx, &map)?,
            series,
            ticks,
            y_ticks,
            axis_labels,
            progress: s.progress.unwrap_or(1.0),
            markers,
            marker_color,
        };
        Ok(Placed::centred(chart, rect))
    }
}

impl Widget for LineChart {
    const PARAMS: &'static [ParamDef<Self>] = &[ParamDef {
        param: Param::Progress,
        range: Range::Unit,
        default: |c| Some(c.progress),
        entrance: None,
    }];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        self.ticks
            .iter()
            .chain(&self.axis_labels)
            .chain(self.markers.iter().map(|m| &m.label))
            .chain(self.series.iter().filter_map(|s| s.label.as_ref()))
            .chain(self.bands.iter().filter_map(|b| b.label.as_ref()))
            .collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            chart: Some(self.map),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let progress = cx.state.param(Param::Progress, 1.0);
        let pal = cx.theme.palette;
        let (c, m) = (self, self.map);
        let r = m.rect;
        let (x0, x1) = m.x_range;
        let x_end = x0 + (x1 - x0) * progress.clamp(0.0, 1.0);
        // Bands grow with the line, behind everything.
        for b in &c.bands {
            if b.from < x_end {
                let band = Rect {
                    min: Vec2::new(m.x(b.from), r.min.y),
                    max: Vec2::new(m.x(b.to.min(x_end)), r.max.y),
                };
                cx.p.fill(&PathData::rounded_rect(band, 0.0), b.color);
            }
        }
        for &y in &c.y_ticks {
            let g = PathData::polyline(&[Vec2::new(r.min.x, m.y(y)), Vec2::new(r.max.x, m.y(y))], false);
            cx.p.stroke(&g, pal.line.with_opacity(0.5), 1.0);
        }
        let axes = PathData::polyline(&[r.min, Vec2::new(r.min.x, r.max.y), r.max], false);
        cx.p.stroke(&axes, pal.muted, 2.0);
        for t in c.ticks.iter().chain(&c.axis_labels) {
            cx.p.text(t, t.color, 1.0);
        }
        for b in &c.bands {
            if let Some(l) = &b.label {
                let a = ((x_end - b.from) / (b.to - b.from)).clamp(0.0, 1.0) as f32;
                cx.p.text(l, l.color.with_opacity(a), 1.0);
            }
        }
        for mk in &c.markers {
            if mk.x <= x_end {
                let line = PathData::polyline(
                    &[Vec2::new(m.x(mk.x), mk.line_top), Vec2::new(m.x(mk.x), r.max.y)],
                    false,
                );
                cx.p.stroke(&dash(&line, 6.0, 6.0), c.marker_color, 2.0);
                cx.p.text(&mk.label, mk.label.color, 1.0);
            }
        }
        for s in &c.series {
            let mut pts: Vec<Vec2> = Vec::new();
            for w in s.points.windows(2) {
                let (a, b) = (w[0], w[1]);
                if pts.is_empty() && a.0 <= x_end {
                    pts.push(Vec2::new(m.x(a.0), m.y(a.1)));
                }
                if b.0 <= x_end {
                    pts.push(Vec2::new(m.x(b.0), m.y(b.1)));
                } else {
                    if a.0 < x_end {
                        let f = (x_end - a.0) / (b.0 - a.0);
                        pts.push(Vec2::new(m.x(x_end), m.y(lerp(a.1, b.1, f))));
                    }
                    break;
                }
            }
            if pts.len() >= 2 {
                let line = PathData::polyline(&pts, false);
                let line = if s.dashed { dash(&line, 10.0, 7.0) } else { line };
                cx.p.stroke(&line, s.color, 3.5);
            }
            if let Some(head) = pts.last() {
                if progress < 1.0 {
                    cx.p.fill(&PathData::ellipse(*head, Vec2::splat(7.0)), s.color);
                }
            }
            if let Some(l) = &s.label {
                // The label fades in once its series is fully drawn.
                let last_x = s.points.last().map(|p| p.0).unwrap_or(x1);
                let fade = 0.05 * (x1 - x0);
                let a = ((x_end - last_x) / fade + 1.0).clamp(0.0, 1.0) as f32;
                cx.p.text(l, l.color.with_opacity(a), 1.0);
            }
        }
    }
}
