//! What kind of value a Rhai `Dynamic` is, in a scene author's words.

use rhai::Dynamic;

use crate::color::Color;

/// A number from Rhai's integer or float, `None` for anything else.
pub(crate) fn as_number(d: &Dynamic) -> Option<f64> {
    if let Ok(f) = d.as_float() {
        Some(f)
    } else {
        d.as_int().ok().map(|i| i as f64)
    }
}

/// The kind of a value, as a scene author names it ("a list", "a string").
pub(crate) fn kind_of(d: &Dynamic) -> &'static str {
    if d.is_int() || d.is_float() {
        "a number"
    } else if d.is_string() {
        "a string"
    } else if d.is_array() {
        "a list"
    } else if d.is_map() {
        "a map"
    } else if d.is_bool() {
        "a bool"
    } else if d.is_unit() {
        "nothing"
    } else if d.is::<Color>() {
        "a colour"
    } else if d.is_fnptr() {
        "a function"
    } else {
        "a value of another kind"
    }
}
