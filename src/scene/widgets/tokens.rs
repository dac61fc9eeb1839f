//! A row of token chips, each with its id underneath; `Reveal` shows them
//! one by one.

use glam::Vec2;

use super::load::{spec, AlignSpec, FontSpec, LoadCx, P};
use super::paint::PaintCx;
use super::state::{Param, ParamDef};
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::error::SceneError;
use crate::text::{Align, Family, TextBlock, Weight};

/// Default chip height and gap between chips.
const HEIGHT: f32 = 56.0;
const GAP: f32 = 12.0;
/// A chip's text size, and the least width of its text, as fractions of its height.
const TEXT_SIZE: f32 = 0.5;
/// Horizontal padding of a chip (both sides together), as a fraction of its height.
const PADDING: f32 = 0.6;
const CHIP_RADIUS: f32 = 10.0;

spec!(
    /// A row of token chips on `at` (its centre, or with `align` its left
    /// or right end, vertically centred), each with its id underneath.
    TokensSpec {
        #[serde(default)]
        at: P,
        tokens: Vec<String>,
        ids: Option<Vec<i64>>,
        /// Chip height; the font size follows.
        height: Option<f32>,
        gap: Option<f32>,
        fill: Option<String>,
        stroke: Option<String>,
        /// Which point of the strip `at` is: its left end, centre (default) or right end.
        align: Option<AlignSpec>,
        /// The chips' font (default Mono).
        font: Option<FontSpec>,
    }
);

/// A chip of a token strip.
#[derive(Clone, Debug)]
pub struct Chip {
    pub rect: Rect,
    pub text: TextBlock,
    pub id: Option<TextBlock>,
}

#[derive(Clone, Debug)]
pub struct Tokens {
    pub chips: Vec<Chip>,
    pub fill: Color,
    pub stroke: Color,
}

impl Spec for TokensSpec {
    type Widget = Tokens;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Tokens>, SceneError> {
        let (s, theme) = (self, cx.theme);
        if s.tokens.is_empty() {
            return Err(cx.field_err("tokens", "a token strip needs at least one token"));
        }
        if let Some(ids) = &s.ids {
            if ids.len() != s.tokens.len() {
                return Err(cx.field_err(
                    "ids",
                    format!(
                        "{} ids for {} tokens: give one id per token",
                        ids.len(),
                        s.tokens.len()
                    ),
                ));
            }
        }
        let h = s.height.unwrap_or(HEIGHT);
        let gap = s.gap.unwrap_or(GAP);
        let size = (h * TEXT_SIZE).round();
        let family = FontSpec::family(s.font, Family::Mono);
        let style = cx.style(size, Weight::Medium, family, Align::Center);
        let ink = theme.palette.ink;
        let mut widths = Vec::new();
        for (i, t) in s.tokens.iter().enumerate() {
            let b = cx.text(&format!("tokens.{i}"), t, style, Vec2::ZERO, ink)?;
            widths.push(b.bounds.size().x.max(h * TEXT_SIZE) + h * PADDING);
        }
        let total: f32 = widths.iter().sum::<f32>() + gap * (widths.len() - 1) as f32;
        let anchor = cx.at(s.at);
        let center = match s.align {
            Some(AlignSpec::Left) => anchor + Vec2::new(total * 0.5, 0.0),
            Some(AlignSpec::Right) => anchor - Vec2::new(total * 0.5, 0.0),
            _ => anchor,
        };
        let mut x = center.x - total * 0.5;
        let mut chips = Vec::new();
        for (i, t) in s.tokens.iter().enumerate() {
            let rect = Rect {
                min: Vec2::new(x, center.y - h * 0.5),
                max: Vec2::new(x + widths[i], center.y + h * 0.5),
            };
            let text = cx.text(&format!("tokens.{i}"), t, style, rect.center(), ink)?;
            let id = match &s.ids {
                Some(ids) => Some(cx.text(
                    &format!("ids.{i}"),
                    &ids[i].to_string(),
                    cx.style(theme.small_size, Weight::Regular, Family::Mono, Align::Center),
                    Vec2::new(rect.center().x, rect.max.y + theme.small_size),
                    theme.palette.muted,
                )?),
                None => None,
            };
            chips.push(Chip { rect, text, id });
            x += widths[i] + gap;
        }
        let tokens = Tokens {
            chips,
            fill: cx.color("fill", s.fill.as_ref(), "primary_soft")?,
            stroke: cx.color("stroke", s.stroke.as_ref(), "primary")?,
        };
        Ok(Placed {
            widget: tokens,
            origin: center,
            bounds: Rect::from_center(center, Vec2::new(total, h)),
        })
    }
}

impl Widget for Tokens {
    /// `progress`: the fraction of chips shown; a strip whose first step is
    /// a `Reveal` starts with none.
    const PARAMS: &'static [ParamDef<Self>] = &[ParamDef::REVEAL];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        self.chips
            .iter()
            .flat_map(|c| std::iter::once(&c.text).chain(&c.id))
            .collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            base_color: Some(self.fill),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let s = cx.state;
        let progress = s.param(Param::Progress, 1.0) as f32;
        let shown = progress * self.chips.len() as f32;
        for (i, chip) in self.chips.iter().enumerate() {
            let a = (shown - i as f32).clamp(0.0, 1.0);
            if a <= 0.0 {
                continue;
            }
            let box_path = PathData::rounded_rect(chip.rect, CHIP_RADIUS);
            cx.p.fill(&box_path, s.color.unwrap_or(self.fill).with_opacity(a));
            cx.p.stroke(&box_path, self.stroke.with_opacity(a), 2.0);
            cx.p.text(&chip.text, chip.text.color.with_opacity(a), 1.0);
            if let Some(id) = &chip.id {
                cx.p.text(id, id.color.with_opacity(a), 1.0);
            }
        }
    }
}
