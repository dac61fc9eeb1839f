//! The shared theme (`assets/theme.ron`): palette, font sizes, stroke width
//! and corner radius, so all figures of the series look alike.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::error::SceneError;
use crate::color::Color;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename = "Theme")]
struct ThemeFile {
    colors: BTreeMap<String, String>,
    title_size: f32,
    text_size: f32,
    label_size: f32,
    small_size: f32,
    stroke_width: f32,
    radius: f32,
}

/// The resolved theme.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub colors: BTreeMap<String, Color>,
    pub title_size: f32,
    pub text_size: f32,
    pub label_size: f32,
    pub small_size: f32,
    pub stroke_width: f32,
    pub radius: f32,
    /// The role colours widgets paint with, typed once at load.
    pub palette: Palette,
}

/// The theme's role colours that widgets use by themselves (not named in
/// the scene file): looked up and checked when the theme loads, so painting
/// never looks a colour up by name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub background: Color,
    pub surface: Color,
    pub ink: Color,
    pub muted: Color,
    pub line: Color,
    pub primary: Color,
    pub accent: Color,
    pub good: Color,
    pub bad: Color,
}

/// Colours every theme must define, because widgets use them.
pub const REQUIRED_COLORS: &[&str] = &[
    "background",
    "surface",
    "panel",
    "ink",
    "muted",
    "line",
    "primary",
    "accent",
    "good",
    "bad",
    "model",
];

impl Theme {
    /// Loads and checks a theme file (a regular file of at most
    /// [`limits::MAX_THEME_BYTES`](super::limits::MAX_THEME_BYTES)).
    pub fn load(path: &Path) -> Result<Theme, SceneError> {
        let src = super::read_source(path, super::limits::MAX_THEME_BYTES, "theme files")?;
        Self::parse(path, &src)
    }

    /// Parses theme source; `path` is only used in messages. A leading
    /// byte-order mark is skipped.
    pub fn parse(path: &Path, src: &str) -> Result<Theme, SceneError> {
        let src = super::clean_source(path, src)?;
        let file: ThemeFile = super::ron_options()
            .from_str(src)
            .map_err(|e| super::ron_error(path, src, &e))?;
        let mut colors = BTreeMap::new();
        for (name, hex) in &file.colors {
            let c = Color::from_hex(hex).map_err(|e| {
                let off = super::error::find_quoted(src, hex, 0).unwrap_or(0);
                SceneError::at_offset(path, src, off, format!("colour \"{name}\": {e}"))
            })?;
            colors.insert(name.clone(), c);
        }
        let need = |name: &str| {
            colors.get(name).copied().ok_or_else(|| {
                SceneError::whole_file(path, format!("the theme must define the colour \"{name}\""))
            })
        };
        for req in REQUIRED_COLORS {
            need(req)?;
        }
        let palette = Palette {
            background: need("background")?,
            surface: need("surface")?,
            ink: need("ink")?,
            muted: need("muted")?,
            line: need("line")?,
            primary: need("primary")?,
            accent: need("accent")?,
            good: need("good")?,
            bad: need("bad")?,
        };
        let sizes = [
            file.title_size,
            file.text_size,
            file.label_size,
            file.small_size,
            file.stroke_width,
            file.radius,
        ];
        if sizes.iter().any(|s| !s.is_finite() || *s < 0.0 || *s > 1000.0) {
            return Err(SceneError::whole_file(
                path,
                "theme sizes must be finite numbers between 0 and 1000",
            ));
        }
        Ok(Theme {
            colors,
            palette,
            title_size: file.title_size,
            text_size: file.text_size,
            label_size: file.label_size,
            small_size: file.small_size,
            stroke_width: file.stroke_width,
            radius: file.radius,
        })
    }

    /// A theme colour by name, or a `#hex` literal.
    pub fn color(&self, spec: &str) -> Result<Color, String> {
        if spec.starts_with('#') {
            return Color::from_hex(spec).map_err(|e| e.to_string());
        }
        self.colors.get(spec).copied().ok_or_else(|| {
            let names: Vec<&str> = self.colors.keys().map(|s| s.as_str()).collect();
            format!(
                "unknown colour \"{spec}\"{}: use #rrggbb or one of the theme's: {}",
                crate::suggest::hint(spec, names.iter().copied()),
                names.join(", ")
            )
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_theme_loads() {
        let t = Theme::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/theme.ron")).unwrap();
        assert!(t.color("primary").is_ok());
        assert_eq!(t.color("#ff0000").unwrap().to_rgba8(), [255, 0, 0, 255]);
        assert!(t.color("nope").unwrap_err().contains("one of the theme's"));
    }

    #[test]
    fn a_bad_colour_points_at_its_line() {
        let src = "Theme(colors: {\"ink\": \"#12\"}, title_size: 1, text_size: 1, label_size: 1, small_size: 1, stroke_width: 1, radius: 1)";
        let e = Theme::parse(Path::new("t.ron"), src).unwrap_err();
        assert!(e.message.contains("colour \"ink\""), "{e}");
        assert_eq!(e.location.unwrap().line, 1);
    }

    #[test]
    fn a_theme_with_a_byte_order_mark_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/theme.ron");
        let src = std::fs::read_to_string(&path).unwrap();
        let with_bom = format!("\u{feff}{}", src.replace('\n', "\r\n"));
        assert_eq!(
            Theme::parse(&path, &with_bom).unwrap(),
            Theme::parse(&path, &src).unwrap()
        );
    }
}
