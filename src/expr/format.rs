//! How template parts write values: numbers with the book's decimal comma.

use rhai::Dynamic;

use super::engine::Expr;
use super::error::ExprError;
use super::kind::{as_number, kind_of};
use super::limits::MAX_DECIMALS;
use crate::color::Color;

/// How a template part writes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Numbers with up to six decimals, trailing zeros trimmed; other
    /// values as themselves.
    Auto,
    Fixed(usize),
    Scientific(usize),
    Percent(usize),
    Integer,
}

impl Format {
    pub(crate) fn parse(spec: &str) -> Result<Format, String> {
        let bad = || format!("unknown format `:{spec}`: use .Nf, .N, .Ne, .N%, %N or d");
        if spec == "d" {
            return Ok(Format::Integer);
        }
        // anim's older `{value:%1}` spelling of `.1%`.
        if let Some(d) = spec.strip_prefix('%') {
            return Format::parse(&format!(".{d}%"));
        }
        let Some(rest) = spec.strip_prefix('.') else {
            return Err(bad());
        };
        let digits = rest.trim_end_matches(['f', 'e', '%']);
        let n: usize = digits.parse().map_err(|_| bad())?;
        if n > MAX_DECIMALS {
            return Err(format!("at most {MAX_DECIMALS} decimals in `:{spec}`"));
        }
        match &rest[digits.len()..] {
            "" | "f" => Ok(Format::Fixed(n)),
            "e" => Ok(Format::Scientific(n)),
            "%" => Ok(Format::Percent(n)),
            _ => Err(bad()),
        }
    }
}

/// `v` written in `format`, with a decimal comma; `-0,00` is written `0,00`.
pub fn format_value(v: f64, format: Format) -> String {
    let comma = |s: String| {
        let s = s.replace('.', ",");
        match s.strip_prefix('-') {
            Some(rest)
                if rest
                    .split('e')
                    .next()
                    .is_some_and(|m| m.trim_matches(['0', ',']).is_empty()) =>
            {
                rest.to_string()
            }
            _ => s,
        }
    };
    match format {
        Format::Auto => {
            let s = comma(format!("{v:.MAX_DECIMALS$}"));
            if s.contains(',') {
                s.trim_end_matches('0').trim_end_matches(',').to_string()
            } else {
                s
            }
        }
        Format::Fixed(n) => comma(format!("{v:.n$}")),
        Format::Scientific(n) => comma(format!("{v:.n$e}")),
        Format::Percent(n) => format!("{}%", comma(format!("{:.n$}", v * 100.0))),
        Format::Integer => comma(format!("{:.0}", v.round())),
    }
}

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
