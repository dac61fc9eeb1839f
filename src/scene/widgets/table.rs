//! A table of text: rows of cells, an optional bold header on a tinted
//! band, columns as wide as their widest cell, each aligned left, centre or
//! right, and optional rules between the rows.

use glam::Vec2;

use super::load::{spec, AlignSpec, FontSpec, LoadCx, P};
use super::paint::PaintCx;
use super::state::ParamDef;
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::error::SceneError;
use crate::scene::limits::MAX_GRID_SIDE;
use crate::text::{Align, Family, TextBlock, Weight};

/// Default padding of a cell's text, (either side, above and below), px.
const PADDING: P = P(16.0, 10.0);
/// The header band's corner radius and the rules' width, px.
const HEADER_RADIUS: f32 = 6.0;
const RULE_WIDTH: f32 = 1.5;

spec!(
    /// A table centred on `at`: `rows` of text cells under an optional
    /// `header`.
    TableSpec {
        #[serde(default)]
        at: P,
        rows: Vec<Vec<String>>,
        header: Option<Vec<String>>,
        /// Each column's alignment (default: all `Left`).
        align: Option<Vec<AlignSpec>>,
        /// Horizontal lines between the rows, in the theme's `line` colour.
        #[serde(default)]
        rules: bool,
        /// The header's band (default: the theme's `panel`); `"none"` draws none.
        header_fill: Option<String>,
        /// Text size (default: the theme's label size).
        size: Option<f32>,
        font: Option<FontSpec>,
        /// (either side, above and below) of each cell's text.
        padding: Option<P>,
    }
);

#[derive(Clone, Debug)]
pub struct Table {
    /// The whole table.
    pub rect: Rect,
    /// Each column's left and right edge.
    pub columns: Vec<(f32, f32)>,
    /// The header's band and its fill, when there is a header.
    pub header: Option<(Rect, Option<Color>)>,
    /// The header's cells, then the body's in reading order.
    pub cells: Vec<TextBlock>,
    /// The lines between rows, and their colour.
    pub rules: Vec<PathData>,
    pub rule_color: Color,
}

/// Checks the table's shape: not empty, rectangular, bounded; the header
/// and the alignments one per column.
fn check_shape(cx: &LoadCx<'_>, s: &TableSpec) -> Result<usize, SceneError> {
    let cols = s.rows.first().map_or(0, |r| r.len());
    if cols == 0 {
        return Err(cx.field_err("rows", "a table needs at least one row of at least one cell"));
    }
    if s.rows.len() > MAX_GRID_SIDE || cols > MAX_GRID_SIDE {
        return Err(cx.field_err(
            "rows",
            format!(
                "a table has at most {MAX_GRID_SIDE} rows and {MAX_GRID_SIDE} columns, got {}x{cols}",
                s.rows.len()
            ),
        ));
    }
    if let Some(i) = s.rows.iter().position(|r| r.len() != cols) {
        return Err(cx.field_err(
            &format!("rows.{i}"),
            format!(
                "row {i} has {} cells, row 0 has {cols}: every row needs the same number",
                s.rows[i].len()
            ),
        ));
    }
    if let Some(h) = s.header.as_ref().filter(|h| h.len() != cols) {
        return Err(cx.field_err(
            "header",
            format!("{} header cells for {cols} columns: give one per column", h.len()),
        ));
    }
    if let Some(a) = s.align.as_ref().filter(|a| a.len() != cols) {
        return Err(cx.field_err(
            "align",
            format!("{} alignments for {cols} columns: give one per column", a.len()),
        ));
    }
    Ok(cols)
}

