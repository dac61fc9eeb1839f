//! Numbers as anim writes them on screen, the Portuguese way: one
//! implementation for the widgets' printed values, the bound texts'
//! placeholders (`{p:.2}`), the templates of computing scenes
//! (`{x:.2f}`, `{lr:.1x}`) and a chart's tick labels.
//!
//! - A decimal comma: `0,42`.
//! - A `.` between thousands when the integer part has five digits or
//!   more: `10.000`, `1.234.567,5`; four digits stay together (`2026`,
//!   `8000`), the usual book rule for running text (docs/scene-format.md,
//!   "Numbers computed by anim").
//! - A value that rounds to zero is written without its sign: `0,00`, never
//!   `-0,00`.
//! - NaN is `NaN`, the infinities `∞` and `-∞` (a `%` format keeps its sign).
//!
//! Depends on nothing: `expr` and `scene` both use it.

/// Most decimals printed (more is noise on a figure, and a huge precision
/// would make `format!` allocate without bound).
pub const MAX_DECIMALS: usize = 6;
/// Most significant digits of `.Ng` (an f64 holds about 15 exact ones).
pub const MAX_SIGNIFICANT: usize = 15;

/// How a number is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Up to six decimals, trailing zeros dropped (a template part without
    /// a format; other values are written as themselves).
    Auto,
    /// `.Nf` or `.N`: exactly N decimals.
    Fixed(usize),
    /// `.Ne`: `1,23e-2`.
    Scientific(usize),
    /// `.Nx`: `1,23 × 10⁻²`, as a book prints it.
    Times(usize),
    /// `.Ng`: N significant digits, trailing zeros dropped.
    Significant(usize),
    /// `.N%` or `%N`: a fraction as a percentage with N decimals.
    Percent(usize),
    /// `d`: a whole number (rounded half away from zero).
    Integer,
    /// `i`: a whole number with no thousands separator, for identifiers
    /// (token ids, codes).
    Digits,
}

impl Format {
    /// Reads the part of a placeholder after its `:`.
    pub fn parse(spec: &str) -> Result<Format, String> {
        let bad = || format!("unknown format `:{spec}`: use .Nf, .N, .Ne, .Nx, .Ng, .N%, %N, d or i");
        match spec {
            "d" => return Ok(Format::Integer),
            "i" => return Ok(Format::Digits),
            "%" => return Ok(Format::Percent(0)),
            _ => {}
        }
        // anim's older `{value:%1}` spelling of `.1%`.
        if let Some(d) = spec.strip_prefix('%') {
            return match d.parse::<usize>() {
                Ok(_) => Format::parse(&format!(".{d}%")),
                Err(_) => Err(bad()),
            };
        }
        let rest = spec.strip_prefix('.').ok_or_else(bad)?;
        let digits_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = rest[..digits_len].parse().map_err(|_| bad())?;
        let kind = &rest[digits_len..];
        if kind == "g" {
            if !(1..=MAX_SIGNIFICANT).contains(&n) {
                return Err(format!(
                    "`:{spec}` needs 1 to {MAX_SIGNIFICANT} significant digits"
                ));
            }
            return Ok(Format::Significant(n));
        }
        if n > MAX_DECIMALS {
            return Err(format!("at most {MAX_DECIMALS} decimals in `:{spec}`"));
        }
        match kind {
            "" | "f" => Ok(Format::Fixed(n)),
            "e" => Ok(Format::Scientific(n)),
            "x" => Ok(Format::Times(n)),
            "%" => Ok(Format::Percent(n)),
            _ => Err(bad()),
        }
    }
}

/// `v` written in `format` (decimals above the limits are clamped to them).
pub fn format(v: f64, format: Format) -> String {
    let percent = matches!(format, Format::Percent(_));
    if !v.is_finite() {
        let s = if v.is_nan() {
            "NaN"
        } else if v > 0.0 {
            "∞"
        } else {
            "-∞"
        };
        return if percent { format!("{s}%") } else { s.to_string() };
    }
    match format {
        Format::Auto => trimmed(v, MAX_DECIMALS),
        Format::Fixed(n) => fixed(v, n.min(MAX_DECIMALS), true),
        Format::Percent(n) => format!("{}%", fixed(v * 100.0, n.min(MAX_DECIMALS), true)),
        Format::Integer => fixed(v.round(), 0, true),
        Format::Digits => fixed(v.round(), 0, false),
        Format::Scientific(n) => scientific(v, n.min(MAX_DECIMALS)),
        Format::Times(n) => times(v, n.min(MAX_DECIMALS)),
        Format::Significant(n) => significant(v, n.clamp(1, MAX_SIGNIFICANT)),
    }
}

