//! The corpus of broken scene files in tests/bad-scenes: each must be
//! rejected by `anim check` and `anim render --png-only` with exit code 2
//! (render writing nothing), one readable message naming the file (and
//! line:column where the problem has one), no panic and no backtrace. The
//! first line of each file says what the message must contain.
//!
//! Every case runs under a memory ceiling ([`DATA_LIMIT`]), so input that
//! makes anim allocate without bound (`/dev/zero` as a CSV, a small PNG
//! declaring a huge image) fails the test by a kill or an abort instead of
//! passing slowly on a machine with memory to spare. Cases that cannot be
//! files in git (a FIFO, a 1 GiB-declaring PNG, a 1 MB scene) are made in a
//! temporary folder by [`generated_cases`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "cli/support.rs"]
mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::TempDir;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// RLIMIT_DATA for every run here: the heap and private writable mappings
/// (what a `Vec` or a decoded image takes), unlike RLIMIT_AS not the
/// address space Vulkan and LLVM reserve. Measured on lavapipe: `anim
/// check` needs under 64 MiB, a 1920x1080 `render --png-only` under
/// 192 MiB; decoding a 16384² PNG needs 1 GiB.
const DATA_LIMIT: u64 = 512 * 1024 * 1024;

/// `anim` under the memory ceiling (`prlimit`, util-linux).
fn anim() -> Command {
    let mut c = Command::new("prlimit");
    c.arg(format!("--data={DATA_LIMIT}"))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_anim"))
        .current_dir(root())
        .env("RUST_BACKTRACE", "1");
    c
}

/// After this long a run counts as hung (opening a FIFO blocks until a
/// writer comes): a guard against waiting forever, far above the fraction
/// of a second a case takes, not a speed check.
const HANG: Duration = Duration::from_secs(300);

/// How a run ended: its exit code (`None` when a signal ended it: a kill
/// at the memory ceiling, an abort, or [`HANG`]) and its stderr.
fn run(c: &mut Command) -> (Option<i32>, String) {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, Ordering::Relaxed);
    let err_path = std::env::temp_dir().join(format!("anim-errors-{}-{n}.stderr", std::process::id()));
    let err_file = std::fs::File::create(&err_path).unwrap();
    let mut child = c
        .stdout(Stdio::null())
        .stderr(err_file)
        .spawn()
        .expect("cannot run prlimit (util-linux)");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_file(&err_path);
    if status.is_none() {
        err.push_str(&format!("\n(hung: killed after {} s)", HANG.as_secs()));
    }
    (status.and_then(|s| s.code()), err)
}

fn check(path: &Path) -> (Option<i32>, String) {
    run(anim().arg("check").arg(path))
}

/// What the first line of a case says its message must contain (a
/// byte-order mark and any line ending, CR-only included, are skipped).
fn expectation(f: &Path) -> String {
    let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
    let head = text
        .trim_start_matches('\u{feff}')
        .split(['\n', '\r'])
        .next()
        .unwrap_or("");
    // `// expect[math]: …` is a case about formulas: built without the
    // `math` feature, anim says so instead.
    if let Some(e) = head.strip_prefix("// expect[math]: ") {
        return if cfg!(feature = "math") {
            e.trim().to_string()
        } else {
            "without the `math` feature".to_string()
        };
    }
    let name = f.file_name().unwrap_or_default().to_string_lossy();
    if name.starts_with("code-") && !cfg!(feature = "code") {
        // Without the feature every Code is refused first, by name.
        return "this anim was built without the `code` feature".to_string();
    }
    head.strip_prefix("// expect: ").unwrap_or("").trim().to_string()
}

