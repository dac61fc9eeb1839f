//! ## Overview
//!
//! The numbers behind the decoding (temperature, top-k, top-p) and
//! cross-entropy figures. Everything is plain `f64` over slices so that a scene
//! can compute exactly what it shows, and the tests can check it against hand
//! arithmetic.
//!
//! Decisions:
//!
//! - [`softmax`] subtracts the maximum logit before exponentiating, so large
//!   logits (e.g. 1000) never overflow; the largest term is always `exp(0) = 1`,
//!   so the sum is at least 1 and the division is safe.
//! - Ranking (top-k, top-p, [`cumulative_sorted`]) uses a *stable* sort by
//!   descending probability with [`f64::total_cmp`], so ties are broken by the
//!   lower index and the order never depends on the sort algorithm.
//! - [`top_p_mask`] compares the running sum against `p` with a tolerance of
//!   [`TOP_P_EPSILON`]: `0.7 + 0.2` is `0.8999999999999999` in `f64`, and a figure
//!   that says "p = 0.9 keeps two tokens" must not silently keep three.
//! - [`cross_entropy`] of a zero probability is an error rather than
//!   `f64::INFINITY`: an "∞" on screen is almost always a scene bug.
//! - [`sample`] draws with SplitMix64 from a declared seed, in integer
//!   arithmetic, each uniform number then placed among the running sums of
//!   the probabilities in order: a figure that shows "five draws" shows the
//!   same five on every machine, and changing a logit changes them the way a
//!   reader expects (the same uniform numbers, new boundaries).
//! - The mask helpers never fail: they take probabilities the caller already
//!   computed and document what happens at the edges (k = 0, p ≥ 1, all masked).

/// Slack used by [`top_p_mask`] when comparing the cumulative sum with `p`.
pub const TOP_P_EPSILON: f64 = 1e-12;

/// Why a probability computation was rejected.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum ProbError {
    /// The input slice was empty.
    #[error("empty input: at least one logit or probability is required")]
    Empty,
    /// The temperature was zero, negative, infinite or NaN.
    #[error("temperature must be finite and > 0, got {0}")]
    InvalidTemperature(f64),
    /// A logit was infinite or NaN.
    #[error("logit {index} is not finite: {value}")]
    NonFiniteLogit {
        /// Position of the offending logit.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// The target index is outside the distribution.
    #[error("target {target} is out of range for {len} probabilities")]
    TargetOutOfRange {
        /// The requested index.
        target: usize,
        /// Number of probabilities.
        len: usize,
    },
    /// The target has probability zero, so its cross-entropy is infinite.
    #[error("target {target} has probability 0: cross-entropy is infinite")]
    ZeroProbability {
        /// The requested index.
        target: usize,
    },
    /// A probability was negative, greater than 1, or NaN.
    #[error("probability {index} is not in [0, 1]: {value}")]
    InvalidProbability {
        /// Position of the offending probability.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// `top_p` was not in `(0, 1]`.
    #[error("top_p must be in (0, 1], got {0}")]
    InvalidTopP(f64),
}

/// Softmax of `logits / temperature`, computed stably (the maximum is subtracted first).
///
/// Errors: empty input, a non-finite logit, or a temperature that is not finite and > 0.
pub fn softmax(logits: &[f64], temperature: f64) -> Result<Vec<f64>, ProbError> {
    if logits.is_empty() {
        return Err(ProbError::Empty);
    }
    if !(temperature.is_finite() && temperature > 0.0) {
        return Err(ProbError::InvalidTemperature(temperature));
    }
    if let Some((index, &value)) = logits.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(ProbError::NonFiniteLogit { index, value });
    }
    let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logits.iter().map(|&l| ((l - max) / temperature).exp()).collect();
    let sum: f64 = exps.iter().sum();
    Ok(exps.into_iter().map(|e| e / sum).collect())
}

/// Index of the first maximum; NaN entries are ignored. `None` when empty or all NaN.
pub fn argmax(values: &[f64]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            continue;
        }
        match best {
            Some((_, b)) if v <= b => {}
            _ => best = Some((i, v)),
        }
    }
    best.map(|(i, _)| i)
}

/// Indices in descending-probability order; ties keep the lower index first.
fn descending_order(probs: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..probs.len()).collect();
    order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
    order
}

