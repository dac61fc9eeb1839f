//! Easing curves: maps of 0..=1 onto progress, with `f(0) = 0` and `f(1) = 1`
//! exactly (back, elastic and spring overshoot in between).

use std::f64::consts::PI;

use serde::Deserialize;

/// An easing curve, as a scene file names it (`ease: QuadOut`).
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
pub enum EaseSpec {
    Linear,
    QuadIn,
    QuadOut,
    QuadInOut,
    CubicIn,
    CubicOut,
    #[default]
    CubicInOut,
    QuartIn,
    QuartOut,
    QuartInOut,
    BackOut,
    BackInOut,
    ElasticOut,
    Spring,
}

/// Applies `ease` to `t`, clamping `t` into 0..=1 first.
pub fn ease(ease: EaseSpec, t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    if t == 0.0 || t == 1.0 {
        return t;
    }
    let in_out = |f: fn(f64) -> f64| {
        if t < 0.5 {
            f(2.0 * t) / 2.0
        } else {
            1.0 - f(2.0 - 2.0 * t) / 2.0
        }
    };
    match ease {
        EaseSpec::Linear => t,
        EaseSpec::QuadIn => t * t,
        EaseSpec::QuadOut => 1.0 - (1.0 - t).powi(2),
        EaseSpec::QuadInOut => in_out(|x| x * x),
        EaseSpec::CubicIn => t.powi(3),
        EaseSpec::CubicOut => 1.0 - (1.0 - t).powi(3),
        EaseSpec::CubicInOut => in_out(|x| x.powi(3)),
        EaseSpec::QuartIn => t.powi(4),
        EaseSpec::QuartOut => 1.0 - (1.0 - t).powi(4),
        EaseSpec::QuartInOut => in_out(|x| x.powi(4)),
        EaseSpec::BackOut => {
            // Penner's back with the usual overshoot constant (≈10%).
            let (c1, c3) = (1.70158, 2.70158);
            1.0 + c3 * (t - 1.0).powi(3) + c1 * (t - 1.0).powi(2)
        }
        EaseSpec::BackInOut => {
            const C2: f64 = 1.70158 * 1.525;
            in_out(|x| x * x * ((C2 + 1.0) * x - C2))
        }
        EaseSpec::ElasticOut => {
            let c4 = (2.0 * PI) / 3.0;
            2f64.powf(-10.0 * t) * ((t * 10.0 - 0.75) * c4).sin() + 1.0
        }
        EaseSpec::Spring => {
            // A critically-under-damped spring settling by t = 1: damping 6, ω = 2.5 turns.
            let omega = 2.5 * 2.0 * PI;
            1.0 - (-6.0 * t).exp() * (omega * t).cos() * (1.0 - t)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [EaseSpec; 14] = [
        EaseSpec::Linear,
        EaseSpec::QuadIn,
        EaseSpec::QuadOut,
        EaseSpec::QuadInOut,
        EaseSpec::CubicIn,
        EaseSpec::CubicOut,
        EaseSpec::CubicInOut,
        EaseSpec::QuartIn,
        EaseSpec::QuartOut,
        EaseSpec::QuartInOut,
        EaseSpec::BackOut,
        EaseSpec::BackInOut,
        EaseSpec::ElasticOut,
        EaseSpec::Spring,
    ];

    #[test]
    fn every_curve_starts_at_0_and_ends_at_1() {
        for e in ALL {
            assert_eq!(ease(e, 0.0), 0.0, "{e:?}");
            assert_eq!(ease(e, 1.0), 1.0, "{e:?}");
            assert_eq!(ease(e, -3.0), 0.0, "{e:?} clamps");
            assert_eq!(ease(e, 7.0), 1.0, "{e:?} clamps");
            for i in 1..100 {
                assert!(ease(e, i as f64 / 100.0).is_finite());
            }
        }
    }

    #[test]
    fn known_values() {
        assert_eq!(ease(EaseSpec::Linear, 0.3), 0.3);
        assert!((ease(EaseSpec::CubicInOut, 0.5) - 0.5).abs() < 1e-12);
        // 4·0.25³ = 0.0625
        assert!((ease(EaseSpec::CubicInOut, 0.25) - 0.0625).abs() < 1e-12);
        // 1 − 0.5⁴ = 0.9375
        assert!((ease(EaseSpec::QuartOut, 0.5) - 0.9375).abs() < 1e-12);
        assert!((ease(EaseSpec::QuadIn, 0.5) - 0.25).abs() < 1e-12);
    }

    #[test]
    fn in_out_curves_are_symmetric_and_monotonic() {
        for e in [EaseSpec::QuadInOut, EaseSpec::CubicInOut, EaseSpec::QuartInOut] {
            let mut prev = 0.0;
            for i in 0..=100 {
                let t = i as f64 / 100.0;
                let v = ease(e, t);
                assert!(v >= prev - 1e-12, "{e:?} not monotonic at {t}");
                assert!(
                    (v + ease(e, 1.0 - t) - 1.0).abs() < 1e-9,
                    "{e:?} not symmetric at {t}"
                );
                prev = v;
            }
        }
    }

    #[test]
    fn back_and_elastic_overshoot() {
        let max = |e| (1..100).map(|i| ease(e, i as f64 / 100.0)).fold(0.0, f64::max);
        assert!(max(EaseSpec::BackOut) > 1.05);
        assert!(max(EaseSpec::ElasticOut) > 1.05);
        assert!(max(EaseSpec::Spring) > 1.0);
    }
}
