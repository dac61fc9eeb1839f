//! A 2-D scatter plot, for word embeddings: labelled points in a data
//! space, optional axes, ticks and grid, and vectors between points drawn
//! as arrows (`rei − homem + mulher ≈ rainha`). `Reveal` shows the points
//! in order, then the vectors.

use std::collections::HashMap;

use glam::Vec2;

use super::axes::{data_text, ChartMap};
use super::load::{spec, v, LoadCx, P};
use super::paint::{dash, PaintCx};
use super::state::{Param, ParamDef};
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::text::{Align, Family, TextBlock, Weight};

/// Where a point's label sits, next to its dot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
pub enum LabelSide {
    /// Up and to the right of the dot, its left edge past the dot.
    #[default]
    AboveRight,
    Right,
    Left,
    Above,
    Below,
}

/// One point as the scene file writes it, in data coordinates.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointSpec {
    pub x: f64,
    pub y: f64,
    pub label: Option<String>,
    pub color: Option<String>,
    /// What a vector's `from` or `to` calls it.
    pub name: Option<String>,
    pub label_side: Option<LabelSide>,
}

/// A vector's end: a point's `name`, or `(x, y)` in data coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum VectorEnd {
    Name(String),
    At((f64, f64)),
}

impl<'de> serde::Deserialize<'de> for VectorEnd {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<VectorEnd, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = VectorEnd;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a point's name or a point (x, y)")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<VectorEnd, E> {
                Ok(VectorEnd::Name(s.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<VectorEnd, A::Error> {
                use serde::de::Error;
                let x: f64 = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let y: f64 = seq.next_element()?.ok_or_else(|| A::Error::invalid_length(1, &self))?;
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(A::Error::invalid_length(3, &self));
                }
                Ok(VectorEnd::At((x, y)))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// An arrow between two points of the plot.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorSpec {
    pub from: VectorEnd,
    pub to: VectorEnd,
    pub color: Option<String>,
    pub label: Option<String>,
    #[serde(default)]
    pub dashed: bool,
    pub width: Option<f32>,
}

spec!(
    /// A scatter plot whose plot area is `size`, centred on `at`.
    ScatterSpec {
        #[serde(default)]
        at: P,
        size: P,
        points: Vec<PointSpec>,
        #[serde(default)]
        vectors: Vec<VectorSpec>,
        /// Default: the data's extent with 10 % of it as margin each side.
        x_range: Option<(f64, f64)>,
        y_range: Option<(f64, f64)>,
        /// The left and bottom edges, ticks and axis labels (default true).
        axes: Option<bool>,
        /// Light lines across the plot at the ticks.
        #[serde(default)]
        grid: bool,
        x_ticks: Option<Vec<f64>>,
        y_ticks: Option<Vec<f64>>,
        x_label: Option<String>,
        y_label: Option<String>,
        /// A dot's radius (default 7).
        radius: Option<f32>,
        /// The points' label size (default: the theme's small size).
        label_size: Option<f32>,
    }
);

/// Default dot radius.
const RADIUS: f32 = 7.0;
/// The ring of surface colour around a dot, separating dots that touch.
const RING: f32 = 2.0;
/// Space between a dot's edge and its label.
const LABEL_GAP: f32 = 6.0;
/// A label's distance from the dot's centre along the diagonal, in radii.
const DIAGONAL: f32 = 0.7;
/// Tick labels: x ones centred this far below the bottom edge, y ones
/// right-aligned this far left of the left edge (as a LineChart's).
const X_TICK_DROP: f32 = 20.0;
const Y_TICK_GAP: f32 = 10.0;
/// The x axis label centred this far below the bottom edge; the y one
/// left-aligned at the left edge, this far above the top edge.
const X_LABEL_DROP: f32 = 52.0;
const Y_LABEL_RISE: f32 = 44.0;
/// A vector stops this far short of a named point's dot.
const VECTOR_GAP: f32 = 4.0;
/// A vector's label: this far from the shaft, on its upper side.
const VECTOR_LABEL_GAP: f32 = 8.0;
/// Margin around the data's extent, as a fraction of it, when a range is not given.
const MARGIN: f64 = 0.1;

/// One resolved point.
#[derive(Clone, Debug)]
pub struct Dot {
    pub at: Vec2,
    pub color: Color,
    pub label: Option<TextBlock>,
}

/// One resolved vector: a straight shaft from `from` to `to` (the tip).
#[derive(Clone, Debug)]
pub struct Vector {
    pub from: Vec2,
    pub to: Vec2,
    pub color: Color,
    pub width: f32,
    pub dashed: bool,
    pub label: Option<TextBlock>,
}

#[derive(Clone, Debug)]
pub struct Scatter {
    pub map: ChartMap,
    pub dots: Vec<Dot>,
    pub vectors: Vec<Vector>,
    pub radius: f32,
    pub axes: bool,
    /// Grid lines, in scene coordinates (empty without `grid`).
    pub grid: Vec<PathData>,
    pub ticks: Vec<TextBlock>,
    pub axis_labels: Vec<TextBlock>,
}

/// What is drawn around the plot area: tick labels, grid lines, axis labels.
struct Decorations {
    ticks: Vec<TextBlock>,
    grid: Vec<PathData>,
    labels: Vec<TextBlock>,
}

/// The data's extent along one axis with the margin, or `given`.
fn range_of(given: Option<(f64, f64)>, values: impl Iterator<Item = f64>) -> (f64, f64) {
    given.unwrap_or_else(|| {
        let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        let m = if hi > lo { MARGIN * (hi - lo) } else { 1.0 };
        (lo - m, hi + m)
    })
}

/// Where a label of `size` goes for a dot of radius `r` at `c`, and its alignment.
fn label_place(side: LabelSide, c: Vec2, r: f32, size: f32) -> (Vec2, Align) {
    let d = r + LABEL_GAP;
    match side {
        LabelSide::AboveRight => (
            Vec2::new(c.x + r * DIAGONAL + LABEL_GAP * 0.5, c.y - r * DIAGONAL - size * 0.5),
            Align::Left,
        ),
        LabelSide::Right => (Vec2::new(c.x + d, c.y), Align::Left),
        LabelSide::Left => (Vec2::new(c.x - d, c.y), Align::Right),
        LabelSide::Above => (Vec2::new(c.x, c.y - d - size * 0.5), Align::Center),
        LabelSide::Below => (Vec2::new(c.x, c.y + d + size * 0.5), Align::Center),
    }
}

impl ScatterSpec {
    /// Checks the counts, the numbers and the names; returns the points' names.
    fn check(&self, cx: &LoadCx<'_>) -> Result<HashMap<&str, usize>, SceneError> {
        let (n, m) = (self.points.len(), self.vectors.len());
        if n == 0 {
            return Err(cx.field_err("points", "a scatter plot needs at least one point"));
        }
        let max = limits::MAX_SCATTER_POINTS;
        if n > max {
            return Err(cx.field_err("points", format!("a scatter plot has at most {max} points, got {n}")));
        }
        if m > max {
            return Err(cx.field_err("vectors", format!("a scatter plot has at most {max} vectors, got {m}")));
        }
        cx.finite("at", &[self.at.0, self.at.1])?;
        cx.positive("size", "size", self.size.0.min(self.size.1))?;
        let mut names = HashMap::new();
        for (i, p) in self.points.iter().enumerate() {
            for (axis, x) in [("x", p.x), ("y", p.y)] {
                if !x.is_finite() {
                    return Err(cx.field_err(
                        &format!("points.{i}.{axis}"),
                        format!("point {i}: {axis} must be a finite number"),
                    ));
                }
            }
            if let Some(name) = &p.name {
                if names.insert(name.as_str(), i).is_some() {
                    return Err(cx.field_err(
                        &format!("points.{i}.name"),
                        format!("two points are named \"{name}\": a vector could not tell them apart"),
                    ));
                }
            }
        }
        for (i, vs) in self.vectors.iter().enumerate() {
            for (field, end) in [("from", &vs.from), ("to", &vs.to)] {
                let at = format!("vectors.{i}.{field}");
                match end {
                    VectorEnd::Name(name) if !names.contains_key(name.as_str()) => {
                        let mut known: Vec<&str> = names.keys().copied().collect();
                        known.sort_unstable();
                        let hint = if known.is_empty() {
                            "no point has a `name`".to_string()
                        } else {
                            format!("named points: {}", known.join(", "))
                        };
                        return Err(cx.field_err(&at, format!("vector {i}: no point named \"{name}\" ({hint})")));
                    }
                    VectorEnd::At((x, y)) if !x.is_finite() || !y.is_finite() => {
                        return Err(cx.field_err(&at, format!("vector {i}: {field} must be finite")));
                    }
                    _ => {}
                }
            }
        }
        Ok(names)
    }

    /// The data space: the ranges (given, or the data's extent with the margin) over the plot area.
    fn map(&self, cx: &LoadCx<'_>) -> Result<ChartMap, SceneError> {
        let ends = || {
            self.vectors.iter().flat_map(|v| [&v.from, &v.to]).filter_map(|e| match e {
                VectorEnd::At(p) => Some(*p),
                VectorEnd::Name(_) => None,
            })
        };
        let xs = self.points.iter().map(|p| p.x).chain(ends().map(|p| p.0));
        let x_range = range_of(self.x_range, xs);
        let ys = self.points.iter().map(|p| p.y).chain(ends().map(|p| p.1));
        let y_range = range_of(self.y_range, ys);
        for (field, r) in [("x_range", x_range), ("y_range", y_range)] {
            if !(r.0.is_finite() && r.1.is_finite() && r.1 > r.0) {
                return Err(cx.field_err(field, format!("{field} must be increasing, got ({}, {})", r.0, r.1)));
            }
        }
        Ok(ChartMap {
            rect: Rect::from_center(cx.at(self.at), v(self.size)),
            x_range,
            y_range,
        })
    }

    /// The tick labels, grid lines and axis labels.
    fn decorations(&self, cx: &LoadCx<'_>, map: &ChartMap, axes: bool) -> Result<Decorations, SceneError> {
        let theme = cx.theme;
        let small = |weight, align| cx.style(theme.small_size, weight, Family::Sans, align);
        let r = map.rect;
        let x_ticks = self.x_ticks.clone().unwrap_or_default();
        let y_ticks = self.y_ticks.clone().unwrap_or_default();
        if !axes {
            let given = [
                ("x_ticks", self.x_ticks.is_some()),
                ("y_ticks", self.y_ticks.is_some()),
                ("x_label", self.x_label.is_some()),
                ("y_label", self.y_label.is_some()),
            ];
            if let Some((field, _)) = given.iter().find(|(_, g)| *g) {
                return Err(cx.field_err(field, format!("{field} is drawn with the axes: remove it or set `axes: true`")));
            }
        }
        if self.grid && x_ticks.is_empty() && y_ticks.is_empty() {
            return Err(cx.field_err("grid", "the grid is drawn at the ticks: give x_ticks or y_ticks"));
        }
        let mut ticks = Vec::new();
        let mut grid = Vec::new();
        let muted = theme.palette.muted;
        for (i, &x) in x_ticks.iter().enumerate() {
            let field = format!("x_ticks.{i}");
            if map.point(x, map.y_range.0).is_none() {
                return Err(cx.field_err(&field, format!("tick {} is outside x_range", data_text(x))));
            }
            let at = Vec2::new(map.x(x), r.max.y + X_TICK_DROP);
            let style = small(Weight::Regular, Align::Center);
            ticks.push(cx.text(&field, &data_text(x), style, at, muted)?);
            grid.push(PathData::polyline(&[Vec2::new(map.x(x), r.min.y), Vec2::new(map.x(x), r.max.y)], false));
        }
        for (i, &y) in y_ticks.iter().enumerate() {
            let field = format!("y_ticks.{i}");
            if map.point(map.x_range.0, y).is_none() {
                return Err(cx.field_err(&field, format!("tick {} is outside y_range", data_text(y))));
            }
            let at = Vec2::new(r.min.x - Y_TICK_GAP, map.y(y));
            let style = small(Weight::Regular, Align::Right);
            ticks.push(cx.text(&field, &data_text(y), style, at, muted)?);
            grid.push(PathData::polyline(&[Vec2::new(r.min.x, map.y(y)), Vec2::new(r.max.x, map.y(y))], false));
        }
        if !self.grid {
            grid.clear();
        }
        let ink = theme.palette.ink;
        let mut labels = Vec::new();
        if let Some(l) = &self.x_label {
            let at = Vec2::new(r.center().x, r.max.y + X_LABEL_DROP);
            labels.push(cx.text("x_label", l, small(Weight::Medium, Align::Center), at, ink)?);
        }
        if let Some(l) = &self.y_label {
            let at = Vec2::new(r.min.x, r.min.y - Y_LABEL_RISE);
            labels.push(cx.text("y_label", l, small(Weight::Medium, Align::Left), at, ink)?);
        }
        Ok(Decorations { ticks, grid, labels })
    }

    fn vector(
        &self,
        cx: &LoadCx<'_>,
        i: usize,
        map: &ChartMap,
        dots: &[Dot],
        names: &HashMap<&str, usize>,
        radius: f32,
    ) -> Result<Vector, SceneError> {
        let vs = &self.vectors[i];
        let mut ends = [Vec2::ZERO; 2];
        let mut on_dot = [false; 2];
        for (k, (field, end)) in [("from", &vs.from), ("to", &vs.to)].into_iter().enumerate() {
            ends[k] = match end {
                VectorEnd::Name(name) => {
                    on_dot[k] = true;
                    dots[names[name.as_str()]].at
                }
                VectorEnd::At((x, y)) => map.point(*x, *y).ok_or_else(|| {
                    cx.field_err(
                        &format!("vectors.{i}.{field}"),
                        format!(
                            "vector {i}: ({}, {}) is outside the plot's x_range and y_range",
                            data_text(*x),
                            data_text(*y)
                        ),
                    )
                })?,
            };
        }
        let dir = (ends[1] - ends[0]).normalize_or_zero();
        let pull = radius + VECTOR_GAP;
        let from = if on_dot[0] { ends[0] + dir * pull } else { ends[0] };
        let to = if on_dot[1] { ends[1] - dir * pull } else { ends[1] };
        if (to - from).dot(dir) < 1.0 {
            return Err(cx.field_err(
                &format!("vectors.{i}"),
                format!("vector {i}: its ends coincide (or the dots at them touch)"),
            ));
        }
        let color = cx.color(&format!("vectors.{i}.color"), vs.color.as_ref(), "accent")?;
        let width = match vs.width {
            Some(w) => cx.positive(&format!("vectors.{i}.width"), "width", w)?.min(limits::MAX_WIDTH),
            None => cx.theme.stroke_width,
        };
        let label = match &vs.label {
            Some(text) => {
                let field = format!("vectors.{i}.label");
                let style = cx.style(cx.theme.small_size, Weight::Medium, Family::Sans, Align::Center);
                let measured = cx.text(&field, text, style, Vec2::ZERO, color)?;
                let half = measured.bounds.size() * 0.5;
                // The side of the shaft facing up (right, for a vertical one).
                let mut n = Vec2::new(dir.y, -dir.x);
                if n.y > 1e-3 || (n.y.abs() <= 1e-3 && n.x < 0.0) {
                    n = -n;
                }
                let off = VECTOR_LABEL_GAP + n.x.abs() * half.x + n.y.abs() * half.y;
                Some(cx.text(&field, text, style, (from + to) * 0.5 + n * off, color)?)
            }
            None => None,
        };
        Ok(Vector {
            from,
            to,
            color,
            width,
            dashed: vs.dashed,
            label,
        })
    }
}

impl Spec for ScatterSpec {
    type Widget = Scatter;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Scatter>, SceneError> {
        let names = self.check(cx)?;
        let map = self.map(cx)?;
        let (rect, x_range, y_range) = (map.rect, map.x_range, map.y_range);
        let radius = cx.positive("radius", "radius", self.radius.unwrap_or(RADIUS))?;
        let size = cx.positive("label_size", "label_size", self.label_size.unwrap_or(cx.theme.small_size))?;
        let style = |align| cx.style(size, Weight::Medium, Family::Sans, align);
        let mut dots = Vec::with_capacity(self.points.len());
        for (i, p) in self.points.iter().enumerate() {
            let at = map.point(p.x, p.y).ok_or_else(|| {
                let axis = if map.point(p.x, y_range.0).is_none() { "x" } else { "y" };
                let range = if axis == "x" { x_range } else { y_range };
                cx.field_err(
                    &format!("points.{i}.{axis}"),
                    format!(
                        "point {i} ({}, {}) is outside {axis}_range ({}, {})",
                        data_text(p.x),
                        data_text(p.y),
                        data_text(range.0),
                        data_text(range.1)
                    ),
                )
            })?;
            let color = cx.color(&format!("points.{i}.color"), p.color.as_ref(), "primary")?;
            let label = match &p.label {
                Some(text) => {
                    let (to, align) = label_place(p.label_side.unwrap_or_default(), at, radius, size);
                    let ink = cx.theme.palette.ink;
                    Some(cx.text(&format!("points.{i}.label"), text, style(align), to, ink)?)
                }
                None => None,
            };
            dots.push(Dot { at, color, label });
        }
        let vectors = (0..self.vectors.len())
            .map(|i| self.vector(cx, i, &map, &dots, &names, radius))
            .collect::<Result<Vec<_>, _>>()?;
        let axes = self.axes.unwrap_or(true);
        let Decorations { ticks, grid, labels } = self.decorations(cx, &map, axes)?;
        let scatter = Scatter {
            map,
            dots,
            vectors,
            radius,
            axes,
            grid,
            ticks,
            axis_labels: labels,
        };
        Ok(Placed::centred(scatter, rect))
    }
}

impl Scatter {
    fn paint_vector(&self, cx: &mut PaintCx<'_>, v: &Vector, drawn: f32) {
        let len = v.from.distance(v.to);
        let dir = (v.to - v.from) / len;
        let head_len = 4.0 * v.width + 6.0;
        let reach = len * drawn;
        if reach > 0.5 {
            let body_end = v.from + dir * (reach - head_len * 0.8).max(0.0);
            if body_end.distance(v.from) > 0.25 {
                let body = PathData::polyline(&[v.from, body_end], false);
                let body = if v.dashed {
                    dash(&body, v.width * 3.0, v.width * 2.5)
                } else {
                    body
                };
                cx.p.stroke(&body, v.color, v.width);
            }
            let scale = (reach / head_len).min(1.0);
            let head = PathData::arrow_head(
                v.from + dir * reach,
                dir,
                head_len * scale,
                (3.4 * v.width + 5.0) * scale,
            );
            cx.p.fill(&head, v.color);
        }
    }
}

/// A label over a halo of the surface colour, legible across grid lines and vectors.
fn paint_label(cx: &mut PaintCx<'_>, l: &TextBlock, alpha: f32) {
    if alpha <= 0.0 {
        return;
    }
    let halo = cx.theme.palette.surface.with_opacity(alpha);
    for g in &l.glyphs {
        cx.p.stroke(&g.path, halo, 4.0);
    }
    cx.p.text(l, l.color.with_opacity(alpha), 1.0);
}

impl Widget for Scatter {
    /// `progress`: how much is shown, the points in order and then the
    /// vectors; a plot whose first step is a `Reveal` starts empty.
    const PARAMS: &'static [ParamDef<Self>] = &[ParamDef::REVEAL];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        self.ticks
            .iter()
            .chain(&self.axis_labels)
            .chain(self.dots.iter().filter_map(|d| d.label.as_ref()))
            .chain(self.vectors.iter().filter_map(|v| v.label.as_ref()))
            .collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            chart: Some(self.map),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let pal = cx.theme.palette;
        for g in &self.grid {
            cx.p.stroke(g, pal.line.with_opacity(0.5), 1.0);
        }
        if self.axes {
            let r = self.map.rect;
            let axes = PathData::polyline(&[r.min, Vec2::new(r.min.x, r.max.y), r.max], false);
            cx.p.stroke(&axes, pal.muted, 2.0);
        }
        for t in self.ticks.iter().chain(&self.axis_labels) {
            cx.p.text(t, t.color, 1.0);
        }
        let progress = cx.state.param(Param::Progress, 1.0) as f32;
        let shown = progress * (self.dots.len() + self.vectors.len()) as f32;
        let n = self.dots.len();
        for (i, v) in self.vectors.iter().enumerate() {
            let drawn = (shown - (n + i) as f32).clamp(0.0, 1.0);
            if drawn > 0.0 {
                self.paint_vector(cx, v, drawn);
            }
        }
        for (i, d) in self.dots.iter().enumerate() {
            let a = (shown - i as f32).clamp(0.0, 1.0);
            if a <= 0.0 {
                continue;
            }
            let ring = PathData::ellipse(d.at, Vec2::splat(self.radius + RING));
            cx.p.fill(&ring, pal.surface.with_opacity(a));
            cx.p.fill(&PathData::ellipse(d.at, Vec2::splat(self.radius)), d.color.with_opacity(a));
        }
        // Labels over every dot and shaft: a vector's once it is half drawn.
        for (i, d) in self.dots.iter().enumerate() {
            if let Some(l) = &d.label {
                paint_label(cx, l, (shown - i as f32).clamp(0.0, 1.0));
            }
        }
        for (i, v) in self.vectors.iter().enumerate() {
            if let Some(l) = &v.label {
                let drawn = (shown - (n + i) as f32).clamp(0.0, 1.0);
                paint_label(cx, l, ((drawn - 0.5) * 2.0).clamp(0.0, 1.0));
            }
        }
    }
}
