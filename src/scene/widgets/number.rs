//! Numbers as figures print them: the widgets' entry to [`crate::numfmt`],
//! the one formatter (decimal comma, `10.000` from five digits).

use crate::numfmt::{format, Format};

pub use crate::numfmt::{format_tick, MAX_DECIMALS};

/// Formats a number the Portuguese way (decimal comma, thousands grouped
/// from five digits) with `decimals` decimals (at most [`MAX_DECIMALS`]);
/// with `percent`, `v` is a fraction shown as a percentage.
pub fn format_number(v: f64, decimals: usize, percent: bool) -> String {
    let decimals = decimals.min(MAX_DECIMALS);
    format(
        v,
        if percent {
            Format::Percent(decimals)
        } else {
            Format::Fixed(decimals)
        },
    )
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
        assert_eq!(format_number(12345.0, 0, false), "12.345");
        assert_eq!(format_number(1.0, 99, false), "1,000000");
    }
}
