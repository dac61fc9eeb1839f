//! Errors of expressions, placed in the scene file.
//!
//! Rhai reports a 1-based line and column *inside the expression*; an
//! `Expr` knows where its text starts in the scene file
//! ([`Origin`]), so every error is turned into a byte offset of the scene file
//! and then into anim's usual `file:line:col` message with a caret
//! ([`ExprError::to_scene_error`]).

use std::fmt;

/// Where an expression's text sits in its scene file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// Byte offset, in the scene file, of the expression's first character.
    pub offset: usize,
}

impl Origin {
    pub const fn at(offset: usize) -> Origin {
        Origin { offset }
    }
}

/// An expression that does not compile, or whose value cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Byte offset in the scene file of the offending token (the
    /// expression's start when Rhai gives no position).
    pub offset: usize,
    /// What is wrong, in anim's style: lower case, no trailing period.
    pub message: String,
    /// The expression's source, for messages without a file at hand.
    pub source: String,
    /// Byte offset of the offending token inside `source`.
    pub at: usize,
}

impl ExprError {
    /// An error at byte `at` of the expression `source` that starts at `origin`.
    pub(crate) fn new(source: &str, origin: Origin, at: usize, message: impl Into<String>) -> ExprError {
        let at = at.min(source.len());
        ExprError {
            offset: origin.offset + at,
            message: message.into(),
            source: source.to_string(),
            at,
        }
    }

    /// The same error with `context` put before its message ("value `w`: …").
    pub fn context(mut self, context: impl fmt::Display) -> ExprError {
        self.message = format!("{context}: {}", self.message);
        self
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (in `{}`)", self.message, self.source)
    }
}

impl std::error::Error for ExprError {}

/// Byte offset in `source` of Rhai's position (1-based line, column in chars).
pub(crate) fn byte_offset(source: &str, pos: rhai::Position) -> usize {
    let (Some(line), col) = (pos.line(), pos.position().unwrap_or(1)) else {
        return 0;
    };
    let line_start = match line {
        0 | 1 => 0,
        n => source
            .match_indices('\n')
            .nth(n - 2)
            .map_or(source.len(), |(i, _)| i + 1),
    };
    source[line_start..]
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(source.len(), |(i, _)| line_start + i)
}

/// A parse error in anim's words.
pub(crate) fn parse_message(e: &rhai::ParseError) -> String {
    use rhai::ParseErrorType as P;
    match e.err_type() {
        P::VariableUndefined(name) => format!("unknown name `{name}`"),
        P::UnexpectedEOF => "the expression ends too early".into(),
        P::ExprTooDeep => format!(
            "nested too deeply (at most {} levels)",
            super::limits::MAX_EXPR_DEPTH
        ),
        P::LiteralTooLarge(what, max) => format!("{what} is too large (at most {max})"),
        P::Reserved(word) if word == "eval" => "`eval` is not available in scene expressions".into(),
        other => lower_first(&other.to_string()),
    }
}

/// A runtime error in anim's words, with where it happened: the innermost
/// position Rhai knows (inside a closure or function of the same expression).
///
/// An error inside a function another value defined (`foreign`: Rhai name →
/// value name) is placed at the call, with the value named.
pub(crate) fn eval_message(
    e: &rhai::EvalAltResult,
    foreign: &[(String, String)],
) -> (String, rhai::Position) {
    use rhai::EvalAltResult as E;
    let limits = super::limits::LIMITS;
    let msg = match e {
        E::ErrorInFunctionCall(f, _, inner, pos) => {
            let (m, p) = eval_message(inner, foreign);
            if let Some((_, value)) = foreign.iter().find(|(name, _)| name == f.as_str()) {
                return (format!("in `{value}`: {m}"), *pos);
            }
            return (m, if p.is_none() { *pos } else { p });
        }
        E::ErrorRuntime(d, _) => match d.clone().into_immutable_string() {
            Ok(s) => s.to_string(),
            Err(_) => format!("error: {d}"),
        },
        E::ErrorTooManyOperations(_) => format!(
            "the expression runs too long (over {} operations): an endless loop?",
            limits.operations
        ),
        E::ErrorTerminated(..) => format!(
            "the expression runs too long (over {} ms): an endless loop?",
            limits.wall_ms
        ),
        E::ErrorStackOverflow(_) => format!(
            "calls nest too deeply (at most {} levels): a function calling itself?",
            limits.call_levels
        ),
        E::ErrorDataTooLarge(what, _) => format!(
            "{} is too large (lists at most {} items, strings {} bytes, maps {} entries)",
            what.to_lowercase(),
            limits.list_len,
            limits.string_len,
            limits.map_len
        ),
        E::ErrorVariableNotFound(name, _) => format!("unknown name `{name}`"),
        E::ErrorFunctionNotFound(sig, _) => function_not_found(sig),
        E::ErrorArithmetic(s, _) => lower_first(s),
        E::ErrorAssignmentToConstant(name, _) => {
            format!("`{name}` cannot be changed inside an expression")
        }
        E::ErrorMismatchDataType(expected, actual, _) => {
            format!("expected {}, got {}", article(expected), article(actual))
        }
        other => {
            // Rhai's own text, less the "(line 1, position 2)" we replace.
            let s = other.to_string();
            let s = s.split(" (line ").next().unwrap_or(&s).to_string();
            lower_first(&s)
        }
    };
    (msg, e.position())
}

/// "Function not found: sqrt (&str | ImmutableString)" → a readable line.
fn function_not_found(sig: &str) -> String {
    let (name, args) = sig.split_once(' ').unwrap_or((sig, ""));
    let args = args.trim_start_matches('(').trim_end_matches(')');
    if args.is_empty() {
        return format!("unknown function `{name}`");
    }
    let types: Vec<String> = args.split(", ").map(|a| friendly_type(a).to_string()).collect();
    format!("no function `{name}` takes ({})", types.join(", "))
}

/// Rhai's Rust type names as a scene author knows them.
pub(crate) fn friendly_type(rust: &str) -> &str {
    match rust.trim_start_matches('&').trim() {
        "i64" | "f64" | "INT" | "FLOAT" => "number",
        "&str | ImmutableString | String"
        | "ImmutableString"
        | "string"
        | "str | ImmutableString | String" => "string",
        "array" | "Array" => "list",
        "map" | "Map" => "map",
        "bool" => "bool",
        "()" => "nothing",
        "Fn" | "FnPtr" => "function",
        other if other.contains("Color") || other == "colour" => "colour",
        other if other.contains("ImmutableString") || other.contains("str") => "string",
        other => other,
    }
}

fn article(t: &str) -> String {
    let t = friendly_type(t);
    match t.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {t}"),
        _ => format!("a {t}"),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}
