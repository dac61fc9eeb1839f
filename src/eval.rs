//! ## Overview
//!
//! `evaluate(&scene, t)` — the scene at time `t` as a [`Snapshot`]. Pure:
//! no clock, no GPU, no mutation; the same `t` gives the same snapshot, so
//! the preview, the PNG and every video frame agree.
//!
//! Each element's state (opacity, offset, scale, rotation, colour, draw and
//! write progress, widget parameters) starts from its resolved values and is
//! folded through the steps that target it, in start order: a step that has
//! not started yet does nothing, a running one interpolates from the value
//! the earlier steps left to its own target, a finished one holds its target.
//! Children of a container that `reflow`s are then moved to where its
//! layout puts them at this instant, and the camera's transform at `t`
//! ([`camera_at`]) is the root of every element's world transform.
//!
//! [`Evaluator`] gives the same snapshots frame after frame, faster: an
//! element drawn from the same state, transform and opacity as in the frame
//! before gives the same items, so they are copied rather than drawn again.

use glam::{Affine2, Vec2};

use crate::easing::ease;
use crate::scene::model::LiveElement;
use crate::scene::model::{Element, Param, Scene, StepKind};
use crate::scene::widgets::{ElementsAt, PaintCx, Painter};
use crate::snapshot::{DrawItem, Snapshot};

pub use crate::scene::widgets::distribution::{dist_values, DistValues};
pub use crate::scene::widgets::number::{format_number, MAX_DECIMALS};
pub use crate::scene::widgets::paint::dash;
pub use crate::scene::widgets::State;

/// The state of element `e` at time `t`.
pub fn element_state(scene: &Scene, e: usize, t: f64) -> State {
    element_state_from(scene, e, t, &scene.elements[e].params)
}

/// [`element_state`] with the parameters starting from `rest` (a changing
/// element's at this instant, [`LiveElement::params`]).
fn element_state_from(scene: &Scene, e: usize, t: f64, rest: &[(Param, f64)]) -> State {
    let el = &scene.elements[e];
    let mut s = State {
        opacity: if el.hidden { 0.0 } else { 1.0 },
        offset: Vec2::ZERO,
        scale: 1.0,
        rotation: el.rotation,
        color: None,
        draw: 1.0,
        write: 1.0,
        pulse: 0.0,
        morph: None,
        follow: None,
        params: rest.iter().copied().collect(),
    };
    for &si in &scene.steps_of[e] {
        let step = &scene.steps[si];
        if t < step.start {
            break;
        }
        let raw = if step.dur <= 0.0 {
            1.0
        } else {
            (t - step.start) / step.dur
        };
        let p = ease(step.ease, raw);
        let pf = p as f32;
        match &step.kind {
            StepKind::FadeIn => s.opacity += (1.0 - s.opacity) * pf,
            StepKind::FadeOut => s.opacity -= s.opacity * pf,
            StepKind::DrawOn => {
                s.opacity = 1.0;
                s.draw = pf.clamp(0.0, 1.0);
            }
            StepKind::Write => {
                s.opacity = 1.0;
                s.write = pf.clamp(0.0, 1.0);
            }
            StepKind::MoveBy(by) => s.offset += *by * pf,
            StepKind::MoveTo(to) => s.offset = s.offset.lerp(*to - el.origin, pf),
            StepKind::Scale(k) => s.scale += (k - s.scale) * pf,
            StepKind::Rotate(r) => s.rotation += (r - s.rotation) * pf,
            StepKind::Color(c) => {
                // A kind without a colour of its own ignores the step.
                let from = s
                    .color
                    .or_else(|| el.kind.widget().caps().base_color)
                    .unwrap_or(*c);
                s.color = Some(from.lerp(*c, pf));
            }
            StepKind::Pulse => {
                // A bell: 0 → 1 → 0 over the step, whatever the easing.
                let x = raw.clamp(0.0, 1.0) as f32;
                s.pulse = (x * std::f32::consts::PI).sin();
            }
            StepKind::Morph(other) => s.morph = Some((*other, pf.clamp(0.0, 1.0))),
            StepKind::Follow(path) => {
                // Follow is an entrance: a hidden element appears as it starts moving.
                if el.hidden {
                    s.opacity = 1.0;
                }
                s.follow = Some((*path, pf.clamp(0.0, 1.0)));
                if raw >= 1.0 {
                    // Stay at the end of the path once there.
                    if let Some((pt, _)) = follow_point(scene, *path, 1.0) {
                        s.offset = pt - el.origin;
                    }
                    s.follow = None;
                }
            }
            StepKind::Set(param, to) => {
                let before = s.params.get(param).copied().unwrap_or(0.0);
                s.params.insert(*param, before + (to - before) * p);
            }
        }
    }
    if let Some((path, f)) = s.follow {
        if let Some((pt, _)) = follow_point(scene, path, f) {
            s.offset = pt - el.origin;
        }
    }
    s
}

