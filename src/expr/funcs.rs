//! The maths and list functions scene expressions call.
//!
//! Every numeric function takes integers and floats alike and returns a
//! float; a value outside a function's domain is an error at the call
//! ("sqrt of a negative number"), never a silent NaN. `/` always divides
//! as reals (`1 / 2` is `0.5`, not Rhai's integer `0`) and refuses zero.
//! `log` is the natural logarithm, as in NumPy and Python's `math.log`.

use rhai::{Array, Dynamic, Engine, EvalAltResult, INT};

use super::kind::{as_number, kind_of};
use super::limits::LIMITS;

type Res<T> = Result<T, Box<EvalAltResult>>;

fn fail<T>(message: impl Into<String>) -> Res<T> {
    Err(message.into().into())
}

/// A number argument, or an error naming the function.
fn num(f: &str, d: &Dynamic) -> Res<f64> {
    match as_number(d) {
        Some(x) => Ok(x),
        None => fail(format!("{f}: expected a number, got {}", kind_of(d))),
    }
}

/// The numbers of a list argument.
fn nums(f: &str, list: &Array) -> Res<Vec<f64>> {
    list.iter()
        .map(|d| match as_number(d) {
            Some(x) => Ok(x),
            None => fail(format!(
                "{f}: expected a list of numbers, found {} in it",
                kind_of(d)
            )),
        })
        .collect()
}

fn floats(v: Vec<f64>) -> Array {
    v.into_iter().map(Dynamic::from_float).collect()
}

/// Registers `name` for an integer and a float argument.
fn unary(e: &mut Engine, name: &'static str, f: fn(f64) -> Res<f64>) {
    e.register_fn(name, move |x: f64| f(x));
    e.register_fn(name, move |x: INT| f(x as f64));
}

/// Registers `name` for every mix of integer and float arguments.
fn binary(e: &mut Engine, name: &'static str, f: fn(f64, f64) -> Res<f64>) {
    e.register_fn(name, move |a: f64, b: f64| f(a, b));
    e.register_fn(name, move |a: INT, b: f64| f(a as f64, b));
    e.register_fn(name, move |a: f64, b: INT| f(a, b as f64));
    e.register_fn(name, move |a: INT, b: INT| f(a as f64, b as f64));
}

fn ok(x: f64) -> Res<f64> {
    Ok(x)
}

fn divide(a: f64, b: f64) -> Res<f64> {
    if b == 0.0 {
        fail("division by zero")
    } else {
        Ok(a / b)
    }
}

pub(crate) fn register(e: &mut Engine) {
    binary(e, "/", divide);
    unary(e, "exp", |x| ok(x.exp()));
    unary(e, "sqrt", |x| {
        if x < 0.0 {
            fail(format!("sqrt of a negative number ({x})"))
        } else {
            ok(x.sqrt())
        }
    });
    e.register_fn("log", |x: f64| log_of(x, f64::ln));
    e.register_fn("log", |x: INT| log_of(x as f64, f64::ln));
    e.register_fn("ln", |x: f64| log_of(x, f64::ln));
    e.register_fn("ln", |x: INT| log_of(x as f64, f64::ln));
    e.register_fn("log2", |x: f64| log_of(x, f64::log2));
    e.register_fn("log2", |x: INT| log_of(x as f64, f64::log2));
    e.register_fn("log10", |x: f64| log_of(x, f64::log10));
    e.register_fn("log10", |x: INT| log_of(x as f64, f64::log10));
    unary(e, "abs", |x| ok(x.abs()));
    unary(e, "floor", |x| ok(x.floor()));
    unary(e, "ceil", |x| ok(x.ceil()));
    unary(e, "round", |x| ok(x.round()));
    unary(e, "sin", |x| ok(x.sin()));
    unary(e, "cos", |x| ok(x.cos()));
    unary(e, "tan", |x| ok(x.tan()));
    unary(e, "tanh", |x| ok(x.tanh()));
    unary(e, "sigmoid", |x| ok(1.0 / (1.0 + (-x).exp())));
    unary(e, "float", ok);
    binary(e, "pow", |a, b| ok(a.powf(b)));
    binary(e, "atan2", |a, b| ok(a.atan2(b)));
    binary(e, "min", |a, b| ok(a.min(b)));
    binary(e, "max", |a, b| ok(a.max(b)));
    e.register_fn("min", |a: INT, b: INT| a.min(b));
    e.register_fn("max", |a: INT, b: INT| a.max(b));
    e.register_fn("clamp", |x: Dynamic, lo: Dynamic, hi: Dynamic| -> Res<f64> {
        let (x, lo, hi) = (num("clamp", &x)?, num("clamp", &lo)?, num("clamp", &hi)?);
        if lo > hi {
            return fail(format!("clamp: the low end ({lo}) is above the high end ({hi})"));
        }
        Ok(x.clamp(lo, hi))
    });
    e.register_fn("lerp", |a: Dynamic, b: Dynamic, t: Dynamic| -> Res<f64> {
        let (a, b, t) = (num("lerp", &a)?, num("lerp", &b)?, num("lerp", &t)?);
        Ok(a + (b - a) * t)
    });
    e.register_fn("int", |x: Dynamic| -> Res<INT> { integer("int", &x) });
    register_lists(e);
    register_sampling(e);
}

