//! The cost of a formula: `cargo bench --bench math`.
//!
//! Groups: `math/first_layout` (a formula never laid out before: a fresh
//! source each iteration, so neither anim's cache nor Typst's memo helps —
//! what an edit in the preview costs), `math/cached` (the same formula
//! again: what a reload of an unchanged formula costs), and
//! `math/load_scene` (loading tests/fixtures/math.ron, seven formulas, with
//! every formula already cached), and `math/reload_fresh_loader` (the
//! same with a fresh loader, as the preview reloads on each save). Figures in
//! benches/README.md ("Formulas and code").
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use anim::math::Typesetter;
use anim::scene::Loader;
use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let font = std::fs::read(root.join("assets/fonts").join(anim::math::FONT_FILE)).unwrap();
    let t = Typesetter::new(font).unwrap();
    let mut g = c.benchmark_group("math");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    let mut n = 0u64;
    g.bench_function("first_layout", |b| {
        b.iter(|| {
            n += 1;
            // A new number each time: a formula nobody has laid out.
            let f = format!("\"softmax\"((Q K^T) / sqrt(d_k)) V + sum_(i=1)^{n} y_i log hat(y)_i");
            t.typeset(&f, 35.0, true).unwrap()
        })
    });
    g.bench_function("cached", |b| {
        b.iter(|| {
            t.typeset("\"softmax\"((Q K^T) / sqrt(d_k)) V", 35.0, true)
                .unwrap()
        })
    });
    let loader = Loader::new(&root).unwrap();
    let scene = root.join("tests/fixtures/math.ron");
    loader.load(&scene).unwrap();
    g.bench_function("load_scene", |b| b.iter(|| loader.load(&scene).unwrap()));
    // What the preview does on each save: a fresh loader (fonts read again), the same scene.
    g.bench_function("reload_fresh_loader", |b| {
        b.iter(|| Loader::new(&root).unwrap().load(&scene).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
