//! Issue 21: every number figure 04 shows comes from its declared inputs.
//! The scene file is loaded as written and with one logit changed, and the
//! changing elements are read at the final frame (their text as anim
//! resolved it for that instant): the nucleus (how many tokens, their sum,
//! the running-sum labels), the knob of each panel and the bars' numbers
//! move with the logit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use anim::scene::{Loader, Scene};

const LOGITS: &str = r#""logits": [2.5, 2.3, 1.9, 1.7, 1.4, 0.9],"#;

/// Figure 04's source with one logit line replaced, expanded (values,
/// loops and components done), and the scene it loads as.
fn expanded(logits: &str) -> (String, Scene) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("scenes/04-decoding-strategies.ron");
    let src = std::fs::read_to_string(&path).unwrap().replace(LOGITS, logits);
    let loader = Loader::new(&root).unwrap();
    assert!(
        src.contains(logits),
        "the scene declares its logits once, as {LOGITS}"
    );
    let text = loader.expanded(&path, &src).unwrap_or_else(|e| panic!("{e}"));
    let scene = loader.parse(&path, &src).unwrap_or_else(|e| panic!("{e}"));
    (text, scene)
}

/// The text of the element named `name` in the expanded source: from its
/// name to the start of the next element.
fn element<'a>(text: &'a str, name: &str) -> &'a str {
    let at = text
        .find(&format!("name: \"{name}\""))
        .unwrap_or_else(|| panic!("no element {name}"));
    let rest = &text[at..];
    &rest[..rest[1..].find("name: ").map_or(rest.len(), |n| n + 1)]
}

/// The knob's position on its scale: the x of the dot (the Circle) in the
/// component use `name`.
fn knob(text: &str, name: &str) -> f64 {
    let at = text.find(&format!("name: \"{name}\"")).unwrap();
    let dot = &text[at..][text[at..].find("Circle(").unwrap()..];
    let x = dot.split("at:").nth(1).unwrap().trim_start();
    let x = x.trim_start_matches(['[', '(']).split(',').next().unwrap();
    x.trim().parse().unwrap_or_else(|_| panic!("{dot}"))
}

#[test]
fn a_changed_logit_moves_the_numbers_the_nucleus_and_the_knobs() {
    let (before, s0) = expanded(LOGITS);
    // telhado 2.5 → 3.5: softmax 53.6%, 16.1%, 10.8%, 8.9%, 6.6%, 4.0%;
    // the running sum reaches p = 0.8 at the third token (80.5%).
    let (after, s1) = expanded(r#""logits": [3.5, 2.3, 1.9, 1.7, 1.4, 0.9],"#);

    let rule = |t: &str| element(t, "p4_rule").to_string();
    assert!(rule(&before).contains("4 tokens somam 84%"), "{}", rule(&before));
    assert!(rule(&after).contains("3 tokens somam 81%"), "{}", rule(&after));
    assert!(element(&before, "p4_cum_0").contains("\"30%\""));
    assert!(element(&after, "p4_cum_0").contains("\"54%\""));
    assert!(s0.by_name.contains_key("p4_cum_3"));
    assert!(
        !s1.by_name.contains_key("p4_cum_3"),
        "a label for each kept token only"
    );
    assert!(element(&after, "d1").contains("3.5"), "the bars read the logits");
    assert_ne!(
        element(&before, "p4_seg_3"),
        element(&after, "p4_seg_3"),
        "the strip"
    );

    // A more certain distribution: every knob moves towards "previsível",
    // but greedy's, which is at 1 choice whatever the logits.
    assert_eq!(knob(&before, "g1"), 560.0);
    assert_eq!(knob(&after, "g1"), 560.0);
    for g in ["g2", "g3", "g4"] {
        let (a, b) = (knob(&before, g), knob(&after, g));
        assert!(b < a - 10.0, "{g}: {a} → {b}");
        assert!((560.0..=840.0).contains(&b), "{g}: {b} on the scale");
    }
}
