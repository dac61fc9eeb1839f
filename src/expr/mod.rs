//! Expressions in scene files: named values, maths, colour ramps and
//! string templates, evaluated by an embedded, sandboxed [Rhai] engine.
//!
//! ## Overview
//!
//! - [`Engine`] is a Rhai engine with anim's functions and hard limits
//!   ([`limits`]): no modules, no `eval`, no I/O, no clock, nothing printed;
//!   every evaluation is bounded in operations, wall time, call depth,
//!   expression depth and the size of lists, strings and maps.
//! - [`Values`] holds named values declared in order (each may use the
//!   earlier ones) and the *inputs* a frame sets (`t`, animated variables).
//!   Values that depend on no input are evaluated once, when declared;
//!   the others are re-evaluated by [`Values::update`] each frame.
//! - [`Expr`] is one compiled expression. Compiling checks every name
//!   against the values (an unknown name is an error at its column) and
//!   records the names it reads ([`Expr::free_names`]), so the caller knows
//!   whether it is constant or animated.
//! - [`Template`] is a string with `{expression:format}` parts, parsed once.
//!
//! Errors carry the byte offset in the scene file of the offending token
//! (the caller says where the expression's text starts: [`Origin`]) and turn
//! into anim's `file:line:col` + caret message with
//! [`ExprError::to_scene_error`].
//!
//! Nothing here reads files, touches the GPU or knows the theme: colour
//! names are resolved by a palette the caller passes to
//! [`Engine::with_palette`].
//!
//! [Rhai]: https://rhai.rs

mod colour;
mod engine;
mod error;
mod format;
mod funcs;
mod kind;
pub mod limits;
mod template;
mod typed;
mod values;

pub use colour::{mix_oklab, ramp_oklab, Oklab, Palette};
pub use engine::{Engine, Expr};
pub use error::{ExprError, Origin};
pub use format::{format_value, Format};
pub(crate) use kind::as_number;
pub use template::Template;
pub use values::{Value, Values};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bounds;
