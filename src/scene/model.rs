//! The resolved scene: every default applied, every colour, font and
//! reference settled, text laid out. `eval` reads only this.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use glam::Vec2;

use super::format::EaseSpec;
use super::theme::Theme;
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::text::{FontBook, Glyph, TextStyle};

/// A loaded scene.
pub struct Scene {
    /// The file it came from.
    pub path: PathBuf,
    /// The file stem: `03-loop-treinamento`.
    pub name: String,
    pub title: Option<String>,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    pub duration: f64,
    /// The time of the still PNG.
    pub still: f64,
    pub background: Color,
    pub theme: Arc<Theme>,
    pub fonts: Arc<FontBook>,
    /// Flattened element tree: a parent always comes before its children.
    pub elements: Vec<Element>,
    /// Steps sorted by start time (stable).
    pub steps: Vec<Step>,
    /// For each element, the indices into `steps` that target it.
    pub steps_of: Vec<Vec<usize>>,
    pub by_name: HashMap<String, usize>,
    /// Every file the scene was made from: the scene file, the theme, the
    /// fonts, data and image files (the render cache hashes them).
    pub inputs: Vec<PathBuf>,
}

impl Scene {
    /// Number of frames in the video: `ceil(duration × fps)`.
    pub fn frame_count(&self) -> u64 {
        self.frame_count_at(self.fps)
    }

    /// Number of frames in a video of this scene at another frame rate.
    pub fn frame_count_at(&self, fps: u32) -> u64 {
        (self.duration * fps as f64 - 1e-9).ceil().max(1.0) as u64
    }
}

/// Laid-out text at a fixed place.
#[derive(Clone, Debug, PartialEq)]
pub struct TextBlock {
    /// Glyph outlines in scene coordinates.
    pub glyphs: Vec<Glyph>,
    /// Number of chars, for the write animation.
    pub chars: usize,
    pub color: Color,
    pub bounds: Rect,
}

/// Text whose content changes with time (`{value}` placeholders).
#[derive(Clone, Debug)]
pub struct TextTemplate {
    pub template: String,
    pub style: TextStyle,
    pub at: Vec2,
    pub color: Color,
    pub value: f64,
    pub bind: Option<usize>,
}

/// One element of the tree.
#[derive(Clone, Debug)]
pub struct Element {
    pub name: Option<String>,
    pub parent: Option<usize>,
    pub opacity: f32,
    /// Invisible until a step shows it (explicit `hidden`, or its first step is an entrance).
    pub hidden: bool,
    /// The point it scales and rotates about, and that `Move to`/`Follow` place.
    pub origin: Vec2,
    /// Bounding box at rest (used for arrow anchors).
    pub bounds: Rect,
    pub kind: Kind,
}

/// A chip of a token strip.
#[derive(Clone, Debug)]
pub struct Chip {
    pub rect: Rect,
    pub text: TextBlock,
    pub id: Option<TextBlock>,
}

/// One resolved chart series.
#[derive(Clone, Debug)]
pub struct Series {
    pub points: Vec<(f64, f64)>,
    pub color: Color,
    pub dashed: bool,
    pub label: Option<TextBlock>,
}

/// What an element draws.
#[derive(Clone, Debug)]
pub enum Kind {
    Shape {
        path: PathData,
        fill: Option<Color>,
        stroke: Option<Color>,
        stroke_width: f32,
        dashed: bool,
        label: Option<TextBlock>,
    },
    Arrow {
        shaft: PathData,
        color: Color,
        width: f32,
        dashed: bool,
        label: Option<TextBlock>,
    },
    Text(TextBlock),
    DynamicText(TextTemplate),
    Group,
    /// A decoded PNG drawn into `rect`.
    Image {
        rect: Rect,
        image: crate::snapshot::ImageRef,
    },
    Tokens {
        chips: Vec<Chip>,
        fill: Color,
        stroke: Color,
        /// Fraction of chips shown at rest: 0 when the strip's first step is a `Reveal`.
        progress: f64,
    },
    Bars(Bars),
    LineChart(LineChart),
    Distribution(Distribution),
    LossCurve(LossCurve),
}

