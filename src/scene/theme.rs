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
    #[serde(default)]
    code: CodeColors,
}

/// The `code` table of a theme file: the colour of each highlighting class
/// (a theme colour's name or `#hex`). A theme that leaves it out, or a
/// class, gets anim's defaults.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct CodeColors {
    background: String,
    plain: String,
    keyword: String,
    string: String,
    comment: String,
    number: String,
    function: String,
    #[serde(rename = "type")]
    type_: String,
    operator: String,
    punctuation: String,
    line_number: String,
}

impl Default for CodeColors {
    fn default() -> CodeColors {
        let s = |x: &str| x.to_string();
        CodeColors {
            background: s("panel"),
            plain: s("ink"),
            keyword: s("primary"),
            string: s("#2b7350"),
            comment: s("#646b78"),
            number: s("#9a5416"),
            function: s("model"),
            type_: s("#1d7481"),
            operator: s("#b04a1e"),
            punctuation: s("#5a6070"),
            line_number: s("#7b808b"),
        }
    }
}

/// The colours a `Code` block is drawn with, resolved at load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodePalette {
    /// The panel behind the code (the block's default `fill`).
    pub background: Color,
    pub plain: Color,
    pub keyword: Color,
    pub string: Color,
    pub comment: Color,
    pub number: Color,
    pub function: Color,
    pub type_: Color,
    pub operator: Color,
    pub punctuation: Color,
    pub line_number: Color,
}

impl CodePalette {
    /// The colour of a highlighting class.
    pub fn of(&self, class: crate::highlight::Class) -> Color {
        use crate::highlight::Class;
        match class {
            Class::Plain => self.plain,
            Class::Keyword => self.keyword,
            Class::String => self.string,
            Class::Comment => self.comment,
            Class::Number => self.number,
            Class::Function => self.function,
            Class::Type => self.type_,
            Class::Operator => self.operator,
            Class::Punctuation => self.punctuation,
        }
    }
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
    /// The colours of code, by highlighting class.
    pub code: CodePalette,
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
        let c = &file.code;
        let code_color = |field: &str, v: &str| {
            let lookup = |v: &str| -> Result<Color, String> {
                if v.starts_with('#') {
                    Color::from_hex(v).map_err(|e| e.to_string())
                } else {
                    colors
                        .get(v)
                        .copied()
                        .ok_or_else(|| format!("unknown colour \"{v}\""))
                }
            };
            lookup(v).map_err(|e| {
                let off = super::error::find_quoted(src, v, 0).unwrap_or(0);
                SceneError::at_offset(path, src, off, format!("code colour \"{field}\": {e}"))
            })
        };
        let code = CodePalette {
            background: code_color("background", &c.background)?,
            plain: code_color("plain", &c.plain)?,
            keyword: code_color("keyword", &c.keyword)?,
            string: code_color("string", &c.string)?,
            comment: code_color("comment", &c.comment)?,
            number: code_color("number", &c.number)?,
            function: code_color("function", &c.function)?,
            type_: code_color("type", &c.type_)?,
            operator: code_color("operator", &c.operator)?,
            punctuation: code_color("punctuation", &c.punctuation)?,
            line_number: code_color("line_number", &c.line_number)?,
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
            code,
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

    /// WCAG 2 contrast ratio of two colours.
    fn contrast(a: Color, b: Color) -> f32 {
        use crate::color::srgb_to_linear as lin;
        let l = |c: Color| 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
        let (x, y) = (l(a), l(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    /// Every class of code reads on the code block's background (WCAG AA
    /// for text, 4.5:1); line numbers, a decoration, at 3:1.
    #[test]
    fn code_colours_contrast_with_the_code_background() {
        let t = Theme::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/theme.ron")).unwrap();
        let bg = t.code.background;
        for class in crate::highlight::Class::ALL {
            let c = contrast(t.code.of(class), bg);
            assert!(c >= 4.5, "{class:?}: contrast {c:.2} < 4.5");
        }
        assert!(contrast(t.code.line_number, bg) >= 3.0);
        assert_eq!(t.code.keyword, t.palette.primary);
    }

    #[test]
    fn a_theme_overrides_a_code_colour() {
        let src =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/theme.ron")).unwrap();
        let src = src
            .replace("comment:     \"#646b78\"", "comment: \"#000000\"")
            .replace("keyword:     \"primary\"", "keyword: \"nope\"");
        let e = Theme::parse(Path::new("t.ron"), &src).unwrap_err();
        assert!(
            e.message
                .contains("code colour \"keyword\": unknown colour \"nope\""),
            "{e}"
        );
        let ok = Theme::parse(Path::new("t.ron"), &src.replace("\"nope\"", "\"accent\"")).unwrap();
        assert_eq!(ok.code.comment.to_rgba8(), [0, 0, 0, 255]);
        assert_eq!(ok.code.keyword, ok.palette.accent);
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
