//! A line chart with axes, ticks, labelled series (inline points or CSV
//! columns) and vertical markers; its `progress` (animate with `Reveal`)
//! is the fraction of the x range drawn so far.

use glam::Vec2;

use super::axes::ChartMap;
use super::load::{spec, v, LoadCx, P};
use super::number::format_tick;
use super::paint::{dash, lerp, PaintCx};
use super::state::{Param, ParamDef, Range};
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::csv::read_csv_columns;
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::text::{Align, Family, TextBlock, Weight};

/// One line of a chart: inline `points` or two columns of a CSV file.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    pub label: Option<String>,
    pub color: Option<String>,
    pub points: Option<Vec<(f64, f64)>>,
    /// CSV path relative to the project root, with a header row.
    pub csv: Option<String>,
    pub x: Option<String>,
    pub y: Option<String>,
    #[serde(default)]
    pub dashed: bool,
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
        markers: Option<Vec<(f64, String)>>,
        marker_color: Option<String>,
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
    pub series: Vec<Series>,
    pub ticks: Vec<TextBlock>,
    pub y_ticks: Vec<f64>,
    pub axis_labels: Vec<TextBlock>,
    pub progress: f64,
    pub markers: Vec<(f64, TextBlock)>,
    pub marker_color: Color,
}

/// Where the labels sit around the box.
const X_TICK_DROP: f32 = 20.0;
const Y_TICK_GAP: f32 = 10.0;
const X_LABEL_DROP: f32 = 52.0;
const Y_LABEL_RISE: f32 = 44.0;
const SERIES_LABEL_GAP: f32 = 12.0;
const MARKER_LABEL_RISE: f32 = 12.0;
/// A y range read from the data leaves this much room over the highest point.
const Y_HEADROOM: f64 = 1.05;

fn series(cx: &LoadCx<'_>, i: usize, sp: &SeriesSpec) -> Result<Series, SceneError> {
    let data = format!("series.{i}.{}", if sp.csv.is_some() { "csv" } else { "points" });
    let points = match (&sp.points, &sp.csv) {
        (Some(p), None) => p.clone(),
        (None, Some(csv)) => {
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
        _ => {
            return Err(cx.field_err(
                &format!("series.{i}"),
                format!("series {i}: give either `points` or `csv`"),
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
    let default = if i == 0 { "primary" } else { "accent" };
    let color = cx.color(&format!("series.{i}.color"), sp.color.as_ref(), default)?;
    Ok(Series {
        points,
        color,
        dashed: sp.dashed,
        label: None,
    })
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
        let fold = |f: fn(&(f64, f64)) -> f64| {
            let v: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(f)).collect();
            (
                v.iter().cloned().fold(f64::INFINITY, f64::min),
                v.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
            )
        };
        let x_range = s.x_range.unwrap_or_else(|| fold(|p| p.0));
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
        let mut markers = Vec::new();
        for (i, (x, l)) in s.markers.clone().unwrap_or_default().into_iter().enumerate() {
            let style = small(Weight::Medium, Family::Mono, Align::Center);
            let at = Vec2::new(map.x(x), rect.min.y - MARKER_LABEL_RISE);
            markers.push((
                x,
                cx.text(&format!("markers.{i}.1"), &l, style, at, marker_color)?,
            ));
        }
        let chart = LineChart {
            map,
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
            .chain(self.markers.iter().map(|(_, t)| t))
            .chain(self.series.iter().filter_map(|s| s.label.as_ref()))
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
        for &y in &c.y_ticks {
            let g = PathData::polyline(&[Vec2::new(r.min.x, m.y(y)), Vec2::new(r.max.x, m.y(y))], false);
            cx.p.stroke(&g, pal.line.with_opacity(0.5), 1.0);
        }
        let axes = PathData::polyline(&[r.min, Vec2::new(r.min.x, r.max.y), r.max], false);
        cx.p.stroke(&axes, pal.muted, 2.0);
        for t in c.ticks.iter().chain(&c.axis_labels) {
            cx.p.text(t, t.color, 1.0);
        }
        let (x0, x1) = m.x_range;
        let x_end = x0 + (x1 - x0) * progress.clamp(0.0, 1.0);
        for (x, label) in &c.markers {
            if *x <= x_end {
                let line = PathData::polyline(
                    &[Vec2::new(m.x(*x), r.min.y + 14.0), Vec2::new(m.x(*x), r.max.y)],
                    false,
                );
                cx.p.stroke(&dash(&line, 6.0, 6.0), c.marker_color, 2.0);
                cx.p.text(label, label.color, 1.0);
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
