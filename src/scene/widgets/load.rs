//! What a widget's spec resolves with: [`LoadCx`], one element's view of the
//! scene being loaded (the theme, the fonts, the project root, the elements
//! declared before it), with helpers that turn a bad value into an error
//! pointing at the field that holds it.

use std::any::Any;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

use glam::Vec2;

use crate::color::Color;
use crate::geom::Rect;
use crate::scene::error::SceneError;
use crate::scene::layout::{place_layout, LayoutError};
use crate::scene::nav;
use crate::scene::theme::Theme;
use crate::text::{Align, Family, FontBook, TextBlock, TextError, TextStyle, Weight};

/// `(x, y)` in scene units; `[x, y]` is read too (what an `"{expression}"`
/// giving a point is written as).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct P(pub f32, pub f32);

impl<'de> serde::Deserialize<'de> for P {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<P, D::Error> {
        pair::<D, f32>(d).map(|(x, y)| P(x, y))
    }
}

/// A data point `(x, y)` (`[x, y]` is read too, as from an expression).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct XY(pub f64, pub f64);

impl<'de> serde::Deserialize<'de> for XY {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<XY, D::Error> {
        pair::<D, f64>(d).map(|(x, y)| XY(x, y))
    }
}

/// Two numbers written `(x, y)` or `[x, y]`.
fn pair<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(d: D) -> Result<(T, T), D::Error> {
    struct Visit<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
        type Value = (T, T);
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a point (x, y)")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(T, T), A::Error> {
            use serde::de::Error;
            let x: T = seq
                .next_element()?
                .ok_or_else(|| A::Error::invalid_length(0, &self))?;
            let y: T = seq
                .next_element()?
                .ok_or_else(|| A::Error::invalid_length(1, &self))?;
            if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                return Err(A::Error::invalid_length(3, &self));
            }
            Ok((x, y))
        }
    }
    d.deserialize_any(Visit(std::marker::PhantomData))
}

pub fn v(p: P) -> Vec2 {
    Vec2::new(p.0, p.1)
}

#[derive(Debug, serde::Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum WeightSpec {
    Regular,
    Medium,
    SemiBold,
    Bold,
}

#[derive(Debug, serde::Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum AlignSpec {
    Left,
    Center,
    Right,
}

#[derive(Debug, serde::Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum FontSpec {
    Sans,
    Mono,
}

impl FontSpec {
    /// The family, `default` when none is written.
    pub fn family(font: Option<FontSpec>, default: Family) -> Family {
        match font {
            Some(FontSpec::Sans) => Family::Sans,
            Some(FontSpec::Mono) => Family::Mono,
            None => default,
        }
    }
}

/// `place`: where an element goes, next to one declared before it (its
/// `at` is left out). The gap defaults to 24 px; `align` names the edge the
/// two share (`Left`, `Right` above or below; `Top`, `Bottom` beside;
/// default: centres lined up).
#[derive(Debug, Clone, serde::Deserialize)]
pub enum PlaceSpec {
    Below {
        of: String,
        gap: Option<f32>,
        align: Option<crate::scene::arrange::Word>,
    },
    Above {
        of: String,
        gap: Option<f32>,
        align: Option<crate::scene::arrange::Word>,
    },
    LeftOf {
        of: String,
        gap: Option<f32>,
        align: Option<crate::scene::arrange::Word>,
    },
    RightOf {
        of: String,
        gap: Option<f32>,
        align: Option<crate::scene::arrange::Word>,
    },
    /// Centred on it (or sharing the edge `align` names).
    On {
        of: String,
        align: Option<crate::scene::arrange::Word>,
    },
    /// At a data point of a chart: centred on it, or on `side` of it.
    Data {
        of: String,
        x: f64,
        y: f64,
        side: Option<crate::scene::arrange::Side>,
        gap: Option<f32>,
    },
}

impl PlaceSpec {
    /// The element it is placed next to.
    pub fn of(&self) -> &str {
        match self {
            PlaceSpec::Below { of, .. }
            | PlaceSpec::Above { of, .. }
            | PlaceSpec::LeftOf { of, .. }
            | PlaceSpec::RightOf { of, .. }
            | PlaceSpec::On { of, .. }
            | PlaceSpec::Data { of, .. } => of,
        }
    }

