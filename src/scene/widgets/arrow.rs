//! Arrows between anchors of other elements (or points), straight, bent or
//! through `via` points. An arrow is placed after every other element,
//! because its ends sit on their bounds (and may sit on other arrows):
//! [`Spec::resolve`] keeps the spec, [`place_all`] places them all.

use std::collections::HashMap;

use glam::Vec2;

use super::load::{spec, v, Declared, LoadCx, P};
use super::paint::{dash, PaintCx};
use super::state::ParamDef;
use super::widget::{Caps, Placed, Spec, Widget};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::text::{Align, Family, TextBlock, Weight};

/// Default gap between an arrow and the elements it joins.
const GAP: f32 = 8.0;
/// Default offset of the label from the arrow's midpoint.
const LABEL_OFFSET: Vec2 = Vec2::new(0.0, -24.0);

/// Where an arrow starts or ends: `"element.anchor"` (anchors: center, left,
/// right, top, bottom, top_left, top_right, bottom_left, bottom_right) or a point.
#[derive(Debug, serde::Deserialize, Clone)]
#[serde(untagged)]
pub enum EndSpec {
    Anchor(String),
    Point(P),
}

spec!(
    /// An arrow between two anchors or points. `bend` curves it: the control
    /// point is pushed sideways by `bend` × the arrow's length.
    ArrowSpec {
        from: EndSpec,
        to: EndSpec,
        bend: Option<f32>,
        color: Option<String>,
        width: Option<f32>,
        /// Gap left between the arrow and the boxes it joins.
        gap: Option<f32>,
        #[serde(default)]
        dashed: bool,
        label: Option<String>,
        label_size: Option<f32>,
        /// Offset of the label from the arrow's midpoint.
        label_offset: Option<P>,
        /// Intermediate points (a polyline arrow), used instead of `bend`.
        via: Option<Vec<P>>,
    }
);

#[derive(Clone, Debug)]
pub struct Arrow {
    pub shaft: PathData,
    pub color: Color,
    pub width: f32,
    pub dashed: bool,
    pub label: Option<TextBlock>,
    /// The spec (its point ends in scene coordinates) until [`place_all`] places it.
    pub pending: Option<Box<ArrowSpec>>,
}

impl Spec for ArrowSpec {
    type Widget = Arrow;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Arrow>, SceneError> {
        let mut s = self.clone();
        for end in [&mut s.from, &mut s.to] {
            if let EndSpec::Point(p) = end {
                *p = P(p.0 + cx.offset.x, p.1 + cx.offset.y);
            }
        }
        Ok(Placed {
            widget: Arrow {
                shaft: PathData::new(),
                color: Color::BLACK,
                width: 0.0,
                dashed: false,
                label: None,
                pending: Some(Box::new(s)),
            },
            origin: cx.offset,
            bounds: Rect {
                min: cx.offset,
                max: cx.offset,
            },
        })
    }
}

/// Places the `pending` arrows (element index, spec), an arrow anchored on
/// another arrow after that one; a cycle of arrows is an error.
pub fn place_all<'a>(
    pending: &[(usize, ArrowSpec)],
    cx_of: &dyn Fn(usize) -> LoadCx<'a>,
    declared: &dyn Declared,
) -> Result<Vec<(usize, Placed<Arrow>)>, SceneError> {
    let mut run = Run {
        pending,
        index_of: pending.iter().enumerate().map(|(i, (e, _))| (*e, i)).collect(),
        state: vec![0u8; pending.len()],
        placed: HashMap::new(),
        out: Vec::new(),
        cx_of,
        declared,
    };
    for i in 0..pending.len() {
        let mut chain = Vec::new();
        run.visit(i, &mut chain)?;
    }
    Ok(run.out)
}

struct Run<'r, 'a> {
    pending: &'r [(usize, ArrowSpec)],
    /// Element index → position in `pending`.
    index_of: HashMap<usize, usize>,
    /// 0 new, 1 visiting, 2 done.
    state: Vec<u8>,
    /// Bounds of the arrows placed so far, by element index.
    placed: HashMap<usize, Rect>,
    out: Vec<(usize, Placed<Arrow>)>,
    cx_of: &'r dyn Fn(usize) -> LoadCx<'a>,
    declared: &'r dyn Declared,
}