/// `true` for the `k` largest probabilities (ties broken by lower index).
/// `k == 0` or `k >= probs.len()` keeps everything.
pub fn top_k_mask(probs: &[f64], k: usize) -> Vec<bool> {
    if k == 0 || k >= probs.len() {
        return vec![true; probs.len()];
    }
    let mut keep = vec![false; probs.len()];
    for &i in descending_order(probs).iter().take(k) {
        keep[i] = true;
    }
    keep
}

/// Nucleus mask: in descending order (stable), keep the smallest prefix whose
/// cumulative sum is `>= p` (within [`TOP_P_EPSILON`]); at least one token is
/// always kept. `p >= 1` keeps everything; if the probabilities never reach `p`
/// (they sum to less), everything is kept too.
pub fn top_p_mask(probs: &[f64], p: f64) -> Vec<bool> {
    if p >= 1.0 {
        return vec![true; probs.len()];
    }
    let mut keep = vec![false; probs.len()];
    let mut cum = 0.0;
    for i in descending_order(probs) {
        keep[i] = true;
        cum += probs[i];
        if cum >= p - TOP_P_EPSILON {
            break;
        }
    }
    keep
}

/// Zeroes every entry outside `keep` and rescales the rest to sum to 1.
///
/// Indices beyond `keep.len()` count as not kept. If nothing kept has positive
/// mass, the result is all zeros (there is no distribution to rescale).
pub fn renormalize(probs: &[f64], keep: &[bool]) -> Vec<f64> {
    let kept = |i: usize| keep.get(i).copied().unwrap_or(false);
    let masked: Vec<f64> = probs
        .iter()
        .enumerate()
        .map(|(i, &p)| if kept(i) { p } else { 0.0 })
        .collect();
    let sum: f64 = masked.iter().sum();
    if sum > 0.0 {
        masked.into_iter().map(|p| p / sum).collect()
    } else {
        vec![0.0; probs.len()]
    }
}

/// `(index, running sum)` pairs in descending-probability order (stable, ties by lower index).
pub fn cumulative_sorted(probs: &[f64]) -> Vec<(usize, f64)> {
    let mut cum = 0.0;
    descending_order(probs)
        .into_iter()
        .map(|i| {
            cum += probs[i];
            (i, cum)
        })
        .collect()
}

/// Cross-entropy `-ln p[target]` in nats.
///
/// Errors: target out of range, `p[target]` outside `[0, 1]` or NaN, or `p[target] == 0`.
pub fn cross_entropy(probs: &[f64], target: usize) -> Result<f64, ProbError> {
    let &p = probs.get(target).ok_or(ProbError::TargetOutOfRange {
        target,
        len: probs.len(),
    })?;
    if !(0.0..=1.0).contains(&p) {
        return Err(ProbError::InvalidProbability {
            index: target,
            value: p,
        });
    }
    if p == 0.0 {
        return Err(ProbError::ZeroProbability { target });
    }
    Ok(-p.ln())
}

/// Decoding settings: temperature, then optional top-k, then optional top-p.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decoding {
    /// Divides the logits before the softmax; must be finite and > 0.
    pub temperature: f64,
    /// Keep only the k most likely tokens; `Some(0)` behaves like `None`.
    pub top_k: Option<usize>,
    /// Nucleus threshold in `(0, 1]`, applied to the top-k-renormalized probabilities.
    pub top_p: Option<f64>,
}

impl Default for Decoding {
    /// Plain sampling: temperature 1, no top-k, no top-p.
    fn default() -> Decoding {
        Decoding {
            temperature: 1.0,
            top_k: None,
            top_p: None,
        }
    }
}

/// The stages of [`decode_distribution`], for figures that show each step.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodedDist {
    /// Softmax of the logits at the requested temperature, before any masking.
    pub raw: Vec<f64>,
    /// Tokens that survive both top-k and top-p.
    pub mask: Vec<bool>,
    /// `raw` restricted to `mask` and renormalized to sum to 1.
    pub probs: Vec<f64>,
}

/// softmax(T) → top-k mask → top-p mask on the top-k-renormalized probabilities
/// → final renormalized probabilities.
///
/// The returned mask is the intersection of the two masks (top-p with `p = 1`
/// never resurrects a token top-k removed). Errors as [`softmax`], plus
/// [`ProbError::InvalidTopP`] when `top_p` is not in `(0, 1]`.
pub fn decode_distribution(logits: &[f64], d: &Decoding) -> Result<DecodedDist, ProbError> {
    if let Some(p) = d.top_p {
        if !(p > 0.0 && p <= 1.0) {
            return Err(ProbError::InvalidTopP(p));
        }
    }
    let raw = softmax(logits, d.temperature)?;
    let mut mask = match d.top_k {
        Some(k) => top_k_mask(&raw, k),
        None => vec![true; raw.len()],
    };
    if let Some(p) = d.top_p {
        let after_k = renormalize(&raw, &mask);
        let nucleus = top_p_mask(&after_k, p);
        for (m, n) in mask.iter_mut().zip(nucleus) {
            *m = *m && n;
        }
    }
    let probs = renormalize(&raw, &mask);
    Ok(DecodedDist { raw, mask, probs })
}

