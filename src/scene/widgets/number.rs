//! Numbers as figures print them.

/// Most decimals printed (more is noise on a figure, and `format!` panics on huge precisions).
pub const MAX_DECIMALS: usize = 6;

/// Formats a number the Portuguese way (decimal comma); with `percent`,
/// `v` is a fraction shown as a percentage.
pub fn format_number(v: f64, decimals: usize, percent: bool) -> String {
    let x = if percent { v * 100.0 } else { v };
    let decimals = decimals.min(MAX_DECIMALS);
    let s = format!("{x:.decimals$}").replace('.', ",");
    let s = if s.starts_with('-') && s.trim_start_matches(['-', '0', ',']).is_empty() {
        s[1..].to_string()
    } else {
        s
    };
    if percent {
        format!("{s}%")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_a_decimal_comma() {
        assert_eq!(format_number(0.4567, 1, true), "45,7%");
        assert_eq!(format_number(1.386294, 2, false), "1,39");
        assert_eq!(format_number(-0.0001, 2, false), "0,00");
        assert_eq!(format_number(3.0, 0, false), "3");
    }
}
