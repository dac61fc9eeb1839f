//! How template parts write values: numbers through [`crate::numfmt`] (the
//! one formatter anim has: decimal comma, thousands grouped from five
//! digits, `.Nx` as `6 × 10⁻⁴`), other values as themselves.

use rhai::Dynamic;

use super::engine::Expr;
use super::error::ExprError;
use super::kind::{as_number, kind_of};
use crate::color::Color;
pub use crate::numfmt::{format as format_value, Format};

/// A value as text in a template part.
pub(crate) fn display(expr: &Expr, v: &Dynamic, format: &Format) -> Result<String, ExprError> {
    if let Some(x) = as_number(v) {
        let x = super::typed::number(expr, &Dynamic::from_float(x))?;
        return Ok(format_value(x, *format));
    }
    if *format != Format::Auto {
        return Err(expr.error(format!("a number format needs a number, got {}", kind_of(v))));
    }
    if let Some(c) = v.clone().try_cast::<Color>() {
        return Ok(c.to_string());
    }
    match v.clone().into_immutable_string() {
        Ok(s) => Ok(s.to_string()),
        Err(_) if v.is_bool() || v.is_array() => Ok(v.to_string()),
        Err(_) => Err(expr.error(format!("cannot write {} in a text", kind_of(v)))),
    }
}
