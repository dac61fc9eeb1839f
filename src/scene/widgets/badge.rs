//! A badge: a rounded pill with a short label and an optional coloured dot
//! before it ("novo", "● ao vivo"). The worked example of
//! docs/architecture.md: this file and one registry line are all of it.

use glam::Vec2;

use super::load::{spec, LoadCx, P};
use super::paint::PaintCx;
use super::state::ParamDef;
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::error::SceneError;
use crate::text::{Align, Family, TextBlock, Weight};

spec!(
    /// A pill centred on `at` holding `text`, outlined in `color` (a theme
    /// name or `#hex`, default "primary") over a soft tint of it; with
    /// `dot`, a dot of that colour before the text.
    BadgeSpec {
        #[serde(default)]
        at: P,
        text: String,
        color: Option<String>,
        dot: Option<String>,
        /// Text size (default: the theme's small size); the pill follows.
        size: Option<f32>,
    }
);

/// The pill's height, its padding either side of the content, the dot's
/// diameter and the gap after it, in text sizes.
const HEIGHT: f32 = 1.8;
const PADDING: f32 = 0.8;
const DOT: f32 = 0.5;
const DOT_GAP: f32 = 0.4;
/// How far the fill is mixed from `color` towards the theme's surface.
const TINT: f32 = 0.8;
const STROKE: f32 = 2.0;

#[derive(Clone, Debug)]
pub struct Badge {
    pub pill: PathData,
    pub fill: Color,
    pub stroke: Color,
    /// The dot's centre, radius and colour.
    pub dot: Option<(Vec2, f32, Color)>,
    pub label: TextBlock,
}

impl Spec for BadgeSpec {
    type Widget = Badge;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Badge>, SceneError> {
        cx.finite("at", &[self.at.0, self.at.1])?;
        let size = cx.positive("size", "size", self.size.unwrap_or(cx.theme.small_size))?;
        let stroke = cx.color("color", self.color.as_ref(), "primary")?;
        let dot_color = cx.opt_color("dot", self.dot.as_ref())?;
        let style = cx.style(size, Weight::SemiBold, Family::Sans, Align::Left);
        // Set once to measure, then placed.
        let measured = cx.text("text", &self.text, style, Vec2::ZERO, cx.theme.palette.ink)?;
        let dot_w = if dot_color.is_some() {
            size * (DOT + DOT_GAP)
        } else {
            0.0
        };
        let content = dot_w + measured.bounds.size().x;
        let centre = cx.at(self.at);
        let rect = Rect::from_center(centre, Vec2::new(content + 2.0 * size * PADDING, size * HEIGHT));
        let left = rect.min.x + size * PADDING;
        let label = cx.text(
            "text",
            &self.text,
            style,
            Vec2::new(left + dot_w, centre.y),
            cx.theme.palette.ink,
        )?;
        let badge = Badge {
            pill: PathData::rounded_rect(rect, rect.size().y * 0.5),
            fill: stroke.lerp(cx.theme.palette.surface, TINT),
            stroke,
            dot: dot_color.map(|c| (Vec2::new(left + size * DOT * 0.5, centre.y), size * DOT * 0.5, c)),
            label,
        };
        Ok(Placed::centred(badge, rect))
    }
}

impl Widget for Badge {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        vec![&self.label]
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            base_color: Some(self.stroke),
            writable: true,
            outline: Some(&self.pill),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let s = cx.state;
        // `Color` recolours the outline; `DrawOn` draws the outline, then fills.
        let stroke = s.color.unwrap_or(self.stroke);
        let fill_alpha = ((s.draw - 0.4) / 0.6).clamp(0.0, 1.0);
        cx.p.fill(&self.pill, self.fill.with_opacity(fill_alpha));
        let outline = if s.draw < 1.0 {
            self.pill.trim(s.draw)
        } else {
            self.pill.clone()
        };
        cx.p.stroke(&outline, stroke, STROKE);
        if let Some((at, r, c)) = self.dot {
            cx.p.fill(&PathData::ellipse(at, Vec2::splat(r)), c.with_opacity(fill_alpha));
        }
        cx.p.text(&self.label, self.label.color.with_opacity(fill_alpha), s.write);
    }
}
