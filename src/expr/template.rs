//! String templates: `"lr = {lr(step):.2e} ({p:.1%})"`, parsed once into
//! literal and expression parts, rendered per frame.
//!
//! Numbers are written the book's way by [`crate::numfmt`], the formatter
//! every number anim prints goes through (decimal comma, `10.000`). `{{`
//! and `}}` are literal braces.
//!
//! | format  | meaning                         | 0.01234 →   |
//! |---------|---------------------------------|-------------|
//! | (none)  | up to 6 decimals, zeros trimmed | `0,01234`   |
//! | `.2f`, `.2` | fixed decimals              | `0,01`      |
//! | `.2e`   | scientific                      | `1,23e-2`   |
//! | `.2x`   | scientific as a book writes it  | `1,23 × 10⁻²` |
//! | `.3g`   | significant digits              | `0,0123`    |
//! | `.1%`, `%1` | percent of a fraction       | `1,2%`      |
//! | `d`     | rounded to an integer           | `0`         |
//! | `i`     | an identifier: no `.` between thousands | `0` |

use super::engine::{Engine, Expr};
use super::error::{ExprError, Origin};
use super::format::{display, Format};
use super::values::Values;

#[derive(Clone, Debug)]
enum Part {
    Text(String),
    Expr(Expr, Format),
}

/// A parsed template.
#[derive(Clone, Debug)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses `text`, which starts at `origin` in the scene file, compiling
    /// each `{…}` part against `values`. Errors point into the offending part.
    pub fn parse(
        engine: &Engine,
        values: &Values,
        text: &str,
        origin: Origin,
    ) -> Result<Template, ExprError> {
        Template::parse_keeping(engine, values, text, origin, &|_| false)
    }

    /// [`Template::parse`], but a part whose code `keep` accepts stays in
    /// the text as written, braces and format included (a placeholder some
    /// later stage fills, such as a bound Text's `{p}`).
    pub fn parse_keeping(
        engine: &Engine,
        values: &Values,
        text: &str,
        origin: Origin,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<Template, ExprError> {
        let err = |at: usize, m: String| ExprError::new(text, origin, at, m);
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut i = 0;
        let bytes = text.as_bytes();
        while i < text.len() {
            match bytes[i] {
                b'{' if bytes.get(i + 1) == Some(&b'{') => {
                    literal.push('{');
                    i += 2;
                }
                b'}' if bytes.get(i + 1) == Some(&b'}') => {
                    literal.push('}');
                    i += 2;
                }
                b'}' => return Err(err(i, "a lone `}` in a text: write `}}` for a brace".into())),
                b'{' => {
                    let (close, colon) =
                        part_end(text, i + 1).ok_or_else(|| err(i, "unclosed `{` in a text".into()))?;
                    let code_end = colon.unwrap_or(close);
                    let code = &text[i + 1..code_end];
                    let format = match colon {
                        Some(c) => Format::parse(text[c + 1..close].trim()).map_err(|m| err(c + 1, m))?,
                        None => Format::Auto,
                    };
                    if code.trim().is_empty() {
                        return Err(err(i, "an empty `{}` in a text".into()));
                    }
                    if keep(code.trim()) {
                        literal.push_str(&text[i..=close]);
                        i = close + 1;
                        continue;
                    }
                    let sub = Origin::at(origin.offset + i + 1);
                    let expr = values.compile(engine, code, sub)?;
                    if !literal.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Expr(expr, format));
                    i = close + 1;
                }
                _ => {
                    let c = text[i..].chars().next().unwrap_or_default();
                    literal.push(c);
                    i += c.len_utf8();
                }
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        Ok(Template { parts })
    }

    /// The expression when the template is exactly one `{…}` part with no
    /// format: its value keeps its type (a number, a list, a colour).
    pub fn single(&self) -> Option<&Expr> {
        match self.parts.as_slice() {
            [Part::Expr(e, Format::Auto)] => Some(e),
            _ => None,
        }
    }

    /// The compiled parts.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.parts.iter().filter_map(|p| match p {
            Part::Expr(e, _) => Some(e),
            Part::Text(_) => None,
        })
    }

    /// Whether the template has no `{…}` part (its text never changes).
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Text(_)))
    }

    /// The names its parts read.
    pub fn free_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for p in &self.parts {
            if let Part::Expr(e, _) = p {
                for n in e.free_names() {
                    if !names.contains(&n.as_str()) {
                        names.push(n);
                    }
                }
            }
        }
        names
    }

    /// The text for the current values.
    pub fn render(&self, engine: &Engine, values: &mut Values) -> Result<String, ExprError> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(s) => out.push_str(s),
                Part::Expr(e, f) => {
                    let v = values.eval(engine, e)?;
                    out.push_str(&display(e, &v, f)?);
                }
            }
        }
        Ok(out)
    }
}

/// The `}` closing the part whose code starts at `from`, and the `:` that
/// starts its format if any: braces, brackets and parentheses nest, and
/// quoted strings are skipped, so `{#{a: 1}.a}` and `{f("}")}` work.
fn part_end(text: &str, from: usize) -> Option<(usize, Option<usize>)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut colon = None;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'`' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'}' if depth == 0 => return Some((i, colon)),
            b'}' => depth -= 1,
            b':' if depth == 0 && colon.is_none() => colon = Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}