impl Run<'_, '_> {
    fn visit(&mut self, i: usize, chain: &mut Vec<String>) -> Result<(), SceneError> {
        let (id, spec) = (&self.pending[i].0, &self.pending[i].1);
        let id = *id;
        let cx = (self.cx_of)(id);
        let name = spec.name.as_deref();
        match self.state[i] {
            2 => return Ok(()),
            1 => {
                chain.push(name.unwrap_or("?").to_string());
                return Err(cx.field_err("name", format!("arrows form a cycle: {}", chain.join(" → "))));
            }
            _ => {}
        }
        if spec.via.as_ref().is_some_and(|v| v.len() > limits::MAX_POINTS) {
            return Err(cx.field_err(
                "via",
                format!("an arrow has at most {} `via` points", limits::MAX_POINTS),
            ));
        }
        self.state[i] = 1;
        chain.push(name.unwrap_or("?").to_string());
        let mut ends = [Vec2::ZERO; 2];
        let mut anchored = [false; 2];
        for (k, (field, end)) in [("from", &spec.from), ("to", &spec.to)].into_iter().enumerate() {
            ends[k] = match end {
                EndSpec::Point(p) => v(*p),
                EndSpec::Anchor(a) => {
                    let (el, anchor) = a.split_once('.').unwrap_or((a.as_str(), "center"));
                    let target = self.declared.index_of(el).ok_or_else(|| {
                        cx.field_err(field, format!("arrow end \"{a}\": no element named \"{el}\""))
                    })?;
                    if let Some(&j) = self.index_of.get(&target) {
                        self.visit(j, chain)?;
                    }
                    let b = match self.placed.get(&target) {
                        Some(b) => *b,
                        None => self.declared.bounds(target).unwrap_or_default(),
                    };
                    anchored[k] = true;
                    b.anchor(anchor).ok_or_else(|| {
                        cx.field_err(
                            field,
                            format!("unknown anchor \"{anchor}\": use center, left, right, top, bottom, top_left, top_right, bottom_left or bottom_right"),
                        )
                    })?
                }
            };
        }
        chain.pop();
        let placed = place(&cx, spec, ends, anchored)?;
        self.placed.insert(id, placed.bounds);
        self.out.push((id, placed));
        self.state[i] = 2;
        Ok(())
    }
}

/// One arrow from its ends (`anchored` ends are pulled back by the gap).
fn place(
    cx: &LoadCx<'_>,
    spec: &ArrowSpec,
    ends: [Vec2; 2],
    anchored: [bool; 2],
) -> Result<Placed<Arrow>, SceneError> {
    let gap = spec.gap.unwrap_or(GAP);
    let (mut a, mut b) = (ends[0], ends[1]);
    let first_dir = spec
        .via
        .as_ref()
        .and_then(|v| v.first())
        .map(|p| v(*p))
        .unwrap_or(b);
    let last_dir = spec
        .via
        .as_ref()
        .and_then(|v| v.last())
        .map(|p| v(*p))
        .unwrap_or(a);
    if anchored[0] {
        a += (first_dir - a).normalize_or_zero() * gap;
    }
    if anchored[1] {
        b += (last_dir - b).normalize_or_zero() * gap;
    }
    if a.distance(b) < 1.0 {
        return Err(cx.element_err("the arrow's ends coincide"));
    }
    let shaft = match (&spec.via, spec.bend) {
        (Some(via), _) => {
            let mut pts = vec![a];
            pts.extend(via.iter().map(|p| v(*p)));
            pts.push(b);
            PathData::polyline(&pts, false)
        }
        (None, Some(bend)) if bend != 0.0 => {
            let d = b - a;
            let c = (a + b) * 0.5 + Vec2::new(d.y, -d.x) * bend;
            let mut p = PathData::new();
            p.move_to(a).quad_to(c, b);
            p
        }
        _ => PathData::polyline(&[a, b], false),
    };
    let theme = cx.theme;
    let color = cx.color("color", spec.color.as_ref(), "muted")?;
    let label = match &spec.label {
        Some(text) => {
            let (mid, _) = shaft.point_at(0.5).unwrap_or((a, Vec2::X));
            let off = spec.label_offset.map(v).unwrap_or(LABEL_OFFSET);
            let style = cx.style(
                spec.label_size.unwrap_or(theme.small_size),
                Weight::Medium,
                Family::Sans,
                Align::Center,
            );
            Some(cx.text("label", text, style, mid + off, color)?)
        }
        None => None,
    };
    let bounds = shaft.bounds().unwrap_or_default();
    Ok(Placed::centred(
        Arrow {
            shaft,
            color,
            width: spec.width.unwrap_or(theme.stroke_width),
            dashed: spec.dashed,
            label,
            pending: None,
        },
        bounds,
    ))
}

impl Widget for Arrow {
    const PARAMS: &'static [ParamDef<Self>] = &[];
    fn text_blocks(&self) -> Vec<&TextBlock> {
        self.label.iter().collect()
    }
    fn caps(&self) -> Caps<'_> {
        Caps {
            base_color: Some(self.color),
            writable: true,
            outline: Some(&self.shaft),
            ..Caps::NONE
        }
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        let s = cx.state;
        let width = self.width;
        let color = s.color.unwrap_or(self.color);
        let len = self.shaft.length();
        let head_len = 4.0 * width + 6.0;
        let drawn = len * s.draw;
        if drawn > 0.5 {
            let body_f = ((drawn - head_len * 0.8).max(0.0) / len).min(1.0);
            let mut body = self.shaft.trim(body_f);
            if self.dashed {
                body = dash(&body, width * 3.0, width * 2.5);
            }
            cx.p.stroke(&body, color, width);
            if let Some((tip, dir)) = self.shaft.point_at(s.draw) {
                let scale = (drawn / head_len).min(1.0);
                cx.p.fill(
                    &PathData::arrow_head(tip, dir, head_len * scale, (3.4 * width + 5.0) * scale),
                    color,
                );
            }
        }
        if let Some(l) = &self.label {
            cx.p.text(
                l,
                l.color.with_opacity(((s.draw - 0.5) * 2.0).clamp(0.0, 1.0)),
                s.write,
            );
        }
    }
}
