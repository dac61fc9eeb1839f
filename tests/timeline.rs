//! Timeline and evaluation, without a GPU: timing rules, ordering and
//! overlap, boundaries, determinism, and the numbers widgets compute.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use anim::eval::{element_state, evaluate, Evaluator};
use anim::scene::model::{Kind, Param, StepKind};
use anim::scene::widgets::text::Text;
use anim::scene::{Loader, Scene};

fn loader() -> Loader {
    Loader::new(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn scene(elements: &str, timeline: &str, duration: f64) -> Scene {
    let src = format!(
        "(\n size: (800, 450),\n fps: 10,\n duration: {duration},\n elements: [\n{elements}\n ],\n timeline: [\n{timeline}\n ],\n)"
    );
    loader()
        .parse(Path::new("inline.ron"), &src)
        .unwrap_or_else(|e| panic!("{e}"))
}

const TWO_BOXES: &str = r#"Box(name: "a", at: (200, 150), size: (200, 80)),
Box(name: "b", at: (600, 150), size: (200, 80)),"#;

fn starts(s: &Scene) -> Vec<(String, f64, f64)> {
    s.steps
        .iter()
        .map(|st| (s.elements[st.target].name.clone().unwrap(), st.start, st.dur))
        .collect()
}

#[test]
fn steps_follow_each_other_unless_told_otherwise() {
    let s = scene(
        TWO_BOXES,
        r#"FadeIn(target: "a", dur: 1.0),
           FadeIn(target: "b", dur: 0.5),
           Move(target: "a", by: (10, 0), with_previous: true, delay: 0.1),
           Pulse(target: "b", at: 0.2, dur: 0.4),
           Wait(dur: 1.0),
           FadeOut(targets: ["a", "b"], stagger: 0.25, dur: 0.5),"#,
        6.0,
    );
    let got = starts(&s);
    let want: [(&str, f64, f64); 6] = [
        ("a", 0.0, 1.0),
        ("b", 0.2, 0.4), // Pulse at an absolute time, sorted by start
        ("b", 1.0, 0.5), // after the first step
        ("a", 1.1, 0.6), // with the previous (b's fade-in) + delay
        // Wait: Pulse ended at 0.6 → the wait runs 0.6..1.6, then the stagger.
        ("a", 1.6, 0.5),
        ("b", 1.85, 0.5),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((gn, gs, gd), (wn, ws, wd)) in got.iter().zip(want) {
        assert_eq!(
            (gn.as_str(), (gs * 1000.0).round(), *gd),
            (wn, (ws * 1000.0).round(), wd),
            "{got:?}"
        );
    }
}

#[test]
fn entrances_hide_until_they_start_and_boundaries_are_exact() {
    let s = scene(
        TWO_BOXES,
        r#"FadeIn(target: "a", at: 1.0, dur: 2.0, ease: Linear),"#,
        4.0,
    );
    let a = s.by_name["a"];
    assert_eq!(element_state(&s, a, 0.0).opacity, 0.0);
    assert_eq!(element_state(&s, a, 0.999).opacity, 0.0);
    assert_eq!(element_state(&s, a, 1.0).opacity, 0.0);
    assert!((element_state(&s, a, 2.0).opacity - 0.5).abs() < 1e-6);
    assert_eq!(element_state(&s, a, 3.0).opacity, 1.0);
    assert_eq!(element_state(&s, a, 4.0).opacity, 1.0);
    // b has no steps: visible from the start.
    assert_eq!(element_state(&s, s.by_name["b"], 0.0).opacity, 1.0);
    // The snapshot at t=0 draws only b (fill, stroke, no label).
    assert_eq!(evaluate(&s, 0.0).items.len(), 2);
    assert_eq!(evaluate(&s, 4.0).items.len(), 4);
}

#[test]
fn overlapping_steps_compose_in_start_order() {
    let s = scene(
        TWO_BOXES,
        r#"Move(target: "a", by: (100, 0), at: 0.0, dur: 2.0, ease: Linear),
           Move(target: "a", by: (0, 50), at: 1.0, dur: 2.0, ease: Linear),
           Scale(target: "a", to: 2.0, at: 0.0, dur: 1.0, ease: Linear),
           Scale(target: "a", to: 1.0, at: 3.0, dur: 1.0, ease: Linear),"#,
        4.0,
    );
    let a = s.by_name["a"];
    let st = |t| element_state(&s, a, t);
    assert_eq!(st(1.0).offset, glam::Vec2::new(50.0, 0.0));
    assert_eq!(st(2.0).offset, glam::Vec2::new(100.0, 25.0));
    assert_eq!(st(3.0).offset, glam::Vec2::new(100.0, 50.0));
    assert_eq!(st(0.5).scale, 1.5);
    assert_eq!(st(2.0).scale, 2.0, "holds its value between steps");
    assert_eq!(st(3.5).scale, 1.5, "the later step starts from the held value");
}

/// The video loop's `Evaluator` copies the items of elements drawn from the
/// same inputs as the frame before: every frame of every chapter scene must
/// still be exactly `evaluate`'s, with each item's key, also when frames are
/// skipped or asked out of order.
#[test]
fn the_memoising_evaluator_gives_exactly_evaluate() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let l = loader();
    let mut scenes: Vec<_> = std::fs::read_dir(root.join("scenes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .filter(|p| cfg!(feature = "math") || !common::needs_math(p))
        .collect();
    scenes.sort();
    assert!(scenes.len() >= 4);
    for path in scenes {
        let s = l.load(&path).unwrap();
        let mut ev = Evaluator::new(&s);
        let frames = (0..s.frame_count()).chain([7, 3, 400, 2]);
        for i in frames {
            let t = i as f64 / s.fps as f64;
            let (snap, keys) = ev.frame(t);
            let want = evaluate(&s, t);
            assert!(snap == want, "{}: frame {i} differs", path.display());
            let want_keys: Vec<u64> = want.items.iter().map(|i| i.key()).collect();
            assert_eq!(keys, want_keys, "{}: frame {i} keys", path.display());
        }
    }
}

#[test]
fn evaluation_is_pure_and_clamped() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let l = loader();
    let s = l.load(&root.join("scenes/03-loop-treinamento.ron")).unwrap();
    for t in [0.0, 1.0, 7.3, 12.0, s.duration] {
        assert_eq!(evaluate(&s, t), evaluate(&s, t), "t = {t}");
    }
    assert_eq!(evaluate(&s, -5.0), evaluate(&s, 0.0));
    assert_eq!(evaluate(&s, s.duration + 9.0), evaluate(&s, s.duration));
    assert_ne!(evaluate(&s, 6.0), evaluate(&s, 6.5));
    assert_eq!(s.frame_count(), (s.duration * s.fps as f64) as u64);
}

#[test]
fn counters_and_write_reveal_progressively() {
    let s = scene(
        r#"Text(name: "n", at: (400, 100), text: "passo {value:.0}", value: 0),
           Text(name: "w", at: (400, 300), text: "ação"),"#,
        r#"Count(target: "n", from: 10, to: 20, at: 1.0, dur: 1.0, ease: Linear),
           Write(target: "w", at: 0.0, dur: 1.0, ease: Linear),"#,
        3.0,
    );
    let n = s.by_name["n"];
    let v = |t| element_state(&s, n, t).params[&Param::Value];
    assert_eq!(v(0.5), 0.0);
    assert_eq!(v(1.0), 10.0);
    assert_eq!(v(1.5), 15.0);
    assert_eq!(v(3.0), 20.0);
    let Kind::Text(Text::Dynamic(t)) = &s.elements[n].kind else {
        panic!()
    };
    assert_eq!(t.template.fill(15.4, None, &t.tokens).unwrap(), "passo 15");
    // Write: glyphs appear one by one ("ação" has 4).
    let w = s.by_name["w"];
    assert_eq!(element_state(&s, w, 0.5).write, 0.5);
    let glyphs_at = |t| {
        let snap = evaluate(&s, t);
        snap.items.len()
    };
    assert!(glyphs_at(0.3) < glyphs_at(0.8));
}

#[test]
fn distribution_numbers_are_computed_from_logits() {
    let s = scene(
        r#"Distribution(name: "d", at: (400, 200), size: (500, 200), tokens: ["a", "b", "c"], logits: [2.0, 1.0, 0.1], target: 1, trained_logits: [0.0, 3.0, 0.0]),
           Text(name: "l", at: (400, 400), text: "p = {p:.3} L = {loss:.3}", bind: "d"),"#,
        r#"Set(target: "d", param: "training", to: 1.0, at: 1.0, dur: 1.0, ease: Linear),
           Set(target: "d", param: "temperature", to: 2.0, at: 2.0, dur: 1.0),"#,
        3.0,
    );
    let d = s.by_name["d"];
    let Kind::Distribution(dist) = &s.elements[d].kind else {
        panic!()
    };
    let v0 = anim::eval::dist_values(dist, &element_state(&s, d, 0.0).params).unwrap();
    // softmax([2, 1, 0.1]) = [0.659001, 0.242433, 0.098566]
    assert!((v0.raw[1] - 0.242433).abs() < 1e-6);
    // −ln 0.242433 = −(ln 0.25 + ln 0.969732) = 1.386294 + 0.030735 = 1.417029
    assert!((v0.loss.unwrap() - 1.417029).abs() < 1e-5);
    let Kind::Text(Text::Dynamic(t)) = &s.elements[s.by_name["l"]].kind else {
        panic!()
    };
    assert_eq!(
        t.template.fill(0.0, Some(&v0), &t.tokens).unwrap(),
        "p = 0,242 L = 1,417"
    );
    // After training: logits [0, 3, 0] → p(b) = e³/(e³+2) = 0.909443, L = 0.094923.
    let v1 = anim::eval::dist_values(dist, &element_state(&s, d, 2.0).params).unwrap();
    assert!((v1.p_target.unwrap() - 0.909443).abs() < 1e-6);
    assert!((v1.loss.unwrap() - 0.094923).abs() < 1e-5);
    assert!(v1.loss < v0.loss);
    // At T = 2: softmax([0, 1.5, 0]) → p(b) = e^1.5/(e^1.5+2) = 4.481689/6.481689 = 0.691438.
    let v2 = anim::eval::dist_values(dist, &element_state(&s, d, 3.0).params).unwrap();
    assert!(
        (v2.p_target.unwrap() - 0.691438).abs() < 1e-6,
        "{:?} at T = {}",
        v2.p_target,
        v2.temperature
    );
}

#[test]
fn top_k_and_top_p_masks_and_renormalise() {
    let s = scene(
        r#"Distribution(name: "k", at: (200, 200), size: (300, 200), tokens: ["a", "b", "c", "d"], logits: [3.0, 2.0, 1.0, 0.0], top_k: 2),
           Distribution(name: "p", at: (600, 200), size: (300, 200), tokens: ["a", "b", "c", "d"], logits: [3.0, 2.0, 1.0, 0.0], top_p: 0.9),"#,
        "",
        1.0,
    );
    let values = |n: &str| {
        let e = s.by_name[n];
        let Kind::Distribution(d) = &s.elements[e].kind else {
            panic!()
        };
        anim::eval::dist_values(d, &element_state(&s, e, 0.0).params).unwrap()
    };
    // softmax([3,2,1,0]) = [0.643914, 0.236883, 0.087144, 0.032059]
    let k = values("k");
    assert_eq!(k.mask, vec![true, true, false, false]);
    // renormalised: 0.643914 / 0.880797 = 0.731059
    assert!((k.probs[0] - 0.731059).abs() < 1e-6);
    let p = values("p");
    // cumulative 0.6439, 0.8808, 0.9679 ≥ 0.9 → three tokens
    assert_eq!(p.mask, vec![true, true, true, false]);
    assert!((p.probs.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn the_chapter_scenes_load_and_evaluate() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let l = loader();
    for name in common::chapter_scenes() {
        let path = root.join("scenes").join(format!("{name}.ron"));
        let s = l.load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!((10.0..=25.0).contains(&s.duration), "{name}: {} s", s.duration);
        assert_eq!((s.width, s.height), (1920, 1080), "{name}");
        let mut counts = Vec::new();
        for i in 0..=20 {
            counts.push(evaluate(&s, s.duration * i as f64 / 20.0).items.len());
        }
        // Figures build up: the final frame holds the most.
        assert!(counts[20] > 0 && counts[20] >= counts[10], "{name}: {counts:?}");
        assert!(s.steps.iter().all(|st| st.start + st.dur <= s.duration + 1e-9));
        assert!(s
            .steps
            .iter()
            .any(|st| matches!(st.kind, StepKind::FadeIn | StepKind::DrawOn | StepKind::Write)));
    }
}

/// A widget parameter read from an animated value follows it: a
/// Distribution's `temperature: "{T}"` with `Set(value: "T")` draws what
/// the same Distribution written at that temperature draws.
#[test]
fn a_widget_parameter_follows_an_animated_value() {
    let dist = |temperature: &str| {
        format!(
            "Distribution(name: \"d\", at: (400, 220), size: (400, 200), tokens: [\"a\", \"b\", \"c\"], logits: [2, 1, 0], temperature: {temperature}),"
        )
    };
    let live = loader()
        .parse(
            Path::new("inline.ron"),
            &format!(
                "(\n size: (800, 450),\n fps: 10,\n duration: 3,\n values: {{ \"T\": 1.0 }},\n elements: [\n{}\n ],\n timeline: [ Set(value: \"T\", to: 0.5, at: 0.0, dur: 1.0) ],\n)",
                dist("\"{T}\"")
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let fixed = |t: &str| scene(&dist(t), "", 3.0);
    assert!(evaluate(&live, 0.0) == evaluate(&fixed("1.0"), 0.0));
    assert!(
        evaluate(&live, 2.0) == evaluate(&fixed("0.5"), 2.0),
        "T = 0.5 after the step"
    );
    assert!(evaluate(&live, 2.0) != evaluate(&fixed("1.0"), 2.0));
}
