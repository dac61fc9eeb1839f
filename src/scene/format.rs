//! The scene file as written: serde structs for RON. Nothing here is
//! validated or resolved; `scene::load` turns it into the model in
//! `scene::model`. Field docs are the reference for docs/scene-format.md.

use serde::Deserialize;

/// The element specs live with their kinds, in `scene::widgets`.
pub use super::widgets::load::P;
pub use super::widgets::ElementSpec;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scene")]
pub struct SceneFile {
    pub title: Option<String>,
    /// Output size in pixels at `--scale 1`.
    pub size: (u32, u32),
    #[serde(default = "default_fps")]
    pub fps: u32,
    /// Seconds.
    pub duration: f64,
    /// A theme colour name or `#hex`; default: the theme's `background`.
    pub background: Option<String>,
    /// Theme file, relative to the project root; default `assets/theme.ron`.
    pub theme: Option<String>,
    /// The time of the still PNG (default: `duration`, the final frame).
    pub still: Option<f64>,
    #[serde(default)]
    pub elements: Vec<ElementSpec>,
    #[serde(default)]
    pub timeline: Vec<StepSpec>,
}

fn default_fps() -> u32 {
    30
}

/// One timeline step. All kinds share these fields; each kind uses the
/// ones it needs and rejects the others (see docs/scene-format.md).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct StepFields {
    pub target: Option<String>,
    pub targets: Option<Vec<String>>,
    /// Absolute start time in seconds.
    pub at: Option<f64>,
    /// Seconds after the previous step ends (or starts, with `with_previous`).
    pub delay: Option<f64>,
    #[serde(default)]
    pub with_previous: bool,
    pub dur: Option<f64>,
    pub ease: Option<EaseSpec>,
    /// Seconds between successive targets.
    pub stagger: Option<f64>,
    pub by: Option<P>,
    pub to: Option<ToSpec>,
    pub from: Option<f64>,
    pub path: Option<String>,
    pub param: Option<String>,
    pub into: Option<String>,
}

/// The value a step animates to: a number, a point or a colour.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum ToSpec {
    Number(f64),
    Point(P),
    Name(String),
}

#[derive(Debug, Deserialize, Clone)]
pub enum StepSpec {
    FadeIn(StepFields),
    FadeOut(StepFields),
    DrawOn(StepFields),
    Write(StepFields),
    Move(StepFields),
    Scale(StepFields),
    Rotate(StepFields),
    Color(StepFields),
    Pulse(StepFields),
    Morph(StepFields),
    Follow(StepFields),
    Set(StepFields),
    Count(StepFields),
    Reveal(StepFields),
    Wait(StepFields),
}

pub use crate::easing::EaseSpec;
