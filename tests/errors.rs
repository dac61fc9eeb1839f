//! The corpus of broken scene files in tests/bad-scenes: each must be
//! rejected by `anim check` and `anim render` with exit code 2 (render
//! writing nothing), one readable message naming
//! the file (and line:column where the problem has one), no panic and no
//! backtrace. The first line of each file says what the message must contain.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn anim() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_anim"));
    c.current_dir(root()).env("RUST_BACKTRACE", "1");
    c
}

fn check(path: &Path) -> (i32, String) {
    let out = anim().arg("check").arg(path).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_broken_scene_is_a_clear_error() {
    let dir = root().join("tests/bad-scenes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "the corpus has only {} files", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let head = String::from_utf8_lossy(&std::fs::read(f).unwrap())
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        let expect = head.strip_prefix("// expect: ").unwrap_or("").trim();
        let (code, err) = check(f);
        let name = f.file_name().unwrap().to_string_lossy();
        if code != 2 {
            failures.push(format!("{name}: exit code {code}, expected 2\n{err}"));
            continue;
        }
        if err.contains("panicked") || err.contains("stack backtrace") || err.contains("RUST_BACKTRACE") {
            failures.push(format!("{name}: panicked\n{err}"));
            continue;
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
        let r = anim()
            .args(["render", "--scene"])
            .arg(f)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        if r.status.code() != Some(2) || out.exists() {
            failures.push(format!(
                "{name}: render exited {:?} and {} the output folder",
                r.status.code(),
                if out.exists() { "created" } else { "did not create" }
            ));
            let _ = std::fs::remove_dir_all(&out);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// Errors found after parsing (an unknown target, say) still point at the
/// line and column of the step that has them.
#[test]
fn semantic_errors_carry_line_and_column() {
    let cases = [
        ("unknown-target.ron", ":12:9: FadeOut: unknown element \"nope\""),
        ("past-the-end.ron", ":11:9: FadeIn: runs until 4.80 s"),
        ("duplicate-name.ron", ":9:22: duplicate name \"a\""),
        ("negative-duration.ron", ":11:9: FadeIn: dur must be"),
        ("syntax-missing-comma.ron", ":7:39:"),
        ("unknown-field-box.ron", ":7:58:"),
    ];
    for (file, want) in cases {
        let (code, err) = check(&root().join("tests/bad-scenes").join(file));
        assert_eq!(code, 2, "{file}");
        assert!(err.contains(want), "{file}: expected {want:?} in\n{err}");
        // The offending line is quoted under the message, with a caret.
        assert!(
            err.contains(" | ") && err.contains('^'),
            "{file}: no snippet in\n{err}"
        );
    }
}

#[test]
fn a_very_large_file_is_refused_before_parsing() {
    let dir = std::env::temp_dir().join(format!("anim-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("large.ron");
    let mut src = String::from("(\n    size: (800, 450),\n    duration: 4.0,\n    elements: [\n");
    while src.len() < 5 * 1024 * 1024 {
        src.push_str("        Circle(at: (1, 1), radius: 1),\n");
    }
    src.push_str("    ],\n)\n");
    std::fs::write(&f, src).unwrap();
    let (code, err) = check(&f);
    assert_eq!(code, 2);
    assert!(err.contains("scene files are limited to"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn good_scenes_pass_check() {
    let out = anim().arg("check").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.lines().all(|l| l.starts_with("ok ")), "{stdout}");
}
