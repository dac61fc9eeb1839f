//! What changes over time in a computing scene: the values `Set` steps
//! animate, and the elements whose fields read them (or the time `t`).
//! Each frame, [`Live::texts_at`] writes those elements again with the
//! values of that instant; the caller parses and resolves the text like
//! any element (so every field of every kind can be animated, and a
//! widget never knows).

use std::path::Path;
use std::sync::Arc;

use crate::easing::{ease, EaseSpec};
use crate::expr::Engine;
use crate::scene::error::SceneError;

use super::out::Out;
use super::{DynElement, Ex};

/// A `Set(value: …)` step, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueStep {
    pub name: String,
    pub to: f64,
    pub start: f64,
    pub dur: f64,
    pub ease: EaseSpec,
}

/// The animated part of a scene.
pub struct Live {
    pub(crate) engine: Arc<Engine>,
    /// Values animated by `Set`, with the number each starts from.
    pub inputs: Vec<(String, f64)>,
    /// The `Set(value: …)` steps, by start time.
    pub tracks: Vec<ValueStep>,
    pub(crate) dynamic: Vec<DynElement>,
    /// The scene file's text.
    pub(crate) src: Arc<str>,
}

impl Live {
    /// The elements that change over time, by index.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.dynamic.iter().map(|d| d.index)
    }

    /// Each animated value at time `t`.
    pub fn inputs_at(&self, t: f64) -> Vec<(String, f64)> {
        let mut out = self.inputs.clone();
        for s in &self.tracks {
            if t < s.start {
                continue;
            }
            let raw = if s.dur <= 0.0 { 1.0 } else { (t - s.start) / s.dur };
            let p = ease(s.ease, raw);
            if let Some((_, x)) = out.iter_mut().find(|(n, _)| *n == s.name) {
                *x += (s.to - *x) * p;
            }
        }
        out.push(("t".to_string(), t));
        out
    }

    /// The text of each changing element at time `t`, with its source map:
    /// (element index, text).
    pub fn texts_at(&self, path: &Path, t: f64) -> Result<Vec<(usize, Out)>, SceneError> {
        let inputs = self.inputs_at(t);
        let mut texts = Vec::with_capacity(self.dynamic.len());
        for d in &self.dynamic {
            let mut values = d.values.clone();
            for (n, x) in &inputs {
                values.set(n, *x);
            }
            let mut ex = Ex::for_frame(path, &self.src, &self.engine, &d.templates);
            if let Some(c) = &d.ctx {
                ex.ctx.push(c.clone());
            }
            let mut out = Out::default();
            ex.element(&d.node, &mut values, &mut out).map_err(|mut e| {
                e.message = format!("{} (at t = {t:.2} s)", e.message);
                e
            })?;
            texts.push((d.index, out));
        }
        Ok(texts)
    }
}