fn log_of(x: f64, f: fn(f64) -> f64) -> Res<f64> {
    if x <= 0.0 {
        fail(format!("log of a number that is not positive ({x})"))
    } else {
        Ok(f(x))
    }
}

/// An integer argument: an integer, or a float with no fractional part.
fn integer(f: &str, d: &Dynamic) -> Res<INT> {
    if let Ok(i) = d.as_int() {
        return Ok(i);
    }
    match d.as_float() {
        Ok(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(x as INT),
        Ok(x) => fail(format!("{f}: expected a whole number, got {x}")),
        Err(_) => fail(format!("{f}: expected a number, got {}", kind_of(d))),
    }
}

/// `n` as the length of a list `f` makes, refused when negative or too long.
fn list_len(f: &str, n: INT, what: &str) -> Res<usize> {
    if n < 0 || n as u64 > LIMITS.list_len as u64 {
        return fail(format!(
            "{f}: {n} {what}; a list holds at most {}",
            LIMITS.list_len
        ));
    }
    Ok(n as usize)
}

/// `range(a, b, step)` as a list, refused before allocating when too long.
fn range(a: &Dynamic, b: &Dynamic, step: &Dynamic) -> Res<Array> {
    let all_int = a.is_int() && b.is_int() && step.is_int();
    let (a, b, s) = (num("range", a)?, num("range", b)?, num("range", step)?);
    if s == 0.0 || !s.is_finite() {
        return fail("range: the step must be a non-zero number");
    }
    let n = ((b - a) / s).ceil().max(0.0);
    if !n.is_finite() || n > LIMITS.list_len as f64 {
        return fail(format!(
            "range would make {} items; a list holds at most {}",
            if n < 1e12 {
                format!("{n}")
            } else {
                format!("{n:e}")
            },
            LIMITS.list_len
        ));
    }
    let n = n as usize;
    Ok(if all_int {
        (0..n)
            .map(|i| Dynamic::from_int(a as INT + i as INT * s as INT))
            .collect()
    } else {
        (0..n).map(|i| Dynamic::from_float(a + i as f64 * s)).collect()
    })
}

fn register_lists(e: &mut Engine) {
    let zero = || Dynamic::from_int(0);
    let one = || Dynamic::from_int(1);
    e.register_fn("range", move |n: Dynamic| range(&zero(), &n, &one()));
    e.register_fn("range", move |a: Dynamic, b: Dynamic| range(&a, &b, &one()));
    e.register_fn("range", |a: Dynamic, b: Dynamic, s: Dynamic| range(&a, &b, &s));
    // Typed twins: Rhai's own integer `range` (an iterator, not a list)
    // would otherwise be picked before the `Dynamic` versions.
    let i = Dynamic::from_int;
    e.register_fn("range", move |n: INT| range(&i(0), &i(n), &i(1)));
    e.register_fn("range", move |a: INT, b: INT| range(&i(a), &i(b), &i(1)));
    e.register_fn("range", move |a: INT, b: INT, s: INT| range(&i(a), &i(b), &i(s)));
    let f = Dynamic::from_float;
    e.register_fn("range", move |a: f64, b: f64, s: f64| range(&f(a), &f(b), &f(s)));
    e.register_fn("linspace", |a: Dynamic, b: Dynamic, n: Dynamic| -> Res<Array> {
        let (a, b, n) = (
            num("linspace", &a)?,
            num("linspace", &b)?,
            integer("linspace", &n)?,
        );
        let n = list_len("linspace", n, "items")?;
        let step = if n > 1 { (b - a) / (n - 1) as f64 } else { 0.0 };
        Ok(floats((0..n).map(|i| a + i as f64 * step).collect()))
    });
    e.register_fn("sum", |l: Array| -> Res<f64> {
        Ok(nums("sum", &l)?.iter().sum())
    });
    e.register_fn("mean", |l: Array| -> Res<f64> {
        let v = nums("mean", &l)?;
        if v.is_empty() {
            return fail("mean of an empty list");
        }
        Ok(v.iter().sum::<f64>() / v.len() as f64)
    });
    e.register_fn("cumsum", |l: Array| -> Res<Array> {
        let mut acc = 0.0;
        Ok(floats(
            nums("cumsum", &l)?
                .into_iter()
                .map(|x| {
                    acc += x;
                    acc
                })
                .collect(),
        ))
    });
    e.register_fn("softmax", |l: Array| softmax(&l, 1.0));
    e.register_fn("softmax", |l: Array, t: Dynamic| -> Res<Array> {
        let t = num("softmax", &t)?;
        softmax(&l, t)
    });
    e.register_fn("max", |l: Array| extreme("max", &l, f64::max));
    e.register_fn("min", |l: Array| extreme("min", &l, f64::min));
    e.register_fn("argmax", |l: Array| -> Res<INT> {
        let v = nums("argmax", &l)?;
        let mut best: Option<(usize, f64)> = None;
        for (i, x) in v.into_iter().enumerate() {
            if best.is_none_or(|(_, b)| x > b) {
                best = Some((i, x));
            }
        }
        best.map(|(i, _)| i as INT)
            .ok_or_else(|| "argmax of an empty list".into())
    });
}

/// `exp(x / t)` normalised, computed stably (the maximum subtracted first).
fn softmax(l: &Array, temperature: f64) -> Res<Array> {
    let v = nums("softmax", l)?;
    if temperature <= 0.0 || !temperature.is_finite() {
        return fail(format!(
            "softmax: the temperature must be positive, got {temperature}"
        ));
    }
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if v.is_empty() || !m.is_finite() {
        return fail("softmax needs a non-empty list of finite numbers");
    }
    let e: Vec<f64> = v.iter().map(|x| ((x - m) / temperature).exp()).collect();
    let z: f64 = e.iter().sum();
    Ok(floats(e.into_iter().map(|x| x / z).collect()))
}

fn extreme(f: &str, l: &Array, pick: fn(f64, f64) -> f64) -> Res<f64> {
    let v = nums(f, l)?;
    v.into_iter()
        .reduce(pick)
        .ok_or_else(|| format!("{f} of an empty list").into())
}

/// The decoding strategies of chapter 05 over a list of probabilities:
/// `entropy(p)` in nats, `top_k(p, k)` and `top_p(p, x)` (renormalised),
/// and `sample(p, seed, n)`: `n` seeded draws (indices), the same on every
/// machine ([`crate::prob::sample`]).
fn register_sampling(e: &mut Engine) {
    let err = |f: &str, e: crate::prob::ProbError| -> Box<EvalAltResult> { format!("{f}: {e}").into() };
    e.register_fn("entropy", move |l: Array| -> Res<f64> {
        crate::prob::entropy(&nums("entropy", &l)?).map_err(|e| err("entropy", e))
    });
    e.register_fn("top_k", |l: Array, k: Dynamic| -> Res<Array> {
        let (p, k) = (nums("top_k", &l)?, integer("top_k", &k)?);
        if k < 1 {
            return fail(format!("top_k: k must be at least 1, got {k}"));
        }
        let keep = crate::prob::top_k_mask(&p, usize::try_from(k).unwrap_or(usize::MAX));
        Ok(floats(crate::prob::renormalize(&p, &keep)))
    });
    e.register_fn("top_p", move |l: Array, x: Dynamic| -> Res<Array> {
        let (p, x) = (nums("top_p", &l)?, num("top_p", &x)?);
        if !(x > 0.0 && x <= 1.0) {
            return Err(err("top_p", crate::prob::ProbError::InvalidTopP(x)));
        }
        Ok(floats(crate::prob::renormalize(
            &p,
            &crate::prob::top_p_mask(&p, x),
        )))
    });
    e.register_fn(
        "sample",
        move |l: Array, seed: Dynamic, n: Dynamic| -> Res<Array> {
            let (p, seed, n) = (
                nums("sample", &l)?,
                integer("sample", &seed)?,
                integer("sample", &n)?,
            );
            let n = list_len("sample", n, "draws")?;
            let draws = crate::prob::sample(&p, seed as u64, n).map_err(|e| err("sample", e))?;
            Ok(draws.into_iter().map(|i| Dynamic::from_int(i as INT)).collect())
        },
    );
}
