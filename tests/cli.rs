//! End-to-end tests of the `anim` binary on a throwaway project (a temp
//! folder with a scene and a link to the real assets/): outputs, MP4
//! properties through ffprobe, atomic outputs under signals, and the exit
//! codes of environment faults.
//!
//! This file is the test crate's root (the `cli` target of Cargo.toml); the
//! tests live in `tests/cli/`, one file per topic, and share the helpers of
//! `tests/cli/support.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "cli/support.rs"]
mod support;

#[path = "cli/cache.rs"]
mod cache;
#[path = "cli/chunks.rs"]
mod chunks;
#[path = "cli/environment.rs"]
mod environment;
#[path = "cli/faults.rs"]
mod faults;
#[path = "cli/messages.rs"]
mod messages;
#[path = "cli/outputs.rs"]
mod outputs;
#[path = "cli/requests.rs"]
mod requests;
