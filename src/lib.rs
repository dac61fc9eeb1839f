//! # anim
//!
//! A renderer for animated technical infographics. Data flows one way:
//!
//! ```text
//! scene file ─► scene model ─► evaluate(scene, t) ─► tessellate ─► GPU draw ─► frame sink
//!  scenes/*     scene          eval                   tess          gpu         sink (png, video)
//! ```
//!
//! Everything up to `tess` is pure CPU code, unit-tested without a GPU.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod cli;
pub mod color;
pub mod geom;
pub mod gpu;
pub mod image;
pub mod snapshot;
pub mod tess;
pub mod easing;
pub mod eval;
pub mod prob;
pub mod scene;
pub mod text;
pub mod output;
pub mod render;
pub mod video;
