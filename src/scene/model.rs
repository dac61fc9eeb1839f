//! The resolved scene: every default applied, every colour, font and
//! reference settled, text laid out. `eval` reads only this. Each element's
//! [`Kind`] is the resolved widget of its kind (see [`super::widgets`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use glam::Vec2;

use super::theme::Theme;
use crate::color::Color;
use crate::easing::EaseSpec;
use crate::text::FontBook;

pub use super::widgets::{Element, ElementSpec, Kind, Param, State};
pub use crate::text::TextBlock;

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
    /// The camera's moves, by start time (empty: the whole frame, always).
    pub camera: Vec<CameraMove>,
    /// The moments a storyboard shows and its grid.
    pub storyboard: Storyboard,
    /// What changes over time in a scene that computes (`Set` on values,
    /// fields that read them): `None` for a plain scene.
    pub live: Option<Arc<LiveScene>>,
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

/// What `--format storyboard` draws: the moments the scene file marks
/// (`storyboard.times`, else its `Keyframe` steps; empty: chosen from the
/// timeline's holds, [`crate::render::storyboard::moments`]) and the panels per row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Storyboard {
    pub moments: Vec<Moment>,
    pub columns: Option<u32>,
}

/// A moment of the scene, with its caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Moment {
    pub t: f64,
    pub label: Option<String>,
}

/// A `Camera` step: the view's centre and zoom move to these (`None`:
/// unchanged) from where the earlier moves left them.
#[derive(Clone, Debug, PartialEq)]
pub struct CameraMove {
    pub center: Option<Vec2>,
    pub zoom: Option<f32>,
    pub start: f64,
    pub dur: f64,
    pub ease: EaseSpec,
}

/// The live part of a loaded scene.
pub struct LiveScene {
    pub live: super::expand::live::Live,
    /// The project root (images and data are relative to it).
    pub root: PathBuf,
}

/// One changing element at one instant.
#[derive(Clone, Debug)]
pub struct LiveElement {
    /// A hash of its text: equal keys, equal elements.
    pub key: u64,
    pub kind: Kind,
    pub origin: Vec2,
    pub bounds: crate::geom::Rect,
    /// Its animatable parameters at rest, from this `kind` (a Distribution's
    /// temperature read from an animated value): what the steps start from.
    pub params: Vec<(Param, f64)>,
}
