//! "Did you mean …?" for names a user typed: scenes, colours, presets.
//!
//! The closest candidate by edit distance (insertions, deletions,
//! substitutions and swaps of two neighbours, compared without case), when
//! it is close enough to be a typo rather than another word: at most one
//! edit for names up to four characters, a third of the name's length
//! beyond that. A name that is a prefix of exactly one candidate also
//! counts (`cross` → `cross-entropy`).

/// The candidate `name` was most likely meant to be, if any.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    let mut prefixed: Vec<&str> = Vec::new();
    for c in candidates {
        let cl = c.to_lowercase();
        if cl == lower {
            return Some(c);
        }
        if lower.len() >= 3 && cl.starts_with(&lower) {
            prefixed.push(c);
        }
        let d = distance(&lower, &cl);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let allowed = (name.chars().count() / 3).max(1);
    match best {
        Some((d, c)) if d <= allowed => Some(c),
        _ if prefixed.len() == 1 => Some(prefixed[0]),
        _ => None,
    }
}

/// `" (did you mean \"x\"?)"`, or nothing when no candidate is close.
pub fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

/// Optimal string alignment distance between `a` and `b`, over characters.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the dynamic programme: two back (for swaps), one back, this one.
    let mut two_back = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut row = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(two_back[j - 2] + 1);
            }
        }
        std::mem::swap(&mut two_back, &mut prev);
        std::mem::swap(&mut prev, &mut row);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_matched_and_other_words_are_not() {
        let scenes = [
            "loop-treinamento",
            "cross-entropy",
            "checkpoints",
            "decoding-strategies",
        ];
        assert_eq!(
            closest("lop", scenes.iter().copied()),
            None,
            "too far for a 3-letter name"
        );
        assert_eq!(closest("chekpoints", scenes.iter().copied()), Some("checkpoints"));
        assert_eq!(
            closest("checkpionts", scenes.iter().copied()),
            Some("checkpoints")
        );
        assert_eq!(closest("cross", scenes.iter().copied()), Some("cross-entropy"));
        assert_eq!(closest("banana", scenes.iter().copied()), None);
        let colours = ["primary", "primary_soft", "model", "muted", "data"];
        assert_eq!(closest("primry", colours.iter().copied()), Some("primary"));
        assert_eq!(closest("Model", colours.iter().copied()), Some("model"));
        assert_eq!(closest("mdoel", colours.iter().copied()), Some("model"));
        assert_eq!(hint("dta", colours.iter().copied()), " (did you mean \"data\"?)");
        assert_eq!(hint("zzz", colours.iter().copied()), "");
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("abc", "acb"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("ção", "cao"), 2);
    }
}
