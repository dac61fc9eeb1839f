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
pub mod glyphs;
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

pub use load::{Common, Declared, HasCommon, LoadCx, PlaceSpec};
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
    Group(GroupSpec), Row(FlowSpec), Column(FlowSpec), Stack(FlowSpec), Grid(GridSpec), Math(MathSpec), Code(CodeSpec);
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
    mod heatmap { Heatmap(HeatmapSpec) }
    mod table { Table(TableSpec) }
    mod scatter { Scatter(ScatterSpec) }
    mod part { Part(PartSpec) }
}

/// The formula's and the code block's widgets (their specs, [`MathSpec`] and
/// [`CodeSpec`], are below: their children are their parts).
pub mod code;
pub mod math;

load::spec!(
    /// `Math`: a formula in Typst's maths syntax (`src`), its box centred
    /// on `at`; its children are the `Part`s that name pieces of it.
    MathSpec {
        #[serde(default)]
        at: load::P,
        src: String,
        size: Option<f32>,
        color: Option<String>,
        /// Set inline (smaller fractions, limits beside a sum) rather than as a display formula.
        #[serde(default)]
        inline: bool,
        #[serde(default)]
        children: Vec<ElementSpec>,
    }
);

impl Spec for MathSpec {
    type Widget = math::Math;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<math::Math>, SceneError> {
        // A build without formulas says so before anything about the formula.
        if !cfg!(feature = "math") {
            return Err(cx.element_err(math::UNAVAILABLE));
        }
        let parts = part_requests(cx, &self.children, "a Math")?;
        let fields = math::Fields {
            at: self.at,
            src: &self.src,
            size: self.size,
            color: self.color.as_ref(),
            inline: self.inline,
        };
        math::Math::resolve(cx, &fields, &parts)
    }
}

load::spec!(
    /// `Code`: source code (`src`, or `file` read from the project)
    /// highlighted as `language`, the panel's top-left corner at `at`; its
    /// children are the `Part`s that name pieces of it (see `code::Fields`).
    CodeSpec {
        #[serde(default)]
        at: load::P,
        src: Option<String>,
        file: Option<String>,
        language: String,
        size: Option<f32>,
        #[serde(default)]
        line_numbers: bool,
        first_line: Option<u32>,
        fill: Option<String>,
        stroke: Option<String>,
        radius: Option<f32>,
        padding: Option<f32>,
        width: Option<f32>,
        #[serde(default)]
        children: Vec<ElementSpec>,
    }
);

impl Spec for CodeSpec {
    type Widget = code::Code;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<code::Code>, SceneError> {
        let parts = part_requests(cx, &self.children, "a Code")?;
        let fields = code::Fields {
            at: self.at,
            src: self.src.clone(),
            file: self.file.clone(),
            language: self.language.clone(),
            size: self.size,
            line_numbers: self.line_numbers,
            first_line: self.first_line,
            fill: self.fill.clone(),
            stroke: self.stroke.clone(),
            radius: self.radius,
            padding: self.padding,
            width: self.width,
        };
        fields.resolve(cx, &parts)
    }
}

/// What a formula's or code block's `Part` children ask for; any other
/// kind of child is an error at it.
fn part_requests<'a>(
    cx: &LoadCx<'_>,
    children: &'a [ElementSpec],
    parent: &str,
) -> Result<Vec<glyphs::PartRequest<'a>>, SceneError> {
    children
        .iter()
        .enumerate()
        .map(|(k, c)| match c {
            ElementSpec::Part(p) => Ok(glyphs::PartRequest {
                selection: p.selection(),
                key: p.key.as_deref(),
                color: p.color.as_ref(),
            }),
            _ => Err(cx.field_err(
                &format!("children.{k}"),
                format!("{parent}'s children are its Parts (`Part(name: \"…\", of: \"…\")`); put other elements beside it"),
            )),
        })
        .collect()
}

/// The containers' widget (a background panel; their specs are below).
pub mod container;

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

load::spec!(
    /// `Row`, `Column` or `Stack`: lays out its children (see
    /// `scene::arrange`). `at` is the point `anchor` names (default: the
    /// centre); inside another container, or with `place`, it is left out.
    FlowSpec {
        #[serde(default)]
        at: load::P,
        anchor: Option<crate::scene::arrange::Anchor>,
        gap: Option<f32>,
        padding: Option<f32>,
        align: Option<crate::scene::arrange::Word>,
        justify: Option<crate::scene::arrange::Word>,
        width: Option<f32>,
        height: Option<f32>,
        fill: Option<String>,
        stroke: Option<String>,
        radius: Option<f32>,
        /// Children that fade in or out take or give back their room, and
        /// the others glide (Row and Column).
        #[serde(default)]
        reflow: bool,
        #[serde(default)]
        children: Vec<ElementSpec>,
    }
);

load::spec!(
    /// `Grid`: children in `columns` columns, row by row.
    GridSpec {
        #[serde(default)]
        at: load::P,
        anchor: Option<crate::scene::arrange::Anchor>,
        columns: usize,
        gap: Option<f32>,
        row_gap: Option<f32>,
        padding: Option<f32>,
        align: Option<crate::scene::arrange::Word>,
        justify: Option<crate::scene::arrange::Word>,
        width: Option<f32>,
        height: Option<f32>,
        fill: Option<String>,
        stroke: Option<String>,
        radius: Option<f32>,
        #[serde(default)]
        children: Vec<ElementSpec>,
    }
);

