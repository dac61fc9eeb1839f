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
//!
//! [`Evaluator`] gives the same snapshots frame after frame, faster: an
//! element drawn from the same state, transform and opacity as in the frame
//! before gives the same items, so they are copied rather than drawn again.

use std::collections::HashMap;

use glam::{Affine2, Vec2};

use crate::color::Color;
use crate::easing::ease;
use crate::geom::{PathCmd, PathData, Rect};
use crate::prob;
use crate::scene::model::*;
use crate::snapshot::{DrawItem, Snapshot};

/// An element's animated state at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub opacity: f32,
    pub offset: Vec2,
    pub scale: f32,
    /// Degrees, clockwise on screen.
    pub rotation: f32,
    pub color: Option<Color>,
    pub draw: f32,
    pub write: f32,
    pub pulse: f32,
    pub morph: Option<(usize, f32)>,
    pub follow: Option<(usize, f32)>,
    pub params: HashMap<Param, f64>,
}

fn lerp(a: f64, b: f64, t: f64) -> f64 {
    a + (b - a) * t
}

fn initial_params(el: &Element) -> HashMap<Param, f64> {
    let mut p = HashMap::new();
    match &el.kind {
        Kind::Distribution(d) => {
            p.insert(Param::Temperature, d.temperature);
            p.insert(Param::TopK, d.top_k.unwrap_or(d.logits.len()) as f64);
            p.insert(Param::TopP, d.top_p.unwrap_or(1.0));
            p.insert(Param::Training, 0.0);
            p.insert(Param::Filter, d.filter);
        }
        Kind::LineChart(c) => {
            p.insert(Param::Progress, c.progress);
        }
        Kind::Tokens { progress, .. } => {
            p.insert(Param::Progress, *progress);
        }
        Kind::DynamicText(t) => {
            p.insert(Param::Value, t.value);
        }
        _ => {}
    }
    p
}