impl Spec for TableSpec {
    type Widget = Table;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Table>, SceneError> {
        let (s, theme) = (self, cx.theme);
        cx.finite("at", &[s.at.0, s.at.1])?;
        let cols = check_shape(cx, s)?;
        let size = cx.positive("size", "size", s.size.unwrap_or(theme.label_size))?;
        let pad = s.padding.unwrap_or(PADDING);
        if !(pad.0.is_finite() && pad.1.is_finite() && pad.0 >= 0.0 && pad.1 >= 0.0) {
            return Err(cx.field_err("padding", "padding must be two numbers of at least 0"));
        }
        let family = match s.font.unwrap_or(FontSpec::Sans) {
            FontSpec::Sans => Family::Sans,
            FontSpec::Mono => Family::Mono,
        };
        let align: Vec<Align> = (0..cols)
            .map(|j| match s.align.as_ref().map(|a| a[j]) {
                None | Some(AlignSpec::Left) => Align::Left,
                Some(AlignSpec::Center) => Align::Center,
                Some(AlignSpec::Right) => Align::Right,
            })
            .collect();
        // Every row with its field and weight: the header first.
        let mut rows: Vec<(String, &Vec<String>, Weight)> = Vec::new();
        if let Some(h) = &s.header {
            rows.push(("header".into(), h, Weight::Bold));
        }
        for (i, r) in s.rows.iter().enumerate() {
            rows.push((format!("rows.{i}"), r, Weight::Regular));
        }
        // Set once to measure: columns as wide as their widest cell, rows as
        // tall as their tallest, each with its padding.
        let ink = theme.palette.ink;
        let mut widths = vec![0.0f32; cols];
        let mut heights = Vec::with_capacity(rows.len());
        for (field, r, weight) in &rows {
            let mut h = 0.0f32;
            for (j, t) in r.iter().enumerate() {
                let style = cx.style(size, *weight, family, align[j]);
                let b = cx.text(&format!("{field}.{j}"), t, style, Vec2::ZERO, ink)?.bounds.size();
                widths[j] = widths[j].max(b.x + 2.0 * pad.0);
                h = h.max(b.y);
            }
            heights.push(h + 2.0 * pad.1);
        }
        let total = Vec2::new(widths.iter().sum(), heights.iter().sum());
        let rect = Rect::from_center(cx.at(s.at), total);
        let mut columns = Vec::with_capacity(cols);
        let mut x = rect.min.x;
        for w in &widths {
            columns.push((x, x + w));
            x += w;
        }
        let mut cells = Vec::new();
        let mut rules = Vec::new();
        let mut y = rect.min.y;
        for (k, ((field, r, weight), h)) in rows.iter().zip(&heights).enumerate() {
            if k > 0 && s.rules {
                rules.push(PathData::polyline(
                    &[Vec2::new(rect.min.x, y), Vec2::new(rect.max.x, y)],
                    false,
                ));
            }
            let cy = y + h * 0.5;
            for (j, t) in r.iter().enumerate() {
                let (l, rt) = columns[j];
                let cx_ = match align[j] {
                    Align::Left => l + pad.0,
                    Align::Center => (l + rt) * 0.5,
                    Align::Right => rt - pad.0,
                };
                let style = cx.style(size, *weight, family, align[j]);
                cells.push(cx.text(&format!("{field}.{j}"), t, style, Vec2::new(cx_, cy), ink)?);
            }
            y += h;
        }
        // Checked even without a header: a wrong colour is wrong either way.
        let header_fill = cx.paint("header_fill", s.header_fill.as_ref(), "panel")?;
        let header = match &s.header {
            Some(_) => {
                let band = Rect {
                    min: rect.min,
                    max: Vec2::new(rect.max.x, rect.min.y + heights[0]),
                };
                Some((band, header_fill))
            }
            None => None,
        };
        let table = Table {
            rect,
            columns,
            header,
            cells,
            rules,
            rule_color: theme.palette.line,
        };
        Ok(Placed::centred(table, rect))
    }
}

impl Widget for Table {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        self.cells.iter().collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps::NONE
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        if let Some((band, Some(fill))) = &self.header {
            cx.p.fill(&PathData::rounded_rect(*band, HEADER_RADIUS), *fill);
        }
        for r in &self.rules {
            cx.p.stroke(r, self.rule_color, RULE_WIDTH);
        }
        for c in &self.cells {
            cx.p.text(c, c.color, 1.0);
        }
    }
}
