//! The expand pass through the loader: what a computing scene resolves to,
//! and where its errors point.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::scene::{Loader, Scene, SceneError};

fn loader() -> Loader {
    Loader::new(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn scene(body: &str) -> String {
    format!("(\n    size: (800, 450),\n    duration: 4.0,\n{body}\n)\n")
}

fn parse(src: &str) -> Result<Scene, SceneError> {
    loader().parse(Path::new("t.ron"), src)
}

fn error(src: &str) -> SceneError {
    match parse(src) {
        Ok(_) => panic!("loaded:\n{src}"),
        Err(e) => e,
    }
}

/// The caret of `e` is on `what` in `src`.
fn caret_on(src: &str, e: &SceneError, what: &str) {
    let loc = e.location.unwrap_or_else(|| panic!("no location: {e}"));
    let line = src.lines().nth(loc.line - 1).unwrap();
    let col = line.char_indices().nth(loc.col - 1).map_or(line.len(), |c| c.0);
    assert!(
        line[col..].starts_with(what),
        "{e}\nthe caret is on {:?}",
        &line[col..]
    );
}

#[test]
fn a_plain_scene_is_not_rewritten() {
    let src = scene("    elements: [ Text(at: (100, 100), text: \"{value:.0} passos\", value: 3) ],");
    let theme =
        crate::scene::theme::Theme::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/theme.ron"))
            .unwrap();
    let root = super::cst::parse(&src).unwrap();
    assert!(
        super::expand(Path::new("t.ron"), &src, &root, &[], &std::sync::Arc::new(theme))
            .unwrap()
            .is_none()
    );
}

#[test]
fn values_loops_and_components_stamp_elements() {
    let src = scene(
        r#"    values: { "n": 3, "gap": 100, "w": "{softmax([0.0, 0.0, 0.0])}" },
    components: {
        "Cell": (params: { "v": 0.0, "at": (0, 0) }, body: [
            Box(name: "{name_of(at)}", at: "{at}", size: (40, 40), fill: "{ramp([\"surface\", \"primary\"], v)}"),
        ]),
    },
    elements: [
        For(each: "i", in: "{range(n)}", body: [
            Circle(name: "c_{i}", at: "{[100 + gap * i, 50]}", radius: 5),
        ]),
        For(each: "j", in: 2, body: [ Cell(name: "cell_{j}", v: "{w[j]}", at: "{[300, 200 + j]}") ]),
    ],
    timeline: [ FadeIn(targets: ["c_*"], stagger: 0.5) ],"#,
    )
    .replace("\"{name_of(at)}\"", "\"box\"")
    .replace("name: \"box\", ", "");
    let s = parse(&src).unwrap();
    let c2 = s.by_name["c_2"];
    assert_eq!(s.elements[c2].origin, glam::Vec2::new(300.0, 50.0));
    assert!(s.by_name.contains_key("cell_1"));
    // Three FadeIns, staggered in element order.
    let starts: Vec<f64> = s.steps.iter().map(|st| st.start).collect();
    assert_eq!(starts, [0.0, 0.5, 1.0]);
}

#[test]
fn an_unknown_name_is_an_error_at_its_column() {
    let src = scene("    values: { \"n\": 3 },\n    elements: [ Circle(at: \"{[10 * m, 5]}\", radius: 5) ],");
    let e = error(&src);
    assert!(e.message.contains("m"), "{e}");
    caret_on(&src, &e, "m, 5]");
}

#[test]
fn an_error_in_a_loop_names_the_iteration() {
    let src = scene("    elements: [ For(each: \"i\", in: 4, body: [ Circle(at: \"{[10 / (2 - i), 5]}\", radius: 5) ]) ],");
    let e = error(&src);
    assert!(e.message.contains("division by zero"), "{e}");
    assert!(e.message.contains("where i = 2"), "{e}");
}

#[test]
fn a_resolver_error_inside_a_component_points_into_its_body() {
    let src = scene(
        "    components: { \"Chip\": (params: { \"c\": () }, body: [ Box(at: (9, 9), size: (9, 9), fill: \"{c}\") ]) },\n    elements: [ Chip(c: \"rosa\") ],",
    );
    let e = error(&src);
    assert!(e.message.contains("unknown colour \"rosa\""), "{e}");
    assert!(e.message.contains("in component `Chip` used at 5:17"), "{e}");
    caret_on(&src, &e, "\"{c}\"");
}

#[test]
fn bounded_expansion() {
    let e = error(&scene(
        "    elements: [ For(each: \"i\", in: 3000, body: [ Circle(at: (1, 1), radius: 1), Circle(at: (2, 2), radius: 1) ]) ],",
    ));
    assert!(e.message.contains("more than 5000 elements"), "{e}");
    let e = error(&scene(
        "    components: { \"Me\": (params: {}, body: [ Me() ]) },\n    elements: [ Me() ],",
    ));
    assert!(e.message.contains("uses itself"), "{e}");
    let e = error(&scene(
        "    elements: [ Circle(at: \"{[range(100000000).len(), 1]}\", radius: 1) ],",
    ));
    assert!(
        e.message.contains("too large") || e.message.contains("at most"),
        "{e}"
    );
}

#[test]
fn animated_values_change_elements_per_frame() {
    let src = scene(
        "    values: { \"x\": 100 },\n    elements: [ Circle(name: \"d\", at: \"{[x, 50]}\", radius: 5), Text(name: \"l\", at: (400, 300), text: \"x = {x:d}\") ],\n    timeline: [ Set(value: \"x\", to: 300, at: 1.0, dur: 2.0, ease: Linear) ],",
    );
    let s = parse(&src).unwrap();
    let live = s.live.clone().unwrap();
    let at = |t: f64| {
        let els = live.elements_at(&s, t).unwrap();
        els.into_iter()
            .find(|(i, _)| *i == s.by_name["d"])
            .unwrap()
            .1
            .origin
            .x
    };
    assert_eq!(at(0.0), 100.0);
    assert_eq!(at(2.0), 200.0);
    assert_eq!(at(4.0), 300.0);
    // A Set on a value that is not declared, and an animated step, are refused.
    let e = error(&src.replace("Set(value: \"x\"", "Set(value: \"y\""));
    assert!(e.message.contains("unknown value \"y\""), "{e}");
    let e = error(&src.replace("FadeIn", "X").replace(
        "timeline: [",
        "timeline: [ FadeIn(target: \"d\", dur: \"{x / 100}\"),",
    ));
    assert!(e.message.contains("cannot change over time"), "{e}");
}

#[test]
fn an_error_that_only_happens_later_is_found_at_load() {
    let src = scene(
        "    values: { \"x\": 2 },\n    elements: [ Circle(at: \"{[100 + 10 * sqrt(x - 1), 50]}\", radius: 5) ],\n    timeline: [ Set(value: \"x\", to: 0, at: 1.0, dur: 2.0) ],",
    );
    let e = error(&src);
    assert!(e.message.contains("sqrt") && e.message.contains("at t ="), "{e}");
    caret_on(&src, &e, "sqrt(x - 1)");
}

/// docs/scene-format.md's examples, gathered in tests/fixtures/computing.ron, load.
#[test]
fn the_documented_examples_load() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/computing.ron");
    let s = loader().load(&path).unwrap();
    assert!(s.by_name.contains_key("cell_7_7") && s.by_name.contains_key("c_7"));
    // A number given to a text field is written as text.
    let live = s.live.clone().unwrap();
    assert_eq!(live.elements_at(&s, 5.0).unwrap().len(), 3);
}

/// `{{`/`}}` stay literal braces in a Text, next to computed parts and the
/// Text's own placeholders.
#[test]
fn escaped_braces_stay_literal_in_a_text() {
    let src = scene(
        "    values: { \"n\": 3 },\n    elements: [\n        Distribution(name: \"d\", at: (400, 100), size: (300, 100), tokens: [\"a\", \"b\"], logits: [1, 2], target: 0),\n        Text(name: \"t\", at: (400, 250), text: \"a {{x}} {n} p={p:.2}\", bind: \"d\"),\n        Text(name: \"u\", at: (400, 350), text: \"b {{y}}\"),\n    ],",
    );
    // Before, the Text read the written `{x}` as an unknown placeholder.
    let s = parse(&src).unwrap_or_else(|e| panic!("{e}"));
    assert!(s.by_name.contains_key("t") && s.by_name.contains_key("u"));
}