/// Entropy `−Σ pᵢ ln pᵢ` in nats (zero terms count 0); `exp` of it is the
/// effective number of choices: 1 for a certain pick, `n` for `n` equal ones.
///
/// Errors: empty input, or a probability outside `[0, 1]` or NaN.
pub fn entropy(probs: &[f64]) -> Result<f64, ProbError> {
    check_probabilities(probs)?;
    Ok(-probs
        .iter()
        .filter(|&&p| p > 0.0)
        .map(|&p| p * p.ln())
        .sum::<f64>())
}

/// `n` indices drawn from `probs` (rescaled to sum to 1) with the seeded
/// generator SplitMix64: the same seed gives the same draws on every
/// machine, and draw `i` does not depend on `n`.
///
/// Errors: empty input, a probability outside `[0, 1]` or NaN, or all zero.
pub fn sample(probs: &[f64], seed: u64, n: usize) -> Result<Vec<usize>, ProbError> {
    check_probabilities(probs)?;
    let total: f64 = probs.iter().sum();
    if total <= 0.0 {
        return Err(ProbError::Empty);
    }
    let last = probs.iter().rposition(|&p| p > 0.0).unwrap_or(0);
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    // Running sums in order: draw i is the first index whose sum passes
    // u (a zero adds nothing, so it is never the one), found by bisection:
    // n draws from m tokens cost m + n log m, whatever a scene asks.
    let mut cum = 0.0;
    let sums: Vec<f64> = probs
        .iter()
        .map(|&p| {
            cum += p;
            cum
        })
        .collect();
    Ok((0..n)
        .map(|_| {
            let u = next() * total;
            let i = sums.partition_point(|&c| c <= u);
            if i < probs.len() {
                i
            } else {
                last
            }
        })
        .collect())
}

