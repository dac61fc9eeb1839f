//! Syntax highlighting for the `Code` element: source text and a language
//! name in, per line the spans of bytes and the [`Class`] each is drawn as.
//! Knows nothing of scenes; the colours of the classes are the theme's.
//!
//! The grammars are two-face's extra set of Sublime/TextMate syntaxes, run
//! by syntect with its pure-Rust regex engine (fancy-regex): grammars that
//! others maintain, no C, and the same build typst's highlighting uses.
//! Without the `code` feature, [`highlight`] says so.

use std::ops::Range;

/// Whether this build has the grammars (the `code` feature).
pub const AVAILABLE: bool = cfg!(feature = "code");

/// What a piece of code is, as anim colours it: a small vocabulary derived
/// from the grammar's TextMate scopes (see [`class_of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    Plain,
    /// `def`, `fn`, `if`, `return`, `import`, `let`, `True`, `None`...
    Keyword,
    /// String literals, their quotes and escapes.
    String,
    Comment,
    Number,
    /// A function's name where it is defined or called.
    Function,
    /// A type or class name, a builtin type.
    Type,
    /// `=`, `+`, `@`, `->`, `&&`...
    Operator,
    /// Brackets, commas, dots, colons.
    Punctuation,
}

impl Class {
    /// Every class, in the order the theme lists their colours.
    pub const ALL: [Class; 9] = [
        Class::Plain,
        Class::Keyword,
        Class::String,
        Class::Comment,
        Class::Number,
        Class::Function,
        Class::Type,
        Class::Operator,
        Class::Punctuation,
    ];
}

/// Bytes of the source and how they are drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// Byte range in the whole source (never includes the line's `\n` or `\r`).
    pub range: Range<usize>,
    pub class: Class,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HighlightError {
    /// The language is not one the grammars know.
    #[error("unknown language \"{name}\"{hint}: use one of {common} (or another of the {count} grammars anim has)")]
    UnknownLanguage {
        name: String,
        /// `" (did you mean \"x\"?)"` or nothing.
        hint: String,
        common: String,
        count: usize,
    },
    /// The grammar failed on a line (a bug in a grammar, not in the code).
    #[error("the {language} grammar failed on line {line}: {message}")]
    Grammar {
        language: String,
        line: usize,
        message: String,
    },
    /// anim was built without the `code` feature.
    #[error("this anim was built without the `code` feature, which Code needs (build it with `--features code`, a default)")]
    Unavailable,
}

/// The language names an author is most likely to write, shown in the
/// unknown-language message (each also found by its aliases below).
pub const COMMON: &[&str] = &[
    "python",
    "rust",
    "shell",
    "json",
    "toml",
    "yaml",
    "c",
    "cpp",
    "javascript",
    "typescript",
    "go",
    "java",
    "sql",
    "text",
];

/// Names syntect's own lookup (file extension or grammar name) misses.
#[cfg(feature = "code")]
const ALIASES: &[(&str, &str)] = &[
    ("python", "py"),
    ("python3", "py"),
    ("rust", "rs"),
    ("shell", "sh"),
    ("bash", "sh"),
    ("zsh", "sh"),
    ("console", "sh"),
    ("json", "json"),
    ("toml", "toml"),
    ("yaml", "yaml"),
    ("c++", "cpp"),
    ("javascript", "js"),
    ("typescript", "ts"),
    ("text", "txt"),
    ("plain", "txt"),
    ("sql", "sql"),
];

/// The class a token with this scope stack (outermost first, as TextMate
/// writes it) is drawn as; `text` is the token itself (an operator that is
/// a word, Python's `and`, `not`, `in`, is a keyword).
pub fn class_of(scopes: &[String], text: &str) -> Class {
    // A comment, string or number colours everything inside it, its
    // punctuation too (`0.001`'s point); an interpolation (`{x}` in an
    // f-string) is code again.
    for s in scopes.iter().rev() {
        if s.starts_with("comment") {
            return Class::Comment;
        }
        if s.starts_with("constant.numeric") {
            return Class::Number;
        }
        if s.starts_with("meta.interpolation") || (s.starts_with("source.") && s.contains("embedded")) {
            break;
        }
        if s.starts_with("string") {
            return Class::String;
        }
    }
    let wordy = !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_');
    for s in scopes.iter().rev() {
        let has = |p: &str| s == p || (s.starts_with(p) && s.as_bytes().get(p.len()) == Some(&b'.'));
        let class = if has("constant.numeric") {
            Some(Class::Number)
        } else if has("constant.language") {
            Some(Class::Keyword)
        } else if has("constant.character") {
            Some(Class::String)
        } else if has("keyword") {
            Some(if wordy { Class::Keyword } else { Class::Operator })
        } else if has("storage.type") && wordy && text.chars().next().is_some_and(|c| c.is_uppercase()) {
            Some(Class::Type)
        } else if has("storage") {
            Some(Class::Keyword)
        } else if has("entity.name.function")
            || has("support.function")
            || has("variable.function")
            || has("meta.function-call.identifier")
        {
            Some(Class::Function)
        } else if has("entity.name.type")
            || has("entity.name.class")
            || has("entity.name.struct")
            || has("entity.name.enum")
            || has("entity.name.trait")
            || has("entity.other.inherited-class")
            || has("support.type")
            || has("support.class")
        {
            Some(Class::Type)
        } else if has("punctuation") {
            Some(if wordy { Class::Plain } else { Class::Punctuation })
        } else if has("variable") || has("entity") || has("meta.function-call") || has("support") {
            Some(Class::Plain)
        } else {
            None
        };
        if let Some(c) = class {
            return c;
        }
    }
    Class::Plain
}

