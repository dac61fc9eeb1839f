//! What evaluation knows about an element at one instant, and the
//! parameters widgets expose to `Set`: the vocabulary shared by the
//! widgets, the timeline and evaluation.

use std::collections::HashMap;

use glam::Vec2;

use crate::color::Color;

/// A widget parameter that `Set` animates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Param {
    Temperature,
    TopK,
    TopP,
    /// 0..=1: logits move from `logits` to `trained_logits`.
    Training,
    /// 0..=1: how far the top-k/top-p filter is applied (fade and renormalise).
    Filter,
    /// 0..=1: fraction of a chart, or of a token strip, shown.
    Progress,
    /// A text's `{value}`.
    Value,
    /// 0..=1: how strongly a formula's or code block's part is highlighted.
    Highlight,
}

impl Param {
    pub const NAMES: &'static [(&'static str, Param)] = &[
        ("temperature", Param::Temperature),
        ("top_k", Param::TopK),
        ("top_p", Param::TopP),
        ("training", Param::Training),
        ("filter", Param::Filter),
        ("progress", Param::Progress),
        ("value", Param::Value),
        ("highlight", Param::Highlight),
    ];
    pub fn parse(s: &str) -> Option<Param> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, p)| *p)
    }
}

/// The values a parameter may be set to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Range {
    /// Any finite number.
    Any,
    /// More than 0.
    Positive,
    /// At least this much.
    AtLeast(f64),
    /// More than 0, at most 1.
    Fraction,
    /// 0..=1.
    Unit,
}

impl Range {
    pub fn contains(self, x: f64) -> bool {
        match self {
            Range::Any => true,
            Range::Positive => x > 0.0,
            Range::AtLeast(lo) => x >= lo,
            Range::Fraction => x > 0.0 && x <= 1.0,
            Range::Unit => (0.0..=1.0).contains(&x),
        }
    }
}

/// One animatable parameter of a widget `W`: which one, the values it may
/// be set to, the value it has at rest (read from the resolved widget;
/// `None` when this one has no such parameter, as a text without
/// placeholders has no `value`), and,
/// when the element's first step animates it, the value it starts from
/// instead (a token strip revealed chip by chip starts empty).
pub struct ParamDef<W> {
    pub param: Param,
    pub range: Range,
    pub default: fn(&W) -> Option<f64>,
    pub entrance: Option<f64>,
}

impl<W> ParamDef<W> {
    /// `progress` (0..=1) of a kind that `Reveal` shows bit by bit: 1 at
    /// rest, 0 when its first step is a `Reveal` (it starts empty).
    pub const REVEAL: ParamDef<W> = ParamDef {
        param: Param::Progress,
        range: Range::Unit,
        default: |_| Some(1.0),
        entrance: Some(0.0),
    };
}

/// An element's animated state at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub opacity: f32,
    pub offset: Vec2,
    pub scale: f32,
    /// Degrees, clockwise on screen.
    pub rotation: f32,
    pub color: Option<Color>,
    pub draw: f32,
    pub write: f32,
    pub pulse: f32,
    pub morph: Option<(usize, f32)>,
    pub follow: Option<(usize, f32)>,
    pub params: HashMap<Param, f64>,
}

impl State {
    /// A parameter's current value, or `default` when the widget has none by that name.
    pub fn param(&self, p: Param, default: f64) -> f64 {
        self.params.get(&p).copied().unwrap_or(default)
    }
}