/// Runs one case through `check` and `render --png-only`; a failure is
/// described in `failures`.
fn check_case(f: &Path, expect: &str, failures: &mut Vec<String>) {
    let name = f.file_name().unwrap().to_string_lossy().into_owned();
    let (code, err) = check(f);
    if code != Some(2) {
        failures.push(format!(
            "{name}: check ended with {code:?}, expected exit code 2\n{err}"
        ));
        return;
    }
    if err.contains("panicked") || err.contains("stack backtrace") || err.contains("RUST_BACKTRACE") {
        failures.push(format!("{name}: panicked\n{err}"));
        return;
    }
    if !err.contains(&*name) {
        failures.push(format!("{name}: the message does not name the file\n{err}"));
    }
    if expect != "(any error)" && !err.contains(expect) {
        failures.push(format!(
            "{name}: expected the message to contain {expect:?}\n{err}"
        ));
    }
    // `render` refuses it the same way and writes nothing.
    let out = std::env::temp_dir().join(format!("anim-bad-{}-{name}", std::process::id()));
    let (code, err) = run(anim()
        .args(["render", "--png-only", "--scene"])
        .arg(f)
        .arg("--out")
        .arg(&out));
    if code != Some(2) || out.exists() {
        failures.push(format!(
            "{name}: render ended with {code:?} and {} the output folder\n{err}",
            if out.exists() { "created" } else { "did not create" }
        ));
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// A scene of one element and no steps; `head` adds scene fields.
fn one_element_scene(expect: &str, head: &str, element: &str) -> String {
    format!(
        "// expect: {expect}\n(\n    size: (800, 450),\n    duration: 4.0,{head}\n    elements: [\n        {element},\n    ],\n)\n"
    )
}

/// A valid 16384x16384 RGBA PNG of zeros: about 1 MiB on disk, 1 GiB decoded.
fn write_huge_png(path: &Path) {
    const SIDE: u32 = 16384;
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut enc = png::Encoder::new(file, SIDE, SIDE);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fastest);
    let mut writer = enc.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let row = vec![0u8; SIDE as usize * 4];
    for _ in 0..SIDE {
        stream.write_all(&row).unwrap();
    }
    stream.finish().unwrap();
}

/// The cases that cannot live in git, written into `dir`: (scene file,
/// what its message must contain).
fn generated_cases(dir: &Path) -> Vec<(PathBuf, String)> {
    let fifo = dir.join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let png = dir.join("huge.png");
    write_huge_png(&png);
    let chart = |csv: &Path| {
        format!(
            "LineChart(name: \"c\", at: (400, 200), size: (400, 200), series: [(csv: \"{}\", x: \"a\", y: \"b\")])",
            csv.display()
        )
    };
    let points = vec!["(1, 1)"; 100_001].join(", ");
    let cases = [
        (
            "fifo-as-csv.ron",
            one_element_scene("it is a FIFO (named pipe)", "", &chart(&fifo)),
        ),
        (
            "fifo-as-theme.ron",
            one_element_scene(
                "it is a FIFO (named pipe)",
                &format!("\n    theme: \"{}\",", fifo.display()),
                "Box(at: (200, 150), size: (200, 80))",
            ),
        ),
        (
            "huge-declared-png.ron",
            one_element_scene(
                "image 16384x16384 px: each side must be 1..=4096",
                "",
                &format!("Image(name: \"i\", at: (100, 100), path: \"{}\")", png.display()),
            ),
        ),
        (
            "line-too-many-points.ron",
            one_element_scene(
                "a line needs 2..=100000 points, got 100001",
                "",
                &format!("Line(points: [{points}])"),
            ),
        ),
    ];
    cases
        .into_iter()
        .map(|(name, src)| {
            let path = dir.join(name);
            std::fs::write(&path, &src).unwrap();
            (path, expectation(&dir.join(name)))
        })
        .collect()
}

#[test]
fn every_broken_scene_is_a_clear_error_under_a_memory_ceiling() {
    let dir = root().join("tests/bad-scenes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "the corpus has only {} files", files.len());
    let temp = TempDir::new("generated-cases");
    let mut cases: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|f| {
            let e = expectation(&f);
            (f, e)
        })
        .collect();
    cases.extend(generated_cases(&temp.0));
    let mut failures = Vec::new();
    for (f, expect) in &cases {
        check_case(f, expect, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The ceiling is not so low that it fails everything: a real render fits.
#[test]
fn a_normal_scene_renders_under_the_memory_ceiling() {
    let out = TempDir::new("ceiling-ok");
    let (code, err) = run(anim()
        .args([
            "render",
            "--png-only",
            "--scene",
            "scenes/03-loop-treinamento.ron",
            "-q",
            "--out",
        ])
        .arg(&out.0));
    assert_eq!(code, Some(0), "{err}");
    assert!(out.0.join("03-loop-treinamento.png").exists());
}

/// Errors found after parsing (an unknown target, say) still point at the
/// line and column of what has them: the step, or the field's value.
#[test]
fn semantic_errors_carry_line_and_column() {
    let cases = [
        ("unknown-target.ron", ":12:25: FadeOut: unknown element \"nope\""),
        ("past-the-end.ron", ":11:9: FadeIn: runs until 4.80 s"),
        ("duplicate-name.ron", ":9:22: duplicate name \"a\""),
        ("negative-duration.ron", ":11:34: FadeIn: dur must be"),
        ("syntax-missing-comma.ron", ":7:39:"),
        ("unknown-field-box.ron", ":7:58:"),
        // After a byte-order mark, with CRLF endings: the same place.
        ("bom-crlf-syntax.ron", ":7:39: Expected comma"),
        // On the colour, not the element's name.
        ("path-unknown-stroke.ron", ":7:57: unknown colour \"rosa\""),
        // On the character the font lacks.
        ("missing-glyph.ron", ":7:54: font Sans has no glyph"),
        (
            "mono-superscript-minus.ron",
            ":7:60: font Mono has no glyph for '⁻'",
        ),
        // A number format a bound text does not know: on the format.
        ("bad-number-format.ron", ":8:55: unknown format `:.2q`"),
        ("fps-float.ron", ":4:10: `fps` must be a whole number"),
        ("csv-extra-cell.ron", ":7:79: "),
        // On the first row that is wrong.
        ("heatmap-ragged-rows.ron", ":11:13: row 3 has 5 values"),
        // Expressions: on the offending token inside the string.
        ("expr-unknown-name.ron", ":6:36: unknown name `m`"),
        ("expr-syntax-error.ron", ":5:35: unexpected '*'"),
        ("expr-fails-later.ron", ":6:42: sqrt of a negative number"),
        (
            "component-unknown-param.ron",
            ":6:36: component `Chip` has no parameter `size`",
        ),
        // Inside a container's later child, measured before the earlier
        // children are placed: still that child's own line.
        (
            "layout-error-in-later-child.ron",
            ":11:53: unknown colour \"nocolor\"",
        ),
        (
            "layout-arrow-in-container.ron",
            ":11:17: an Arrow joins two elements",
        ),
        // A loop's name that is taken (`e` is the constant): on the name.
        ("for-name-taken.ron", ":7:19: `e` is already a value here"),
    ];
    let mut cases = cases.to_vec();
    if cfg!(feature = "math") {
        // Typst's message, on the name inside the formula's string; the
        // character the maths font lacks; the refused `#`.
        cases.push(("math-typst-error.ron", ":7:51: formula: unknown variable: sqrtt"));
        cases.push(("math-missing-glyph.ron", ":7:51: formula: the maths font"));
        cases.push(("math-code-refused.ron", ":7:49: formula: a formula is maths only"));
    }
    for (file, want) in cases {
        let (code, err) = check(&root().join("tests/bad-scenes").join(file));
        assert_eq!(code, Some(2), "{file}");
        assert!(err.contains(want), "{file}: expected {want:?} in\n{err}");
        // The offending line is quoted under the message, with a caret.
        assert!(
            err.contains(" | ") && err.contains('^'),
            "{file}: no snippet in\n{err}"
        );
    }
}

/// A Code's errors point at the field: the language, the file, the text.
#[cfg(feature = "code")]
#[test]
fn code_errors_point_at_the_field() {
    let cases = [
        (
            "code-unknown-language.ron",
            ":6:63: language: unknown language \"pyhton\"",
        ),
        (
            "code-missing-file.ron",
            ":6:45: cannot read code file tests/fixtures/code/missing.py: ",
        ),
        ("code-src-and-file.ron", ":6:59: Code takes its text"),
        ("code-line-too-long.ron", ":6:44: line 2 has 208"),
    ];
    for (file, want) in cases {
        let (code, err) = check(&root().join("tests/bad-scenes").join(file));
        assert_eq!(code, Some(2), "{file}");
        assert!(err.contains(want), "{file}: expected {want:?} in\n{err}");
    }
}

/// A theme's error names the theme file and the scene line that asked for it.
#[test]
fn a_theme_error_names_the_scene_too() {
    let (_, err) = check(&root().join("tests/bad-scenes/theme-malformed.ron"));
    assert!(
        err.contains("tests/fixtures/themes/missing-comma.ron:12:9: Expected comma (the theme of ")
            && err.contains("theme-malformed.ron:6:12)"),
        "{err}"
    );
}

#[test]
fn a_very_large_file_is_refused_before_parsing() {
    let dir = TempDir::new("large");
    let f = dir.0.join("large.ron");
    let mut src = String::from("(\n    size: (800, 450),\n    duration: 4.0,\n    elements: [\n");
    while src.len() < 5 * 1024 * 1024 {
        src.push_str("        Circle(at: (1, 1), radius: 1),\n");
    }
    src.push_str("    ],\n)\n");
    std::fs::write(&f, src).unwrap();
    let (code, err) = check(&f);
    assert_eq!(code, Some(2));
    assert!(err.contains("scene files are limited to"), "{err}");
}

/// Every scene in scenes/ passes `anim check`; in a build without the
/// `math` feature, those with a formula are refused naming the feature
/// (by design) and the others pass.
#[test]
fn good_scenes_pass_check() {
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(root().join("scenes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    scenes.sort();
    let formula = |p: &PathBuf| std::fs::read_to_string(p).unwrap().contains("Math(");
    if !cfg!(feature = "math") {
        for p in scenes.iter().filter(|p| formula(p)) {
            let (code, err) = check(p);
            assert_eq!(code, Some(2), "{err}");
            assert!(err.contains("without the `math` feature"), "{err}");
        }
        scenes.retain(|p| !formula(p));
    }
    let out = anim().arg("check").args(&scenes).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.lines().all(|l| l.starts_with("ok ")), "{stdout}");
}
