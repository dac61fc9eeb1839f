//! Glyphs that remember where they came from in their element's source
//! text: what a formula (`Math`) and a code block (`Code`) are drawn as, so
//! that a `Part` of either can claim a span or a range of lines, `Write`
//! can type them on in source order, and a `Morph` between two versions can
//! carry the glyphs that match across.

use std::ops::Range;

use glam::Vec2;

use super::paint::{PaintCx, Painter};
use crate::color::Color;
use crate::geom::{PathData, Rect};

/// One glyph (or rule: a fraction bar, a radical's overbar) in scene coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct SrcGlyph {
    /// Outline, filled.
    pub path: PathData,
    pub color: Color,
    /// The bytes of the element's source text it was set from.
    pub range: Range<usize>,
    /// The source line (0-based) it is on.
    pub line: usize,
    /// What makes two glyphs the same one for a morph: the font's glyph id
    /// and size for a letter, the shape for a rule. Equal keys, equal outlines
    /// up to a translation.
    pub key: u64,
    /// Its pen position (a letter's left end of the baseline; a rule's top
    /// left): where a morph moves it from and to.
    pub origin: Vec2,
    /// A letter set from a text font: what it is as text, in the same
    /// coordinates as `path` (a PDF writes it as selectable text).
    pub text: Option<std::sync::Arc<crate::snapshot::TextMark>>,
}

/// The box the glyphs cover, if any has an outline.
pub fn bounds(glyphs: &[SrcGlyph]) -> Option<Rect> {
    glyphs
        .iter()
        .filter_map(|g| g.path.bounds())
        .reduce(|a, b| a.union(&b))
}

/// Paints the glyphs of `set` that no part claims (the parts paint
/// theirs), with the first `reveal` (0..=1) of all of them shown in source
/// order (the one being written fades in), in `color` when given.
pub fn paint_unclaimed(p: &mut Painter<'_>, set: &GlyphSet, color: Option<Color>, reveal: f32) {
    let shown = reveal.clamp(0.0, 1.0) * set.glyphs.len() as f32;
    for (i, g) in set.glyphs.iter().enumerate() {
        let a = (shown - i as f32).clamp(0.0, 1.0);
        if set.owner.get(i).copied().flatten().is_none() && a > 0.0 {
            p.glyph(
                &g.path,
                color.unwrap_or(g.color).with_opacity(a),
                g.text.as_deref(),
            );
        }
    }
}

/// The element of kind `W` this one is morphing into, and how far, when a
/// `Morph` is under way (past its start).
pub fn morphing_into<'a, W: 'static>(cx: &PaintCx<'a>) -> Option<(usize, &'a W, f32)> {
    let (o, t) = cx.state.morph?;
    let other = cx.others.widget(o)?.downcast_ref::<W>()?;
    (t > 0.0).then_some((o, other, t))
}

/// What a kind made of source glyphs offers its `Part`s: its source text
/// and its glyphs in source order (see [`super::widget::Caps::glyphs`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GlyphSet {
    pub src: String,
    pub glyphs: Vec<SrcGlyph>,
    /// Whether parts may pick lines (`lines: (3, 4)`): a code block's may.
    pub by_line: bool,
    /// Each source line's box across the block (a code block's; a band
    /// behind a part of whole lines spans them).
    pub line_boxes: Vec<Rect>,
    /// Which part (by child order) claims each glyph: its parent paints the
    /// glyphs no part claims.
    pub owner: Vec<Option<usize>>,
}

/// What a formula or code block needs of one of its `Part` children at
/// load: which glyphs it claims, what a morph matches it by, its colour.
pub struct PartRequest<'a> {
    pub selection: Option<Selection>,
    pub key: Option<&'a str>,
    pub color: Option<&'a String>,
}

