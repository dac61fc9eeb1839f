//! ## Overview
//!
//! `anim preview`: a window that plays a scene and reloads it when its files
//! change. It is one more sink of the same pipeline as the PNG and MP4
//! outputs, with the same incremental redraw as the video: `Evaluator` →
//! the damage rectangles → `tessellate` of what they touch → the same fill
//! pipeline and anti-aliasing, into the renderer's offscreen target, kept
//! between frames and copied into the window's surface
//! (`render::Frames::draw_kept`, `Renderer::copy_target`); the panels are drawn
//! over the copy. So the window shows what `anim render` writes.
//!
//! - [`clock`]: the time shown, from the monotonic clock while playing
//!   (`t = start + elapsed × speed`), fixed while paused.
//! - [`frame`]: where the scene sits in the window (letterboxed) and the
//!   overlay and error panels, as snapshot items.
//! - [`timeline`]: the timeline bar (time ↔ x, step marks, scrubbing).
//! - [`watch`]: file watching with `notify`, debounced.
//! - `window` (private): the winit application: the window, keys, reloads, frame loop.
//! - `surface` (private): the window's GPU side: surface, renderer, the
//!   kept offscreen frame and its incremental redraw.
//!
//! Messages for people and tests go to stderr, one line per event, each
//! starting with `preview: ` (`preview: ready`, `preview: reloaded …`,
//! `preview: error: file:line:col: …`).
//!
//! Limits: windows need X11 (this build enables winit's `x11` backend only;
//! under Wayland it runs through XWayland). Shaders are compiled into the
//! binary, so a change under `shaders/` asks for a rebuild rather than
//! reloading.

pub mod clock;
pub mod frame;
mod surface;
pub mod timeline;
pub mod watch;
mod window;

use std::path::PathBuf;

use crate::gpu::{BackendChoice, GpuError};

/// What `anim preview` was asked to do.
#[derive(Debug, Clone)]
pub struct PreviewOptions {
    pub root: PathBuf,
    pub scene: PathBuf,
    pub start: f64,
    pub paused: bool,
    pub window: Option<(u32, u32)>,
    pub backend: BackendChoice,
    pub verbose: bool,
    /// Show the status overlay at start (H toggles it).
    pub overlay: bool,
}

/// Why the preview could not run.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// The scene did not load at start-up.
    #[error(transparent)]
    Scene(#[from] crate::scene::SceneError),
    /// The window system is missing or failed.
    #[error("{0}")]
    Window(String),
    /// A flag has an impossible value (a negative start time, a zero-sized window).
    #[error("{0}")]
    Options(String),
    /// The GPU could not be set up or stopped working.
    #[error(transparent)]
    Gpu(#[from] GpuError),
}

/// Prints one preview event on stderr.
pub(crate) fn say(message: &str) {
    // A closed stderr must not stop the preview (nor panic, as eprintln! would).
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "preview: {message}");
}

/// Fails early, with advice, when there is no display to open a window on:
/// winit's own error does not say what to do about it.
fn check_display() -> Result<(), PreviewError> {
    let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
    if set("DISPLAY") {
        return Ok(());
    }
    let wayland = if set("WAYLAND_DISPLAY") {
        " (WAYLAND_DISPLAY is set, but this build talks X11 only: run it through XWayland)"
    } else {
        ""
    };
    Err(PreviewError::Window(format!(
        "no display: anim preview needs an X server{wayland}; run it under Xvfb \
         (xvfb-run anim preview …) or set DISPLAY"
    )))
}

/// Opens the window and runs until it is closed.
pub fn run(options: PreviewOptions) -> Result<(), PreviewError> {
    if !(options.start.is_finite() && options.start >= 0.0) {
        return Err(PreviewError::Options(format!(
            "--start {}: give a time in seconds ≥ 0",
            options.start
        )));
    }
    if let Some((w, h)) = options.window {
        if w == 0 || h == 0 || w > crate::scene::limits::MAX_SIDE || h > crate::scene::limits::MAX_SIDE {
            return Err(PreviewError::Options(format!(
                "--window {w}x{h}: each side must be 1..={} pixels",
                crate::scene::limits::MAX_SIDE
            )));
        }
    }
    check_display()?;
    window::run(options)
}
