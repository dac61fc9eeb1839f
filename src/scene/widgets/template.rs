//! Text templates: `{value}`, `{p:%1}`, `{loss:.2}`, `{lr:.1x}` … parsed
//! into segments once, at load, and filled with numbers at paint time. The
//! formats are the templates' of computing scenes ([`crate::numfmt`]); a
//! placeholder without one is rounded to a whole number.

use super::distribution::DistValues;
use crate::numfmt::{self, Format};

/// A number a placeholder shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The text's own `value` (animated with `Count`).
    Value,
    /// The bound distribution's probability of its target.
    P,
    /// Its cross-entropy.
    Loss,
    /// Its temperature.
    T,
    /// Its top-k.
    K,
    TopP,
    /// The most likely token.
    Argmax,
    /// The probability of the most likely token.
    PArgmax,
}

impl Field {
    const NAMES: &'static [(&'static str, Field)] = &[
        ("value", Field::Value),
        ("p", Field::P),
        ("loss", Field::Loss),
        ("T", Field::T),
        ("k", Field::K),
        ("top_p", Field::TopP),
        ("argmax", Field::Argmax),
        ("p_argmax", Field::PArgmax),
    ];
    fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("?", |(n, _)| n)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    Literal(String),
    Placeholder { field: Field, format: Format },
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub source: String,
    pub segments: Vec<Segment>,
}

impl Template {
    /// Parses `{name}` and `{name:format}` placeholders (`.N`, `%N`, `.Nx`,
    /// `.Ng`, …: [`Format::parse`]); `{{` and `}}` are literal braces.
    pub fn parse(source: &str) -> Result<Template, String> {
        let mut segments = Vec::new();
        let mut rest = source;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                segments.push(Segment::Literal(rest[..open].replace("}}", "}")));
            }
            // `{{` is a literal brace.
            if rest[open + 1..].starts_with('{') {
                segments.push(Segment::Literal("{".to_string()));
                rest = &rest[open + 2..];
                continue;
            }
            let close = rest[open..].find('}').ok_or("unclosed `{` in text")? + open;
            let inner = &rest[open + 1..close];
            let (name, spec) = inner.split_once(':').unwrap_or((inner, ""));
            let format = if spec.is_empty() {
                Format::Fixed(0)
            } else {
                Format::parse(spec)?
            };
            let field = Field::NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, f)| *f)
                .ok_or_else(|| {
                    format!(
                        "unknown placeholder {{{name}}} in {source:?}: use value, p, loss, T, k, top_p, argmax or p_argmax"
                    )
                })?;
            segments.push(Segment::Placeholder { field, format });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Literal(rest.replace("}}", "}")));
        }
        Ok(Template {
            source: source.to_string(),
            segments,
        })
    }

    /// Whether the text has placeholders (or is only a literal).
    pub fn is_literal(&self) -> bool {
        self.segments.iter().all(|s| matches!(s, Segment::Literal(_)))
    }

    /// The text with `value` and, when bound, the distribution's numbers
    /// (`tokens` names its tokens, for `{argmax}`).
    pub fn fill(&self, value: f64, dist: Option<&DistValues>, tokens: &[String]) -> Result<String, String> {
        let mut out = String::new();
        for seg in &self.segments {
            let (field, fmt) = match seg {
                Segment::Literal(s) => {
                    out.push_str(s);
                    continue;
                }
                Segment::Placeholder { field, format } => (*field, *format),
            };
            let name = field.name();
            let need = || dist.ok_or_else(|| format!("{{{name}}} needs `bind` to a Distribution"));
            let number = |x: f64| numfmt::format(x, fmt);
            let text = match field {
                Field::Value => number(value),
                Field::P => number(need()?.p_target.ok_or("{p} needs a distribution with a target")?),
                Field::Loss => number(need()?.loss.ok_or("{loss} needs a distribution with a target")?),
                Field::T => number(need()?.temperature),
                Field::K => need()?.top_k.to_string(),
                Field::TopP => number(need()?.top_p),
                Field::PArgmax => {
                    let d = need()?;
                    number(d.raw[d.argmax])
                }
                Field::Argmax => tokens.get(need()?.argmax).cloned().unwrap_or_default(),
            };
            out.push_str(&text);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_parsed_once_into_segments() {
        let t = Template::parse("passo {value} de 10").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.segments.len(), 3);
        assert_eq!(t.fill(15.4, None, &[]), Ok("passo 15 de 10".to_string()));
        assert!(Template::parse("{nope}").is_err());
        assert!(Template::parse("{value:.9}").is_err());
        assert!(Template::parse("{value").is_err());
        let big =
            Template::parse("{value} passos, lr {value:.1x}, {value:i}").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            big.fill(12345.0, None, &[]),
            Ok("12.345 passos, lr 1,2 × 10⁴, 12345".to_string())
        );
    }
}
