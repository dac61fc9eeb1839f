//! Unit tests of the expression engine; the limits are in `tests_bounds.rs`.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::color::Color;

/// Values with input `t` and the given declarations.
fn values(engine: &Engine, decls: &[(&str, &str)]) -> Values {
    let mut v = Values::new(&["t"]);
    for (name, src) in decls {
        v.declare(engine, name, src, Origin::default()).unwrap();
    }
    v
}

fn number(src: &str) -> Result<f64, ExprError> {
    let engine = Engine::new();
    let mut v = values(&engine, &[]);
    let e = v.compile(&engine, src, Origin::default())?;
    v.eval_number(&engine, &e)
}

#[test]
fn arithmetic_and_functions() {
    let cases = [
        ("1 + 2 * 3", 7.0),
        ("1 / 2", 0.5),
        ("7 / 2", 3.5),
        ("2 ** 10", 1024.0),
        ("pow(2, 0.5) * sqrt(2)", 2.0),
        ("exp(0) + ln(e) + log(1)", 2.0),
        ("log10(1000)", 3.0),
        ("abs(-3) + floor(2.7) + ceil(2.1) + round(2.5)", 11.0),
        ("sin(0) + cos(0) + tan(0)", 1.0),
        ("min(3, 4.5) + max(3, 4.5)", 7.5),
        ("clamp(5, 0, 1) + clamp(-1, 0, 1)", 1.0),
        ("lerp(10, 20, 0.25)", 12.5),
        ("sum([1, 2, 3.5])", 6.5),
        ("len(range(10))", 10.0),
        ("range(2, 10, 3)[2]", 8.0),
        ("cumsum([1, 2, 3])[2]", 6.0),
        ("sum(softmax([1, 2, 3]))", 1.0),
        ("max([1, 9, 3]) - min([4, 2])", 7.0),
        ("argmax([0.1, 0.7, 0.2])", 1.0),
        ("sum(range(4).map(|i| i * i))", 14.0),
        ("let s = 0; for i in range(5) { s += i } s", 10.0),
        ("if 2 > 1 { pi } else { 0 }", std::f64::consts::PI),
        ("linspace(0, 1, 5)[3]", 0.75),
    ];
    for (src, want) in cases {
        let got = number(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert!((got - want).abs() < 1e-9, "{src} = {got}, want {want}");
    }
}

#[test]
fn softmax_is_stable_and_tempered() {
    let engine = Engine::new();
    let mut v = values(&engine, &[]);
    let e = v
        .compile(&engine, "softmax([1000, 1000, 1000 + ln(2)])", Origin::default())
        .unwrap();
    let p = v.eval_list(&engine, &e).unwrap();
    assert!((p[2] - 0.5).abs() < 1e-12 && (p[0] - 0.25).abs() < 1e-12, "{p:?}");
    let e = v
        .compile(&engine, "softmax([0, ln(2)], 0.5)", Origin::default())
        .unwrap();
    let p = v.eval_list(&engine, &e).unwrap();
    assert!((p[1] - 0.8).abs() < 1e-12, "{p:?}");
}

#[test]
fn decoding_strategies_and_seeded_draws() {
    let cases = [
        ("exp(entropy([0.25, 0.25, 0.25, 0.25]))", 4.0),
        ("entropy([1, 0, 0])", 0.0),
        ("top_k([0.5, 0.2, 0.3], 2)[2]", 0.375),
        ("top_k([0.5, 0.2, 0.3], 2)[1]", 0.0),
        ("top_p([0.5, 0.2, 0.3], 0.8)[0]", 0.625),
        ("sum(top_p([0.5, 0.2, 0.3], 0.8))", 1.0),
        ("len(sample([0.5, 0.5], 3, 7))", 7.0),
        ("sample([0, 1, 0], 42, 5).reduce(|s, i| s + i, 0)", 5.0),
    ];
    for (src, want) in cases {
        let got = number(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        assert!((got - want).abs() < 1e-9, "{src} = {got}, want {want}");
    }
    let same = number("sample([0.3, 0.3, 0.4], 9, 8).reduce(|s, i| s * 3 + i, 0)").unwrap();
    assert_eq!(
        same,
        number("sample([0.3, 0.3, 0.4], 9, 8).reduce(|s, i| s * 3 + i, 0)").unwrap()
    );
    for (src, what) in [
        ("top_k([0.5, 0.5], 0)[0]", "k must be at least 1"),
        ("top_p([0.5, 0.5], 1.5)[0]", "p must be in (0, 1]"),
        ("entropy([0.5, 2])", "probability 1 is not in [0, 1]"),
        ("len(sample([0, 0], 1, 1))", "sample"),
    ] {
        let e = number(src).unwrap_err().to_string();
        assert!(e.contains(what), "{src}: {e}");
    }
}

#[test]
fn domain_errors_point_at_the_call() {
    let cases = [
        ("1 + 2 / 0", "division by zero", 6),
        ("1.0 / 0.0", "division by zero", 4),
        ("sqrt(-1)", "sqrt of a negative number", 0),
        ("2 * log(0)", "log of a number that is not positive", 4),
        ("range(0, 5, 0)", "the step must be a non-zero number", 0),
        ("mean([])", "mean of an empty list", 0),
    ];
    for (src, msg, col) in cases {
        let e = number(src).unwrap_err();
        assert!(e.message.contains(msg), "{src}: {}", e.message);
        assert_eq!(e.at, col, "{src}: {e}");
    }
}

#[test]
fn results_must_be_finite_numbers_of_the_right_kind() {
    let e = number("1e308 * 10").unwrap_err();
    assert!(e.message.contains("infinite"), "{e}");
    let e = number("[1, 2]").unwrap_err();
    assert_eq!(e.message, "expected a number, got a list");
    let e = number("\"x\"").unwrap_err();
    assert_eq!(e.message, "expected a number, got a string");
    let engine = Engine::new();
    let mut v = values(&engine, &[]);
    let e = v.compile(&engine, "[1, 2, 3]", Origin::default()).unwrap();
    let err = v.eval_point(&engine, &e).unwrap_err();
    assert!(err.message.contains("point"), "{err}");
    let e = v.compile(&engine, "[1, \"a\"]", Origin::default()).unwrap();
    let err = v.eval_list(&engine, &e).unwrap_err();
    assert!(err.message.contains("item 1 is a string"), "{err}");
}

#[test]
fn unknown_names_are_errors_at_their_column_in_the_file() {
    let file = "(\n  x: \"= 2 * widht + 1\",\n)";
    let start = file.find("2 *").unwrap();
    let engine = Engine::new();
    let v = values(&engine, &[("width", "10")]);
    let err = v
        .compile(&engine, "2 * widht + 1", Origin::at(start))
        .unwrap_err();
    assert_eq!(err.message, "unknown name `widht`");
    let shown = err.to_scene_error(Path::new("s.ron"), file).to_string();
    assert!(shown.starts_with("s.ron:2:13: unknown name `widht`"), "{shown}");
    assert!(shown.ends_with("|             ^"), "{shown:?}");
}

#[test]
fn syntax_errors_map_lines_and_columns_inside_the_expression() {
    let file = "values: {\n  w: r#\"let a = 1;\n     a +* 2\"#,\n}";
    let start = file.find("let a").unwrap();
    let src = "let a = 1;\n     a +* 2";
    let engine = Engine::new();
    let v = values(&engine, &[]);
    let err = v.compile(&engine, src, Origin::at(start)).unwrap_err();
    let shown = err.to_scene_error(Path::new("s.ron"), file);
    assert_eq!(shown.location.map(|l| (l.line, l.col)), Some((3, 9)), "{shown}");
    // Not verbatim (an escape in the RON string): the caret goes to the start.
    let err = v.compile(&engine, "\"a\" +* 1", Origin::at(3)).unwrap_err();
    let shown = err.to_scene_error(Path::new("s.ron"), "xx \\\"a\\\" +* 1");
    assert_eq!(shown.location.map(|l| l.col), Some(4));
}

#[test]
fn runtime_errors_carry_the_file_offset() {
    let file = "x: \"= 1 + sqrt(t - 5)\"";
    let start = file.find("1 +").unwrap();
    let engine = Engine::new();
    let mut v = values(&engine, &[]);
    let e = v.compile(&engine, "1 + sqrt(t - 5)", Origin::at(start)).unwrap();
    v.set("t", 1.0);
    let err = v.eval_number(&engine, &e).unwrap_err();
    assert_eq!(err.offset, file.find("sqrt").unwrap(), "{err}");
    assert!(err.message.contains("sqrt of a negative number (-4)"), "{err}");
}

#[test]
fn an_error_inside_another_values_closure_is_placed_at_the_call() {
    let engine = Engine::new();
    let mut v = values(&engine, &[("f", "|x| sqrt(x - 5)")]);
    let e = v.compile(&engine, "1 + f.call(t)", Origin::at(20)).unwrap();
    let err = v.eval_number(&engine, &e).unwrap_err();
    assert_eq!(err.message, "in `f`: sqrt of a negative number (-5)");
    assert_eq!(err.at, "1 + f.".len(), "at `call`: {err:?}");
    // A closure of the expression itself keeps the inner position.
    let e = v
        .compile(&engine, "let g = |x| sqrt(x - 5); g.call(t)", Origin::default())
        .unwrap();
    let err = v.eval_number(&engine, &e).unwrap_err();
    assert_eq!(err.at, "let g = |x| ".len(), "{err:?}");
}

#[test]
fn free_names_are_exact() {
    let engine = Engine::new();
    let v = values(&engine, &[("w", "[1, 2]"), ("k", "2 * t")]);
    let free = |src: &str| {
        v.compile(&engine, src, Origin::default())
            .unwrap()
            .free_names()
            .to_vec()
    };
    assert_eq!(free("sin(t) * w[0]"), ["t", "w"]);
    assert_eq!(free("range(3).map(|t| t * 2)"), Vec::<String>::new());
    assert_eq!(free("range(3).map(|t| t * 2)[0] + t"), ["t"]);
    assert_eq!(free("let w = 3; w + 1"), Vec::<String>::new());
    assert_eq!(free("k + pi"), ["k", "pi"]);
    let e = v.compile(&engine, "w[1] + pi", Origin::default()).unwrap();
    assert!(!v.is_animated(&e) && e.depends_on("w") && !e.depends_on("t"));
    let e = v.compile(&engine, "k * 2", Origin::default()).unwrap();
    assert!(v.is_animated(&e), "k reads t, so whatever reads k is animated");
}

#[test]
fn values_in_order_constants_once_animated_per_frame() {
    let engine = Engine::new();
    let mut v = values(
        &engine,
        &[
            ("n", "8"),
            ("logits", "range(n).map(|i| -0.5 * i)"),
            ("p", "softmax(logits)"),
            ("x", "p[0] * t"),
            ("label", "`n = ${n}`"),
        ],
    );
    assert_eq!(v.get("n"), Some(Value::Number(8.0)));
    assert_eq!(v.get("label"), Some(Value::Str("n = 8".into())));
    let Some(Value::List(p)) = v.get("p") else {
        panic!()
    };
    assert_eq!(p.len(), 8);
    let e = v.compile(&engine, "x * 2", Origin::default()).unwrap();
    v.set("t", 1.0);
    let a = v.eval_number(&engine, &e).unwrap();
    v.set("t", 2.0);
    let b = v.eval_number(&engine, &e).unwrap();
    assert!((b - 2.0 * a).abs() < 1e-12 && a > 0.0);
    // A later value cannot be used before it is declared.
    let mut v2 = Values::new(&["t"]);
    let err = v2.declare(&engine, "a", "b + 1", Origin::default()).unwrap_err();
    assert_eq!(err.message, "value `a`: unknown name `b`");
    let err = v.declare(&engine, "n", "1", Origin::default()).unwrap_err();
    assert!(err.message.contains("declared twice"), "{err}");
    let err = v.declare(&engine, "bad", "0 / 0", Origin::default()).unwrap_err();
    assert_eq!(err.message, "value `bad`: division by zero");
}

#[test]
fn expressions_cannot_change_values() {
    let engine = Engine::new();
    let mut v = values(&engine, &[("n", "1")]);
    let e = v.compile(&engine, "n = 5; n", Origin::default()).unwrap();
    let err = v.eval_number(&engine, &e).unwrap_err();
    assert!(err.message.contains("cannot be changed"), "{err}");
    let e = v.compile(&engine, "t = 5; t", Origin::default()).unwrap();
    assert!(v.eval_number(&engine, &e).is_err());
}

#[test]
fn no_eval_no_print_no_modules() {
    for src in ["eval(\"1\")", "import \"x\" as y; 1"] {
        assert!(number(src).is_err(), "{src}");
    }
    // print and debug go nowhere (and do not fail).
    assert_eq!(number("print(\"hi\"); debug(1); 3").unwrap(), 3.0);
}

#[test]
fn colours_mix_in_oklab_and_resolve_theme_names() {
    let palette: Palette =
        Arc::new(|name: &str| (name == "accent").then(|| Color::from_hex("#1f6feb").unwrap()));
    let engine = Engine::with_palette(palette.clone());
    let mut v = values(&engine, &[]);
    let colour = |v: &mut Values, src: &str| {
        let e = v.compile(&engine, src, Origin::default()).unwrap();
        v.eval_color(&engine, &e, &palette)
    };
    assert_eq!(colour(&mut v, "\"accent\"").unwrap().to_string(), "#1f6feb");
    assert_eq!(
        colour(&mut v, "mix(\"#000000\", \"accent\", 1)")
            .unwrap()
            .to_string(),
        "#1f6feb"
    );
    assert_eq!(
        colour(&mut v, "ramp([\"#ffffff\", \"#000000\"], 0)")
            .unwrap()
            .to_string(),
        "#ffffff"
    );
    // Oklab's middle grey between black and white is sRGB ~#636363 (L = 0.5).
    let mid = colour(&mut v, "mix(\"#000000\", \"#ffffff\", 0.5)")
        .unwrap()
        .to_rgba8();
    assert!(
        mid[0] == mid[1] && mid[1] == mid[2] && (95..=104).contains(&mid[0]),
        "{mid:?}"
    );
    let three = colour(&mut v, "ramp([\"#ff0000\", \"#00ff00\", \"#0000ff\"], 0.5)").unwrap();
    assert_eq!(three.to_string(), "#00ff00");
    assert_eq!(colour(&mut v, "\"#ff000080\"").unwrap().to_rgba8()[3], 128);
    let err = colour(&mut v, "mix(\"acent\", \"#000000\", 0.5)").unwrap_err();
    assert!(err.message.contains("unknown colour \"acent\""), "{err}");
    let err = colour(&mut v, "3").unwrap_err();
    assert_eq!(err.message, "expected a colour, got a number");
}

#[test]
fn oklab_round_trips_8bit_colours() {
    for hex in ["#000000", "#ffffff", "#1f6feb", "#f0883e", "#3fb950", "#ff00ff"] {
        let c = Color::from_hex(hex).unwrap();
        let back = Oklab::from_srgb(c).to_srgb(1.0);
        assert_eq!(back.to_string(), hex);
    }
}

#[test]
fn templates_format_numbers_the_books_way() {
    let engine = Engine::new();
    let mut v = values(
        &engine,
        &[
            ("lr", "|step| 3e-4 * min(1, step / 100)"),
            ("step", "50"),
            ("p", "0.1234"),
        ],
    );
    let t = Template::parse(
        &engine,
        &v,
        "lr = {lr.call(step):.2e} ({p:.1%}), p={p}, {p:.2f} {p:.3} {step:d} {{x}}",
        Origin::default(),
    )
    .unwrap();
    assert_eq!(
        t.render(&engine, &mut v).unwrap(),
        "lr = 1,50e-4 (12,3%), p=0,1234, 0,12 0,123 50 {x}"
    );
    assert!(!t.is_literal());
    assert_eq!(t.free_names(), ["lr", "step", "p"]);
    assert_eq!(format_value(-0.0001, Format::Fixed(2)), "0,00");
    let old = Template::parse(&engine, &v, "{p:%1}", Origin::default()).unwrap();
    assert_eq!(old.render(&engine, &mut v).unwrap(), "12,3%");
    assert_eq!(format_value(-0.0, Format::Scientific(1)), "0,0e0");
    assert_eq!(format_value(2.0, Format::Auto), "2");
    assert_eq!(format_value(-1.5, Format::Auto), "-1,5");
    let t = Template::parse(
        &engine,
        &v,
        "{#{a: 1}.a} {if p > 0 { \"}\" } else { \"\" }}",
        Origin::default(),
    )
    .unwrap();
    assert_eq!(t.render(&engine, &mut v).unwrap(), "1 }");
}

#[test]
fn templates_write_book_notation_significant_digits_and_thousands() {
    let engine = Engine::new();
    let mut v = values(&engine, &[("lr", "6e-4"), ("n", "1234567.5"), ("id", "50257")]);
    let t = Template::parse(
        &engine,
        &v,
        "{lr:.0x} {lr:.1x} {lr:.2g} {n} {n:.0f} {n:d} {id:i} {id:d} {2026}",
        Origin::default(),
    )
    .unwrap();
    assert_eq!(
        t.render(&engine, &mut v).unwrap(),
        "6 × 10⁻⁴ 6,0 × 10⁻⁴ 0,0006 1.234.567,5 1.234.568 1.234.568 50257 50.257 2026"
    );
}

#[test]
fn template_errors_point_at_their_part() {
    let engine = Engine::new();
    let v = values(&engine, &[("p", "0.5")]);
    let text = "a {p:.2f} b {q + 1} c";
    let err = Template::parse(&engine, &v, text, Origin::at(10)).unwrap_err();
    assert_eq!(err.message, "unknown name `q`");
    assert_eq!(err.offset, 10 + text.find('q').unwrap());
    for (bad, msg) in [
        ("{p:.9f}", "at most 6 decimals"),
        ("{p:x}", "unknown format"),
        ("{p", "unclosed"),
        ("a } b", "lone `}`"),
        ("{}", "empty"),
    ] {
        let err = Template::parse(&engine, &v, bad, Origin::default()).unwrap_err();
        assert!(err.message.contains(msg), "{bad}: {err}");
    }
    let mut v = values(&engine, &[("s", "\"x\"")]);
    let t = Template::parse(&engine, &v, "{s:.2f}", Origin::default()).unwrap();
    let err = t.render(&engine, &mut v).unwrap_err();
    assert!(err.message.contains("needs a number, got a string"), "{err}");
}

#[test]
fn engine_and_expressions_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Engine>();
    send_sync::<Expr>();
    send_sync::<Values>();
    send_sync::<Template>();
}
