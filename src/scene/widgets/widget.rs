//! The two traits every element kind implements: [`Spec`] for what the
//! scene file says (resolved once, at load) and [`Widget`] for the resolved
//! form (its parameters, its text, how it paints). Nothing has a default:
//! a kind that forgets a piece does not compile. [`Dyn`] is the object-safe
//! face the registry (`widgets!` in `mod.rs`) dispatches through.

use std::any::Any;
use std::fmt::Debug;

use glam::Vec2;

use super::axes::ChartMap;
use super::load::{HasCommon, LoadCx};
use super::paint::PaintCx;
use super::state::{Param, ParamDef, Range};
use crate::color::Color;
use crate::geom::{PathData, Rect};
use crate::scene::arrange::Reflow;
use crate::scene::error::SceneError;
use crate::text::TextBlock;

/// A resolved widget and where it sits.
pub struct Placed<W> {
    pub widget: W,
    /// The point it scales and rotates about, and that `Move to`/`Follow` place.
    pub origin: Vec2,
    /// Bounding box at rest (used for arrow anchors).
    pub bounds: Rect,
}

impl<W> Placed<W> {
    /// A widget whose origin is the centre of its bounds.
    pub fn centred(widget: W, bounds: Rect) -> Placed<W> {
        Placed {
            widget,
            origin: bounds.center(),
            bounds,
        }
    }
}

/// What the scene file says about an element of one kind.
pub trait Spec: HasCommon {
    type Widget: Widget;
    /// Checks the spec and resolves it: colours, text layout, geometry.
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<Self::Widget>, SceneError>;
}

/// What a kind offers the steps that are not its own parameters, and the
/// frame memo. Every kind states it ([`Widget::caps`] has no default), most
/// as `Caps::NONE` plus the few it has.
#[derive(Clone, Copy, Debug)]
pub struct Caps<'a> {
    /// The colour a `Color` step starts from, if the kind has one.
    pub base_color: Option<Color>,
    /// Whether `Write` applies to it (it has text to write).
    pub writable: bool,
    /// The outline `Follow` travels along, if it has one.
    pub outline: Option<&'a PathData>,
    /// Whether what it paints depends on another element's state (a bound
    /// text, a loss curve): such items are drawn again every frame.
    pub reads_others: bool,
    /// Its data space, if it plots data: other elements can be placed at a
    /// data point (`place: Data(of: "chart", x: 3, y: 0.5)`).
    pub chart: Option<ChartMap>,
    /// A container that lays its children out again as they fade in or out.
    pub reflow: Option<&'a Reflow>,
    /// Its source glyphs, if it is made of them (a formula, a code block):
    /// what its `Part`s pick from and its `Morph` carries across.
    pub glyphs: Option<&'a super::glyphs::GlyphSet>,
}

impl Caps<'_> {
    /// No colour to start from, nothing to write or follow, reads no other element.
    pub const NONE: Caps<'static> = Caps {
        base_color: None,
        writable: false,
        outline: None,
        reads_others: false,
        chart: None,
        reflow: None,
        glyphs: None,
    };
}

/// A resolved element kind.
pub trait Widget: Any + Clone + Debug {
    /// The parameters `Set` can animate (empty for most kinds).
    const PARAMS: &'static [ParamDef<Self>];
    /// Every static text block it draws (labels, ticks, titles): checked
    /// against the frame at load.
    fn text_blocks(&self) -> Vec<&TextBlock>;
    /// How it answers the generic steps and the frame memo: `Caps::NONE`
    /// plus what the kind has (`Caps { writable: true, ..Caps::NONE }`).
    fn caps(&self) -> Caps<'_>;
    /// Paints it into the snapshot, in its own coordinates.
    fn paint(&self, cx: &mut PaintCx<'_>);
}

/// [`Widget`] as a trait object.
pub trait Dyn {
    fn as_any(&self) -> &dyn Any;
    /// Each parameter and its value at rest.
    fn params(&self) -> Vec<(Param, f64)>;
    /// The range of `p`, if the kind has that parameter.
    fn range(&self, p: Param) -> Option<Range>;
    /// The value `p` starts from when the first step animates it.
    fn entrance(&self, p: Param) -> Option<f64>;
    fn text_blocks(&self) -> Vec<&TextBlock>;
    fn caps(&self) -> Caps<'_>;
    fn paint(&self, cx: &mut PaintCx<'_>);
}

impl<W: Widget> Dyn for W {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn params(&self) -> Vec<(Param, f64)> {
        W::PARAMS
            .iter()
            .filter_map(|d| (d.default)(self).map(|x| (d.param, x)))
            .collect()
    }
    fn range(&self, p: Param) -> Option<Range> {
        W::PARAMS
            .iter()
            .find(|d| d.param == p && (d.default)(self).is_some())
            .map(|d| d.range)
    }
    fn entrance(&self, p: Param) -> Option<f64> {
        W::PARAMS.iter().find(|d| d.param == p).and_then(|d| d.entrance)
    }
    fn text_blocks(&self) -> Vec<&TextBlock> {
        Widget::text_blocks(self)
    }
    fn caps(&self) -> Caps<'_> {
        Widget::caps(self)
    }
    fn paint(&self, cx: &mut PaintCx<'_>) {
        Widget::paint(self, cx)
    }
}