    /// The side, gap and shared edge of a placement next to an element.
    pub fn side_gap_align(
        &self,
    ) -> Result<
        (
            crate::scene::arrange::Side,
            Option<f32>,
            crate::scene::arrange::Align,
        ),
        String,
    > {
        use crate::scene::arrange::{word, Direction, Side};
        // Above or below, the edges shared are horizontal: a Column's alignment.
        let (side, gap, align, d) = match self {
            PlaceSpec::Below { gap, align, .. } => (Side::Below, *gap, *align, Direction::Column),
            PlaceSpec::Above { gap, align, .. } => (Side::Above, *gap, *align, Direction::Column),
            PlaceSpec::LeftOf { gap, align, .. } => (Side::LeftOf, *gap, *align, Direction::Row),
            PlaceSpec::RightOf { gap, align, .. } => (Side::RightOf, *gap, *align, Direction::Row),
            PlaceSpec::On { align, .. } => (Side::On, Some(0.0), *align, Direction::Column),
            PlaceSpec::Data { side, gap, .. } => (side.unwrap_or(Side::On), *gap, None, Direction::Column),
        };
        let (a, _) = word(align, d, false).map_err(|m| format!("place: align {m}"))?;
        Ok((side, gap, a))
    }
}

/// The fields every element has.
#[derive(Debug, Default, Clone)]
pub struct Common {
    pub name: Option<String>,
    pub opacity: Option<f32>,
    pub hidden: bool,
    pub place: Option<PlaceSpec>,
    /// A static rotation in degrees (clockwise), about the element's origin.
    pub rotation: Option<f32>,
}

/// A spec's common fields (implemented by [`spec!`]).
pub trait HasCommon {
    fn common(&self) -> Common;
}

/// Declares an element spec: a serde struct with the common fields
/// (`name`, `opacity`, `hidden`) and the given ones.
macro_rules! spec {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            pub name: Option<String>,
            pub opacity: Option<f32>,
            #[serde(default)]
            pub hidden: bool,
            pub place: Option<$crate::scene::widgets::load::PlaceSpec>,
            pub rotation: Option<f32>,
            $($(#[$fm])* pub $field: $ty),*
        }
        impl $crate::scene::widgets::load::HasCommon for $name {
            fn common(&self) -> $crate::scene::widgets::load::Common {
                $crate::scene::widgets::load::Common {
                    name: self.name.clone(),
                    opacity: self.opacity,
                    hidden: self.hidden,
                    place: self.place.clone(),
                    rotation: self.rotation,
                }
            }
        }
    };
}
pub(crate) use spec;

/// The elements resolved so far, as a widget being resolved sees them.
pub trait Declared {
    fn index_of(&self, name: &str) -> Option<usize>;
    /// The resolved widget of element `i` (downcast it to the kind you expect).
    fn widget(&self, i: usize) -> Option<&dyn Any>;
    fn bounds(&self, i: usize) -> Option<Rect>;
    /// The source glyphs of element `i`, if it is made of them (a formula, a code block).
    fn glyphs(&self, i: usize) -> Option<&super::glyphs::GlyphSet>;
}

/// One element's view of the scene being loaded.
pub struct LoadCx<'a> {
    pub path: &'a Path,
    pub src: &'a str,
    pub theme: &'a Theme,
    pub fonts: &'a FontBook,
    /// The project root: data and image paths are relative to it.
    pub root: &'a Path,
    /// The element's index (depth first, as `nav::element_starts` numbers them).
    pub index: usize,
    /// Where the element starts in `src`, when known.
    pub start: Option<usize>,
    /// The position of the enclosing group: add it to every point.
    pub offset: Vec2,
    /// The box layout gave the element (a container's own box), if any.
    pub slot: Option<Rect>,
    /// The group, container, formula or code block the element is in.
    pub parent: Option<usize>,
    pub declared: &'a dyn Declared,
    /// Files read for the scene (data, images), for the render cache.
    pub inputs: &'a RefCell<Vec<PathBuf>>,
}

