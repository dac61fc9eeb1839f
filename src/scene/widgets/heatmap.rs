//! A heatmap: a grid of values drawn as coloured cells (an attention
//! matrix), with row and column labels, optional numbers in the cells (in
//! ink or white, whichever contrasts more with the cell), a mask, a colour
//! bar, and `Reveal` showing it row by row or cell by cell.

use glam::Vec2;

use super::axes;
use super::load::{spec, v, FontSpec, LoadCx, P};
use super::number::{format_number, MAX_DECIMALS};
use super::paint::PaintCx;
use super::state::{Param, ParamDef, Range};
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::{srgb_to_linear, Color};
use crate::geom::{PathData, Rect};
use crate::prob::softmax;
use crate::scene::error::SceneError;
use crate::scene::limits::MAX_GRID_SIDE;
use crate::text::{Align, Family, TextBlock, Weight};

/// Default cell size, gap between cells and corner radius, in px.
const CELL: P = P(56.0, 56.0);
const GAP: f32 = 3.0;
const RADIUS: f32 = 4.0;
/// Labels: this far from the grid (row labels left of it, column labels above it).
const LABEL_GAP: f32 = 12.0;
/// Neighbouring column labels keep at least this much space between them.
const LABEL_SPACE: f32 = 4.0;
/// A cell's number: at most this fraction of the cell's height, with this
/// much room either side; never smaller than `MIN_NUMBER_SIZE`.
const NUMBER_HEIGHT: f32 = 0.4;
const NUMBER_PADDING: f32 = 4.0;
const MIN_NUMBER_SIZE: f32 = 10.0;
/// The colour bar: this far right of the grid, this wide, drawn in slices
/// this tall (fine enough that no band shows); its labels this far right of it.
const LEGEND_GAP: f32 = 24.0;
const LEGEND_WIDTH: f32 = 16.0;
const LEGEND_SLICE: f32 = 2.0;
const LEGEND_LABEL_GAP: f32 = 8.0;

/// The cells `mask` hides: `Causal` (those above the diagonal, column >
/// row) or `Cells([[...]])`, a grid of booleans (`true` = masked).
#[derive(Debug, Clone, serde::Deserialize)]
pub enum MaskSpec {
    Causal,
    Cells(Vec<Vec<bool>>),
}

/// The colour scale: theme colours (or `#hex`) at the low and high ends.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleSpec {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The order `Reveal` shows the cells in.
#[derive(Debug, Clone, Copy, serde::Deserialize, PartialEq, Eq, Default)]
pub enum RevealOrder {
    /// Row by row, each row fading in whole.
    #[default]
    Rows,
    /// Cell by cell, in reading order.
    Cells,
}

spec!(
    /// A grid of `values` (or of `logits`, softmaxed row by row) whose cell
    /// grid is centred on `at`.
    HeatmapSpec {
        #[serde(default)]
        at: P,
        /// One cell's (width, height).
        cell: Option<P>,
        gap: Option<f32>,
        radius: Option<f32>,
        values: Option<Vec<Vec<f64>>>,
        logits: Option<Vec<Vec<f64>>>,
        /// Whether the rows are softmaxed: true with `logits` (the default
        /// there), not allowed with `values`.
        softmax: Option<bool>,
        /// Labels left of each row and above each column.
        rows: Option<Vec<String>>,
        columns: Option<Vec<String>>,
        /// The labels' and numbers' font (default Mono).
        font: Option<FontSpec>,
        /// Print each cell's value in it.
        #[serde(default)]
        numbers: bool,
        decimals: Option<usize>,
        #[serde(default)]
        percent: bool,
        mask: Option<MaskSpec>,
        scale: Option<ScaleSpec>,
        /// The values at the two ends of the scale (default: (0, 1) for
        /// softmaxed rows, else the data's least and greatest).
        range: Option<(f64, f64)>,
        /// A colour bar right of the grid, labelled with the range.
        #[serde(default)]
        legend: bool,
        progress: Option<f64>,
        reveal: Option<RevealOrder>,
        title: Option<String>,
    }
);

/// One cell, in reading order.
#[derive(Clone, Debug)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rect: Rect,
    /// The value shown (after softmax); `None` when masked.
    pub value: Option<f64>,
    /// Its fill: the scale's colour, or the theme's `panel` when masked.
    pub fill: Color,
    /// Its printed value, in the colour that contrasts more with `fill`.
    pub number: Option<TextBlock>,
}