/// A chart's tick label: whole numbers without decimals, others with up to
/// two; a tick under 0,01 (a learning rate) in the book's scientific form,
/// `2 × 10⁻⁴`, with as few decimals as it needs (up to two).
pub fn format_tick(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e-12 && v.abs() < 0.01 {
        (0..=2)
            .map(|n| times(v, n))
            .find(|t| (parse_times(t) - v).abs() <= v.abs() * 1e-9)
            .unwrap_or_else(|| times(v, 2))
    } else if v.is_finite() {
        trimmed(v, 2)
    } else {
        format(v, Format::Auto)
    }
}

/// The number a `times` string writes (for choosing its decimals).
fn parse_times(t: &str) -> f64 {
    let sup = |c: char| match c {
        '⁰' => Some('0'),
        '¹' => Some('1'),
        '²' => Some('2'),
        '³' => Some('3'),
        '⁴' => Some('4'),
        '⁵' => Some('5'),
        '⁶' => Some('6'),
        '⁷' => Some('7'),
        '⁸' => Some('8'),
        '⁹' => Some('9'),
        '⁻' => Some('-'),
        _ => None,
    };
    let Some((m, e)) = t.split_once(" × 10") else {
        return f64::NAN;
    };
    let e: String = e.chars().filter_map(sup).collect();
    let m: f64 = m.replace(',', ".").parse().unwrap_or(f64::NAN);
    m * 10f64.powi(e.parse().unwrap_or(0))
}

/// Up to `n` decimals, trailing zeros (and a bare comma) dropped.
fn trimmed(v: f64, n: usize) -> String {
    let s = fixed(v, n, true);
    if s.contains(',') {
        s.trim_end_matches('0').trim_end_matches(',').to_string()
    } else {
        s
    }
}

/// `n` decimals, a decimal comma, thousands grouped when `group`.
fn fixed(v: f64, n: usize, group: bool) -> String {
    let s = format!("{v:.n$}");
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.as_str()),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let zero = int.bytes().chain(frac.bytes()).all(|b| b == b'0');
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    if neg && !zero {
        out.push('-');
    }
    out.push_str(&if group { grouped(int) } else { int.to_string() });
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// The digits of an integer part with a `.` every three from the right,
/// when there are five or more.
fn grouped(int: &str) -> String {
    if int.len() < 5 {
        return int.to_string();
    }
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Rust's `{:.ne}` split into (negative, mantissa digits with a comma, exponent).
fn exponent_parts(v: f64, n: usize) -> (bool, String, i32) {
    let s = format!("{:.n$e}", v.abs());
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    (v < 0.0, m.replace('.', ","), e.parse().unwrap_or(0))
}

/// `1,23e-2`.
fn scientific(v: f64, n: usize) -> String {
    let (neg, m, e) = exponent_parts(v, n);
    let zero = m.bytes().all(|b| b == b'0' || b == b',');
    format!("{}{m}e{e}", if neg && !zero { "-" } else { "" })
}

/// `1,23 × 10⁻²`; zero is `0` with its decimals.
fn times(v: f64, n: usize) -> String {
    let (neg, m, e) = exponent_parts(v, n);
    if m.bytes().all(|b| b == b'0' || b == b',') {
        return m;
    }
    format!("{}{m} × 10{}", if neg { "-" } else { "" }, superscript(e))
}

/// An integer in superscript digits, `⁻` for its minus.
fn superscript(e: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = String::new();
    if e < 0 {
        out.push('⁻');
    }
    for b in e.unsigned_abs().to_string().bytes() {
        out.push(DIGITS[usize::from(b - b'0')]);
    }
    out
}

/// `n` significant digits written out in full, trailing zeros dropped;
/// outside 10⁻¹⁵..10²¹ (where that would be a row of zeros), as `.Nx`
/// with `n − 1` decimals.
fn significant(v: f64, n: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let s = format!("{:.*e}", n - 1, v.abs());
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    if !(-15..21).contains(&e) {
        return times(v, n - 1);
    }
    let digits: String = m.chars().filter(char::is_ascii_digit).collect();
    let (int, frac) = if e >= 0 {
        let k = e as usize + 1;
        let mut int = digits.get(..k.min(digits.len())).unwrap_or("").to_string();
        while int.len() < k {
            int.push('0');
        }
        (int, digits.get(k..).unwrap_or("").to_string())
    } else {
        let zeros = "0".repeat((-e - 1) as usize);
        ("0".to_string(), format!("{zeros}{digits}"))
    };
    let frac = frac.trim_end_matches('0');
    let sign = if v < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{}", grouped(&int))
    } else {
        format!("{sign}{},{frac}", grouped(&int))
    }
}

#[cfg(test)]
mod tests;
