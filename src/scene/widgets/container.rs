//! What a `Row`, `Column`, `Grid` or `Stack` draws itself: an optional
//! panel behind its children (`fill`, `stroke`, `radius`). Where the
//! children go is the layout's (`scene::arrange`, walked by `scene::tree`),
//! which hands the container its box as `LoadCx::slot`; a container that
//! `reflow`s keeps what it needs to solve its layout again as its children
//! fade ([`Reflow`], read by evaluation through `Caps::reflow`).

use std::sync::Arc;

use super::load::LoadCx;
use super::paint::PaintCx;
use super::state::ParamDef;
use super::widget::{Caps, Placed, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::arrange::Reflow;
use crate::scene::error::SceneError;
use crate::text::TextBlock;

/// A panel's corner radius when none is written.
const RADIUS: f32 = 12.0;
/// A panel's outline width.
const STROKE_WIDTH: f32 = 2.0;

#[derive(Clone, Debug)]
pub struct Panel {
    pub rect: Rect,
    pub fill: Option<Color>,
    pub stroke: Option<Color>,
    pub radius: f32,
    pub reflow: Option<Arc<Reflow>>,
}

impl Panel {
    /// The panel over the box layout gave the container (`cx.slot`).
    pub fn resolve(
        cx: &LoadCx<'_>,
        fill: Option<&String>,
        stroke: Option<&String>,
        radius: Option<f32>,
    ) -> Result<Placed<Panel>, SceneError> {
        let rect = cx.slot.unwrap_or(Rect {
            min: cx.offset,
            max: cx.offset,
        });
        let radius = match radius {
            Some(r) if !(r.is_finite() && r >= 0.0) => {
                return Err(cx.field_err("radius", format!("radius must be a number of px ≥ 0, got {r}")))
            }
            r => r.unwrap_or(RADIUS),
        };
        Ok(Placed::centred(
            Panel {
                rect,
                fill: cx.opt_color("fill", fill)?,
                stroke: cx.opt_color("stroke", stroke)?,
                radius,
                reflow: None,
            },
            rect,
        ))
    }
}

impl Widget for Panel {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        Vec::new()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            base_color: self.fill,
            reflow: self.reflow.as_deref(),
            reads_others: self.reflow.is_some(),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        if self.fill.is_none() && self.stroke.is_none() {
            return;
        }
        let rect = match &self.reflow {
            Some(r) => {
                let weights: Vec<f32> = r
                    .children
                    .iter()
                    .map(|&c| cx.others.state(c).map_or(1.0, |s| s.opacity))
                    .collect();
                r.solve(&weights).map_or(self.rect, |(outer, _)| outer)
            }
            None => self.rect,
        };
        let path = PathData::rounded_rect(rect, self.radius.min(rect.size().min_element() * 0.5));
        if let Some(f) = self.fill {
            cx.p.fill(&path, cx.state.color.unwrap_or(f));
        }
        if let Some(s) = self.stroke {
            cx.p.stroke(&path, s, STROKE_WIDTH);
        }
    }
}
