//! Colours in expressions: literals, theme names, and mixes in Oklab.
//!
//! A colour argument is a colour value or a string: `"#rrggbb"`,
//! `"#rrggbbaa"` or a name the caller's palette knows (the theme's). Mixing
//! happens in Oklab (Björn Ottosson, 2020), a perceptual space: a ramp from a
//! pale to a saturated colour changes lightness evenly, with no muddy or
//! over-bright middle, so equal steps of a value read as equal steps of
//! colour on a heat-map. Alpha mixes linearly.

use rhai::{Array, Dynamic, Engine, EvalAltResult};

use std::sync::Arc;

use super::kind::{as_number, kind_of};
use crate::color::{linear_to_srgb, srgb_to_linear, Color};

/// Resolves a colour name (a theme colour) to a colour; `None` if unknown.
pub type Palette = Arc<dyn Fn(&str) -> Option<Color> + Send + Sync>;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// A colour in Oklab: lightness `l` (0..1) and the opponent axes `a`, `b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Oklab {
    pub l: f32,
    pub a: f32,
    pub b: f32,
}

impl Oklab {
    /// From an sRGB colour (alpha ignored).
    pub fn from_srgb(c: Color) -> Oklab {
        let (r, g, b) = (srgb_to_linear(c.r), srgb_to_linear(c.g), srgb_to_linear(c.b));
        let l = (0.412_221_46 * r + 0.536_332_55 * g + 0.051_445_995 * b).cbrt();
        let m = (0.211_903_5 * r + 0.680_699_5 * g + 0.107_396_96 * b).cbrt();
        let s = (0.088_302_46 * r + 0.281_718_85 * g + 0.629_978_7 * b).cbrt();
        Oklab {
            l: 0.210_454_26 * l + 0.793_617_8 * m - 0.004_072_047 * s,
            a: 1.977_998_5 * l - 2.428_592_2 * m + 0.450_593_7 * s,
            b: 0.025_904_037 * l + 0.782_771_77 * m - 0.808_675_77 * s,
        }
    }

    /// Back to sRGB with alpha `alpha`, clamped into the gamut.
    pub fn to_srgb(self, alpha: f32) -> Color {
        let l = (self.l + 0.396_337_78 * self.a + 0.215_803_76 * self.b).powi(3);
        let m = (self.l - 0.105_561_346 * self.a - 0.063_854_17 * self.b).powi(3);
        let s = (self.l - 0.089_484_18 * self.a - 1.291_485_5 * self.b).powi(3);
        let r = 4.076_741_7 * l - 3.307_711_6 * m + 0.230_969_94 * s;
        let g = -1.268_438 * l + 2.609_757_4 * m - 0.341_319_38 * s;
        let b = -0.004_196_086_3 * l - 0.703_418_6 * m + 1.707_614_7 * s;
        let enc = |v: f32| linear_to_srgb(v.clamp(0.0, 1.0));
        Color::rgba(enc(r), enc(g), enc(b), alpha.clamp(0.0, 1.0))
    }
}

/// `a` and `b` mixed in Oklab: `t = 0` is `a`, `t = 1` is `b` (clamped).
pub fn mix_oklab(a: Color, b: Color, t: f32) -> Color {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    if t == 0.0 {
        return a;
    }
    if t == 1.0 {
        return b;
    }
    let (p, q) = (Oklab::from_srgb(a), Oklab::from_srgb(b));
    let lerp = |x: f32, y: f32| x + (y - x) * t;
    Oklab {
        l: lerp(p.l, q.l),
        a: lerp(p.a, q.a),
        b: lerp(p.b, q.b),
    }
    .to_srgb(lerp(a.a, b.a))
}

/// A ramp through `stops`, evenly spaced over `t` in 0..1 (clamped).
/// `None` when `stops` is empty.
pub fn ramp_oklab(stops: &[Color], t: f32) -> Option<Color> {
    let last = stops.len().checked_sub(1)?;
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * last as f32;
    let i = (x.floor() as usize).min(last.saturating_sub(1));
    match stops {
        [only] => Some(*only),
        _ => Some(mix_oklab(stops[i], stops[i + 1], x - i as f32)),
    }
}

/// A colour from a colour value or a string (hex or palette name).
pub(crate) fn to_colour(d: &Dynamic, palette: &Palette) -> Result<Color, String> {
    if let Some(c) = d.clone().try_cast::<Color>() {
        return Ok(c);
    }
    match d.clone().into_immutable_string() {
        Ok(s) if s.starts_with('#') => Color::from_hex(&s).map_err(|e| e.to_string()),
        Ok(s) => palette(&s).ok_or_else(|| {
            format!(
                "unknown colour {:?}: write #rrggbb or a theme colour's name",
                s.as_str()
            )
        }),
        Err(_) => Err(format!("expected a colour, got {}", kind_of(d))),
    }
}

fn fraction(f: &str, d: &Dynamic) -> Res<f32> {
    match as_number(d) {
        Some(x) if x.is_finite() => Ok(x as f32),
        Some(x) => Err(format!("{f}: the position must be a finite number, got {x}").into()),
        None => Err(format!("{f}: expected a number for the position, got {}", kind_of(d)).into()),
    }
}

pub(crate) fn register(e: &mut Engine, palette: Palette) {
    e.register_type_with_name::<Color>("colour");
    e.register_fn("to_string", |c: &mut Color| c.to_string());
    e.register_fn("to_debug", |c: &mut Color| c.to_string());
    e.register_fn("==", |a: Color, b: Color| a.to_rgba8() == b.to_rgba8());
    e.register_fn("!=", |a: Color, b: Color| a.to_rgba8() != b.to_rgba8());
    let p = palette.clone();
    e.register_fn("colour", move |c: Dynamic| -> Res<Color> {
        Ok(to_colour(&c, &p)?)
    });
    let p = palette.clone();
    e.register_fn("color", move |c: Dynamic| -> Res<Color> {
        Ok(to_colour(&c, &p)?)
    });
    e.register_fn("rgb", |r: Dynamic, g: Dynamic, b: Dynamic| -> Res<Color> {
        let (r, g, b) = (fraction("rgb", &r)?, fraction("rgb", &g)?, fraction("rgb", &b)?);
        Ok(Color::rgba(
            r.clamp(0.0, 1.0),
            g.clamp(0.0, 1.0),
            b.clamp(0.0, 1.0),
            1.0,
        ))
    });
    let p = palette.clone();
    e.register_fn("with_alpha", move |c: Dynamic, a: Dynamic| -> Res<Color> {
        Ok(to_colour(&c, &p)?
            .with_opacity(1.0)
            .with_alpha(fraction("with_alpha", &a)?))
    });
    let p = palette.clone();
    e.register_fn("mix", move |a: Dynamic, b: Dynamic, t: Dynamic| -> Res<Color> {
        let (a, b) = (to_colour(&a, &p)?, to_colour(&b, &p)?);
        Ok(mix_oklab(a, b, fraction("mix", &t)?))
    });
    e.register_fn("ramp", move |stops: Array, t: Dynamic| -> Res<Color> {
        let stops: Vec<Color> = stops
            .iter()
            .map(|s| to_colour(s, &palette))
            .collect::<Result<_, _>>()?;
        ramp_oklab(&stops, fraction("ramp", &t)?).ok_or_else(|| "ramp needs at least one colour".into())
    });
}

trait WithAlpha {
    fn with_alpha(self, a: f32) -> Color;
}

impl WithAlpha for Color {
    fn with_alpha(self, a: f32) -> Color {
        Color {
            a: a.clamp(0.0, 1.0),
            ..self
        }
    }
}