/// The camera's transform at `t`: the view's centre goes to the frame's
/// centre, scaled by the zoom. Centres move linearly and zooms
/// geometrically (each doubling takes as long), both with the step's easing.
pub fn camera_at(scene: &Scene, t: f64) -> Affine2 {
    if scene.camera.is_empty() {
        return Affine2::IDENTITY;
    }
    let half = Vec2::new(scene.width as f32, scene.height as f32) * 0.5;
    let (mut center, mut zoom) = (half, 1.0f32);
    for m in &scene.camera {
        if t < m.start {
            break;
        }
        let raw = if m.dur <= 0.0 { 1.0 } else { (t - m.start) / m.dur };
        let p = ease(m.ease, raw) as f32;
        if let Some(c) = m.center {
            center = center.lerp(c, p);
        }
        if let Some(z) = m.zoom {
            zoom = (zoom.ln() + (z.ln() - zoom.ln()) * p).exp();
        }
    }
    Affine2::from_translation(half)
        * Affine2::from_scale(Vec2::splat(zoom))
        * Affine2::from_translation(-center)
}

/// Children of a container that reflows move to where the layout puts
/// them with each child shown as much as its opacity: one fading out
/// shrinks with its slot and hands its room to the others, which glide.
fn reflow(scene: &Scene, states: &mut [State]) {
    for el in &scene.elements {
        let Some(r) = el.kind.widget().caps().reflow else {
            continue;
        };
        let weights: Vec<f32> = r.children.iter().map(|&c| states[c].opacity).collect();
        if weights.iter().all(|&w| w >= 1.0) {
            continue;
        }
        if let Some((_, boxes)) = r.solve(&weights) {
            for (((&c, now), rest), w) in r.children.iter().zip(&boxes).zip(&r.rest).zip(&weights) {
                states[c].offset += now.center() - rest.center();
                states[c].scale *= w.clamp(0.0, 1.0);
            }
        }
    }
}

fn follow_point(scene: &Scene, path: usize, f: f32) -> Option<(Vec2, Vec2)> {
    scene.elements[path].kind.widget().caps().outline?.point_at(f)
}

/// The scene at time `t` (clamped into `0..=duration`).
pub fn evaluate(scene: &Scene, t: f64) -> Snapshot {
    evaluate_in(scene, t, None)
}

/// Evaluates one scene at successive times: each [`Evaluator::frame`] is
/// exactly [`evaluate`]'s snapshot, plus the key of every item
/// ([`DrawItem::key`]), but an element drawn from the same inputs as in the
/// previous frame (static labels, boxes, axes: most of a frame) has its items
/// and keys copied instead of drawn and hashed again. The video loop uses
/// it, so a frame costs what changed, not what is on screen.
pub struct Evaluator<'a> {
    scene: &'a Scene,
    memo: Memo,
}

/// What an [`Evaluator`] remembers between frames, apart from its scene.
/// It only holds for the scene it was recorded on (it is indexed by
/// element): start from `EvalMemo::default()` when the scene changes.
#[derive(Default)]
pub struct EvalMemo(Memo);

/// What each element drew last, and the keys of the snapshot being built.
#[derive(Default)]
struct Memo {
    drawn: Vec<Option<Drawn>>,
    keys: Vec<u64>,
    /// The changing elements of a computing scene as last resolved.
    live: Vec<Option<LiveElement>>,
}

/// An element's items and the inputs they were drawn from.
struct Drawn {
    state: State,
    xf: Affine2,
    opacity: f32,
    /// The key of the changing element's text it was drawn from, if it is one.
    live: Option<u64>,
    items: Vec<DrawItem>,
    keys: Vec<u64>,
}