/// The colour bar: its box, its fill from bottom (`from`) to top (`to`),
/// and its labels.
#[derive(Clone, Debug)]
pub struct Legend {
    pub rect: Rect,
    pub from: Color,
    pub to: Color,
    pub labels: Vec<TextBlock>,
}

#[derive(Clone, Debug)]
pub struct Heatmap {
    pub n_rows: usize,
    pub n_cols: usize,
    /// The cell grid, without labels.
    pub grid: Rect,
    pub radius: f32,
    pub cells: Vec<Cell>,
    pub row_labels: Vec<TextBlock>,
    pub col_labels: Vec<TextBlock>,
    pub legend: Option<Legend>,
    pub title: Option<TextBlock>,
    pub progress: f64,
    pub reveal: RevealOrder,
}

/// WCAG relative luminance of an sRGB colour (alpha ignored).
pub fn relative_luminance(c: Color) -> f32 {
    0.2126 * srgb_to_linear(c.r) + 0.7152 * srgb_to_linear(c.g) + 0.0722 * srgb_to_linear(c.b)
}

/// WCAG contrast ratio of two colours (1..=21).
pub fn contrast(a: Color, b: Color) -> f32 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Of `light` and `dark`, the one that contrasts more with `fill`.
pub fn legible_on(fill: Color, dark: Color, light: Color) -> Color {
    if contrast(fill, dark) >= contrast(fill, light) {
        dark
    } else {
        light
    }
}

/// The grid as written: `values` or `logits`, its field name, and whether to softmax.
fn grid_field(s: &HeatmapSpec, cx: &LoadCx<'_>) -> Result<(&'static str, Vec<Vec<f64>>, bool), SceneError> {
    match (&s.values, &s.logits) {
        (Some(_), Some(_)) => Err(cx.field_err(
            "logits",
            "give either `values` or `logits`, not both",
        )),
        (None, None) => Err(cx.element_err(
            "a Heatmap needs `values` (rows of numbers) or `logits` (rows softmaxed)",
        )),
        (Some(v), None) => match s.softmax {
            Some(true) => Err(cx.field_err(
                "softmax",
                "softmax applies to `logits`: write the rows as `logits:` instead of `values:`",
            )),
            _ => Ok(("values", v.clone(), false)),
        },
        (None, Some(l)) => match s.softmax {
            Some(false) => Err(cx.field_err(
                "softmax",
                "`logits` are always softmaxed row by row: write plain numbers as `values:`",
            )),
            _ => Ok(("logits", l.clone(), true)),
        },
    }
}

/// Checks the grid's shape and numbers: not empty, rectangular, bounded, finite.
fn check_grid(cx: &LoadCx<'_>, field: &str, g: &[Vec<f64>]) -> Result<(usize, usize), SceneError> {
    let cols = g.first().map_or(0, |r| r.len());
    if cols == 0 {
        return Err(cx.field_err(field, "a heatmap needs at least one row of at least one value"));
    }
    if g.len() > MAX_GRID_SIDE || cols > MAX_GRID_SIDE {
        return Err(cx.field_err(
            field,
            format!(
                "a heatmap has at most {MAX_GRID_SIDE} rows and {MAX_GRID_SIDE} columns, got {}x{cols}",
                g.len()
            ),
        ));
    }
    for (i, row) in g.iter().enumerate() {
        if row.len() != cols {
            return Err(cx.field_err(
                &format!("{field}.{i}"),
                format!(
                    "row {i} has {} values, row 0 has {cols}: every row needs the same number",
                    row.len()
                ),
            ));
        }
        if let Some(j) = row.iter().position(|x| !x.is_finite()) {
            return Err(cx.field_err(
                &format!("{field}.{i}.{j}"),
                format!("the value at row {i}, column {j} must be a finite number"),
            ));
        }
    }
    Ok((g.len(), cols))
}

/// Which cells are masked, `rows` × `cols`.
fn mask(cx: &LoadCx<'_>, m: Option<&MaskSpec>, rows: usize, cols: usize) -> Result<Vec<Vec<bool>>, SceneError> {
    match m {
        None => Ok(vec![vec![false; cols]; rows]),
        Some(MaskSpec::Causal) => {
            Ok((0..rows).map(|i| (0..cols).map(|j| j > i).collect()).collect())
        }
        Some(MaskSpec::Cells(m)) => {
            if m.len() != rows {
                return Err(cx.field_err(
                    "mask.0",
                    format!("the mask has {} rows, the grid {rows}: give one row per row", m.len()),
                ));
            }
            if let Some(i) = m.iter().position(|r| r.len() != cols) {
                return Err(cx.field_err(
                    &format!("mask.{i}"),
                    format!(
                        "mask row {i} has {} cells, the grid {cols} columns: give one per column",
                        m[i].len()
                    ),
                ));
            }
            Ok(m.clone())
        }
    }
}

