//! # anim
//!
//! A renderer for animated technical infographics. Data flows one way:
//!
//! ```text
//! scene file ─► scene model ─► evaluate(scene, t) ─► tessellate ─► GPU draw ─► frame sink
//!  scenes/*     scene          eval                   tess          gpu         render + image (PNG), video (MP4), preview
//! ```
//!
//! Everything up to `tess` is pure CPU code, unit-tested without a GPU.
// Nothing a user or the environment can cause may panic: no unwrap/expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod avlog;
pub mod cache;
pub mod cli;
pub mod color;
pub mod damage;
pub mod easing;
pub mod eval;
pub mod expr;
pub mod fsread;
pub mod geom;
pub mod gpu;
pub mod image;
pub mod output;
pub mod preview;
pub mod prob;
pub mod render;
pub mod scene;
pub mod snapshot;
pub mod suggest;
pub mod tess;
pub mod text;
pub mod video;
pub mod yuv;
