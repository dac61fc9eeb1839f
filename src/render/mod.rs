//! Render jobs: a loaded scene → final-frame PNG and H.264 MP4 in `renders/`.
//!
//! The loop is `t = i / fps` → `evaluate` → [`Frames`] (which decides what
//! to redraw: nothing for a hold, the rectangles that changed, or all of it,
//! see [`frames`]) → GPU draw and readback → encoder thread. Elements drawn
//! from the same inputs as in the previous frame reuse their items
//! ([`crate::eval::Evaluator`]).
//!
//! - [`job`]: a [`Job`] checked against a scene into a [`Plan`] before anything is drawn;
//! - [`frames`]: incremental rendering, one owner for the whole decision;
//! - [`still`]: the PNG, and the PDF and SVG of the still;
//! - [`storyboard`]: the key moments side by side, PNG and PDF;
//! - [`formats`]: what `--format` names; [`web`]: the WebM, GIF, WebP and
//!   MOV (and the MP4 beside them) from one frame loop; [`gif`]: the GIF;
//! - `video`: the MP4 (with the `video` feature);
//! - [`run`]: [`render_scene`], the outputs a job asks for, the cache consulted first.

pub mod formats;
pub mod frames;
pub mod gif;
pub mod job;
pub mod run;
pub mod still;
pub mod storyboard;
#[cfg(feature = "video")]
pub mod video;
pub mod web;

pub use formats::{parse_formats, Format};
pub use frames::{gpu_yuv_enabled, render_frames, Frame, FrameRun, Frames};
pub use job::{
    output_name, plan, Destination, FrameRange, GifSize, Job, Plan, Progress, RenderError, Report, Silent,
    StopFlag, WebSize,
};
pub use run::render_scene;
pub use still::{draw, render_png};
#[cfg(feature = "video")]
pub use video::{render_video, segment_hashes, VideoDone, VideoJob};
