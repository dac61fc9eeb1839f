//! # anim
//!
//! A renderer for animated technical infographics. Data flows one way:
//!
//! ```text
//! scene file ─► scene model ─► evaluate(scene, t) ─► tessellate ─► GPU draw ─► outputs
//!  scenes/*     scene          eval → snapshot        tess          gpu         render: PNG (image), MP4 (video)
//!                                                                               preview: a live window
//! ```
//!
//! - [`project`] finds the project folder and picks scene files by name;
//!   [`scene`] parses one into a fully resolved model.
//! - [`eval`] evaluates it at a time `t` into a [`snapshot`] of draw items
//!   ([`easing`], [`text`], [`prob`], [`geom`], [`color`] help).
//! - [`tess`] turns a snapshot into triangles with lyon ([`damage`] says which
//!   rectangles changed since the frame before, [`cache`] which outputs are up to date).
//! - [`gpu`] draws them with wgpu and reads them back; [`render`] runs a job
//!   (the frame loop) into a PNG ([`image`]) and an H.264 MP4 ([`video`],
//!   [`yuv`], [`avlog`]), and the WebM, GIF, WebP and ProRes MOV that
//!   `--format` asks for (`render::web`), written through [`output`]'s temporary files.
//! - [`preview`] is the live window; [`cli`] holds the binary's flags and
//!   [`progress`] its progress bar; [`suggest`] says "did you mean";
//!   [`fsread`] reads input files with a bound; [`highlight`] colours the
//!   source of a `Code` element.
//! - [`expr`] is the sandboxed expression engine scene files will compute
//!   with (issue 17; not yet wired into the scene format).
//!
//! docs/architecture.md is the map: where each element kind lives
//! (`scene::widgets`), and how to add an element, a step or an output.
//!
//! Everything up to `tess` is pure CPU code, unit-tested without a GPU.
//!
//! ## Cargo features
//!
//! All are on by default; without `video` and `preview` the scene → evaluate → tessellate →
//! PNG path builds and tests with neither FFmpeg nor X11 (see README.md).
//! - `video`: H.264 MP4 output ([`video`], [`avlog`]), through ffmpeg-next.
//! - `preview`: the live window ([`preview`]), through winit and notify.
//! - `code`: the `Code` element's highlighting ([`highlight`]), through
//!   syntect and two-face (pure Rust); without it `Code` is a load error.
// Nothing a user or the environment can cause may panic: no unwrap/expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

#[cfg(feature = "video")]
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
pub mod highlight;
pub mod image;
#[cfg(feature = "math")]
pub mod math;
pub mod numfmt;
pub mod output;
#[cfg(feature = "preview")]
pub mod preview;
pub mod prob;
pub mod progress;
pub mod project;
pub mod render;
pub mod scene;
pub mod snapshot;
pub mod suggest;
pub mod tess;
pub mod text;
pub mod vector;
#[cfg(feature = "video")]
pub mod video;
pub mod yuv;