/// The state of element `e` at time `t`.
pub fn element_state(scene: &Scene, e: usize, t: f64) -> State {
    let el = &scene.elements[e];
    let mut s = State {
        opacity: if el.hidden { 0.0 } else { 1.0 },
        offset: Vec2::ZERO,
        scale: 1.0,
        rotation: 0.0,
        color: None,
        draw: 1.0,
        write: 1.0,
        pulse: 0.0,
        morph: None,
        follow: None,
        params: initial_params(el),
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
                let from = s.color.unwrap_or_else(|| base_color(el));
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
                s.params.insert(*param, lerp(before, *to, p));
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

fn follow_point(scene: &Scene, path: usize, f: f32) -> Option<(Vec2, Vec2)> {
    match &scene.elements[path].kind {
        Kind::Arrow { shaft, .. } => shaft.point_at(f),
        Kind::Shape { path, .. } => path.point_at(f),
        _ => None,
    }
}

fn base_color(el: &Element) -> Color {
    match &el.kind {
        Kind::Shape { fill: Some(c), .. } => *c,
        Kind::Shape { stroke: Some(c), .. } => *c,
        Kind::Arrow { color, .. } => *color,
        Kind::Text(b) => b.color,
        Kind::DynamicText(t) => t.color,
        Kind::Tokens { fill, .. } => *fill,
        _ => Color::BLACK,
    }
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
}

/// An element's items and the inputs they were drawn from.
struct Drawn {
    state: State,
    xf: Affine2,
    opacity: f32,
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
    !matches!(
        &el.kind,
        Kind::LossCurve(_) | Kind::DynamicText(TextTemplate { bind: Some(_), .. })
    )
}

/// [`evaluate`], reusing and recording each element's items in `memo` when given.
fn evaluate_in(scene: &Scene, t: f64, mut memo: Option<&mut Memo>) -> Snapshot {
    let t = t.clamp(0.0, scene.duration);
    let states: Vec<State> = (0..scene.elements.len())
        .map(|e| element_state(scene, e, t))
        .collect();
    let mut snap = Snapshot::new(scene.width, scene.height, scene.background);
    if let Some(m) = memo.as_deref_mut() {
        m.drawn.resize_with(scene.elements.len(), || None);
    }
    // World transform and opacity of each element, parents first.
    let mut world: Vec<(Affine2, f32)> = Vec::with_capacity(scene.elements.len());
    for (e, el) in scene.elements.iter().enumerate() {
        let s = &states[e];
        let scale = s.scale * (1.0 + 0.06 * s.pulse);
        let local = Affine2::from_translation(el.origin + s.offset)
            * Affine2::from_angle(s.rotation.to_radians())
            * Affine2::from_scale(Vec2::splat(scale))
            * Affine2::from_translation(-el.origin);
        let (pxf, pop) = el.parent.map(|p| world[p]).unwrap_or((Affine2::IDENTITY, 1.0));
        let xf = pxf * local;
        let opacity = pop * el.opacity * s.opacity;
        world.push((xf, opacity));
        if opacity <= 0.001 {
            continue;
        }
        if let Some(m) = memo.as_deref_mut() {
            if let Some(d) = &m.drawn[e] {
                if d.state == *s && d.xf == xf && d.opacity == opacity {
                    snap.items.extend_from_slice(&d.items);
                    m.keys.extend_from_slice(&d.keys);
                    continue;
                }
            }
        }
        let start = snap.items.len();
        let mut painter = Painter {
            snap: &mut snap,
            xf,
            opacity,
            scene,
        };
        draw_element(&mut painter, scene, el, s, &states);
        if let Some(m) = memo.as_deref_mut() {
            let items = &snap.items[start..];
            let keys: Vec<u64> = items.iter().map(DrawItem::key).collect();
            m.keys.extend_from_slice(&keys);
            m.drawn[e] = memoisable(el).then(|| Drawn {
                state: s.clone(),
                xf,
                opacity,
                items: items.to_vec(),
                keys,
            });
        }
    }
    snap
}

struct Painter<'a> {
    snap: &'a mut Snapshot,
    xf: Affine2,
    opacity: f32,
    scene: &'a Scene,
}

impl Painter<'_> {
    fn stroke_scale(&self) -> f32 {
        self.xf.matrix2.determinant().abs().sqrt()
    }
    fn fill(&mut self, path: &PathData, c: Color) {
        self.snap
            .fill(path.transformed(&self.xf), c.with_opacity(self.opacity));
    }
    fn stroke(&mut self, path: &PathData, c: Color, width: f32) {
        let w = width * self.stroke_scale();
        self.snap
            .stroke(path.transformed(&self.xf), c.with_opacity(self.opacity), w);
    }
    /// Text with the first `reveal` (0..=1) of its chars shown; the glyph
    /// being written fades in.
    fn text(&mut self, block: &TextBlock, color: Color, reveal: f32) {
        let shown = reveal.clamp(0.0, 1.0) * block.chars as f32;
        for g in &block.glyphs {
            let a = (shown - g.char_index as f32).clamp(0.0, 1.0);
            if a > 0.0 {
                self.fill(&g.path, color.with_opacity(a));
            }
        }
    }
    fn text_at(&mut self, text: &str, style: &crate::text::TextStyle, at: Vec2, color: Color) {
        if let Ok(block) = crate::scene::resolve_layout(self.scene, text, style, at, color) {
            self.text(&block, color, 1.0);
        }
    }
    /// Text over a `halo` outline, legible over lines drawn behind it.
    fn text_with_halo(
        &mut self,
        text: &str,
        style: &crate::text::TextStyle,
        at: Vec2,
        color: Color,
        halo: Color,
    ) {
        if let Ok(block) = crate::scene::resolve_layout(self.scene, text, style, at, color) {
            for g in &block.glyphs {
                self.stroke(&g.path, halo.with_opacity(color.a), 5.0);
            }
            self.text(&block, color, 1.0);
        }
    }
}

/// The style of the numbers widgets print: theme small size, SemiBold.
fn small_label(theme: &crate::scene::theme::Theme, align: crate::text::Align) -> crate::text::TextStyle {
    crate::text::TextStyle {
        size: theme.small_size,
        weight: crate::text::Weight::SemiBold,
        align,
        ..Default::default()
    }
}

/// Beyond this many dashes on one path, it is drawn solid.
const MAX_DASHES: usize = 20_000;

