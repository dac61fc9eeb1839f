//! A value checked to be what a field needs: a finite number.

use rhai::Dynamic;

use super::engine::Expr;
use super::error::ExprError;
use super::kind::{as_number, kind_of};

/// A number, finite.
pub(crate) fn number(expr: &Expr, v: &Dynamic) -> Result<f64, ExprError> {
    match as_number(v) {
        Some(x) => finite(expr, x),
        None => Err(expr.error(format!("expected a number, got {}", kind_of(v)))),
    }
}

pub(crate) fn finite(expr: &Expr, x: f64) -> Result<f64, ExprError> {
    if x.is_nan() {
        Err(expr.error("the result is NaN (not a number)"))
    } else if x.is_infinite() {
        Err(expr.error("the result is infinite"))
    } else {
        Ok(x)
    }
}