impl LoadCx<'_> {
    /// An error at `offset`, or about the whole file when it is unknown.
    pub fn err_at(&self, offset: Option<usize>, message: impl Into<String>) -> SceneError {
        match offset {
            Some(o) => SceneError::at_offset(self.path, self.src, o, message),
            None => SceneError::whole_file(self.path, message),
        }
    }

    /// An error about the element as a whole: the caret is on its kind.
    pub fn element_err(&self, message: impl Into<String>) -> SceneError {
        self.err_at(self.start, message)
    }

    /// Where the value at `field` (a path such as `"stroke"` or
    /// `"series.1.color"`) is written, if it is.
    pub fn field_offset(&self, field: &str) -> Option<usize> {
        nav::path(self.src, self.start?, field)
    }

    /// An error about bytes `range` of the string written at `field`: the
    /// caret is on them when the string is written as it reads (a plain or
    /// raw literal whose text is `text`), else on the value.
    pub fn string_err(
        &self,
        field: &str,
        text: &str,
        range: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
    ) -> SceneError {
        let at = self.field_offset(field);
        let inner = match (at, range) {
            (Some(at), Some(r)) => nav::string_byte(self.src, at, text, r.start),
            _ => None,
        };
        self.err_at(inner.or(at).or(self.start), message)
    }

    /// An error about the value at `field`: the caret is on the value, or on
    /// the element when the field is not written (a default).
    pub fn field_err(&self, field: &str, message: impl Into<String>) -> SceneError {
        let off = self.field_offset(field);
        self.err_at(off.or(self.start), message)
    }

    /// A point of the element in scene coordinates (the group's offset added).
    pub fn at(&self, p: P) -> Vec2 {
        self.offset + v(p)
    }

    /// The colour written at `field`, or the theme colour `default`.
    pub fn color(&self, field: &str, spec: Option<&String>, default: &str) -> Result<Color, SceneError> {
        let s = spec.map(|s| s.as_str()).unwrap_or(default);
        self.theme.color(s).map_err(|e| self.field_err(field, e))
    }

    /// A fill or stroke colour with a default; `"none"` paints nothing.
    pub fn paint(
        &self,
        field: &str,
        spec: Option<&String>,
        default: &str,
    ) -> Result<Option<Color>, SceneError> {
        match spec.map(|s| s.as_str()) {
            Some("none") => Ok(None),
            _ => self.color(field, spec, default).map(Some),
        }
    }

    /// A colour that is nothing unless written; `"none"` is nothing too.
    pub fn opt_color(&self, field: &str, spec: Option<&String>) -> Result<Option<Color>, SceneError> {
        spec.filter(|s| s.as_str() != "none")
            .map(|s| self.theme.color(s).map_err(|e| self.field_err(field, e)))
            .transpose()
    }

    pub fn finite(&self, field: &str, vals: &[f32]) -> Result<(), SceneError> {
        if vals.iter().all(|x| x.is_finite()) {
            Ok(())
        } else {
            Err(self.field_err(field, format!("{field} must be a finite number (not NaN or inf)")))
        }
    }

    /// `x`, written at `field` and called `what` in the message, if it is positive.
    pub fn positive(&self, field: &str, what: &str, x: f32) -> Result<f32, SceneError> {
        if x.is_finite() && x > 0.0 {
            Ok(x)
        } else {
            Err(self.field_err(field, format!("{what} must be a positive number, got {x}")))
        }
    }

    /// The element named `name` (written at `field`), declared before this one.
    pub fn named(&self, field: &str, name: &str, hint: &str) -> Result<usize, SceneError> {
        self.declared
            .index_of(name)
            .ok_or_else(|| self.field_err(field, format!("{field}: unknown element \"{name}\" ({hint})")))
    }

    /// Lays out `text`, written at `field`, with its block placed at `at`
    /// according to the style's alignment (vertically centred on `at.y`).
    /// A glyph missing from the font is pointed at in the source when the
    /// character is written literally.
    pub fn text(
        &self,
        field: &str,
        text: &str,
        style: TextStyle,
        at: Vec2,
        color: Color,
    ) -> Result<TextBlock, SceneError> {
        place_layout(self.fonts, text, &style, at, color).map_err(|e| {
            let value = self.field_offset(field);
            let glyph = match (&e, value) {
                (LayoutError::Font(TextError::MissingGlyph { ch, .. }), Some(v)) => {
                    let end = nav::value_end(self.src, v);
                    self.src[v..end].find(*ch).map(|i| v + i)
                }
                _ => None,
            };
            self.err_at(glyph.or(value).or(self.start), e.to_string())
        })
    }

    pub fn style(&self, size: f32, weight: Weight, family: Family, align: Align) -> TextStyle {
        TextStyle {
            family,
            weight,
            size,
            align,
            ..TextStyle::default()
        }
    }
}
