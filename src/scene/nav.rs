//! Where values are in RON source, for carets on errors found after
//! parsing (an unknown colour, a missing glyph, a bad CSV): serde forgets
//! positions, so the resolver finds the value again from the element or
//! step it concerns, by a path of field names and item numbers
//! (`"series.1.color"`).
//!
//! The functions take byte offsets and never fail: on source they do not
//! understand they stop early, and the caller falls back to a coarser
//! position (the element, then the file). They know strings (with
//! escapes), raw strings, char literals and `//` and nested `/* */`
//! comments. Every offset they return is the first byte of a character.

/// The first byte at or after `i` that is not whitespace or a comment.
pub fn skip_trivia(src: &str, mut i: usize) -> usize {
    let b = src.as_bytes();
    loop {
        while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
            i += 1;
        }
        match b.get(i..i + 2) {
            Some(b"//") => i = line_end(b, i),
            Some(b"/*") => i = block_comment_end(b, i),
            _ => return i.min(b.len()),
        }
    }
}

/// Where the scene value (the outer `(`) starts.
pub fn root(src: &str) -> usize {
    skip_trivia(src, 0)
}

/// Where each element starts, in the order the resolver numbers them:
/// depth first, a group before its children (that is, source order).
pub fn element_starts(src: &str) -> Vec<usize> {
    let mut out = Vec::new();
    if let Some(list) = field(src, root(src), "elements") {
        push_elements(src, list, 0, &mut out);
    }
    out
}

fn push_elements(src: &str, list: usize, depth: usize, out: &mut Vec<usize>) {
    for item in items(src, list) {
        out.push(item);
        // The parser refuses deeper nesting than this before we get here.
        if depth < super::RON_RECURSION_LIMIT {
            if let Some(children) = field(src, item, "children") {
                push_elements(src, children, depth + 1, out);
            }
        }
    }
}

/// Where each timeline step starts.
pub fn step_starts(src: &str) -> Vec<usize> {
    field(src, root(src), "timeline")
        .map(|t| items(src, t))
        .unwrap_or_default()
}

/// Follows a dotted path from the value at `i`: names are struct fields,
/// numbers are items of a list or tuple (`"series.1.color"`). The empty
/// path is `i` itself.
pub fn path(src: &str, i: usize, path: &str) -> Option<usize> {
    if path.is_empty() {
        return Some(i);
    }
    path.split('.').try_fold(i, |at, seg| match seg.parse::<usize>() {
        Ok(n) => items(src, at).get(n).copied(),
        Err(_) => field(src, at, seg),
    })
}

/// Where the value of the field `name` of the struct at `i` starts (its
/// own fields, not those of structs nested in it).
pub fn field(src: &str, i: usize, name: &str) -> Option<usize> {
    items(src, i).into_iter().find_map(|k| {
        let key_end = k + name.len();
        let is_key = src.as_bytes().get(k..key_end) == Some(name.as_bytes())
            && !src.as_bytes().get(key_end).is_some_and(|&c| is_token_byte(c));
        let colon = skip_trivia(src, key_end);
        (is_key && src.as_bytes().get(colon) == Some(&b':')).then(|| skip_trivia(src, colon + 1))
    })
}

/// Where each item inside the group at `i` starts (`(…)`, `[…]`, `{…}` or
/// `Name(…)`): list and tuple items, or the key of each `key: value` of a
/// struct or map.
pub fn items(src: &str, i: usize) -> Vec<usize> {
    let b = src.as_bytes();
    let mut j = i;
    while b.get(j).is_some_and(|&c| is_token_byte(c)) {
        j += 1;
    }
    j = skip_trivia(src, j);
    let mut out = Vec::new();
    if !matches!(b.get(j), Some(b'(' | b'[' | b'{')) {
        return out;
    }
    j += 1;
    loop {
        j = skip_trivia(src, j);
        match b.get(j) {
            None | Some(b')' | b']' | b'}') => return out,
            Some(b',') => {
                j += 1;
                continue;
            }
            _ => {}
        }
        out.push(j);
        j = value_end(src, j);
        let k = skip_trivia(src, j);
        if b.get(k) == Some(&b':') {
            j = value_end(src, skip_trivia(src, k + 1));
        }
        j = skip_trivia(src, j);
        if !matches!(b.get(j), Some(b',' | b')' | b']' | b'}') | None) {
            // Not RON this scanner understands: stop rather than guess.
            return out;
        }
    }
}