/// Which part claims each glyph: the first whose selection picks it (a
/// part that picks nothing, or only glyphs claimed before, says so when it
/// is resolved itself).
pub fn claims(set: &GlyphSet, parts: &[PartRequest<'_>]) -> Vec<Option<usize>> {
    let mut owner = vec![None; set.glyphs.len()];
    for (k, p) in parts.iter().enumerate() {
        if let Some(Ok(picked)) = p.selection.as_ref().map(|s| select(set, s)) {
            for i in picked {
                owner[i].get_or_insert(k);
            }
        }
    }
    owner
}

/// Which glyphs a `Part` claims: those set from the `nth` (1-based)
/// occurrence of `of` in the source, or those on source lines `lines`
/// (1-based, inclusive).
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    Span { of: String, nth: usize },
    Lines(usize, usize),
}

/// The indices of the glyphs `sel` claims, or why it claims none (the
/// message names the field, `of` or `lines`, at fault).
pub fn select(set: &GlyphSet, sel: &Selection) -> Result<Vec<usize>, (&'static str, String)> {
    match sel {
        Selection::Span { of, nth } => {
            if of.is_empty() {
                return Err(("of", "of: give a piece of the source, e.g. of: \"Q K^T\"".into()));
            }
            let starts: Vec<usize> = set.src.match_indices(of.as_str()).map(|(i, _)| i).collect();
            let Some(&start) = starts.get(nth.saturating_sub(1)) else {
                let found = if starts.is_empty() {
                    format!("\"{of}\" is not in the source \"{}\"", set.src)
                } else {
                    format!(
                        "\"{of}\" occurs {} time(s), so there is no occurrence {nth}",
                        starts.len()
                    )
                };
                return Err(if starts.is_empty() {
                    ("of", found)
                } else {
                    ("nth", found)
                });
            };
            let span = start..start + of.len();
            let picked: Vec<usize> = set
                .glyphs
                .iter()
                .enumerate()
                .filter(|(_, g)| {
                    !g.range.is_empty() && g.range.start >= span.start && g.range.end <= span.end
                })
                .map(|(i, _)| i)
                .collect();
            if picked.is_empty() {
                return Err((
                    "of",
                    format!("\"{of}\" draws nothing on its own (only spaces, or part of a larger symbol): pick a wider piece"),
                ));
            }
            Ok(picked)
        }
        Selection::Lines(a, b) => {
            if !set.by_line {
                return Err((
                    "lines",
                    "lines: only a Code block's parts pick lines; a formula's part picks `of`".into(),
                ));
            }
            let n = set.line_boxes.len().max(1);
            if *a == 0 || a > b || *b > n {
                return Err((
                    "lines",
                    format!("lines: ({a}, {b}) must be lines 1..={n}, first ≤ last"),
                ));
            }
            Ok(set
                .glyphs
                .iter()
                .enumerate()
                .filter(|(_, g)| (a - 1..*b).contains(&g.line))
                .map(|(i, _)| i)
                .collect())
        }
    }
}

/// How one version's glyphs become the next's: glyphs that travel
/// (`pairs`, `a` index → `b` index), groups that change as a whole (their
/// boxes map onto each other while one cross-fades into the other), and
/// the rest, which fades out (`a`) or in (`b`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MorphPlan {
    pub pairs: Vec<(usize, usize)>,
    pub groups: Vec<(Vec<usize>, Vec<usize>)>,
}

/// The longest common subsequence of two key sequences, as index pairs.
pub fn common_pairs(a: &[u64], b: &[u64]) -> Vec<(usize, usize)> {
    use similar::{capture_diff_slices, Algorithm, DiffOp};
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, a, b) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            out.extend((0..len).map(|k| (old_index + k, new_index + k)));
        }
    }
    out
}

