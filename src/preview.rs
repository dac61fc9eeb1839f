//! The live preview window (issue 6). Placeholder until the winit window lands.

use std::path::PathBuf;

use crate::gpu::BackendChoice;

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
}

/// Opens the window and runs until it is closed.
pub fn run(_options: PreviewOptions) -> Result<(), PreviewError> {
    Err(PreviewError::Window("the preview window is not built yet".into()))
}