impl Spec for FlowSpec {
    type Widget = container::Panel;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<container::Panel>, SceneError> {
        container::Panel::resolve(cx, self.fill.as_ref(), self.stroke.as_ref(), self.radius)
    }
}

impl Spec for GridSpec {
    type Widget = container::Panel;
    fn resolve(&self, cx: &LoadCx<'_>) -> Result<Placed<container::Panel>, SceneError> {
        container::Panel::resolve(cx, self.fill.as_ref(), self.stroke.as_ref(), self.radius)
    }
}

/// What the tree walk needs of a container: its layout, where it goes, and its children.
pub struct Container<'a> {
    pub flow: crate::scene::arrange::Flow,
    pub at: Vec2,
    pub anchor: crate::scene::arrange::Anchor,
    pub reflow: bool,
    pub children: &'a [ElementSpec],
}

impl ElementSpec {
    /// The children of a group or a container.
    pub fn children(&self) -> &[ElementSpec] {
        match self {
            ElementSpec::Group(g) => &g.children,
            ElementSpec::Row(f) | ElementSpec::Column(f) | ElementSpec::Stack(f) => &f.children,
            ElementSpec::Grid(g) => &g.children,
            ElementSpec::Math(m) => &m.children,
            ElementSpec::Code(c) => &c.children,
            _ => &[],
        }
    }

    /// Whether `at` says where the element goes (lines, paths and arrows
    /// are placed by their points; a group's `at` defaults to the origin).
    pub fn placed_by_at(&self) -> bool {
        !matches!(
            self,
            ElementSpec::Group(_)
                | ElementSpec::Line(_)
                | ElementSpec::Path(_)
                | ElementSpec::Arrow(_)
                | ElementSpec::Part(_)
        )
    }

    /// A container's layout, its words checked (errors at the field).
    pub fn container(&self, cx: &LoadCx<'_>) -> Result<Option<Container<'_>>, SceneError> {
        use crate::scene::arrange::{Direction, Flow};
        let word = |field: &str, w: Option<crate::scene::arrange::Word>, d: Direction, main: bool| {
            crate::scene::arrange::word(w, d, main).map_err(|m| cx.field_err(field, format!("{field}: {m}")))
        };
        let size = |field: &str, x: Option<f32>| match x {
            Some(v) if !(v.is_finite() && (0.0..=crate::scene::limits::MAX_COORD).contains(&v)) => Err(cx
                .field_err(
                    field,
                    format!("{field} must be a finite number of px ≥ 0, got {v}"),
                )),
            _ => Ok(x),
        };
        let (direction, f) = match self {
            ElementSpec::Row(f) => (Direction::Row, f),
            ElementSpec::Column(f) => (Direction::Column, f),
            ElementSpec::Stack(f) => (Direction::Stack, f),
            ElementSpec::Grid(g) => {
                if g.columns == 0 || g.columns > crate::scene::limits::MAX_GRID_COLUMNS {
                    return Err(cx.field_err(
                        "columns",
                        format!(
                            "columns must be 1..={}, got {}",
                            crate::scene::limits::MAX_GRID_COLUMNS,
                            g.columns
                        ),
                    ));
                }
                let d = Direction::Grid { columns: g.columns };
                let gap = size("gap", g.gap)?.unwrap_or(DEFAULT_GAP);
                let flow = Flow {
                    direction: d,
                    gap: Vec2::new(gap, size("row_gap", g.row_gap)?.unwrap_or(gap)),
                    padding: size("padding", g.padding)?.unwrap_or(0.0),
                    align: word("align", g.align, d, false)?.0,
                    justify: word("justify", g.justify, d, true)?.1,
                    width: size("width", g.width)?,
                    height: size("height", g.height)?,
                };
                return Ok(Some(Container {
                    flow,
                    at: cx.at(g.at),
                    anchor: g.anchor.unwrap_or(crate::scene::arrange::Anchor::Center),
                    reflow: false,
                    children: &g.children,
                }));
            }
            _ => return Ok(None),
        };
        let gap = size("gap", f.gap)?.unwrap_or(DEFAULT_GAP);
        if f.reflow && direction == Direction::Stack {
            return Err(cx.field_err("reflow", "reflow: a Stack's children overlap, so there is no room to hand over; use it on a Row or Column"));
        }
        let flow = Flow {
            direction,
            gap: Vec2::splat(gap),
            padding: size("padding", f.padding)?.unwrap_or(0.0),
            align: word("align", f.align, direction, false)?.0,
            justify: word("justify", f.justify, direction, true)?.1,
            width: size("width", f.width)?,
            height: size("height", f.height)?,
        };
        Ok(Some(Container {
            flow,
            at: cx.at(f.at),
            anchor: f.anchor.unwrap_or(crate::scene::arrange::Anchor::Center),
            reflow: f.reflow,
            children: &f.children,
        }))
    }
}

/// The gap between a container's children when none is written.
pub const DEFAULT_GAP: f32 = 16.0;

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
    /// The offset its points were resolved with (its group's origin, or
    /// where layout or `place` put it); a changing element is resolved
    /// again with it.
    pub offset: Vec2,
    /// Its static rotation (degrees, clockwise), the start of any `Rotate`.
    pub rotation: f32,
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
    fn glyphs(&self, i: usize) -> Option<&glyphs::GlyphSet> {
        self.elements.get(i).and_then(|e| e.kind.widget().caps().glyphs)
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