/// Dashes an open or closed path: `on` drawn, `off` skipped, along its length.
pub fn dash(path: &PathData, on: f32, off: f32) -> PathData {
    // Dashes shorter than half a unit are invisible and would multiply work.
    let (on, off) = (on.max(0.5), off.max(0.5));
    if path.length() / (on + off) > MAX_DASHES as f32 {
        return path.clone();
    }
    let mut out = PathData::new();
    for line in path.flatten(crate::geom::FLATTEN_TOLERANCE) {
        let mut drawing = true;
        let mut left = on;
        let mut cur = vec![line[0]];
        for w in line.windows(2) {
            let (mut a, b) = (w[0], w[1]);
            let mut seg = a.distance(b);
            while seg > 0.0 {
                let step = seg.min(left);
                let p = a + (b - a).normalize_or_zero() * step;
                if drawing {
                    cur.push(p);
                }
                seg -= step;
                left -= step;
                a = p;
                if left <= 1e-6 {
                    if drawing && cur.len() > 1 {
                        out.extend(&PathData::polyline(&cur, false));
                    }
                    drawing = !drawing;
                    left = if drawing { on } else { off };
                    cur = vec![a];
                }
            }
        }
        if drawing && cur.len() > 1 {
            out.extend(&PathData::polyline(&cur, false));
        }
    }
    out
}

/// Interpolates two paths point by point when they have the same structure.
fn morph_path(a: &PathData, b: &PathData, t: f32) -> Option<PathData> {
    if a.cmds.len() != b.cmds.len() {
        return None;
    }
    let l = |p: Vec2, q: Vec2| p.lerp(q, t);
    let cmds = a
        .cmds
        .iter()
        .zip(&b.cmds)
        .map(|(x, y)| match (*x, *y) {
            (PathCmd::MoveTo(p), PathCmd::MoveTo(q)) => Some(PathCmd::MoveTo(l(p, q))),
            (PathCmd::LineTo(p), PathCmd::LineTo(q)) => Some(PathCmd::LineTo(l(p, q))),
            (PathCmd::QuadTo(c, p), PathCmd::QuadTo(d, q)) => Some(PathCmd::QuadTo(l(c, d), l(p, q))),
            (PathCmd::CubicTo(c1, c2, p), PathCmd::CubicTo(d1, d2, q)) => {
                Some(PathCmd::CubicTo(l(c1, d1), l(c2, d2), l(p, q)))
            }
            (PathCmd::Close, PathCmd::Close) => Some(PathCmd::Close),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    Some(PathData { cmds })
}

fn lerp_opt(a: Option<Color>, b: Option<Color>, t: f32) -> Option<Color> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.lerp(y, t)),
        (Some(x), None) => Some(x.with_opacity(1.0 - t)),
        (None, Some(y)) => Some(y.with_opacity(t)),
        (None, None) => None,
    }
}

