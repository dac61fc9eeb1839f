//! A computing scene's changing elements, resolved for one instant: the
//! expand pass writes each again for `t` ([`Live::texts_at`]); this parses
//! and resolves that text as the loader would, so a frame sees an element
//! of its usual kind.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::path::Path;

use super::error::SceneError;
use super::expand::out::Out;
use super::model::{ElementSpec, LiveElement, LiveScene, Scene};
use super::nav;
use super::widgets::{Elements, LoadCx};

/// The most changing elements resolved when a scene is checked at every
/// frame; beyond it, frames are checked at a stride.
const CHECK_BUDGET: usize = 20_000;

impl LiveScene {
    /// Each changing element's text at `t`, by element index, with its key.
    pub fn texts_at(&self, scene: &Scene, t: f64) -> Result<Vec<(usize, u64, Out)>, SceneError> {
        Ok(self
            .live
            .texts_at(&scene.path, t)?
            .into_iter()
            .map(|(i, out)| {
                let mut h = std::hash::DefaultHasher::new();
                out.text.hash(&mut h);
                (i, h.finish(), out)
            })
            .collect())
    }

    /// Element `index` from its text `out`.
    pub fn resolve(
        &self,
        scene: &Scene,
        index: usize,
        key: u64,
        out: &Out,
    ) -> Result<LiveElement, SceneError> {
        let path: &Path = &scene.path;
        let src = &self.live.src;
        let spec: ElementSpec = super::ron_options()
            .from_str(&out.text)
            .map_err(|e| out.remap(super::ron_error(path, &out.text, &e), path, src))?;
        let view = Elements {
            elements: &scene.elements,
            by_name: &scene.by_name,
        };
        let el = &scene.elements[index];
        let inputs = RefCell::new(Vec::new());
        let mut cx = LoadCx {
            path,
            src: &out.text,
            theme: &scene.theme,
            fonts: &scene.fonts,
            root: &self.root,
            index,
            start: Some(0),
            offset: el.offset,
            slot: None,
            parent: el.parent,
            declared: &view,
            inputs: &inputs,
        };
        let mut resolved = spec.resolve(&cx).map_err(|e| out.remap(e, path, src))?;
        // Placed next to another element (or at a chart's data point): again
        // from where the placement starts, as the box may have changed.
        if let Some(place) = &spec.common().place {
            let delta =
                super::tree::place_delta(&scene.elements, &scene.by_name, el.parent, place, resolved.2)
                    .map_err(|(field, m)| {
                        let at = nav::path(&out.text, 0, &field).unwrap_or(0);
                        out.remap(SceneError::at_offset(path, &out.text, at, m), path, src)
                    })?;
            cx.offset += delta;
            resolved = spec.resolve(&cx).map_err(|e| out.remap(e, path, src))?;
        }
        let (kind, origin, bounds) = resolved;
        // As at load: coordinates within the limits, no text cut by the frame.
        let problem = super::tree::geometry_problem(origin, bounds)
            .or_else(|| super::resolve::text_outside_frame(&kind, scene.width as f32, scene.height as f32));
        if let Some(m) = problem {
            let e = SceneError::at_offset(path, &out.text, 0, m);
            return Err(out.remap(e, path, src));
        }
        let first = scene.steps_of[index].first().map(|&s| &scene.steps[s].kind);
        let params = super::resolve::params_at_rest(&kind, first);
        Ok(LiveElement {
            key,
            kind,
            origin,
            bounds,
            params,
        })
    }

    /// Every changing element at `t`, resolved.
    pub fn elements_at(&self, scene: &Scene, t: f64) -> Result<Vec<(usize, LiveElement)>, SceneError> {
        self.texts_at(scene, t)?
            .into_iter()
            .map(|(i, key, out)| self.resolve(scene, i, key, &out).map(|e| (i, e)))
            .collect()
    }

    /// Checks the scene at every frame time and at the still: an expression
    /// that fails at 3 s (a division by a value that reaches zero) is an
    /// error at load, not a broken render. Elements whose text did not
    /// change since the frame before are not resolved again.
    pub fn check(&self, scene: &Scene) -> Result<(), SceneError> {
        let frames = scene.frame_count();
        let n = self.live.dynamic.len().max(1) as u64;
        let stride = (frames * n).div_ceil(CHECK_BUDGET as u64).max(1);
        let mut last: Vec<Option<u64>> = vec![None; scene.elements.len()];
        let times = (0..frames)
            .step_by(stride as usize)
            .map(|f| f as f64 / scene.fps as f64)
            .chain([scene.still, scene.duration]);
        let deadline = std::time::Instant::now() + 2 * super::expand::MAX_EXPAND;
        for t in times {
            if std::time::Instant::now() > deadline {
                return Err(SceneError::whole_file(
                    &scene.path,
                    format!(
                        "checking the animated values at every frame takes more than {} s (stopped at t = {t:.2} s): fewer or lighter expressions that change over time",
                        2 * super::expand::MAX_EXPAND.as_secs()
                    ),
                ));
            }
            for (i, key, out) in self.texts_at(scene, t)? {
                if last[i] != Some(key) {
                    self.resolve(scene, i, key, &out).map_err(|mut e| {
                        if !e.message.contains("(at t =") {
                            e.message = format!("{} (at t = {t:.2} s)", e.message);
                        }
                        e
                    })?;
                    last[i] = Some(key);
                }
            }
        }
        Ok(())
    }
}