/// Whether the labels written at `field` are one per `what` (a row or a column).
fn label_count(cx: &LoadCx<'_>, field: &str, labels: Option<&Vec<String>>, n: usize, what: &str) -> Result<(), SceneError> {
    match labels {
        Some(l) if l.len() != n => Err(cx.field_err(
            field,
            format!("{} {what} labels for {n} {what}s: give one label per {what}", l.len()),
        )),
        _ => Ok(()),
    }
}

/// The values shown: the grid, or each row softmaxed over its unmasked cells.
fn shown_values(
    cx: &LoadCx<'_>,
    grid: &[Vec<f64>],
    masked: &[Vec<bool>],
    soft: bool,
) -> Result<Vec<Vec<Option<f64>>>, SceneError> {
    let mut out = Vec::with_capacity(grid.len());
    for (i, (row, m)) in grid.iter().zip(masked).enumerate() {
        let kept: Vec<f64> = row.iter().zip(m).filter(|(_, m)| !**m).map(|(x, _)| *x).collect();
        let kept = if soft && !kept.is_empty() {
            softmax(&kept, 1.0).map_err(|e| cx.field_err(&format!("logits.{i}"), e.to_string()))?
        } else {
            kept
        };
        let mut it = kept.into_iter();
        out.push(m.iter().map(|&m| if m { None } else { it.next() }).collect());
    }
    Ok(out)
}

impl Spec for HeatmapSpec {
    type Widget = Heatmap;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Heatmap>, SceneError> {
        let (s, theme) = (self, cx.theme);
        cx.finite("at", &[s.at.0, s.at.1])?;
        let cell = s.cell.unwrap_or(CELL);
        cx.positive("cell", "each side of `cell`", cell.0)?;
        cx.positive("cell", "each side of `cell`", cell.1)?;
        let gap = s.gap.unwrap_or(GAP);
        if !(gap.is_finite() && gap >= 0.0) {
            return Err(cx.field_err("gap", format!("gap must be a number of at least 0, got {gap}")));
        }
        let radius = s.radius.unwrap_or(RADIUS);
        if !(radius.is_finite() && radius >= 0.0) {
            return Err(cx.field_err("radius", format!("radius must be a number of at least 0, got {radius}")));
        }
        let decimals = s.decimals.unwrap_or(2);
        if decimals > MAX_DECIMALS {
            return Err(cx.field_err("decimals", format!("decimals must be at most {MAX_DECIMALS}")));
        }
        let progress = s.progress.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&progress) {
            return Err(cx.field_err("progress", format!("progress must be in 0..=1, got {progress}")));
        }
        let (field, grid, soft) = grid_field(s, cx)?;
        let (n_rows, n_cols) = check_grid(cx, field, &grid)?;
        label_count(cx, "rows", s.rows.as_ref(), n_rows, "row")?;
        label_count(cx, "columns", s.columns.as_ref(), n_cols, "column")?;
        let masked = mask(cx, s.mask.as_ref(), n_rows, n_cols)?;
        if soft {
            if let Some(i) = masked.iter().position(|r| r.iter().all(|m| *m)) {
                return Err(cx.field_err(
                    &format!("mask.{i}"),
                    format!("row {i} is masked whole: its softmax needs at least one cell"),
                ));
            }
        }
        let shown = shown_values(cx, &grid, &masked, soft)?;
        let range = match s.range {
            Some((lo, hi)) if !(lo.is_finite() && hi.is_finite() && lo < hi) => {
                return Err(cx.field_err("range", format!("range must be (min, max) with min < max, got ({lo}, {hi})")))
            }
            Some(r) => r,
            None if soft => (0.0, 1.0),
            None => {
                let all = shown.iter().flatten().flatten();
                let lo = all.clone().copied().fold(f64::INFINITY, f64::min);
                let hi = all.copied().fold(f64::NEG_INFINITY, f64::max);
                // Every cell masked: no data, the softmax range.
                if lo <= hi {
                    (lo, hi)
                } else {
                    (0.0, 1.0)
                }
            }
        };
        let scale = s.scale.as_ref();
        let from = cx.color("scale.from", scale.and_then(|x| x.from.as_ref()), "surface")?;
        let to = cx.color("scale.to", scale.and_then(|x| x.to.as_ref()), "primary")?;
        let panel = cx.color("mask", None, "panel")?;
        // A grid of one value everywhere (or masked whole) takes the `to` colour.
        let t_of = |x: f64| {
            if range.1 > range.0 {
                ((x - range.0) / (range.1 - range.0)).clamp(0.0, 1.0) as f32
            } else {
                1.0
            }
        };