fn check_probabilities(probs: &[f64]) -> Result<(), ProbError> {
    if probs.is_empty() {
        return Err(ProbError::Empty);
    }
    match probs.iter().position(|p| !(0.0..=1.0).contains(p)) {
        Some(index) => Err(ProbError::InvalidProbability {
            index,
            value: probs[index],
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn entropy_counts_the_choices() {
        assert_eq!(entropy(&[1.0, 0.0, 0.0]).unwrap(), 0.0);
        let h = entropy(&[0.25; 4]).unwrap();
        assert!((h.exp() - 4.0).abs() < 1e-12, "{h}");
        assert!(entropy(&[0.5, 1.5]).is_err());
        assert!(entropy(&[]).is_err());
    }

    #[test]
    fn samples_are_seeded_and_follow_the_probabilities() {
        let p = [0.5, 0.0, 0.3, 0.2];
        let a = sample(&p, 7, 20_000).unwrap();
        assert_eq!(a, sample(&p, 7, 20_000).unwrap(), "the same seed, the same draws");
        assert_ne!(
            a[..20],
            sample(&p, 8, 20).unwrap()[..],
            "another seed, other draws"
        );
        assert_eq!(
            a[..5],
            sample(&p, 7, 5).unwrap()[..],
            "draw i does not depend on n"
        );
        let share = |i| a.iter().filter(|&&x| x == i).count() as f64 / a.len() as f64;
        assert_eq!(share(1), 0.0, "a zero never comes up");
        for (i, want) in [(0, 0.5), (2, 0.3), (3, 0.2)] {
            assert!((share(i) - want).abs() < 0.02, "{i}: {}", share(i));
        }
        assert_eq!(sample(&[0.0, 1.0], 1, 3).unwrap(), [1, 1, 1]);
        // As many draws from as many tokens as a list may hold: bisection,
        // not a scan per draw (10^10 steps before).
        let flat = vec![1e-5; 100_000];
        let many = sample(&flat, 3, 100_000).unwrap();
        assert_eq!(many.len(), 100_000);
        assert!(many.iter().all(|&i| i < flat.len()));
        assert!(sample(&[0.0, 0.0], 1, 1).is_err());
    }

    fn close(a: &[f64], b: &[f64], tol: f64) {
        assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < tol, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn softmax_t1() {
        // exp(2) = 7.389056, exp(1) = 2.718282, exp(0.1) = 1.105171; sum = 11.212509
        // 7.389056 / 11.212509 = 0.659001, 2.718282 / 11.212509 = 0.242433, 1.105171 / 11.212509 = 0.098566
        close(
            &softmax(&[2.0, 1.0, 0.1], 1.0).unwrap(),
            &[0.659001, 0.242433, 0.098566],
            1e-6,
        );
    }

    #[test]
    fn softmax_t_half() {
        // logits / 0.5 = [4, 2, 0.2]: exp = 54.598150, 7.389056, 1.221403; sum = 63.208609
        // → 0.863777, 0.116900, 0.019323
        close(
            &softmax(&[2.0, 1.0, 0.1], 0.5).unwrap(),
            &[0.863777, 0.116900, 0.019323],
            1e-6,
        );
    }

    #[test]
    fn softmax_t_two() {
        // logits / 2 = [1, 0.5, 0.05]: exp = 2.718282, 1.648721, 1.051271; sum = 5.418274
        // → 0.501688, 0.304289, 0.194023
        close(
            &softmax(&[2.0, 1.0, 0.1], 2.0).unwrap(),
            &[0.501688, 0.304289, 0.194023],
            1e-6,
        );
    }

    #[test]
    fn softmax_shift_invariant() {
        let a = softmax(&[2.0, 1.0, 0.1], 1.0).unwrap();
        let b = softmax(&[102.0, 101.0, 100.1], 1.0).unwrap();
        close(&a, &b, 1e-12);
    }

    #[test]
    fn softmax_huge_logits() {
        // Shifted by the max: [0, -1] → exp = 1, 0.367879; sum 1.367879 → 0.731059, 0.268941
        let p = softmax(&[1000.0, 999.0], 1.0).unwrap();
        close(&p, &[0.731059, 0.268941], 1e-6);
        assert!(p.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn softmax_errors() {
        assert_eq!(softmax(&[1.0], 0.0), Err(ProbError::InvalidTemperature(0.0)));
        assert!(matches!(
            softmax(&[1.0], f64::NAN),
            Err(ProbError::InvalidTemperature(_))
        ));
        assert!(matches!(
            softmax(&[1.0], -1.0),
            Err(ProbError::InvalidTemperature(_))
        ));
        assert!(matches!(
            softmax(&[1.0], f64::INFINITY),
            Err(ProbError::InvalidTemperature(_))
        ));
        assert!(matches!(
            softmax(&[1.0, f64::NAN], 1.0),
            Err(ProbError::NonFiniteLogit { index: 1, .. })
        ));
        assert!(matches!(
            softmax(&[f64::INFINITY], 1.0),
            Err(ProbError::NonFiniteLogit { index: 0, .. })
        ));
        assert_eq!(softmax(&[], 1.0), Err(ProbError::Empty));
    }

    #[test]
    fn argmax_first_max() {
        assert_eq!(argmax(&[0.1, 0.5, 0.5, 0.2]), Some(1));
        assert_eq!(argmax(&[f64::NAN, 0.3, 0.1]), Some(1));
        assert_eq!(argmax(&[]), None);
    }

    #[test]
    fn top_k_two() {
        assert_eq!(
            top_k_mask(&[0.1, 0.4, 0.2, 0.3], 2),
            vec![false, true, false, true]
        );
        // Tie between index 1 and 2: the lower index wins.
        assert_eq!(
            top_k_mask(&[0.5, 0.2, 0.2, 0.1], 2),
            vec![true, true, false, false]
        );
        assert_eq!(top_k_mask(&[0.5, 0.5], 0), vec![true, true]);
        assert_eq!(top_k_mask(&[0.5, 0.5], 5), vec![true, true]);
    }

    #[test]
    fn top_p_cases() {
        let p = [0.5, 0.3, 0.15, 0.05];
        // 0.5 < 0.9, 0.8 < 0.9, 0.95 >= 0.9 → 3 kept
        assert_eq!(top_p_mask(&p, 0.9), vec![true, true, true, false]);
        // 0.5 >= 0.5 → exactly 1 kept
        assert_eq!(top_p_mask(&p, 0.5), vec![true, false, false, false]);
        assert_eq!(top_p_mask(&p, 1.0), vec![true; 4]);
        // At least one token even for tiny p.
        assert_eq!(top_p_mask(&p, 0.0), vec![true, false, false, false]);
        // 0.7 + 0.2 = 0.8999999999999999 in f64: still reaches 0.9 → 2 kept.
        assert_eq!(top_p_mask(&[0.2, 0.7, 0.1], 0.9), vec![true, true, false]);
    }

    #[test]
    fn renormalize_sums_to_one() {
        // kept 0.5 + 0.15 = 0.65 → 0.5/0.65 = 0.769231, 0.15/0.65 = 0.230769
        let r = renormalize(&[0.5, 0.3, 0.15, 0.05], &[true, false, true, false]);
        close(&r, &[0.769231, 0.0, 0.230769, 0.0], 1e-6);
        assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(renormalize(&[0.5, 0.5], &[false, false]), vec![0.0, 0.0]);
    }

    #[test]
    fn cumulative() {
        let c = cumulative_sorted(&[0.15, 0.5, 0.05, 0.3]);
        let idx: Vec<usize> = c.iter().map(|x| x.0).collect();
        assert_eq!(idx, vec![1, 3, 0, 2]);
        close(
            &c.iter().map(|x| x.1).collect::<Vec<_>>(),
            &[0.5, 0.8, 0.95, 1.0],
            1e-12,
        );
    }

    #[test]
    fn cross_entropy_values() {
        // -ln 0.25 = ln 4 = 1.386294
        assert!((cross_entropy(&[0.25, 0.75], 0).unwrap() - 1.386294).abs() < 1e-6);
        assert_eq!(cross_entropy(&[1.0], 0).unwrap(), 0.0);
        assert_eq!(
            cross_entropy(&[0.5, 0.5], 2),
            Err(ProbError::TargetOutOfRange { target: 2, len: 2 })
        );
        assert_eq!(
            cross_entropy(&[0.0, 1.0], 0),
            Err(ProbError::ZeroProbability { target: 0 })
        );
        assert!(matches!(
            cross_entropy(&[f64::NAN], 0),
            Err(ProbError::InvalidProbability { .. })
        ));
    }

    #[test]
    fn decode_pipeline() {
        // softmax([2, 1, 0.1, -1]): exp = 7.389056, 2.718282, 1.105171, 0.367879; sum 11.580388
        // raw = 0.638066, 0.234731, 0.095435, 0.031767
        // top_k = 3 → renormalized by 0.968232: 0.659001, 0.242433, 0.098566
        // top_p = 0.8 → 0.659001 < 0.8, 0.901434 >= 0.8 → keep 2
        // final: 0.638066 / 0.872797 = 0.731059, 0.234731 / 0.872797 = 0.268941
        let d = Decoding {
            temperature: 1.0,
            top_k: Some(3),
            top_p: Some(0.8),
        };
        let out = decode_distribution(&[2.0, 1.0, 0.1, -1.0], &d).unwrap();
        close(&out.raw, &[0.638066, 0.234731, 0.095435, 0.031767], 1e-6);
        assert_eq!(out.mask, vec![true, true, false, false]);
        close(&out.probs, &[0.731059, 0.268941, 0.0, 0.0], 1e-6);

        // top_p = 1 must not bring back what top_k removed.
        let d = Decoding {
            temperature: 1.0,
            top_k: Some(1),
            top_p: Some(1.0),
        };
        let out = decode_distribution(&[2.0, 1.0], &d).unwrap();
        assert_eq!(out.mask, vec![true, false]);
        assert_eq!(out.probs, vec![1.0, 0.0]);

        let out = decode_distribution(&[2.0, 1.0], &Decoding::default()).unwrap();
        assert_eq!(out.mask, vec![true, true]);
        assert_eq!(out.raw, out.probs);
    }

    #[test]
    fn decode_errors() {
        let bad_p = Decoding {
            top_p: Some(0.0),
            ..Decoding::default()
        };
        assert_eq!(
            decode_distribution(&[1.0], &bad_p),
            Err(ProbError::InvalidTopP(0.0))
        );
        let bad_t = Decoding {
            temperature: 0.0,
            ..Decoding::default()
        };
        assert!(matches!(
            decode_distribution(&[1.0], &bad_t),
            Err(ProbError::InvalidTemperature(_))
        ));
        assert_eq!(
            decode_distribution(&[], &Decoding::default()),
            Err(ProbError::Empty)
        );
    }
}