fn draw_element(p: &mut Painter<'_>, scene: &Scene, el: &Element, s: &State, states: &[State]) {
    let theme = &scene.theme;
    match &el.kind {
        Kind::Group => {}
        Kind::Image { rect, image } => {
            let r = *rect;
            let quad = PathData::polyline(
                &[
                    r.min,
                    Vec2::new(r.max.x, r.min.y),
                    r.max,
                    Vec2::new(r.min.x, r.max.y),
                ],
                true,
            )
            .transformed(&p.xf);
            let opacity = p.opacity * s.draw;
            p.snap.items.push(crate::snapshot::DrawItem {
                path: std::sync::Arc::new(quad),
                paint: crate::snapshot::Paint::Image {
                    image: image.clone(),
                    opacity,
                },
            });
        }
        Kind::Shape {
            path,
            fill,
            stroke,
            stroke_width,
            dashed,
            label,
        } => {
            let (mut path, mut fill, mut stroke, mut sw) = (path.clone(), *fill, *stroke, *stroke_width);
            let mut label_alpha = 1.0;
            if let Some((other, t)) = s.morph {
                if let Kind::Shape {
                    path: op,
                    fill: of,
                    stroke: os,
                    stroke_width: ow,
                    label: ol,
                    ..
                } = &scene.elements[other].kind
                {
                    match morph_path(&path, op, t) {
                        Some(m) => path = m,
                        None => {
                            // Different structure: cross-fade.
                            if t >= 0.5 {
                                path = op.clone();
                            }
                        }
                    }
                    fill = lerp_opt(fill, *of, t);
                    stroke = lerp_opt(stroke, *os, t);
                    sw += (ow - sw) * t;
                    label_alpha = 1.0 - t;
                    if let Some(l) = ol {
                        p.text(l, l.color.with_opacity(t), 1.0);
                    }
                }
            }
            if let Some(c) = s.color {
                if fill.is_some() {
                    fill = Some(c);
                } else {
                    stroke = Some(c);
                }
            }
            let fill_alpha = ((s.draw - 0.4) / 0.6).clamp(0.0, 1.0);
            if let Some(f) = fill {
                p.fill(&path, f.with_opacity(fill_alpha));
            }
            if s.pulse > 0.0 {
                let halo = stroke.or(fill).unwrap_or(Color::BLACK);
                p.stroke(&path, halo.with_opacity(0.3 * s.pulse), sw + 14.0 * s.pulse);
            }
            if let Some(c) = stroke {
                let mut outline = if s.draw < 1.0 {
                    path.trim(s.draw)
                } else {
                    path.clone()
                };
                if *dashed {
                    outline = dash(&outline, sw * 3.0, sw * 2.5);
                }
                p.stroke(&outline, c, sw);
            }
            if let Some(l) = label {
                let reveal = if s.write < 1.0 { s.write } else { 1.0 };
                p.text(
                    l,
                    l.color
                        .with_opacity(label_alpha * fill_alpha.max(if fill.is_none() { 1.0 } else { 0.0 })),
                    reveal,
                );
            }
        }
        Kind::Arrow {
            shaft,
            color,
            width,
            dashed,
            label,
        } => {
            let color = s.color.unwrap_or(*color);
            let len = shaft.length();
            let head_len = 4.0 * width + 6.0;
            let drawn = len * s.draw;
            if drawn > 0.5 {
                let body_f = ((drawn - head_len * 0.8).max(0.0) / len).min(1.0);
                let mut body = shaft.trim(body_f);
                if *dashed {
                    body = dash(&body, width * 3.0, width * 2.5);
                }
                p.stroke(&body, color, *width);
                if let Some((tip, dir)) = shaft.point_at(s.draw) {
                    let scale = (drawn / head_len).min(1.0);
                    p.fill(
                        &PathData::arrow_head(tip, dir, head_len * scale, (3.4 * width + 5.0) * scale),
                        color,
                    );
                }
            }
            if let Some(l) = label {
                p.text(
                    l,
                    l.color.with_opacity(((s.draw - 0.5) * 2.0).clamp(0.0, 1.0)),
                    s.write,
                );
            }
        }
        Kind::Text(b) => p.text(b, s.color.unwrap_or(b.color), s.write),
        Kind::DynamicText(t) => {
            let value = s.params.get(&Param::Value).copied().unwrap_or(t.value);
            let dist = t.bind.and_then(|b| dist_values_of(scene, b, &states[b]));
            if let Ok(text) = fill_template(t, &scene.elements, dist.as_ref(), value) {
                if let Ok(block) = crate::scene::resolve_layout(scene, &text, &t.style, t.at, t.color) {
                    p.text(&block, s.color.unwrap_or(t.color), s.write);
                }
            }
        }
        Kind::Tokens {
            chips, fill, stroke, ..
        } => {
            let progress = s.params.get(&Param::Progress).copied().unwrap_or(1.0) as f32;
            let shown = progress * chips.len() as f32;
            for (i, chip) in chips.iter().enumerate() {
                let a = (shown - i as f32).clamp(0.0, 1.0);
                if a <= 0.0 {
                    continue;
                }
                let box_path = PathData::rounded_rect(chip.rect, 10.0);
                p.fill(&box_path, s.color.unwrap_or(*fill).with_opacity(a));
                p.stroke(&box_path, stroke.with_opacity(a), 2.0);
                p.text(&chip.text, chip.text.color.with_opacity(a), 1.0);
                if let Some(id) = &chip.id {
                    p.text(id, id.color.with_opacity(a), 1.0);
                }
            }
        }
        Kind::Bars(b) => {
            let values: Vec<f64> = b.values.iter().map(|v| v / b.max).collect();
            let colors: Vec<Color> = (0..values.len())
                .map(|i| match b.highlight {
                    Some((h, c)) if h == i => c,
                    _ => b.color,
                })
                .collect();
            let labels: Vec<Option<String>> = b
                .values
                .iter()
                .map(|v| b.decimals.map(|d| format_number(*v, d, b.percent)))
                .collect();
            draw_bars(
                p,
                theme,
                b.rect,
                &values,
                &colors,
                &vec![1.0; values.len()],
                &labels,
                &b.labels,
            );
            if let Some(t) = &b.title {
                p.text(t, t.color, 1.0);
            }
        }
        Kind::Distribution(d) => {
            if let Some(v) = dist_values(d, &s.params) {
                let filter = s.params.get(&Param::Filter).copied().unwrap_or(1.0);
                let n = d.logits.len();
                let heights: Vec<f64> = (0..n)
                    .map(|i| {
                        if v.mask[i] {
                            lerp(v.raw[i], v.probs[i], filter)
                        } else {
                            v.raw[i]
                        }
                    })
                    .collect();
                let alphas: Vec<f32> = (0..n)
                    .map(|i| {
                        if v.mask[i] {
                            1.0
                        } else {
                            (1.0 - 0.78 * filter) as f32
                        }
                    })
                    .collect();
                let colors: Vec<Color> = (0..n)
                    .map(|i| {
                        if d.target == Some(i) {
                            theme.named("good")
                        } else if d.highlight_argmax && v.argmax == i {
                            theme.named("accent")
                        } else {
                            d.color
                        }
                    })
                    .collect();
                let labels: Vec<Option<String>> =
                    heights.iter().map(|h| Some(format_number(*h, 0, true))).collect();
                // Bars share one probability axis with the cumulative line when
                // it is drawn; otherwise the tallest bar sets the scale.
                let max = if d.cumulative {
                    1.0
                } else {
                    1.0f64.min(heights.iter().cloned().fold(0.0, f64::max).max(0.5) * 1.1)
                };
                let scaled: Vec<f64> = heights.iter().map(|h| h / max).collect();
                // The running sum goes behind the bars, whose value labels
                // carry a halo so the line never hides a number.
                if d.cumulative {
                    draw_cumulative(p, theme, d, &v, s);
                }
                draw_bars(p, theme, d.rect, &scaled, &colors, &alphas, &labels, &d.labels);
            }
            if let Some(t) = &d.title {
                p.text(t, t.color, 1.0);
            }
        }
        Kind::LossCurve(c) => draw_loss_curve(p, scene, c, &states[c.bind]),
        Kind::LineChart(c) => {
            let progress = s.params.get(&Param::Progress).copied().unwrap_or(1.0);
            draw_chart(p, theme, c, progress);
        }
    }
}