        let size = Vec2::new(
            n_cols as f32 * cell.0 + (n_cols - 1) as f32 * gap,
            n_rows as f32 * cell.1 + (n_rows - 1) as f32 * gap,
        );
        let centre = cx.at(s.at);
        let grid_rect = Rect::from_center(centre, size);
        let cell_rect = |i: usize, j: usize| {
            let min = grid_rect.min + Vec2::new(j as f32 * (cell.0 + gap), i as f32 * (cell.1 + gap));
            Rect { min, max: min + v(cell) }
        };
        let family = match s.font.unwrap_or(FontSpec::Mono) {
            FontSpec::Sans => Family::Sans,
            FontSpec::Mono => Family::Mono,
        };

        // Numbers: set once to measure, shrunk to fit the widest in a cell.
        let texts: Vec<Vec<Option<String>>> = shown
            .iter()
            .map(|r| r.iter().map(|x| x.filter(|_| s.numbers).map(|x| format_number(x, decimals, s.percent))).collect())
            .collect();
        let mut number_size = theme.small_size.min(cell.1 * NUMBER_HEIGHT);
        let ink = theme.palette.ink;
        if let Some(widest) = texts.iter().flatten().flatten().max_by_key(|t| t.chars().count()) {
            let style = cx.style(number_size, Weight::Medium, family, Align::Center);
            let w = cx.text("numbers", widest, style, Vec2::ZERO, ink)?.bounds.size().x;
            let room = cell.0 - 2.0 * NUMBER_PADDING;
            if w > room {
                number_size *= room / w;
            }
            if number_size < MIN_NUMBER_SIZE {
                return Err(cx.field_err(
                    "numbers",
                    format!(
                        "numbers such as \"{widest}\" do not fit in {:.0} px wide cells: widen `cell` or use fewer `decimals`",
                        cell.0
                    ),
                ));
            }
        }
        let number_style = cx.style(number_size, Weight::Medium, family, Align::Center);
        let light = theme.palette.surface;

        let mut cells = Vec::with_capacity(n_rows * n_cols);
        for (i, row) in shown.iter().enumerate() {
            for (j, value) in row.iter().enumerate() {
                let rect = cell_rect(i, j);
                let fill = value.map_or(panel, |x| from.lerp(to, t_of(x)));
                let number = match &texts[i][j] {
                    Some(t) => {
                        let c = legible_on(fill, ink, light);
                        Some(cx.text("numbers", t, number_style, rect.center(), c)?)
                    }
                    None => None,
                };
                cells.push(Cell { row: i, col: j, rect, value: *value, fill, number });
            }
        }

        // Labels: right-aligned left of each row, centred above each column.
        let small = theme.small_size;
        let mut row_labels = Vec::new();
        for (i, l) in s.rows.iter().flatten().enumerate() {
            let at = Vec2::new(grid_rect.min.x - LABEL_GAP, cell_rect(i, 0).center().y);
            let b = cx.text(&format!("rows.{i}"), l, cx.style(small, Weight::Regular, family, Align::Right), at, ink)?;
            if b.bounds.size().y > cell.1 + gap {
                return Err(cx.field_err(
                    &format!("rows.{i}"),
                    format!(
                        "row label \"{l}\" is taller ({:.0} px) than a row ({:.0} px): make `cell` taller",
                        b.bounds.size().y,
                        cell.1 + gap
                    ),
                ));
            }
            row_labels.push(b);
        }
        let mut col_labels: Vec<TextBlock> = Vec::new();
        for (j, l) in s.columns.iter().flatten().enumerate() {
            let field = format!("columns.{j}");
            let style = cx.style(small, Weight::Regular, family, Align::Center);
            // Set once to measure: the label's box ends LABEL_GAP above the grid.
            let h = cx.text(&field, l, style, Vec2::ZERO, ink)?.bounds.size().y;
            let at = Vec2::new(cell_rect(0, j).center().x, grid_rect.min.y - LABEL_GAP - h * 0.5);
            let b = cx.text(&field, l, style, at, ink)?;
            if let Some(prev) = col_labels.last() {
                if prev.bounds.max.x + LABEL_SPACE > b.bounds.min.x {
                    return Err(cx.field_err(
                        &field,
                        format!(
                            "column label \"{l}\" runs into the one before it ({:.0} px between column centres): widen `cell` or shorten the labels",
                            cell.0 + gap
                        ),
                    ));
                }
            }
            col_labels.push(b);
        }

