//! Reference-image checks shared by the GPU tests.
//!
//! A reference lives at `tests/references/<name>.png`. A missing reference
//! fails the test (it never blesses itself); `ANIM_BLESS=1 cargo test` writes
//! the current output as the new reference, on purpose. On a mismatch the
//! expected, actual and diff images are written to `tests/output/`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use anim::image::{compare, RgbaImage};

/// The chapter's five figures, in order.
pub const CHAPTER_SCENES: [&str; 5] = [
    "01-pipeline-treinamento",
    "02-cross-entropy",
    "03-loop-treinamento",
    "04-decoding-strategies",
    "05-checkpoints",
];

/// The chapter's figures this build can load, in order. A figure with a
/// formula (`Math`) is an error by design without the `math` feature
/// (README: "Without FFmpeg or X11"), so the pure build tests the others
/// and the default build tests all five.
#[allow(dead_code)]
pub fn chapter_scenes() -> Vec<&'static str> {
    CHAPTER_SCENES
        .into_iter()
        .filter(|name| cfg!(feature = "math") || !needs_math(&root().join(format!("scenes/{name}.ron"))))
        .collect()
}

/// Whether the scene file at `path` sets a formula.
#[allow(dead_code)]
pub fn needs_math(path: &std::path::Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|s| s.contains("Math("))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Tolerance of a reference test.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// A pixel counts as different when a channel differs by more than this (0..=255).
    pub channel: u8,
    /// The test fails when more than this fraction of pixels differ.
    pub max_fraction: f64,
}

/// Set on lavapipe (Mesa 22.3.6, llvmpipe LLVM 15): renders there are
/// byte-identical run to run; this leaves room for another rasteriser's
/// sample positions along edges and rounding in sRGB encoding.
pub const DEFAULT_TOLERANCE: Tolerance = Tolerance {
    channel: 8,
    max_fraction: 0.005,
};

pub fn check_reference(name: &str, actual: &RgbaImage, tol: Tolerance) {
    let refs = root().join("tests/references");
    let path = refs.join(format!("{name}.png"));
    if std::env::var_os("ANIM_BLESS").is_some() {
        std::fs::create_dir_all(&refs).unwrap();
        actual.save_png(&path).unwrap();
        eprintln!("blessed {}", path.display());
        return;
    }
    let out = root().join("tests/output");
    let save_actual = || {
        std::fs::create_dir_all(&out).unwrap();
        let p = out.join(format!("{name}.actual.png"));
        actual.save_png(&p).unwrap();
        p
    };
    if !path.exists() {
        let p = save_actual();
        panic!(
            "missing reference {}; the output is at {}. Look at it, then re-run with ANIM_BLESS=1 to accept it.",
            path.display(),
            p.display()
        );
    }
    let expected = RgbaImage::load_png(&path).unwrap();
    let Some((diff, diff_img)) = compare(&expected, actual, tol.channel) else {
        let p = save_actual();
        panic!(
            "{name}: size {}x{} differs from the reference's {}x{} (actual at {})",
            actual.width,
            actual.height,
            expected.width,
            expected.height,
            p.display()
        );
    };
    if diff.fraction_over > tol.max_fraction {
        let p = save_actual();
        expected
            .save_png(&out.join(format!("{name}.expected.png")))
            .unwrap();
        diff_img.save_png(&out.join(format!("{name}.diff.png"))).unwrap();
        panic!(
            "{name}: {:.3}% of pixels differ by more than {} (max diff {}), tolerance {:.3}%; see {}",
            diff.fraction_over * 100.0,
            tol.channel,
            diff.max,
            tol.max_fraction * 100.0,
            p.with_extension("").display()
        );
    }
}