impl<'a> Evaluator<'a> {
    pub fn new(scene: &'a Scene) -> Evaluator<'a> {
        Evaluator {
            scene,
            memo: Memo::default(),
        }
    }

    /// Picks up from what an evaluator of the same `scene` remembered
    /// ([`Evaluator::into_memo`]), for a caller that owns the scene and so
    /// cannot keep an evaluator borrowing it (the preview window).
    pub fn resume(scene: &'a Scene, memo: EvalMemo) -> Evaluator<'a> {
        Evaluator { scene, memo: memo.0 }
    }

    /// What this evaluator remembers, to [`Evaluator::resume`] with later.
    pub fn into_memo(self) -> EvalMemo {
        EvalMemo(self.memo)
    }

    /// The scene at `t` and the key of each of its items.
    pub fn frame(&mut self, t: f64) -> (Snapshot, Vec<u64>) {
        self.memo.keys = Vec::with_capacity(self.memo.keys.len());
        let snap = evaluate_in(self.scene, t, Some(&mut self.memo));
        (snap, std::mem::take(&mut self.memo.keys))
    }
}

/// Whether an element's items depend only on its own state, transform and
/// opacity: not on another element's state, as a bound text or a loss curve's do.
fn memoisable(el: &Element) -> bool {
    !el.kind.widget().caps().reads_others
}

/// The changing elements of a computing scene at `t`, by element index
/// (empty for a plain scene), reusing what `memo` resolved for the same
/// text. An element that fails here keeps its form at load (the loader
/// checked every frame time; only a preview scrubbing between frames can
/// meet a time it did not check).
fn live_at(scene: &Scene, t: f64, mut memo: Option<&mut Memo>) -> Vec<Option<LiveElement>> {
    let Some(ls) = &scene.live else {
        return Vec::new();
    };
    let Ok(texts) = ls.texts_at(scene, t) else {
        return Vec::new();
    };
    let mut out = vec![None; scene.elements.len()];
    if let Some(m) = memo.as_deref_mut() {
        m.live.resize(scene.elements.len(), None);
    }
    for (i, key, text) in texts {
        if let Some(m) = memo.as_deref_mut() {
            if let Some(c) = m.live[i].as_ref().filter(|c| c.key == key) {
                out[i] = Some(c.clone());
                continue;
            }
        }
        if let Ok(el) = ls.resolve(scene, i, key, &text) {
            if let Some(m) = memo.as_deref_mut() {
                m.live[i] = Some(el.clone());
            }
            out[i] = Some(el);
        }
    }
    out
}

/// [`evaluate`], reusing and recording each element's items in `memo` when given.
fn evaluate_in(scene: &Scene, t: f64, mut memo: Option<&mut Memo>) -> Snapshot {
    let t = t.clamp(0.0, scene.duration);
    let live = live_at(scene, t, memo.as_deref_mut());
    let mut states: Vec<State> = (0..scene.elements.len())
        .map(|e| match live.get(e).and_then(Option::as_ref) {
            Some(l) => element_state_from(scene, e, t, &l.params),
            None => element_state(scene, e, t),
        })
        .collect();
    reflow(scene, &mut states);
    let camera = camera_at(scene, t);
    let others = ElementsAt {
        elements: &scene.elements,
        states: &states,
    };
    let mut snap = Snapshot::new(scene.width, scene.height, scene.background);
    if let Some(m) = memo.as_deref_mut() {
        m.drawn.resize_with(scene.elements.len(), || None);
    }
    // World transform and opacity of each element, parents first.
    let mut world: Vec<(Affine2, f32)> = Vec::with_capacity(scene.elements.len());
    for (e, el) in scene.elements.iter().enumerate() {
        let s = &states[e];
        let now = live.get(e).and_then(Option::as_ref);
        let (kind, origin) = now.map_or((&el.kind, el.origin), |l| (&l.kind, l.origin));
        let live_key = now.map(|l| l.key);
        let scale = s.scale * (1.0 + 0.06 * s.pulse);
        let local = Affine2::from_translation(origin + s.offset)
            * Affine2::from_angle(s.rotation.to_radians())
            * Affine2::from_scale(Vec2::splat(scale))
            * Affine2::from_translation(-origin);
        let (pxf, pop) = el.parent.map(|p| world[p]).unwrap_or((camera, 1.0));
        let xf = pxf * local;
        let opacity = pop * el.opacity * s.opacity;
        world.push((xf, opacity));
        if opacity <= 0.001 {
            continue;
        }
        if let Some(m) = memo.as_deref_mut() {
            if let Some(d) = &m.drawn[e] {
                if d.state == *s && d.xf == xf && d.opacity == opacity && d.live == live_key {
                    snap.items.extend_from_slice(&d.items);
                    m.keys.extend_from_slice(&d.keys);
                    continue;
                }
            }
        }
        let start = snap.items.len();
        let mut cx = PaintCx {
            p: Painter {
                snap: &mut snap,
                xf,
                opacity,
            },
            state: s,
            theme: &scene.theme,
            fonts: &scene.fonts,
            others: &others,
        };
        kind.widget().paint(&mut cx);
        if let Some(m) = memo.as_deref_mut() {
            let items = &snap.items[start..];
            let keys: Vec<u64> = items.iter().map(DrawItem::key).collect();
            m.keys.extend_from_slice(&keys);
            m.drawn[e] = memoisable(el).then(|| Drawn {
                state: s.clone(),
                xf,
                opacity,
                live: live_key,
                items: items.to_vec(),
                keys,
            });
        }
    }
    snap
}