        let legend = if s.legend {
            let rect = Rect {
                min: Vec2::new(grid_rect.max.x + LEGEND_GAP, grid_rect.min.y),
                max: Vec2::new(grid_rect.max.x + LEGEND_GAP + LEGEND_WIDTH, grid_rect.max.y),
            };
            let style = cx.style(small, Weight::Regular, Family::Sans, Align::Left);
            let x = rect.max.x + LEGEND_LABEL_GAP;
            let mut labels = Vec::new();
            for (value, y) in [(range.1, rect.min.y), (range.0, rect.max.y)] {
                let t = format_number(value, decimals, s.percent);
                labels.push(cx.text("legend", &t, style, Vec2::new(x, y), theme.palette.muted)?);
            }
            Some(Legend { rect, from, to, labels })
        } else {
            None
        };
        let title = axes::title(cx, s.title.as_deref(), grid_rect)?;

        let mut bounds = grid_rect;
        for b in row_labels.iter().chain(&col_labels).chain(&title) {
            bounds = bounds.union(&b.bounds);
        }
        if let Some(l) = &legend {
            bounds = bounds.union(&l.rect);
            for b in &l.labels {
                bounds = bounds.union(&b.bounds);
            }
        }
        let heatmap = Heatmap {
            n_rows,
            n_cols,
            grid: grid_rect,
            radius: radius.min(cell.0.min(cell.1) * 0.5),
            cells,
            row_labels,
            col_labels,
            legend,
            title,
            progress,
            reveal: s.reveal.unwrap_or_default(),
        };
        Ok(Placed {
            widget: heatmap,
            origin: centre,
            bounds,
        })
    }
}

impl Heatmap {
    /// How far cell `k` (in reading order) is shown at `progress`, 0..=1.
    pub fn cell_alpha(&self, k: usize, progress: f64) -> f32 {
        let (shown, at) = match self.reveal {
            RevealOrder::Rows => (progress * self.n_rows as f64, (k / self.n_cols) as f64),
            RevealOrder::Cells => (progress * self.cells.len() as f64, k as f64),
        };
        (shown - at).clamp(0.0, 1.0) as f32
    }
}

impl Widget for Heatmap {
    /// `progress`: the fraction of rows (or cells) shown; a heatmap whose
    /// first step is a `Reveal` starts with none.
    const PARAMS: &'static [ParamDef<Self>] = &[ParamDef {
        param: Param::Progress,
        range: Range::Unit,
        default: |h| Some(h.progress),
        entrance: Some(0.0),
    }];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        let mut out: Vec<&TextBlock> = self.cells.iter().filter_map(|c| c.number.as_ref()).collect();
        out.extend(self.row_labels.iter().chain(&self.col_labels).chain(&self.title));
        if let Some(l) = &self.legend {
            out.extend(&l.labels);
        }
        out
    }
    fn caps(&self) -> Caps<'_> {
        Caps::NONE
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let progress = cx.state.param(Param::Progress, self.progress);
        for (k, c) in self.cells.iter().enumerate() {
            let a = self.cell_alpha(k, progress);
            if a <= 0.0 {
                continue;
            }
            cx.p.fill(&PathData::rounded_rect(c.rect, self.radius), c.fill.with_opacity(a));
            if let Some(n) = &c.number {
                cx.p.text(n, n.color.with_opacity(a), 1.0);
            }
        }
        for l in self.row_labels.iter().chain(&self.col_labels).chain(&self.title) {
            cx.p.text(l, l.color, 1.0);
        }
        if let Some(l) = &self.legend {
            let r = l.rect;
            let n = (r.size().y / LEGEND_SLICE).ceil().max(1.0) as usize;
            let h = r.size().y / n as f32;
            for k in 0..n {
                // Slice 0 at the top (the `to` end); each overlaps the next
                // by half a pixel so no seam shows.
                let t = 1.0 - (k as f32 + 0.5) / n as f32;
                let top = r.min.y + k as f32 * h;
                let bottom = (top + h + 0.5).min(r.max.y);
                let slice = Rect {
                    min: Vec2::new(r.min.x, top),
                    max: Vec2::new(r.max.x, bottom),
                };
                cx.p.fill(&PathData::rounded_rect(slice, 0.0), l.from.lerp(l.to, t));
            }
            cx.p.stroke(&PathData::rounded_rect(r, 0.0), cx.theme.palette.line, 1.0);
            for b in &l.labels {
                cx.p.text(b, b.color, 1.0);
            }
        }
    }
}
