//! Colours: parsing, and the sRGB ↔ linear conversions the GPU needs.
//!
//! Scene files and the theme write colours as sRGB hex (`#1f6feb`, `#1f6feb80`).
//! The render target is an `*Srgb` texture, so the shader must output *linear*
//! values and the hardware encodes them back to sRGB on store; blending then
//! happens in linear light, which is what makes anti-aliased edges and fades
//! look right. Conversion runs once per vertex on the CPU (see `tess`), never
//! per pixel.

use std::fmt;

/// A colour in sRGB space with straight (non-premultiplied) alpha, each channel in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Color {
    pub r: f32,
    pub g: f32,
    pub b: f32,
    pub a: f32,
}

/// Why a colour string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid colour {0:?}: expected #rrggbb or #rrggbbaa")]
pub struct ParseColorError(pub String);

impl Color {
    pub const BLACK: Color = Color::rgba(0.0, 0.0, 0.0, 1.0);
    pub const WHITE: Color = Color::rgba(1.0, 1.0, 1.0, 1.0);
    pub const TRANSPARENT: Color = Color::rgba(0.0, 0.0, 0.0, 0.0);

    pub const fn rgba(r: f32, g: f32, b: f32, a: f32) -> Color {
        Color { r, g, b, a }
    }

    /// Parses `#rrggbb` or `#rrggbbaa` (the `#` is optional).
    pub fn from_hex(s: &str) -> Result<Color, ParseColorError> {
        let err = || ParseColorError(s.to_string());
        let hex = s.strip_prefix('#').unwrap_or(s);
        if !(hex.len() == 6 || hex.len() == 8) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| err());
        let a = if hex.len() == 8 { byte(6)? } else { 255 };
        Ok(Color::from_rgba8([byte(0)?, byte(2)?, byte(4)?, a]))
    }

    pub fn from_rgba8(c: [u8; 4]) -> Color {
        Color::rgba(
            c[0] as f32 / 255.0,
            c[1] as f32 / 255.0,
            c[2] as f32 / 255.0,
            c[3] as f32 / 255.0,
        )
    }

    /// The 8-bit sRGB value, rounded.
    pub fn to_rgba8(self) -> [u8; 4] {
        let q = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        [q(self.r), q(self.g), q(self.b), q(self.a)]
    }

    /// The same colour with its alpha multiplied by `opacity`.
    pub fn with_opacity(self, opacity: f32) -> Color {
        Color {
            a: self.a * opacity.clamp(0.0, 1.0),
            ..self
        }
    }

    /// Linear-light RGB with premultiplied alpha: what the shader outputs and the
    /// blend state (`PREMULTIPLIED_ALPHA_BLENDING`) expects.
    pub fn to_linear_premultiplied(self) -> [f32; 4] {
        let a = self.a.clamp(0.0, 1.0);
        [
            srgb_to_linear(self.r) * a,
            srgb_to_linear(self.g) * a,
            srgb_to_linear(self.b) * a,
            a,
        ]
    }

    /// Interpolates in linear light (so a blue→orange change does not pass
    /// through a muddy dark middle), returning an sRGB colour.
    pub fn lerp(self, other: Color, t: f32) -> Color {
        let t = t.clamp(0.0, 1.0);
        let mix = |a: f32, b: f32| linear_to_srgb(srgb_to_linear(a) * (1.0 - t) + srgb_to_linear(b) * t);
        Color {
            r: mix(self.r, other.r),
            g: mix(self.g, other.g),
            b: mix(self.b, other.b),
            a: self.a * (1.0 - t) + other.a * t,
        }
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b, a] = self.to_rgba8();
        write!(f, "#{r:02x}{g:02x}{b:02x}")?;
        if a != 255 {
            write!(f, "{a:02x}")?;
        }
        Ok(())
    }
}

/// The sRGB electro-optical transfer function (IEC 61966-2-1), 0..=1 → 0..=1.
pub fn srgb_to_linear(v: f32) -> f32 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

/// The inverse of [`srgb_to_linear`].
pub fn linear_to_srgb(v: f32) -> f32 {
    if v <= 0.0031308 {
        v * 12.92
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_with_and_without_alpha() {
        assert_eq!(Color::from_hex("#ff8000").unwrap().to_rgba8(), [255, 128, 0, 255]);
        assert_eq!(Color::from_hex("10203040").unwrap().to_rgba8(), [16, 32, 48, 64]);
        assert!(Color::from_hex("#12345").is_err());
        assert!(Color::from_hex("#gggggg").is_err());
        assert!(Color::from_hex("#ffé000").is_err());
    }

    #[test]
    fn transfer_function_round_trips_every_8bit_value() {
        for i in 0..=255u8 {
            let v = i as f32 / 255.0;
            let back = linear_to_srgb(srgb_to_linear(v));
            assert!((back - v).abs() < 1e-5, "{i}: {back} vs {v}");
        }
        // Known points: sRGB 0.5 is 21.4% linear light.
        assert!((srgb_to_linear(0.5) - 0.21404).abs() < 1e-4);
        assert_eq!(srgb_to_linear(0.0), 0.0);
        assert!((srgb_to_linear(1.0) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn premultiplies_in_linear_light() {
        let c = Color::from_hex("#ffffff80").unwrap().to_linear_premultiplied();
        assert!((c[3] - 128.0 / 255.0).abs() < 1e-6);
        assert!((c[0] - c[3]).abs() < 1e-6);
    }

    #[test]
    fn lerp_ends_are_exact_and_display_round_trips() {
        let a = Color::from_hex("#1f6feb").unwrap();
        let b = Color::from_hex("#f0883e").unwrap();
        assert_eq!(a.lerp(b, 0.0).to_rgba8(), a.to_rgba8());
        assert_eq!(a.lerp(b, 1.0).to_rgba8(), b.to_rgba8());
        assert_eq!(a.to_string(), "#1f6feb");
    }
}