/// The byte range of each line of `source` (without its `\n`, nor a `\r`
/// before it); a final `\n` does not start another line.
pub fn line_ranges(source: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in source.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && source.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push(start..end);
            start = i + 1;
        }
    }
    if start < source.len() || out.is_empty() {
        out.push(start..source.len());
    }
    out
}

/// Highlights `source` as `language`: per line (see [`line_ranges`]), its
/// spans in order, covering the line, neighbours of one class merged.
#[cfg(feature = "code")]
pub fn highlight(source: &str, language: &str) -> Result<Vec<Vec<Span>>, HighlightError> {
    use syntect::parsing::{ParseState, ScopeStack};
    let set = syntaxes();
    let syntax = find(language)?;
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut names: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for (n, r) in line_ranges(source).into_iter().enumerate() {
        let text = &source[r.clone()];
        // The grammars of the `newlines` set expect each line's `\n`.
        let fed = format!("{text}\n");
        let ops = state.parse_line(&fed, set).map_err(|e| HighlightError::Grammar {
            language: syntax.name.clone(),
            line: n + 1,
            message: e.to_string(),
        })?;
        let mut spans: Vec<Span> = Vec::new();
        let mut at = 0usize;
        let push = |from: usize, to: usize, names: &[String], spans: &mut Vec<Span>| {
            let to = to.min(text.len());
            if from >= to {
                return;
            }
            let class = class_of(names, text[from..to].trim());
            match spans.last_mut() {
                Some(last) if last.class == class && last.range.end == r.start + from => {
                    last.range.end = r.start + to;
                }
                _ => spans.push(Span {
                    range: r.start + from..r.start + to,
                    class,
                }),
            }
        };
        for (pos, op) in ops {
            push(at, pos, &names, &mut spans);
            at = at.max(pos);
            // A scope error is a grammar popping what it never pushed:
            // keep the stack as it is and colour on.
            let _ = stack.apply(&op);
            names = stack.as_slice().iter().map(|s| s.build_string()).collect();
        }
        push(at, text.len(), &names, &mut spans);
        lines.push(spans);
    }
    Ok(lines)
}

/// Without the `code` feature there are no grammars.
#[cfg(not(feature = "code"))]
pub fn highlight(_source: &str, _language: &str) -> Result<Vec<Vec<Span>>, HighlightError> {
    Err(HighlightError::Unavailable)
}

/// two-face's grammars, loaded once.
#[cfg(feature = "code")]
fn syntaxes() -> &'static syntect::parsing::SyntaxSet {
    static SET: std::sync::OnceLock<syntect::parsing::SyntaxSet> = std::sync::OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// The grammar for a language name (case-insensitive: a file extension, a
/// grammar's name, or an alias).
#[cfg(feature = "code")]
fn find(language: &str) -> Result<&'static syntect::parsing::SyntaxReference, HighlightError> {
    let set = syntaxes();
    let lower = language.trim().to_lowercase();
    let token = ALIASES
        .iter()
        .find(|(name, _)| *name == lower)
        .map_or(lower.as_str(), |(_, ext)| ext);
    if let Some(s) = set.find_syntax_by_token(token) {
        return Ok(s);
    }
    let names: Vec<String> = set
        .syntaxes()
        .iter()
        .filter(|s| !s.hidden)
        .flat_map(|s| std::iter::once(s.name.to_lowercase()).chain(s.file_extensions.iter().cloned()))
        .collect();
    let candidates = COMMON
        .iter()
        .copied()
        .chain(ALIASES.iter().map(|(a, _)| *a))
        .chain(names.iter().map(|s| s.as_str()));
    Err(HighlightError::UnknownLanguage {
        name: language.to_string(),
        hint: crate::suggest::hint(&lower, candidates),
        common: COMMON.join(", "),
        count: set.syntaxes().len(),
    })
}

