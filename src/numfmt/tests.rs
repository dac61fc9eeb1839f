use super::*;

fn f(v: f64, spec: &str) -> String {
    format(v, Format::parse(spec).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn fixed_uses_a_decimal_comma_and_drops_the_sign_of_zero() {
    assert_eq!(f(1.386294, ".2"), "1,39");
    assert_eq!(f(1.386294, ".2f"), "1,39");
    assert_eq!(f(3.0, ".0"), "3");
    assert_eq!(f(-1.5, ".1f"), "-1,5");
    assert_eq!(f(-0.0001, ".2f"), "0,00");
    assert_eq!(f(-0.0, ".0f"), "0");
    assert_eq!(f(-0.4, ".0"), "0");
    assert_eq!(f(0.125, ".2"), "0,12"); // the binary value, rounded: Rust's rule
    assert_eq!(f(2.5, ".0"), "2");
}

#[test]
fn thousands_are_grouped_from_five_digits() {
    assert_eq!(f(2026.0, ".0"), "2026");
    assert_eq!(f(9999.0, "d"), "9999");
    assert_eq!(f(-9999.4, ".1f"), "-9999,4");
    assert_eq!(f(10000.0, ".0"), "10.000");
    assert_eq!(f(1234567.5, ".1f"), "1.234.567,5");
    assert_eq!(f(-1234567.5, ".1f"), "-1.234.567,5");
    assert_eq!(f(123456.0, "d"), "123.456");
    assert_eq!(f(100000.0, ".2"), "100.000,00");
    assert_eq!(f(-12345.678, ".2"), "-12.345,68");
    assert_eq!(f(123.4567, ".3%"), "12.345,670%");
    assert_eq!(format(98765.4321, Format::Auto), "98.765,4321");
    assert_eq!(format_tick(10000.0), "10.000");
    assert_eq!(format_tick(8000.0), "8000");
}

#[test]
fn identifiers_are_never_grouped() {
    assert_eq!(f(30771.0, "i"), "30771");
    assert_eq!(f(-50257.4, "i"), "-50257");
    assert_eq!(f(-0.2, "i"), "0");
}

#[test]
fn whole_numbers_round_half_away_from_zero() {
    assert_eq!(f(2.5, "d"), "3");
    assert_eq!(f(-2.5, "d"), "-3");
    assert_eq!(f(-0.4, "d"), "0");
    assert_eq!(f(0.01234, "d"), "0");
}

#[test]
fn percentages() {
    assert_eq!(f(0.4567, ".1%"), "45,7%");
    assert_eq!(f(0.4567, "%1"), "45,7%");
    assert_eq!(f(0.4567, "%"), "46%");
    assert_eq!(f(0.01234, ".1%"), "1,2%");
    assert_eq!(f(-0.00001, ".1%"), "0,0%");
    assert_eq!(f(-0.25, ".0%"), "-25%");
    assert_eq!(f(150.0, "%0"), "15.000%");
}

#[test]
fn auto_drops_trailing_zeros() {
    assert_eq!(format(0.01234, Format::Auto), "0,01234");
    assert_eq!(format(2.0, Format::Auto), "2");
    assert_eq!(format(-1.5, Format::Auto), "-1,5");
    assert_eq!(format(-0.0000001, Format::Auto), "0");
    assert_eq!(format(1.0 / 3.0, Format::Auto), "0,333333");
}

#[test]
fn ticks_have_at_most_two_decimals() {
    assert_eq!(format_tick(0.0), "0");
    assert_eq!(format_tick(2.5), "2,5");
    assert_eq!(format_tick(3.0), "3");
    assert_eq!(format_tick(0.125), "0,12");
    assert_eq!(format_tick(-0.001), "-1 × 10⁻³");
    // Float noise in a computed tick is zero.
    assert_eq!(format_tick(1e-17), "0");
    assert_eq!(format_tick(-2.25), "-2,25");
    assert_eq!(format_tick(2.9999999999), "3");
}

#[test]
fn scientific_e_keeps_its_old_spelling() {
    assert_eq!(f(0.01234, ".2e"), "1,23e-2");
    assert_eq!(f(-0.0, ".1e"), "0,0e0");
    assert_eq!(f(-0.01234, ".1e"), "-1,2e-2");
    assert_eq!(f(123456.0, ".0e"), "1e5");
}

#[test]
fn times_ten_to_the_is_written_as_a_book_prints_it() {
    assert_eq!(f(6e-4, ".0x"), "6 × 10⁻⁴");
    assert_eq!(f(6e-4, ".1x"), "6,0 × 10⁻⁴");
    assert_eq!(f(0.01234, ".2x"), "1,23 × 10⁻²");
    assert_eq!(f(-3.0e-5, ".1x"), "-3,0 × 10⁻⁵");
    assert_eq!(f(123456.0, ".1x"), "1,2 × 10⁵");
    assert_eq!(f(2.5, ".1x"), "2,5 × 10⁰");
    assert_eq!(f(6.02e23, ".2x"), "6,02 × 10²³");
    assert_eq!(f(1e-10, ".0x"), "1 × 10⁻¹⁰");
    // Rounding carries into the exponent.
    assert_eq!(f(9.96e-5, ".1x"), "1,0 × 10⁻⁴");
    // Zero has no exponent, and no sign.
    assert_eq!(f(0.0, ".1x"), "0,0");
    assert_eq!(f(-0.0, ".0x"), "0");
}

#[test]
fn significant_digits_drop_trailing_zeros() {
    assert_eq!(f(0.012345, ".3g"), "0,0123");
    assert_eq!(f(1.5, ".3g"), "1,5");
    assert_eq!(f(2.0, ".3g"), "2");
    assert_eq!(f(1234.5, ".3g"), "1230");
    assert_eq!(f(123456.0, ".3g"), "123.000");
    assert_eq!(f(3.21, ".1g"), "3");
    assert_eq!(f(-0.00098765, ".2g"), "-0,00099");
    assert_eq!(f(9.996, ".3g"), "10");
    assert_eq!(f(99996.0, ".3g"), "100.000");
    assert_eq!(f(0.0, ".3g"), "0");
    assert_eq!(f(-0.0, ".3g"), "0");
    assert_eq!(f(3e-5, ".2g"), "0,00003");
    // Past the range where writing it out is sensible: × 10ⁿ.
    assert_eq!(f(1.234e-20, ".3g"), "1,23 × 10⁻²⁰");
    assert_eq!(f(5e22, ".2g"), "5,0 × 10²²");
}

#[test]
fn nan_and_infinities_are_words_not_digits() {
    for spec in [".2f", ".2e", ".1x", ".3g", "d", "i"] {
        assert_eq!(f(f64::NAN, spec), "NaN", "{spec}");
        assert_eq!(f(f64::INFINITY, spec), "∞", "{spec}");
        assert_eq!(f(f64::NEG_INFINITY, spec), "-∞", "{spec}");
    }
    assert_eq!(f(f64::NAN, ".1%"), "NaN%");
    assert_eq!(f(f64::INFINITY, "%0"), "∞%");
    assert_eq!(format(f64::NAN, Format::Auto), "NaN");
    assert_eq!(format_tick(f64::INFINITY), "∞");
}

#[test]
fn formats_parse_and_bad_ones_say_what_is_allowed() {
    assert_eq!(Format::parse(".2"), Ok(Format::Fixed(2)));
    assert_eq!(Format::parse(".3g"), Ok(Format::Significant(3)));
    assert_eq!(Format::parse(".1x"), Ok(Format::Times(1)));
    assert_eq!(Format::parse("%2"), Ok(Format::Percent(2)));
    let bad = Format::parse(".2q").unwrap_err();
    assert!(bad.contains(".Nx") && bad.contains(".Ng"), "{bad}");
    assert!(Format::parse("q").is_err());
    assert!(Format::parse(".").is_err());
    assert!(Format::parse(".2ff").is_err());
    assert!(Format::parse("%x").is_err());
    assert!(Format::parse(".-1").is_err());
    assert!(Format::parse(".9").unwrap_err().contains("at most 6 decimals"));
    assert!(Format::parse(".99999999999999999999").is_err());
    assert!(Format::parse(".0g").unwrap_err().contains("1 to 15"));
    assert!(Format::parse(".16g").is_err());
    assert_eq!(Format::parse(".15g"), Ok(Format::Significant(15)));
}

#[test]
fn clamped_decimals_never_panic() {
    assert_eq!(format(1.0, Format::Fixed(usize::MAX)), "1,000000");
    assert_eq!(format(1.0, Format::Significant(usize::MAX)), "1");
    assert_eq!(format(f64::MAX, Format::Times(2)), "1,80 × 10³⁰⁸");
    assert_eq!(format(f64::MIN_POSITIVE, Format::Significant(2)), "2,2 × 10⁻³⁰⁸");
}

#[test]
fn small_ticks_are_written_in_the_books_scientific_form() {
    assert_eq!(format_tick(2e-4), "2 × 10⁻⁴");
    assert_eq!(format_tick(6.5e-4), "6,5 × 10⁻⁴");
    assert_eq!(format_tick(-1.25e-5), "-1,25 × 10⁻⁵");
    assert_eq!(format_tick(0.0), "0");
    assert_eq!(format_tick(0.5), "0,5");
    assert_eq!(format_tick(0.01), "0,01");
}
