use super::*;

fn typesetter() -> Typesetter {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/fonts")
        .join(FONT_FILE);
    Typesetter::new(std::fs::read(path).expect("the maths font")).expect("a maths font")
}

#[test]
fn a_fraction_has_a_bar_and_glyphs_from_both_sides() {
    let t = typesetter();
    let f = t.typeset("a / b", 40.0, true).expect("lays out");
    let rules = f.glyphs.iter().filter(|g| g.key == rule_key()).count();
    assert_eq!(rules, 1, "one fraction bar");
    assert_eq!(f.glyphs.len(), 3);
    let a = f.glyphs.iter().find(|g| g.range == (0..1)).expect("the a");
    let b = f.glyphs.iter().find(|g| g.range == (4..5)).expect("the b");
    assert!(
        a.origin.y < b.origin.y,
        "the numerator sits above the denominator"
    );
    assert!(f.size.x > 10.0 && f.size.y > 40.0, "{:?}", f.size);
}

#[test]
fn the_same_formula_comes_from_the_cache() {
    let t = typesetter();
    let a = t.typeset("sqrt(x)", 30.0, true).expect("lays out");
    let b = t.typeset("sqrt(x)", 30.0, true).expect("lays out");
    assert!(Arc::ptr_eq(&a, &b));
}

#[test]
fn typst_errors_point_into_the_formula() {
    let t = typesetter();
    let e = t
        .typeset("x + sqrtt(y)", 30.0, true)
        .expect_err("unknown function");
    assert!(e.message.contains("sqrtt"), "{e:?}");
    assert_eq!(e.range, Some(4..9));
    let e = t.typeset("frac(a, b", 30.0, true).expect_err("unclosed");
    assert!(e.range.is_some(), "{e:?}");
}

#[test]
fn code_and_dollars_are_refused_before_typst_sees_them() {
    let t = typesetter();
    let e = t
        .typeset("x #read(\"/etc/passwd\")", 30.0, true)
        .expect_err("code");
    assert_eq!(e.range, Some(2..3));
    let e = t.typeset("a $ b", 30.0, true).expect_err("dollar");
    assert_eq!(e.range, Some(2..3));
    assert!(t.typeset("\\# + \\$", 30.0, true).is_ok());
}

#[test]
fn a_missing_glyph_is_an_error_at_it() {
    let t = typesetter();
    let e = t
        .typeset("x + 漢", 30.0, true)
        .expect_err("no CJK in the maths font");
    assert!(e.message.contains('漢'), "{e:?}");
    assert_eq!(e.range, Some(4..7));
}

#[test]
fn sums_matrices_and_roots_lay_out() {
    let t = typesetter();
    for f in [
        "sum_(i=1)^n y_i log hat(y)_i",
        "mat(1, 2; 3, 4)",
        "sqrt(d_k)",
        "\"softmax\"((Q K^T) / sqrt(d_k)) V",
    ] {
        let laid = t.typeset(f, 30.0, true).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(!laid.glyphs.is_empty(), "{f}");
    }
}