/// Where byte `byte` of the string literal at `i` is written in `src`,
/// when the literal reads `text` (a plain string whose escapes are decoded
/// on the way, or a raw one); `None` when it is not that literal.
pub fn string_byte(src: &str, i: usize, text: &str, byte: usize) -> Option<usize> {
    let rest = src.get(i..)?;
    let (hashes, body) = if let Some(r) = rest.strip_prefix('r') {
        let h = r.len() - r.trim_start_matches('#').len();
        (Some(h), i + 1 + h + 1)
    } else if rest.starts_with('"') {
        (None, i + 1)
    } else {
        return None;
    };
    if let Some(h) = hashes {
        let close = format!("\"{}", "#".repeat(h));
        let inner = src.get(body..)?;
        let end = inner.find(&close)?;
        return (inner[..end] == *text && byte <= text.len()).then_some(body + byte);
    }
    // Decode the plain literal, noting where each decoded byte came from.
    let mut decoded = String::new();
    let mut origin = Vec::new();
    let mut chars = src.get(body..)?.char_indices();
    while let Some((k, c)) = chars.next() {
        let at = body + k;
        let ch = match c {
            '"' => break,
            '\\' => match chars.next()?.1 {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                'u' => {
                    let mut hex = String::new();
                    for (_, d) in chars.by_ref() {
                        match d {
                            '{' => {}
                            '}' => break,
                            d => hex.push(d),
                        }
                    }
                    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                }
                e => e,
            },
            c => c,
        };
        for _ in 0..ch.len_utf8() {
            origin.push(at);
        }
        decoded.push(ch);
    }
    if decoded != text {
        return None;
    }
    origin
        .get(byte)
        .copied()
        .or((byte == text.len()).then_some(body + byte))
}

/// One past the end of the value at `i`: a string, a bracketed group with
/// an optional name before it (`Box(…)`), or a bare token (a number,
/// `true`, an enum variant). Always more than `i` while `i` is in `src`.
pub fn value_end(src: &str, i: usize) -> usize {
    let b = src.as_bytes();
    match b.get(i) {
        None => b.len(),
        Some(b'"' | b'\'') => quoted_end(b, i),
        Some(b'r') if matches!(b.get(i + 1), Some(b'"' | b'#')) => raw_string_end(b, i),
        Some(b'(' | b'[' | b'{') => group_end(b, i),
        Some(&c) if is_token_byte(c) => {
            let mut j = i;
            while b.get(j).is_some_and(|&c| is_token_byte(c)) {
                j += 1;
            }
            let k = skip_trivia(src, j);
            if b.get(k) == Some(&b'(') && !c.is_ascii_digit() {
                group_end(b, k)
            } else {
                j
            }
        }
        Some(_) => next_char(src, i),
    }
}

fn is_token_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'+' | b'-')
}

/// The start of the character after the one at `i`.
fn next_char(src: &str, i: usize) -> usize {
    src.get(i..)
        .and_then(|s| s.chars().next())
        .map_or(src.len(), |c| i + c.len_utf8())
}

/// The `\n` ending the line that `i` is on (or the end).
fn line_end(b: &[u8], i: usize) -> usize {
    b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |n| i + n)
}

