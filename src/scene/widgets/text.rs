//! Text: a static block laid out at load, or, with `{value}`-style
//! placeholders (`bind` to a Distribution for its numbers), a template
//! parsed at load and set at paint time.

use std::collections::HashMap;

use glam::Vec2;

use super::distribution::{dist_values, Distribution};
use super::load::{spec, AlignSpec, FontSpec, LoadCx, WeightSpec, P};
use super::paint::PaintCx;
use super::shape::weight;
use super::state::{Param, ParamDef, Range};
use super::template::Template;
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::scene::error::SceneError;
use crate::scene::layout::place_layout;
use crate::text::{Align, Family, TextBlock, TextStyle, Weight};

spec!(
    /// Text. `at` is the centre of the block for `align: Center` (the
    /// default), its left middle for `Left`, right middle for `Right`.
    /// Placeholders `{value}` / `{value:.2}` show a number animated with
    /// `Count`; with `bind: "widget"`, placeholders read that widget's
    /// computed values (see docs/scene-format.md).
    TextSpec {
        #[serde(default)]
        at: P,
        text: String,
        size: Option<f32>,
        color: Option<String>,
        weight: Option<WeightSpec>,
        align: Option<AlignSpec>,
        font: Option<FontSpec>,
        value: Option<f64>,
        bind: Option<String>,
    }
);

/// Text whose content changes with time.
#[derive(Clone, Debug)]
pub struct Dynamic {
    pub template: Template,
    pub style: TextStyle,
    pub at: Vec2,
    pub color: Color,
    /// `{value}` at rest.
    pub value: f64,
    /// The bound Distribution, and its tokens (for `{argmax}`).
    pub bind: Option<usize>,
    pub tokens: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum Text {
    Static(TextBlock),
    Dynamic(Dynamic),
}

impl Spec for TextSpec {
    type Widget = Text;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Text>, SceneError> {
        let s = self;
        cx.finite("at", &[s.at.0, s.at.1])?;
        let style = TextStyle {
            family: if s.font == Some(FontSpec::Mono) {
                Family::Mono
            } else {
                Family::Sans
            },
            weight: weight(s.weight, Weight::Regular),
            size: cx.positive("size", "size", s.size.unwrap_or(cx.theme.text_size))?,
            align: match s.align {
                Some(AlignSpec::Left) => Align::Left,
                Some(AlignSpec::Right) => Align::Right,
                _ => Align::Center,
            },
            ..TextStyle::default()
        };
        let color = cx.color("color", s.color.as_ref(), "ink")?;
        let at = cx.at(s.at);
        let dynamic = s.text.contains('{') || s.bind.is_some() || s.value.is_some();
        if !dynamic {
            let block = cx.text("text", &s.text, style, at, color)?;
            let bounds = block.bounds;
            return Ok(Placed {
                widget: Text::Static(block),
                origin: at,
                bounds,
            });
        }
        let bound = match &s.bind {
            Some(b) => {
                let i = cx.named("bind", b, "declare the widget before the text")?;
                let d = cx
                    .declared
                    .widget(i)
                    .and_then(|w| w.downcast_ref::<Distribution>());
                Some((i, d))
            }
            None => None,
        };
        let template = Template::parse(&s.text).map_err(|e| cx.field_err("text", e))?;
        // Fill it once now, so that painting cannot fail later.
        let sample = match bound {
            Some((_, None)) => Err("bind must name a Distribution".to_string()),
            Some((_, Some(d))) => dist_values(d, &HashMap::new())
                .ok_or_else(|| "the bound distribution cannot be computed".to_string())
                .and_then(|v| template.fill(s.value.unwrap_or(0.0), Some(&v), &d.tokens)),
            None => template.fill(s.value.unwrap_or(0.0), None, &[]),
        }
        .map_err(|e| cx.field_err("text", e))?;
        let block = cx.text("text", &sample, style, at, color)?;
        let t = Dynamic {
            template,
            style,
            at,
            color,
            value: s.value.unwrap_or(0.0),
            bind: bound.map(|(i, _)| i),
            tokens: bound
                .and_then(|(_, d)| d)
                .map(|d| d.tokens.clone())
                .unwrap_or_default(),
        };
        Ok(Placed {
            widget: Text::Dynamic(t),
            origin: at,
            bounds: block.bounds,
        })
    }
}

impl Widget for Text {
    const PARAMS: &'static [ParamDef<Self>] = &[ParamDef {
        param: Param::Value,
        range: Range::Any,
        default: |t| match t {
            Text::Dynamic(d) => Some(d.value),
            Text::Static(_) => None,
        },
        entrance: None,
    }];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        match self {
            Text::Static(b) => vec![b],
            Text::Dynamic(_) => Vec::new(),
        }
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            base_color: Some(match self {
                Text::Static(b) => b.color,
                Text::Dynamic(t) => t.color,
            }),
            writable: true,
            reads_others: matches!(self, Text::Dynamic(Dynamic { bind: Some(_), .. })),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let s = cx.state;
        match self {
            Text::Static(b) => cx.p.text(b, s.color.unwrap_or(b.color), s.write),
            Text::Dynamic(t) => {
                let value = s.param(Param::Value, t.value);
                let dist = t.bind.and_then(|b| {
                    let d = cx.others.widget(b)?.downcast_ref::<Distribution>()?;
                    dist_values(d, &cx.others.state(b)?.params)
                });
                if let Ok(text) = t.template.fill(value, dist.as_ref(), &t.tokens) {
                    if let Ok(block) = place_layout(cx.fonts, &text, &t.style, t.at, t.color) {
                        cx.p.text(&block, s.color.unwrap_or(t.color), s.write);
                    }
                }
            }
        }
    }
}