/// What a Distribution shows at one instant.
#[derive(Clone, Debug, PartialEq)]
pub struct DistValues {
    /// Softmax at the current temperature.
    pub raw: Vec<f64>,
    /// Kept by top-k and top-p.
    pub mask: Vec<bool>,
    /// Renormalised over the kept tokens.
    pub probs: Vec<f64>,
    pub argmax: usize,
    pub temperature: f64,
    pub top_k: usize,
    pub top_p: f64,
    /// Probability of the target token (from `raw`) and its cross-entropy.
    pub p_target: Option<f64>,
    pub loss: Option<f64>,
}

/// Computes a distribution widget's numbers for the given parameters.
pub fn dist_values(d: &Distribution, params: &HashMap<Param, f64>) -> Option<DistValues> {
    let training = params.get(&Param::Training).copied().unwrap_or(0.0);
    let logits: Vec<f64> = match &d.trained_logits {
        Some(tl) => d
            .logits
            .iter()
            .zip(tl)
            .map(|(a, b)| lerp(*a, *b, training))
            .collect(),
        None => d.logits.clone(),
    };
    let temperature = params
        .get(&Param::Temperature)
        .copied()
        .unwrap_or(d.temperature)
        .max(1e-3);
    let top_k = params
        .get(&Param::TopK)
        .copied()
        .map(|k| k.round().max(1.0) as usize);
    let top_p = params.get(&Param::TopP).copied().map(|p| p.clamp(1e-6, 1.0));
    let dec = prob::Decoding {
        temperature,
        top_k: top_k.filter(|k| *k < logits.len()),
        top_p: top_p.filter(|p| *p < 1.0),
    };
    let out = prob::decode_distribution(&logits, &dec).ok()?;
    let argmax = prob::argmax(&out.raw)?;
    let p_target = d.target.map(|t| out.raw[t]);
    let loss = d.target.and_then(|t| prob::cross_entropy(&out.raw, t).ok());
    Some(DistValues {
        raw: out.raw,
        mask: out.mask,
        probs: out.probs,
        argmax,
        temperature,
        top_k: top_k.unwrap_or(logits.len()),
        top_p: top_p.unwrap_or(1.0),
        p_target,
        loss,
    })
}

fn dist_values_of(scene: &Scene, e: usize, s: &State) -> Option<DistValues> {
    match &scene.elements[e].kind {
        Kind::Distribution(d) => dist_values(d, &s.params),
        _ => None,
    }
}

/// Most decimals printed (more is noise on a figure, and `format!` panics on huge precisions).
pub const MAX_DECIMALS: usize = 6;

