//! The expression engine's per-frame cost: `cargo bench --bench expr`.
//!
//! Groups: `expr/frame_200` (a scope of 200 animated values, re-evaluated as
//! one frame: 190 waves of `t` and 10 softmax rows over 8 logits that move
//! with `t`), `expr/one_value` (one of those waves alone), `expr/template`
//! (a caption with two formatted numbers), `expr/load_200` (declaring the
//! 200 values: compile + name checks), `expr/scene_200_circles` and
//! `expr/scene_200_points` (a whole scene's `evaluate` with 200 animated
//! bound values: 200 circles placed by them, or one line through them). Target (issue 17): a frame under 1 ms
//! on the 2-core machine. Figures in docs/expressions.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use anim::expr::{Engine, Origin, Template, Values};
use criterion::{criterion_group, criterion_main, Criterion};

/// The 200 declarations: (name, source).
fn decls() -> Vec<(String, String)> {
    let mut d: Vec<(String, String)> = (0..190)
        .map(|i| (format!("v{i}"), format!("0.5 + 0.5 * sin(t * 2.0 + {i})")))
        .collect();
    for r in 0..10 {
        d.push((
            format!("row{r}"),
            format!("softmax(range(8).map(|k| if k > {r} {{ -1e9 }} else {{ cos(t + k) }}))"),
        ));
    }
    d
}

fn load(engine: &Engine) -> Values {
    let mut v = Values::new(&["t"]);
    for (name, src) in decls() {
        v.declare(engine, &name, &src, Origin::default()).unwrap();
    }
    v
}

fn bench(c: &mut Criterion) {
    let engine = Engine::new();
    let mut g = c.benchmark_group("expr");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    let mut values = load(&engine);
    let mut frame = 0u32;
    g.bench_function("frame_200", |b| {
        b.iter(|| {
            frame += 1;
            values.set("t", frame as f64 / 60.0);
            values.update(&engine).unwrap();
        })
    });
    let mut one = Values::new(&["t"]);
    one.declare(&engine, "v", "0.5 + 0.5 * sin(t * 2.0 + 7)", Origin::default())
        .unwrap();
    g.bench_function("one_value", |b| {
        b.iter(|| {
            frame += 1;
            one.set("t", frame as f64 / 60.0);
            one.update(&engine).unwrap();
        })
    });
    let caption = Template::parse(
        &engine,
        &values,
        "v = {v3:.2f}, p = {row9[2]:.1%}",
        Origin::default(),
    )
    .unwrap();
    g.bench_function("template", |b| {
        b.iter(|| caption.render(&engine, &mut values).unwrap())
    });
    g.bench_function("load_200", |b| b.iter(|| load(&engine)));
    // Whole scenes: `evaluate(scene, t)` (values, elements written again,
    // parsed, resolved and painted) for 200 bound values.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let loader = anim::scene::Loader::new(root).unwrap();
    for (name, elements) in [
        // 200 elements, each placed by an animated value.
        (
            "scene_200_circles",
            "For(each: \"i\", in: 200, body: [ Circle(at: \"{[40 + 8 * i, 300 + 100 * sin(t * 2.0 + i)]}\", radius: 4, fill: \"primary\") ])",
        ),
        // One line whose 200 points are animated values.
        (
            "scene_200_points",
            "Line(points: \"{range(200).map(|i| [40 + 8 * i, 300 + 100 * sin(t * 2.0 + i)])}\", color: \"primary\", width: 3)",
        ),
    ] {
        let src = format!("(size: (1920, 1080), duration: 10.0, elements: [ {elements} ])");
        let scene = loader.parse(&root.join("bench.ron"), &src).unwrap();
        g.bench_function(name, |b| {
            b.iter(|| {
                frame += 1;
                anim::eval::evaluate(&scene, (frame % 600) as f64 / 60.0)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