/// Shared axes/labels layout of the bar-like widgets.
#[derive(Clone, Debug)]
pub struct Bars {
    pub rect: Rect,
    pub labels: Vec<TextBlock>,
    pub values: Vec<f64>,
    pub max: f64,
    pub color: Color,
    pub highlight: Option<(usize, Color)>,
    pub decimals: Option<usize>,
    pub percent: bool,
    pub title: Option<TextBlock>,
}

#[derive(Clone, Debug)]
pub struct LineChart {
    pub rect: Rect,
    pub series: Vec<Series>,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub ticks: Vec<TextBlock>,
    pub x_ticks: Vec<f64>,
    pub y_ticks: Vec<f64>,
    pub axis_labels: Vec<TextBlock>,
    pub progress: f64,
    pub markers: Vec<(f64, TextBlock)>,
    pub marker_color: Color,
}

#[derive(Clone, Debug)]
pub struct Distribution {
    pub rect: Rect,
    pub tokens: Vec<String>,
    pub labels: Vec<TextBlock>,
    pub logits: Vec<f64>,
    pub trained_logits: Option<Vec<f64>>,
    pub temperature: f64,
    pub top_k: Option<usize>,
    pub top_p: Option<f64>,
    pub target: Option<usize>,
    pub highlight_argmax: bool,
    pub cumulative: bool,
    pub filter: f64,
    pub color: Color,
    pub title: Option<TextBlock>,
}

#[derive(Clone, Debug)]
pub struct LossCurve {
    pub rect: Rect,
    pub bind: usize,
    pub y_max: f64,
    pub color: Color,
    pub ticks: Vec<TextBlock>,
}

impl Kind {
    /// Every static text block the element draws (labels, ticks, titles).
    pub fn text_blocks(&self) -> Vec<&TextBlock> {
        match self {
            Kind::Shape { label, .. } | Kind::Arrow { label, .. } => label.iter().collect(),
            Kind::Text(b) => vec![b],
            Kind::DynamicText(_) | Kind::Group | Kind::Image { .. } => Vec::new(),
            Kind::Tokens { chips, .. } => chips
                .iter()
                .flat_map(|c| std::iter::once(&c.text).chain(&c.id))
                .collect(),
            Kind::Bars(b) => b.labels.iter().chain(&b.title).collect(),
            Kind::LineChart(c) => c
                .ticks
                .iter()
                .chain(&c.axis_labels)
                .chain(c.markers.iter().map(|(_, t)| t))
                .chain(c.series.iter().filter_map(|s| s.label.as_ref()))
                .collect(),
            Kind::Distribution(d) => d.labels.iter().chain(&d.title).collect(),
            Kind::LossCurve(c) => c.ticks.iter().collect(),
        }
    }
}

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
    ];
    pub fn parse(s: &str) -> Option<Param> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, p)| *p)
    }
}

/// What a step does to its target.
#[derive(Clone, Debug, PartialEq)]
pub enum StepKind {
    FadeIn,
    FadeOut,
    DrawOn,
    Write,
    MoveBy(Vec2),
    MoveTo(Vec2),
    Scale(f32),
    Rotate(f32),
    Color(Color),
    Pulse,
    Morph(usize),
    Follow(usize),
    Set(Param, f64),
}

impl StepKind {
    /// Steps that bring an element on screen: before the first of them starts, the element is hidden.
    pub fn is_entrance(&self) -> bool {
        matches!(
            self,
            StepKind::FadeIn | StepKind::DrawOn | StepKind::Write | StepKind::Follow(_)
        )
    }
}

/// A resolved step on one target.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    pub target: usize,
    pub start: f64,
    pub dur: f64,
    pub ease: EaseSpec,
    /// Index of the step in the file, for messages.
    pub source_index: usize,
}
