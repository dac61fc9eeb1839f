//! Evaluation is bounded: each hostile expression stops with a clear error
//! (asserted) quickly (printed: `cargo test -- --nocapture` shows the times).

use std::time::Instant;

use super::*;

/// The error of evaluating `src` as a number, and the time it took.
fn stops(src: &str) -> ExprError {
    let engine = Engine::new();
    let mut v = Values::new(&["t"]);
    let start = Instant::now();
    let result = v
        .compile(&engine, src, Origin::default())
        .and_then(|e| v.eval_number(&engine, &e));
    let shown: String = src.chars().take(60).collect();
    println!(
        "{shown:?}: {:?} in {:.1?}",
        result.as_ref().map_err(|e| &e.message),
        start.elapsed()
    );
    result.unwrap_err()
}

#[test]
fn an_endless_loop_stops() {
    for src in [
        "loop {}",
        "let x = 0; while true { x += 1 } x",
        "for i in range(100000) { for j in range(100000) {} } 1",
    ] {
        let e = stops(src);
        assert!(e.message.contains("runs too long"), "{src}: {e}");
    }
}

#[test]
fn deep_recursion_stops_even_on_a_small_thread_stack() {
    // The preview reloads scenes on a 512 KiB thread: recursion must hit the
    // call-depth limit long before the native stack.
    let worker = std::thread::Builder::new().stack_size(512 * 1024);
    let msg = worker
        .spawn(|| {
            let e = stops("fn f(x) { f(x + 1) + 1 } f(0)");
            let g = stops("let f = |x| x; fn g(n) { if n > 0 { g(n - 1) + 1 } else { 0 } } g(1000000)");
            (e.message, g.message)
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(msg.0.contains("calls nest too deeply"), "{}", msg.0);
    assert!(msg.1.contains("calls nest too deeply"), "{}", msg.1);
}

#[test]
fn deep_nesting_is_a_parse_error() {
    let worker = std::thread::Builder::new().stack_size(512 * 1024);
    let msg = worker
        .spawn(|| {
            let src = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
            stops(&src).message
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(msg.contains("nested too deeply"), "{msg}");
}

#[test]
fn huge_lists_are_refused_before_they_are_made() {
    for src in [
        "len(range(100000000))",
        "len(range(0, 1e300, 1))",
        "len(linspace(0, 1, 100000000))",
    ] {
        let e = stops(src);
        assert!(e.message.contains("at most 100000"), "{src}: {e}");
    }
    for src in [
        "let a = []; loop { a.push(1) } 1",
        "let a = [1]; pad(a, 100000000, 0); 1",
        "let a = [1]; loop { a += a } 1",
    ] {
        let e = stops(src);
        // Growing one item at a time is slow in Rhai (it re-measures the
        // list): the clock or the operation count may stop it first.
        assert!(
            e.message.contains("too large") || e.message.contains("runs too long"),
            "{src}: {e}"
        );
    }
}

#[test]
fn huge_strings_and_maps_are_refused() {
    let e = stops("let s = \"x\"; loop { s += s } 1");
    assert!(e.message.contains("too large"), "{e}");
    let e = stops("let m = #{}; let i = 0; loop { m[`k${i}`] = i; i += 1 } 1");
    assert!(
        e.message.contains("too large") || e.message.contains("runs too long"),
        "{e}"
    );
}

/// A tiny deterministic generator (xorshift), so the test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn garbage_never_panics() {
    let pieces = [
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "|x|",
        "x",
        "t",
        "1",
        "0",
        "-",
        "+",
        "*",
        "/",
        "%",
        "**",
        ",",
        ";",
        ".",
        "\"",
        "`",
        "${",
        "#{",
        ":",
        "=",
        "==",
        "let ",
        "fn ",
        "loop",
        "if ",
        "else",
        "for ",
        " in ",
        "range",
        "softmax",
        "sum",
        "map",
        "ramp",
        "mix",
        "\"#ff0000\"",
        "1e308",
        "0.5",
        "é",
        "\\",
        "'",
        "\n",
        "sqrt",
        "log",
        "pad",
        "call",
    ];
    let engine = Engine::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = Instant::now();
    for _ in 0..3000 {
        let n = 1 + rng.next() % 12;
        let src: String = (0..n)
            .map(|_| pieces[(rng.next() % pieces.len() as u64) as usize])
            .collect();
        let mut v = Values::new(&["t"]);
        if let Ok(e) = v.compile(&engine, &src, Origin::at(7)) {
            let _ = v.eval_number(&engine, &e);
            let _ = v.eval_string(&engine, &e);
        }
        let _ = Template::parse(&engine, &v, &src, Origin::default());
        // Each error maps into a file without panicking.
        if let Err(e) = v.compile(&engine, &src, Origin::at(3)) {
            let _ = e
                .to_scene_error(std::path::Path::new("s.ron"), &format!("xx {src}"))
                .to_string();
            let _ = e.to_scene_error(std::path::Path::new("s.ron"), "").to_string();
        }
    }
    println!("3000 random expressions in {:.1?}", start.elapsed());
}