/// One past the end of the (nested) `/* */` comment starting at `i`.
fn block_comment_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        match b.get(i..i + 2) {
            Some(b"/*") => {
                depth += 1;
                i += 2;
            }
            Some(b"*/") => {
                i += 2;
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// One past the closing quote of the string or char literal at `i`.
fn quoted_end(b: &[u8], i: usize) -> usize {
    let quote = b[i];
    let mut j = i + 1;
    while j < b.len() && b[j] != quote {
        j += if b[j] == b'\\' { 2 } else { 1 };
    }
    (j + 1).min(b.len())
}

/// One past the end of the raw string `r#"…"#` at `i`.
fn raw_string_end(b: &[u8], i: usize) -> usize {
    let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
    let closing: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    let body = (i + 2 + hashes).min(b.len());
    b[body..]
        .windows(closing.len())
        .position(|w| w == closing.as_slice())
        .map_or(b.len(), |n| body + n + closing.len())
}

/// One past the bracket that closes the one at `i`.
fn group_end(b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'"' | b'\'' => {
                j = quoted_end(b, j);
                continue;
            }
            b'/' if b.get(j + 1) == Some(&b'/') => {
                j = line_end(b, j);
                continue;
            }
            b'/' if b.get(j + 1) == Some(&b'*') => {
                j = block_comment_end(b, j);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j + 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    b.len()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn string_bytes_map_through_escapes() {
        let src = r##"(src: "a\\nb \"q\" c", raw: r#"x"y"#)"##;
        let at = src.find("\"a").unwrap();
        let text = "a\\nb \"q\" c";
        assert_eq!(&src[string_byte(src, at, text, 6).unwrap()..][..1], "q");
        assert_eq!(&src[string_byte(src, at, text, 0).unwrap()..][..1], "a");
        assert_eq!(string_byte(src, at, "other", 0), None);
        let raw = src.find("r#").unwrap();
        assert_eq!(&src[string_byte(src, raw, "x\"y", 2).unwrap()..][..1], "y");
    }

    const SRC: &str = "// a scene\n(\n elements: [\n  Box(name: \"a, [b]\", fill: \"x\"), // x, y\n  /* ( /* ) */ */ Group(children: [Circle(stroke: 'c'), Text(text: r#\"q\"#, at: (1, 2))]),\n ],\n timeline: [ FadeIn(target: \"a\"), FadeOut(target: \"a\") ],\n)";

    fn at(off: usize) -> &'static str {
        &SRC[off..]
    }

    #[test]
    fn finds_elements_depth_first_past_comments_and_strings() {
        let els = element_starts(SRC);
        let kinds: Vec<&str> = els.iter().map(|&o| &at(o)[..4]).collect();
        assert_eq!(kinds, ["Box(", "Grou", "Circ", "Text"]);
        let steps = step_starts(SRC);
        assert_eq!(steps.len(), 2);
        assert!(at(steps[1]).starts_with("FadeOut"));
    }

    #[test]
    fn follows_field_paths() {
        let els = element_starts(SRC);
        assert!(at(path(SRC, els[0], "fill").unwrap()).starts_with("\"x\""));
        assert!(at(path(SRC, els[1], "children.0.stroke").unwrap()).starts_with("'c'"));
        assert!(at(path(SRC, els[3], "at.1").unwrap()).starts_with("2)"));
        assert_eq!(path(SRC, els[0], "stroke"), None);
        // Only an element's own fields: the group has no `stroke`.
        assert_eq!(field(SRC, els[1], "stroke"), None);
        assert!(at(field(SRC, root(SRC), "timeline").unwrap()).starts_with("[ FadeIn"));
    }

    #[test]
    fn never_panics_on_broken_source() {
        for src in [
            "",
            "(",
            "(a: ",
            "(a: [\"",
            "(a: r#\"",
            "(a: /*",
            "(é: 'ü",
            "(elements: [Box(x: é ], ) ]",
        ] {
            let _ = element_starts(src);
            let _ = step_starts(src);
            for i in 0..=src.len() {
                if src.is_char_boundary(i) {
                    let e = value_end(src, i);
                    assert!(e > i || i == src.len(), "{src:?} at {i}");
                    assert!(src.is_char_boundary(e.min(src.len())));
                }
            }
        }
    }
}