#[cfg(all(test, feature = "code"))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The class of the first span whose text is `word`, on any line.
    fn class(source: &str, language: &str, word: &str) -> Class {
        let lines = highlight(source, language).unwrap();
        // Spans merge neighbours of one class: find the span holding the word.
        let at = source.find(word).unwrap();
        lines
            .iter()
            .flatten()
            .find(|s| s.range.start <= at && at + word.len() <= s.range.end)
            .map(|s| s.class)
            .unwrap()
    }

    const PY: &str = "import math\n\ndef attention(q, k, v, d_k):\n    # scaled dot product\n    scores = q @ k.transpose(-2, -1) / math.sqrt(d_k)\n    w = torch.softmax(scores, dim=-1)\n    return w @ v, \"ok\"\n";

    #[test]
    fn python_classes() {
        assert_eq!(class(PY, "python", "import"), Class::Keyword);
        assert_eq!(class(PY, "python", "def"), Class::Keyword);
        assert_eq!(class(PY, "python", "attention"), Class::Function);
        assert_eq!(class(PY, "python", "# scaled"), Class::Comment);
        assert_eq!(class(PY, "python", "@"), Class::Operator);
        assert_eq!(class(PY, "python", "2"), Class::Number);
        assert_eq!(class(PY, "python", "return"), Class::Keyword);
        assert_eq!(class(PY, "python", "\"ok\""), Class::String);
        assert_eq!(class(PY, "py", "("), Class::Punctuation);
        assert_eq!(class(PY, "Python", "scores"), Class::Plain);
    }

    #[test]
    fn rust_classes() {
        let src =
            "// sum\nfn add(a: i32, b: i32) -> i32 {\n    let s = \"x\";\n    a + b * 7\n}\nstruct Point;\n";
        assert_eq!(class(src, "rust", "// sum"), Class::Comment);
        assert_eq!(class(src, "rs", "fn"), Class::Keyword);
        assert_eq!(class(src, "rust", "add"), Class::Function);
        assert_eq!(class(src, "rust", "let"), Class::Keyword);
        assert_eq!(class(src, "rust", "\"x\""), Class::String);
        assert_eq!(class(src, "rust", "7"), Class::Number);
        assert_eq!(class(src, "rust", "+"), Class::Operator);
        assert_eq!(class(src, "rust", "Point"), Class::Type);
    }

    #[test]
    fn shell_classes() {
        let src = "# train\nfor i in 1 2; do\n  echo \"run $i\"\ndone\n";
        for lang in ["shell", "sh", "bash", "Bash"] {
            assert_eq!(class(src, lang, "# train"), Class::Comment, "{lang}");
            assert_eq!(class(src, lang, "for"), Class::Keyword, "{lang}");
            assert_eq!(class(src, lang, "\"run"), Class::String, "{lang}");
        }
    }

    #[test]
    fn json_classes() {
        let src = "{\"lr\": 0.001, \"warm\": true, \"name\": \"gpt\"}";
        assert_eq!(class(src, "json", "\"lr\""), Class::String);
        assert_eq!(class(src, "JSON", "0.001"), Class::Number);
        assert_eq!(class(src, "json", "true"), Class::Keyword);
        assert_eq!(class(src, "json", "{"), Class::Punctuation);
    }

    #[test]
    fn spans_cover_each_line_in_order() {
        let lines = highlight(PY, "python").unwrap();
        assert_eq!(lines.len(), line_ranges(PY).len());
        for (spans, r) in lines.iter().zip(line_ranges(PY)) {
            let mut at = r.start;
            for s in spans {
                assert_eq!(s.range.start, at);
                at = s.range.end;
            }
            assert_eq!(at, r.end);
        }
    }

    #[test]
    fn an_unknown_language_suggests_one() {
        let e = highlight("x", "pyhton").unwrap_err().to_string();
        assert!(
            e.contains("unknown language \"pyhton\" (did you mean \"python\"?)"),
            "{e}"
        );
        assert!(e.contains("python, rust, shell, json"), "{e}");
        assert!(highlight("x", "TOML").is_ok());
    }

    #[test]
    fn lines_end_before_crlf_and_a_final_newline() {
        assert_eq!(line_ranges("a\r\nbc\n"), vec![0..1, 3..5]);
        assert_eq!(line_ranges(""), vec![0..0]);
        assert_eq!(line_ranges("a\n\nb"), vec![0..1, 2..2, 3..4]);
    }
}