impl MorphPlan {
    /// The plan for glyphs `a` → `b`, where `a_groups` and `b_groups` are
    /// glyph lists matched by the caller (a formula's parts with the same
    /// key): a matched group whose glyphs all match travels glyph by glyph,
    /// any other changes as a whole; the glyphs outside matched groups are
    /// matched by their keys in order.
    pub fn new(a: &[SrcGlyph], b: &[SrcGlyph], groups: &[(Vec<usize>, Vec<usize>)]) -> MorphPlan {
        let mut plan = MorphPlan::default();
        let (mut used_a, mut used_b) = (vec![false; a.len()], vec![false; b.len()]);
        for (ga, gb) in groups {
            let ka: Vec<u64> = ga.iter().map(|&i| a[i].key).collect();
            let kb: Vec<u64> = gb.iter().map(|&i| b[i].key).collect();
            for &i in ga {
                used_a[i] = true;
            }
            for &j in gb {
                used_b[j] = true;
            }
            let common = common_pairs(&ka, &kb);
            if ka.len() == kb.len() && common.len() == ka.len() {
                plan.pairs.extend(common.iter().map(|&(x, y)| (ga[x], gb[y])));
            } else {
                plan.groups.push((ga.clone(), gb.clone()));
            }
        }
        let rest_a: Vec<usize> = (0..a.len()).filter(|&i| !used_a[i]).collect();
        let rest_b: Vec<usize> = (0..b.len()).filter(|&j| !used_b[j]).collect();
        let ka: Vec<u64> = rest_a.iter().map(|&i| a[i].key).collect();
        let kb: Vec<u64> = rest_b.iter().map(|&j| b[j].key).collect();
        plan.pairs.extend(
            common_pairs(&ka, &kb)
                .into_iter()
                .map(|(x, y)| (rest_a[x], rest_b[y])),
        );
        plan
    }
}

/// Paints the morph `plan` from `a` to `b` at `t` (0..=1). Travelling
/// glyphs glide (their outlines interpolated point by point, colours
/// mixed); a group's box slides and scales onto the other's while the old
/// glyphs fade out and the new ones in; the glyphs left over fade out in
/// the first half and in during the second, so the two never pile up.
/// `color_a(i)` / `color_b(j)` give each glyph's colour at this instant.
pub fn paint_morph(
    p: &mut Painter<'_>,
    a: &[SrcGlyph],
    b: &[SrcGlyph],
    plan: &MorphPlan,
    t: f32,
    color_a: &dyn Fn(usize) -> Color,
    color_b: &dyn Fn(usize) -> Color,
) {
    let t = t.clamp(0.0, 1.0);
    let (mut done_a, mut done_b) = (vec![false; a.len()], vec![false; b.len()]);
    for &(i, j) in &plan.pairs {
        done_a[i] = true;
        done_b[j] = true;
        let c = color_a(i).lerp(color_b(j), t);
        match super::paint::morph_path(&a[i].path, &b[j].path, t) {
            Some(path) => p.fill(&path, c),
            None => {
                let d = (b[j].origin - a[i].origin) * t;
                let shift = glam::Affine2::from_translation(d);
                p.fill(&a[i].path.transformed(&shift), c.with_opacity(1.0 - t));
                let back = glam::Affine2::from_translation(d - (b[j].origin - a[i].origin));
                p.fill(&b[j].path.transformed(&back), c.with_opacity(t));
            }
        }
    }
    let boxes = |set: &[SrcGlyph], idx: &[usize]| {
        idx.iter()
            .filter_map(|&i| set[i].path.bounds())
            .reduce(|x, y| x.union(&y))
    };
    for (ga, gb) in &plan.groups {
        for &i in ga {
            done_a[i] = true;
        }
        for &j in gb {
            done_b[j] = true;
        }
        let (Some(ra), Some(rb)) = (boxes(a, ga), boxes(b, gb)) else {
            continue;
        };
        // The box at `t`, and the maps from each end's box onto it.
        let size = |r: Rect| r.size().max(Vec2::splat(1e-3));
        let now_c = ra.center().lerp(rb.center(), t);
        let now_s = size(ra).lerp(size(rb), t);
        let map = |r: Rect| {
            glam::Affine2::from_translation(now_c)
                * glam::Affine2::from_scale(now_s / size(r))
                * glam::Affine2::from_translation(-r.center())
        };
        let (ma, mb) = (map(ra), map(rb));
        for &i in ga {
            p.fill(&a[i].path.transformed(&ma), color_a(i).with_opacity(1.0 - t));
        }
        for &j in gb {
            p.fill(&b[j].path.transformed(&mb), color_b(j).with_opacity(t));
        }
    }
    let out = (1.0 - 2.0 * t).max(0.0);
    let inn = (2.0 * t - 1.0).max(0.0);
    for (i, g) in a.iter().enumerate() {
        if !done_a[i] && out > 0.0 {
            p.fill(&g.path, color_a(i).with_opacity(out));
        }
    }
    for (j, g) in b.iter().enumerate() {
        if !done_b[j] && inn > 0.0 {
            p.fill(&g.path, color_b(j).with_opacity(inn));
        }
    }
}

