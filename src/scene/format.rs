//! The scene file as written: serde structs for RON. Nothing here is
//! validated or resolved; `scene::load` turns it into the model in
//! `scene::model`. Field docs are the reference for docs/scene-format.md.

use serde::Deserialize;

/// The element specs live with their kinds, in `scene::widgets`.
pub use super::widgets::load::P;
pub use super::widgets::ElementSpec;
pub use crate::easing::EaseSpec;

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
    /// Files of shared values and components, relative to the project root
    /// (read by the expand pass, [`crate::scene::import`]).
    #[serde(default)]
    pub import: Vec<String>,
    /// The time of the still PNG (default: `duration`, the final frame).
    pub still: Option<f64>,
    #[serde(default)]
    pub elements: Vec<ElementSpec>,
    #[serde(default)]
    pub timeline: Vec<StepSpec>,
    /// The storyboard's moments and grid (`--format storyboard`).
    pub storyboard: Option<StoryboardSpec>,
}

/// `storyboard: (times: [2.0, 6.5], columns: 3)`: the moments a storyboard
/// shows (default: the timeline's `Keyframe`s, else the ends of its holds)
/// and how many panels a row has (default 3).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StoryboardSpec {
    pub times: Option<Vec<f64>>,
    pub columns: Option<u32>,
}

fn default_fps() -> u32 {
    30
}

/// When and on what a step runs: the fields every step kind has.
#[derive(Debug, Clone, Copy)]
pub struct Timing<'a> {
    pub target: Option<&'a String>,
    pub targets: Option<&'a Vec<String>>,
    /// Absolute start time in seconds.
    pub at: Option<f64>,
    /// Seconds after the previous step ends (or starts, with `with_previous`).
    pub delay: Option<f64>,
    pub with_previous: bool,
    pub dur: Option<f64>,
    pub ease: Option<EaseSpec>,
    /// Seconds between successive targets.
    pub stagger: Option<f64>,
}

/// Declares a step kind's fields: the timing every step has (`target` or
/// `targets`, `at`, `delay`, `with_previous`, `dur`, `ease`, `stagger`)
/// plus its own. A field the kind does not take is a parse error.
macro_rules! step {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Deserialize, Default, Clone)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub target: Option<String>,
            pub targets: Option<Vec<String>>,
            pub at: Option<f64>,
            pub delay: Option<f64>,
            #[serde(default)]
            pub with_previous: bool,
            pub dur: Option<f64>,
            pub ease: Option<EaseSpec>,
            pub stagger: Option<f64>,
            $($(#[$fm])* pub $field: $ty),*
        }
        impl $name {
            pub fn timing(&self) -> Timing<'_> {
                Timing {
                    target: self.target.as_ref(),
                    targets: self.targets.as_ref(),
                    at: self.at,
                    delay: self.delay,
                    with_previous: self.with_previous,
                    dur: self.dur,
                    ease: self.ease,
                    stagger: self.stagger,
                }
            }
        }
    };
}

step!(
    /// A step with no fields of its own (FadeIn, FadeOut, DrawOn, Write, Pulse, Wait).
    Plain {}
);
step!(
    /// `Move`: `by: (dx, dy)` or `to: (x, y)` (where the element's origin goes).
    MoveStep {
        by: Option<P>,
        to: Option<P>,
    }
);
step!(
    /// `Scale`, `Rotate` (degrees), `Reveal` (default 1): to a number.
    ToNumber { to: Option<f64> }
);
step!(
    /// `Color`: to a theme colour or `#hex`.
    ColorStep { to: Option<String> }
);
step!(
    /// `Morph`: into another shape.
    MorphStep { into: Option<String> }
);
step!(
    /// `Follow`: along an arrow's or a shape's outline.
    FollowStep { path: Option<String> }
);
step!(
    /// `Set`: a widget parameter (`target`, `param`) or a scene value
    /// (`value`, no target) to a number.
    SetStep {
        param: Option<String>,
        value: Option<String>,
        to: Option<f64>,
    }
);
step!(
    /// `Count`: a text's `{value}` from (optionally) one number to another.
    CountStep {
        from: Option<f64>,
        to: Option<f64>,
    }
);

step!(
    /// `Keyframe`: a moment for the storyboard, with an optional caption
    /// (no target; it takes no time unless given a `dur`).
    KeyframeStep { label: Option<String> }
);

step!(
    /// `Camera`: the view moves to centre `to` and/or to `zoom` (1: the
    /// whole frame), or frames the element `focus` names with `padding`.
    CameraStep {
        to: Option<P>,
        zoom: Option<f64>,
        focus: Option<String>,
        padding: Option<f64>,
    }
);

/// One timeline step, each kind with its own fields.
#[derive(Debug, Deserialize, Clone)]
pub enum StepSpec {
    FadeIn(Plain),
    FadeOut(Plain),
    DrawOn(Plain),
    Write(Plain),
    Move(MoveStep),
    Scale(ToNumber),
    Rotate(ToNumber),
    Color(ColorStep),
    Pulse(Plain),
    Morph(MorphStep),
    Follow(FollowStep),
    Set(SetStep),
    Count(CountStep),
    Reveal(ToNumber),
    Wait(Plain),
    Camera(CameraStep),
    Keyframe(KeyframeStep),
}

impl StepSpec {
    /// The kind's name, as the file writes it, and its timing.
    pub fn parts(&self) -> (&'static str, Timing<'_>) {
        match self {
            StepSpec::FadeIn(f) => ("FadeIn", f.timing()),
            StepSpec::FadeOut(f) => ("FadeOut", f.timing()),
            StepSpec::DrawOn(f) => ("DrawOn", f.timing()),
            StepSpec::Write(f) => ("Write", f.timing()),
            StepSpec::Move(f) => ("Move", f.timing()),
            StepSpec::Scale(f) => ("Scale", f.timing()),
            StepSpec::Rotate(f) => ("Rotate", f.timing()),
            StepSpec::Color(f) => ("Color", f.timing()),
            StepSpec::Pulse(f) => ("Pulse", f.timing()),
            StepSpec::Morph(f) => ("Morph", f.timing()),
            StepSpec::Follow(f) => ("Follow", f.timing()),
            StepSpec::Set(f) => ("Set", f.timing()),
            StepSpec::Count(f) => ("Count", f.timing()),
            StepSpec::Reveal(f) => ("Reveal", f.timing()),
            StepSpec::Wait(f) => ("Wait", f.timing()),
            StepSpec::Camera(f) => ("Camera", f.timing()),
            StepSpec::Keyframe(f) => ("Keyframe", f.timing()),
        }
    }
}