/// Formats a number the Portuguese way (decimal comma); with `percent`,
/// `v` is a fraction shown as a percentage.
pub fn format_number(v: f64, decimals: usize, percent: bool) -> String {
    let x = if percent { v * 100.0 } else { v };
    let decimals = decimals.min(MAX_DECIMALS);
    let s = format!("{x:.decimals$}").replace('.', ",");
    let s = if s.starts_with('-') && s.trim_start_matches(['-', '0', ',']).is_empty() {
        s[1..].to_string()
    } else {
        s
    };
    if percent {
        format!("{s}%")
    } else {
        s
    }
}

/// Replaces `{name}`, `{name:.N}` and `{name:%N}` placeholders. Names:
/// `value`, and with a bound distribution `p`, `loss`, `T`, `k`, `top_p`,
/// `argmax` (the most likely token), `p_argmax`.
pub fn fill_template(
    t: &TextTemplate,
    elements: &[Element],
    dist: Option<&DistValues>,
    value: f64,
) -> Result<String, String> {
    let owned;
    let dist = match (dist, t.bind) {
        (Some(d), _) => Some(d),
        (None, Some(b)) => match &elements[b].kind {
            Kind::Distribution(d) => {
                owned = dist_values(d, &HashMap::new()).ok_or("the bound distribution cannot be computed")?;
                Some(&owned)
            }
            _ => return Err("bind must name a Distribution".into()),
        },
        (None, None) => None,
    };
    let mut out = String::new();
    let mut rest = t.template.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').ok_or("unclosed `{` in text")? + open;
        let inner = &rest[open + 1..close];
        let (name, spec) = inner.split_once(':').unwrap_or((inner, ""));
        let (percent, decimals) = if let Some(d) = spec.strip_prefix('%') {
            (true, d.parse::<usize>().unwrap_or(0))
        } else if let Some(d) = spec.strip_prefix('.') {
            (
                false,
                d.parse::<usize>()
                    .map_err(|_| format!("bad format \"{spec}\": use .N or %N"))?,
            )
        } else if spec.is_empty() {
            (false, 0)
        } else {
            return Err(format!("bad format \"{spec}\": use .N or %N"));
        };
        if decimals > 6 {
            return Err("at most 6 decimals".into());
        }
        let need = || dist.ok_or_else(|| format!("{{{name}}} needs `bind` to a Distribution"));
        let number = |x: f64| format_number(x, decimals, percent);
        let text = match name {
            "value" => number(value),
            "p" => number(need()?.p_target.ok_or("{p} needs a distribution with a target")?),
            "loss" => number(need()?.loss.ok_or("{loss} needs a distribution with a target")?),
            "T" => number(need()?.temperature),
            "k" => need()?.top_k.to_string(),
            "top_p" => number(need()?.top_p),
            "p_argmax" => {
                let d = need()?;
                number(d.raw[d.argmax])
            }
            "argmax" => {
                let d = need()?;
                match t.bind.map(|b| &elements[b].kind) {
                    Some(Kind::Distribution(w)) => w.tokens.get(d.argmax).cloned().unwrap_or_default(),
                    _ => return Err("{argmax} needs bind to a Distribution".into()),
                }
            }
            other => {
                return Err(format!(
                    "unknown placeholder {{{other}}} in {:?}: use value, p, loss, T, k, top_p, argmax or p_argmax",
                    t.template
                ))
            }
        };
        out.push_str(&text);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn draw_bars(
    p: &mut Painter<'_>,
    theme: &crate::scene::theme::Theme,
    rect: Rect,
    values: &[f64],
    colors: &[Color],
    alphas: &[f32],
    value_labels: &[Option<String>],
    labels: &[TextBlock],
) {
    let n = values.len() as f32;
    let slot = rect.size().x / n;
    let bar_w = slot * 0.62;
    let style = small_label(theme, crate::text::Align::Center);
    for (i, v) in values.iter().enumerate() {
        let cx = rect.min.x + slot * (i as f32 + 0.5);
        let h = (v.clamp(0.0, 1.0) as f32) * rect.size().y;
        let a = alphas[i];
        if h > 0.25 {
            let r = Rect {
                min: Vec2::new(cx - bar_w * 0.5, rect.max.y - h),
                max: Vec2::new(cx + bar_w * 0.5, rect.max.y),
            };
            p.fill(
                &PathData::rounded_rect(r, 6.0f32.min(h * 0.5)),
                colors[i].with_opacity(a),
            );
        }
        if let Some(text) = &value_labels[i] {
            p.text_with_halo(
                text,
                &style,
                Vec2::new(cx, rect.max.y - h - 20.0),
                theme.named("ink").with_opacity(a),
                theme.named("surface"),
            );
        }
        if let Some(l) = labels.get(i) {
            p.text(l, l.color.with_opacity(a.max(0.45)), 1.0);
        }
    }
    let base = PathData::polyline(
        &[
            Vec2::new(rect.min.x, rect.max.y),
            Vec2::new(rect.max.x, rect.max.y),
        ],
        false,
    );
    p.stroke(&base, theme.named("line"), 2.0);
}

fn draw_cumulative(
    p: &mut Painter<'_>,
    theme: &crate::scene::theme::Theme,
    d: &Distribution,
    v: &DistValues,
    s: &State,
) {
    let n = d.logits.len() as f32;
    let slot = d.rect.size().x / n;
    let y_of = |c: f64| d.rect.max.y - (c.clamp(0.0, 1.0) as f32) * d.rect.size().y;
    let filter = s.params.get(&Param::Filter).copied().unwrap_or(1.0) as f32;
    let cum = prob::cumulative_sorted(&v.raw);
    let mut pts = vec![Vec2::new(d.rect.min.x, d.rect.max.y)];
    for (rank, (_, c)) in cum.iter().enumerate() {
        pts.push(Vec2::new(d.rect.min.x + slot * (rank as f32 + 1.0), y_of(*c)));
    }
    let accent = theme.named("accent");
    p.stroke(&PathData::polyline(&pts, false), accent.with_opacity(0.9), 3.0);
    for pt in &pts[1..] {
        p.fill(&PathData::ellipse(*pt, Vec2::splat(5.0)), accent);
    }
    // The threshold p.
    let y = y_of(v.top_p);
    let line = PathData::polyline(&[Vec2::new(d.rect.min.x, y), Vec2::new(d.rect.max.x, y)], false);
    p.stroke(
        &dash(&line, 10.0, 8.0),
        theme.named("bad").with_opacity(filter.max(0.4)),
        2.0,
    );
    let style = small_label(theme, crate::text::Align::Left);
    p.text_at(
        &format!("p = {}", format_number(v.top_p, 2, false)),
        &style,
        Vec2::new(d.rect.max.x + 10.0, y),
        theme.named("bad"),
    );
}

fn draw_loss_curve(p: &mut Painter<'_>, scene: &Scene, c: &LossCurve, bound: &State) {
    let theme = &scene.theme;
    let r = c.rect;
    let x_of = |pr: f64| r.min.x + pr as f32 * r.size().x;
    let y_of = |l: f64| r.max.y - (l / c.y_max).min(1.0) as f32 * r.size().y;
    let axes = PathData::polyline(&[r.min, Vec2::new(r.min.x, r.max.y), r.max], false);
    p.stroke(&axes, theme.named("line"), 2.0);
    let p_min = (-c.y_max).exp();
    let pts: Vec<Vec2> = (0..=160)
        .map(|i| {
            let pr = p_min + (1.0 - p_min) * (i as f64 / 160.0).powi(2);
            Vec2::new(x_of(pr), y_of(-pr.ln()))
        })
        .collect();
    p.stroke(&PathData::polyline(&pts, false), c.color, 3.0);
    for t in &c.ticks {
        p.text(t, t.color, 1.0);
    }
    if let Kind::Distribution(d) = &scene.elements[c.bind].kind {
        if let Some(v) = dist_values(d, &bound.params) {
            if let (Some(pt), Some(loss)) = (v.p_target, v.loss) {
                let dot = Vec2::new(x_of(pt), y_of(loss));
                p.stroke(
                    &dash(
                        &PathData::polyline(&[dot, Vec2::new(dot.x, r.max.y)], false),
                        6.0,
                        6.0,
                    ),
                    theme.named("muted"),
                    1.5,
                );
                p.fill(&PathData::ellipse(dot, Vec2::splat(10.0)), theme.named("good"));
                p.stroke(
                    &PathData::ellipse(dot, Vec2::splat(10.0)),
                    theme.named("surface"),
                    3.0,
                );
                let style = small_label(theme, crate::text::Align::Left);
                p.text_at(
                    &format!("L = {}", format_number(loss, 2, false)),
                    &style,
                    dot + Vec2::new(18.0, -18.0),
                    theme.named("ink"),
                );
            }
        }
    }
}

fn draw_chart(p: &mut Painter<'_>, theme: &crate::scene::theme::Theme, c: &LineChart, progress: f64) {
    let r = c.rect;
    let x_of = |x: f64| r.min.x + ((x - c.x_range.0) / (c.x_range.1 - c.x_range.0)) as f32 * r.size().x;
    let y_of = |y: f64| r.max.y - ((y - c.y_range.0) / (c.y_range.1 - c.y_range.0)) as f32 * r.size().y;
    for &y in &c.y_ticks {
        let g = PathData::polyline(&[Vec2::new(r.min.x, y_of(y)), Vec2::new(r.max.x, y_of(y))], false);
        p.stroke(&g, theme.named("line").with_opacity(0.5), 1.0);
    }
    let axes = PathData::polyline(&[r.min, Vec2::new(r.min.x, r.max.y), r.max], false);
    p.stroke(&axes, theme.named("muted"), 2.0);
    for t in c.ticks.iter().chain(&c.axis_labels) {
        p.text(t, t.color, 1.0);
    }
    let x_end = c.x_range.0 + (c.x_range.1 - c.x_range.0) * progress.clamp(0.0, 1.0);
    for (x, label) in &c.markers {
        if *x <= x_end {
            let line = PathData::polyline(
                &[Vec2::new(x_of(*x), r.min.y + 14.0), Vec2::new(x_of(*x), r.max.y)],
                false,
            );
            p.stroke(&dash(&line, 6.0, 6.0), c.marker_color, 2.0);
            p.text(label, label.color, 1.0);
        }
    }
    for s in &c.series {
        let mut pts: Vec<Vec2> = Vec::new();
        for w in s.points.windows(2) {
            let (a, b) = (w[0], w[1]);
            if pts.is_empty() && a.0 <= x_end {
                pts.push(Vec2::new(x_of(a.0), y_of(a.1)));
            }
            if b.0 <= x_end {
                pts.push(Vec2::new(x_of(b.0), y_of(b.1)));
            } else {
                if a.0 < x_end {
                    let f = (x_end - a.0) / (b.0 - a.0);
                    pts.push(Vec2::new(x_of(x_end), y_of(lerp(a.1, b.1, f))));
                }
                break;
            }
        }
        if pts.len() >= 2 {
            let line = PathData::polyline(&pts, false);
            let line = if s.dashed { dash(&line, 10.0, 7.0) } else { line };
            p.stroke(&line, s.color, 3.5);
        }
        if let Some(head) = pts.last() {
            if progress < 1.0 {
                p.fill(&PathData::ellipse(*head, Vec2::splat(7.0)), s.color);
            }
        }
        if let Some(l) = &s.label {
            // The label fades in once its series is fully drawn.
            let last_x = s.points.last().map(|p| p.0).unwrap_or(c.x_range.1);
            let fade = 0.05 * (c.x_range.1 - c.x_range.0);
            let a = ((x_end - last_x) / fade + 1.0).clamp(0.0, 1.0) as f32;
            p.text(l, l.color.with_opacity(a), 1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_a_decimal_comma() {
        assert_eq!(format_number(0.4567, 1, true), "45,7%");
        assert_eq!(format_number(1.386294, 2, false), "1,39");
        assert_eq!(format_number(-0.0001, 2, false), "0,00");
        assert_eq!(format_number(3.0, 0, false), "3");
    }

    #[test]
    fn dashes_alternate_along_the_length() {
        let line = PathData::polyline(&[Vec2::ZERO, Vec2::new(100.0, 0.0)], false);
        let d = dash(&line, 10.0, 10.0);
        // 0-10, 20-30, ..., 80-90: five dashes of 10.
        assert!((d.length() - 50.0).abs() < 1e-3, "{}", d.length());
        assert_eq!(
            d.cmds.iter().filter(|c| matches!(c, PathCmd::MoveTo(_))).count(),
            5
        );
    }

    #[test]
    fn morph_needs_matching_structure() {
        let a = PathData::rounded_rect(
            Rect {
                min: Vec2::ZERO,
                max: Vec2::splat(10.0),
            },
            2.0,
        );
        let b = PathData::rounded_rect(
            Rect {
                min: Vec2::ZERO,
                max: Vec2::splat(30.0),
            },
            4.0,
        );
        let m = morph_path(&a, &b, 0.5).unwrap_or_default();
        assert_eq!(m.bounds().map(|r| r.max), Some(Vec2::splat(20.0)));
        assert!(morph_path(&a, &PathData::ellipse(Vec2::ZERO, Vec2::ONE), 0.5).is_none());
    }
}