/// The morph of one code block into the next: lines diffed by their text
/// (unchanged lines travel to their new row, a line moved elsewhere
/// travels there too), and within a changed line the glyphs both versions
/// share (a longest common subsequence) travel while the rest fade.
pub fn line_plan(a: &GlyphSet, b: &GlyphSet) -> MorphPlan {
    use similar::{capture_diff_slices, Algorithm, DiffOp};
    let lines = |s: &GlyphSet| -> (Vec<String>, Vec<Vec<usize>>) {
        let text: Vec<String> = s.src.lines().map(|l| l.trim_end().to_string()).collect();
        let mut of = vec![Vec::new(); text.len().max(1)];
        for (i, g) in s.glyphs.iter().enumerate() {
            if let Some(l) = of.get_mut(g.line) {
                l.push(i);
            }
        }
        (text, of)
    };
    let (ta, ga) = lines(a);
    let (tb, gb) = lines(b);
    let mut plan = MorphPlan::default();
    let pair_lines = |plan: &mut MorphPlan, la: &[usize], lb: &[usize]| {
        let ka: Vec<u64> = la.iter().map(|&i| a.glyphs[i].key).collect();
        let kb: Vec<u64> = lb.iter().map(|&j| b.glyphs[j].key).collect();
        plan.pairs
            .extend(common_pairs(&ka, &kb).into_iter().map(|(x, y)| (la[x], lb[y])));
    };
    // Lines removed and inserted, each with its hunk when it was replaced
    // (a changed line is paired only with one of the same hunk).
    let mut gone: Vec<(usize, Option<usize>)> = Vec::new();
    let mut new: Vec<(usize, Option<usize>)> = Vec::new();
    for (h, op) in capture_diff_slices(Algorithm::Myers, &ta, &tb)
        .into_iter()
        .enumerate()
    {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    pair_lines(&mut plan, &ga[old_index + k], &gb[new_index + k]);
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => gone.extend((old_index..old_index + old_len).map(|i| (i, None))),
            DiffOp::Insert {
                new_index, new_len, ..
            } => new.extend((new_index..new_index + new_len).map(|j| (j, None))),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                gone.extend((old_index..old_index + old_len).map(|i| (i, Some(h))));
                new.extend((new_index..new_index + new_len).map(|j| (j, Some(h))));
            }
        }
    }
    // A line that left one place and arrived at another (same text) moved.
    let mut changed = Vec::new();
    for (j, hunk) in new {
        match gone
            .iter()
            .position(|&(i, _)| !tb[j].trim().is_empty() && ta[i] == tb[j])
        {
            Some(k) => {
                let (i, _) = gone.remove(k);
                pair_lines(&mut plan, &ga[i], &gb[j]);
            }
            None => changed.push((j, hunk)),
        }
    }
    // What is left of a replaced hunk changed in place: its lines pair in
    // order, and their shared glyphs travel.
    for (j, hunk) in changed {
        if hunk.is_none() {
            continue;
        }
        if let Some(k) = gone.iter().position(|&(_, h)| h == hunk) {
            let (i, _) = gone.remove(k);
            pair_lines(&mut plan, &ga[i], &gb[j]);
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A set whose glyphs are the text's non-space chars, keyed by char.
    fn set(src: &str, by_line: bool) -> GlyphSet {
        let mut glyphs = Vec::new();
        for (line, text) in src.lines().enumerate() {
            let start = src.lines().take(line).map(|l| l.len() + 1).sum::<usize>();
            for (k, c) in text.char_indices().filter(|(_, c)| !c.is_whitespace()) {
                let o = Vec2::new(k as f32 * 10.0, line as f32 * 20.0);
                glyphs.push(SrcGlyph {
                    path: PathData::rounded_rect(
                        Rect {
                            min: o,
                            max: o + Vec2::splat(8.0),
                        },
                        0.0,
                    ),
                    color: Color::BLACK,
                    range: start + k..start + k + c.len_utf8(),
                    line,
                    key: c as u64,
                    origin: o,
                    text: None,
                });
            }
        }
        let n = src.lines().count();
        GlyphSet {
            src: src.into(),
            owner: vec![None; glyphs.len()],
            glyphs,
            by_line,
            line_boxes: (0..n)
                .map(|l| Rect {
                    min: Vec2::new(0.0, l as f32 * 20.0),
                    max: Vec2::new(100.0, l as f32 * 20.0 + 20.0),
                })
                .collect(),
        }
    }

    #[test]
    fn a_span_selects_the_glyphs_set_from_it() {
        let s = set("a + b + a", false);
        let sel = |of: &str, nth| select(&s, &Selection::Span { of: of.into(), nth });
        assert_eq!(sel("a", 1), Ok(vec![0]));
        assert_eq!(sel("a", 2), Ok(vec![4]));
        assert_eq!(sel("+ b", 1), Ok(vec![1, 2]));
        assert_eq!(sel("c", 1).unwrap_err().0, "of");
        assert_eq!(sel("a", 3).unwrap_err().0, "nth");
        assert_eq!(select(&s, &Selection::Lines(1, 1)).unwrap_err().0, "lines");
    }

    #[test]
    fn lines_select_whole_lines_of_a_code_block() {
        let s = set("x = 1\ny = 2\nz = 3", true);
        let picked = select(&s, &Selection::Lines(2, 3)).unwrap();
        assert!(picked.iter().all(|&i| s.glyphs[i].line >= 1));
        assert_eq!(picked.len(), 6);
        assert!(select(&s, &Selection::Lines(3, 4)).is_err());
        assert!(select(&s, &Selection::Lines(0, 1)).is_err());
    }

    #[test]
    fn a_morph_pairs_what_both_versions_share() {
        let (a, b) = (set("a + b", false), set("a + c + b", false));
        let plan = MorphPlan::new(&a.glyphs, &b.glyphs, &[]);
        // a, +, b travel; the new "c +" fades in.
        assert_eq!(plan.pairs, vec![(0, 0), (1, 1), (2, 4)]);
        // A matched group whose glyphs differ changes as a whole.
        let plan = MorphPlan::new(&a.glyphs, &b.glyphs, &[(vec![2], vec![2])]);
        assert_eq!(plan.groups, vec![(vec![2], vec![2])]);
        assert!(!plan.pairs.iter().any(|&(i, _)| i == 2));
    }

    #[test]
    fn code_lines_stay_move_and_change() {
        let a = set("import torch\nx = 1\ny = 2\nprint(x)", true);
        let b = set("import torch\ny = 2\nx = 10\nprint(x)", true);
        let plan = line_plan(&a, &b);
        let line_of = |s: &GlyphSet, i: usize| s.glyphs[i].line;
        let pairs_between = |la: usize, lb: usize| {
            plan.pairs
                .iter()
                .filter(|&&(i, j)| line_of(&a, i) == la && line_of(&b, j) == lb)
                .count()
        };
        assert_eq!(pairs_between(0, 0), 11, "the unchanged import stays");
        assert_eq!(pairs_between(2, 1), 3, "y = 2 moved up");
        assert_eq!(pairs_between(3, 3), 8, "print stays");
        // x = 1 left and x = 10 arrived elsewhere: one fades out, one in.
        assert_eq!(pairs_between(1, 2), 0);
        // Changed in place: the glyphs both share travel, the new 0 fades in.
        let (a, b) = (set("a = 1\nb = 2", true), set("a = 10\nb = 2", true));
        let plan = line_plan(&a, &b);
        assert_eq!(plan.pairs.len(), 3 + 3);
    }
}
