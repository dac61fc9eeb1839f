//! ## Overview
//!
//! One module per element kind. Each owns its spec (the serde struct the
//! scene file is read into), its resolved form, the table of parameters
//! `Set` may animate (name, range, default), its layout, and how it paints
//! into the snapshot; the stages never name a kind's fields.
//!
//! The [`widgets!`] list below is the registry: it generates the
//! [`ElementSpec`] enum the scene file is parsed into, the resolved
//! [`Kind`] enum, and the dispatch between them. Adding a kind is one new
//! file implementing [`Spec`] and [`Widget`] plus one line here; a missing
//! method does not compile, and no dispatch has a catch-all arm.
//!
//! The support modules come first and never name a kind: [`load`] (the
//! resolve context), [`paint`] (the painter), [`state`] (parameters and
//! animated state), [`widget`] (the traits), [`axes`] (bar slots and chart
//! mapping, shared by the chart kinds' layout and painting).

pub mod axes;
pub mod load;
pub mod number;
pub mod paint;
pub mod state;
pub mod template;
pub mod widget;

/// The group's widget (its spec, [`GroupSpec`], is below: its children are elements of any kind).
pub mod group;

use std::any::Any;
use std::collections::HashMap;

use glam::Vec2;
use serde::Deserialize;

pub use load::{Common, Declared, HasCommon, LoadCx};
pub use paint::{Neighbours, PaintCx, Painter};
pub use state::{Param, ParamDef, Range, State};
pub use widget::{Caps, Dyn, Placed, Spec, Widget};

use crate::geom::Rect;
use crate::scene::error::SceneError;

/// The registry: one line per kind module, `mod file { Variant(SpecType) }`,
/// declaring the module and the variants the scene file can name with it.
/// The variant is the name in the file (`Box(...)`) and the name of the
/// resolved [`Kind`], whose payload is the spec's `Spec::Widget`.
macro_rules! widgets {
    // The registry as written: the kinds declared in this file, then each
    // kind module and the variants it provides.
    ($($extra:ident($xspec:ty)),* ; $(mod $module:ident { $($name:ident($spec:ident)),* $(,)? })*) => {
        $(pub mod $module;)*
        widgets!(@kinds $($extra($xspec),)* $($($name($module::$spec),)*)*);
    };
    (@kinds $($name:ident($spec:ty)),* $(,)?) => {
        /// One element as the scene file writes it. Every element may have
        /// a `name` (needed to animate it or to attach an arrow to it), an
        /// `opacity` and `hidden: true` (invisible until an animation shows it).
        #[derive(Debug, Clone, Deserialize)]
        pub enum ElementSpec {
            $($name($spec)),*
        }

        /// What an element draws: the resolved widget of its kind.
        #[derive(Clone, Debug)]
        pub enum Kind {
            $($name(<$spec as Spec>::Widget)),*
        }

        impl ElementSpec {
            /// The kinds' names, as the file writes them.
            pub const KINDS: &'static [&'static str] = &[$(stringify!($name)),*];

            pub fn common(&self) -> Common {
                match self {
                    $(ElementSpec::$name(s) => load::HasCommon::common(s)),*
                }
            }
            /// Resolves the element (a group's children are the caller's).
            pub fn resolve(&self, cx: &LoadCx<'_>) -> Result<(Kind, Vec2, Rect), SceneError> {
                match self {
                    $(ElementSpec::$name(s) => {
                        let p = Spec::resolve(s, cx)?;
                        Ok((Kind::$name(p.widget), p.origin, p.bounds))
                    }),*
                }
            }
        }

        impl Kind {
            /// The widget, to dispatch through.
            pub fn widget(&self) -> &dyn Dyn {
                match self {
                    $(Kind::$name(w) => w),*
                }
            }
        }
    };
}

widgets! {
    Group(GroupSpec);
    mod shape { Box(BoxSpec), Circle(CircleSpec), Line(LineSpec), Path(PathSpec) }
    mod arrow { Arrow(ArrowSpec) }
    mod text { Text(TextSpec) }
    mod image { Image(ImageSpec) }
    mod tokens { Tokens(TokensSpec) }
    mod bars { Bars(BarsSpec) }
    mod line_chart { LineChart(LineChartSpec) }
    mod distribution { Distribution(DistributionSpec) }
    mod loss_curve { LossCurve(LossCurveSpec) }
    mod badge { Badge(BadgeSpec) }
    mod scatter { Scatter(ScatterSpec) }
}

load::spec!(
    /// A group: its children move, scale, rotate and fade together about
    /// `at`. Declared here, beside the registry, as its children are
    /// elements of any kind; the tree walk in `scene::resolve` places them.
    GroupSpec {
        #[serde(default)]
        at: load::P,
        #[serde(default)]
        children: Vec<ElementSpec>,
    }
);

impl Spec for GroupSpec {
    type Widget = group::Group;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<group::Group>, SceneError> {
        let at = cx.at(self.at);
        Ok(Placed {
            widget: group::Group,
            origin: at,
            bounds: Rect { min: at, max: at },
        })
    }
}

/// One element of the tree.
#[derive(Clone, Debug)]
pub struct Element {
    pub name: Option<String>,
    pub parent: Option<usize>,
    pub opacity: f32,
    /// Invisible until a step shows it (explicit `hidden`, or its first step is an entrance).
    pub hidden: bool,
    /// The point it scales and rotates about, and that `Move to`/`Follow` place.
    pub origin: Vec2,
    /// Bounding box at rest (used for arrow anchors).
    pub bounds: Rect,
    /// Each animatable parameter and the value it starts from.
    pub params: Vec<(Param, f64)>,
    pub kind: Kind,
}

/// The elements of a scene, looked up by index or name.
pub struct Elements<'a> {
    pub elements: &'a [Element],
    pub by_name: &'a HashMap<String, usize>,
}

impl Declared for Elements<'_> {
    fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
    fn widget(&self, i: usize) -> Option<&dyn Any> {
        self.elements.get(i).map(|e| e.kind.widget().as_any())
    }
    fn bounds(&self, i: usize) -> Option<Rect> {
        self.elements.get(i).map(|e| e.bounds)
    }
}

/// The elements of a scene and their states at one instant.
pub struct ElementsAt<'a> {
    pub elements: &'a [Element],
    pub states: &'a [State],
}

impl Neighbours for ElementsAt<'_> {
    fn widget(&self, i: usize) -> Option<&dyn Any> {
        self.elements.get(i).map(|e| e.kind.widget().as_any())
    }
    fn state(&self, i: usize) -> Option<&State> {
        self.states.get(i)
    }
}
