//! A RON syntax tree with byte spans: what the expand pass walks.
//!
//! serde forgets where values are written, and the expand pass needs to
//! know (to put an expression's error at its column, and to copy what it
//! does not change verbatim). This reader knows RON's shapes — structs
//! (named or not, with fields or positional items), lists, maps, strings
//! (escapes, raw strings), chars, numbers, identifiers and comments — and
//! nothing of anim's types. It is lenient where ron is strict: when it
//! cannot read a file, the file goes to ron unchanged and ron reports the
//! error (ron stays the parser of record for syntax).

use std::ops::Range;

/// One value and where it is written.
#[derive(Clone, Debug)]
pub struct Node {
    pub span: Range<usize>,
    pub kind: NodeKind,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    /// `Name(a: 1)`, `(a: 1)`, `Name(1, 2)`, `(1, 2)`, `()`.
    Struct {
        name: Option<Range<usize>>,
        body: Body,
    },
    List(Vec<Node>),
    /// `{ key: value }`.
    Map(Vec<(Node, Node)>),
    /// A string, decoded.
    Str(String),
    /// A number, an identifier (`true`, `Bold`, `None`) or a char literal.
    Atom,
}

#[derive(Clone, Debug)]
pub enum Body {
    Fields(Vec<Field>),
    Items(Vec<Node>),
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: Range<usize>,
    pub value: Node,
}

/// Nesting deeper than this is left to ron (which refuses it in its words).
const MAX_DEPTH: usize = 160;

/// The tree of the one value in `src[range]`, its spans offsets into
/// `src` (an imported file placed after the scene's text), or `None`.
pub fn parse_at(src: &str, range: std::ops::Range<usize>) -> Option<Node> {
    let src = src.get(..range.end)?;
    let mut p = Parser {
        src,
        b: src.as_bytes(),
        i: range.start,
    };
    let node = p.value(0)?;
    p.trivia();
    (p.i == p.b.len()).then_some(node)
}

/// The tree of `src`'s one value, or `None` where this reader gives up.
pub fn parse(src: &str) -> Option<Node> {
    let mut p = Parser {
        src,
        b: src.as_bytes(),
        i: 0,
    };
    let node = p.value(0)?;
    p.trivia();
    (p.i == p.b.len()).then_some(node)
}

impl Node {
    /// The struct's name as written, if it is a named struct.
    pub fn struct_name<'s>(&self, src: &'s str) -> Option<&'s str> {
        match &self.kind {
            NodeKind::Struct { name: Some(n), .. } => Some(&src[n.clone()]),
            _ => None,
        }
    }

    /// A named field of a struct with fields.
    pub fn field<'n>(&'n self, src: &str, name: &str) -> Option<&'n Field> {
        match &self.kind {
            NodeKind::Struct {
                body: Body::Fields(fs),
                ..
            } => fs.iter().find(|f| &src[f.name.clone()] == name),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn trivia(&mut self) {
        self.i = crate::scene::nav::skip_trivia(self.src, self.i);
    }

    fn eat(&mut self, c: u8) -> bool {
        self.trivia();
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.trivia();
        let start = self.i;
        let c = self.peek()?;
        let kind = match c {
            b'"' => NodeKind::Str(self.string()?),
            b'r' if matches!(self.b.get(self.i + 1), Some(b'"' | b'#')) && self.raw_string_ahead() => {
                NodeKind::Str(self.raw_string()?)
            }
            b'\'' => {
                self.char_lit()?;
                NodeKind::Atom
            }
            b'[' => {
                self.i += 1;
                NodeKind::List(self.items(b']', depth)?)
            }
            b'{' => {
                self.i += 1;
                NodeKind::Map(self.map(depth)?)
            }
            b'(' => {
                self.i += 1;
                let body = self.body(depth)?;
                NodeKind::Struct { name: None, body }
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                self.number();
                NodeKind::Atom
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.ident()?;
                let save = self.i;
                self.trivia();
                if self.peek() == Some(b'(') {
                    self.i += 1;
                    let body = self.body(depth)?;
                    NodeKind::Struct {
                        name: Some(name),
                        body,
                    }
                } else {
                    self.i = save;
                    NodeKind::Atom
                }
            }
            _ => return None,
        };
        Some(Node {
            span: start..self.i,
            kind,
        })
    }

    fn ident(&mut self) -> Option<Range<usize>> {
        let start = self.i;
        if self.b[self.i..].starts_with(b"r#") {
            self.i += 2;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.i += 1;
        }
        (self.i > start).then_some(start..self.i)
    }

    fn number(&mut self) {
        let start = self.i;
        while let Some(c) = self.peek() {
            let sign_after_exp = matches!(c, b'+' | b'-')
                && (self.i == start || matches!(self.b[self.i - 1], b'e' | b'E') && !self.hex(start));
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || sign_after_exp {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    fn hex(&self, start: usize) -> bool {
        let s = &self.src[start..self.i];
        let s = s.trim_start_matches(['+', '-']);
        s.starts_with("0x")
    }

    /// After `(`: fields `name: value`, or positional items, to `)`.
    fn body(&mut self, depth: usize) -> Option<Body> {
        self.trivia();
        let save = self.i;
        // Fields start with `ident :`.
        if self.ident().is_some() {
            self.trivia();
            if self.peek() == Some(b':') {
                self.i = save;
                let mut fields = Vec::new();
                loop {
                    if self.eat(b')') {
                        return Some(Body::Fields(fields));
                    }
                    self.trivia();
                    let name = self.ident()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    let value = self.value(depth + 1)?;
                    fields.push(Field { name, value });
                    if !self.eat(b',') {
                        return self.eat(b')').then_some(Body::Fields(fields));
                    }
                }
            }
        }
        self.i = save;
        Some(Body::Items(self.items(b')', depth)?))
    }

    fn items(&mut self, close: u8, depth: usize) -> Option<Vec<Node>> {
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Some(items);
            }
            items.push(self.value(depth + 1)?);
            if !self.eat(b',') {
                return self.eat(close).then_some(items);
            }
        }
    }

    fn map(&mut self, depth: usize) -> Option<Vec<(Node, Node)>> {
        let mut entries = Vec::new();
        loop {
            if self.eat(b'}') {
                return Some(entries);
            }
            let key = self.value(depth + 1)?;
            if !self.eat(b':') {
                return None;
            }
            let value = self.value(depth + 1)?;
            entries.push((key, value));
            if !self.eat(b',') {
                return self.eat(b'}').then_some(entries);
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let rest = self.src.get(self.i..)?;
            let c = rest.chars().next()?;
            self.i += c.len_utf8();
            match c {
                '"' => return Some(out),
                '\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'0' => out.push('\0'),
                        b'\\' => out.push('\\'),
                        b'"' => out.push('"'),
                        b'\'' => out.push('\''),
                        b'u' => {
                            let rest = self.src.get(self.i..)?;
                            let body = rest.strip_prefix('{')?;
                            let close = body.find('}')?;
                            let code = u32::from_str_radix(&body[..close], 16).ok()?;
                            out.push(char::from_u32(code)?);
                            self.i += close + 2;
                        }
                        _ => return None,
                    }
                }
                c => out.push(c),
            }
        }
    }

    fn raw_string_ahead(&self) -> bool {
        let rest = &self.b[self.i + 1..];
        let hashes = rest.iter().take_while(|&&c| c == b'#').count();
        rest.get(hashes) == Some(&b'"')
    }

    fn raw_string(&mut self) -> Option<String> {
        self.i += 1;
        let hashes = self.b[self.i..].iter().take_while(|&&c| c == b'#').count();
        self.i += hashes + 1;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = self.src[self.i..].find(&close)? + self.i;
        let s = self.src[self.i..end].to_string();
        self.i = end + close.len();
        Some(s)
    }

    fn char_lit(&mut self) -> Option<()> {
        self.i += 1;
        if self.peek()? == b'\\' {
            self.i += 1;
        }
        let c = self.src.get(self.i..)?.chars().next()?;
        self.i += c.len_utf8();
        while self.peek()? != b'\'' {
            self.i += 1;
        }
        self.i += 1;
        Some(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shapes_ron_has() {
        let src = r##"( // a comment
            size: (800, 450), fps: 30, d: -1.5e-3, h: 0x1F,
            s: "a \"b\" \u{e9}", r: r#"raw "x""#, c: '\'', b: true,
            list: [Box(at: (1, 2)), Text(text: "x",)], m: {"k": [1, 2], "j": Some(3)},
            /* block /* nested */ */ unit: (), e: Bold,
        )"##;
        let n = parse(src).unwrap();
        assert_eq!(n.field(src, "s").unwrap().value.as_str(), Some("a \"b\" é"));
        assert_eq!(n.field(src, "r").unwrap().value.as_str(), Some("raw \"x\""));
        let list = &n.field(src, "list").unwrap().value;
        let NodeKind::List(items) = &list.kind else {
            panic!()
        };
        assert_eq!(items[1].struct_name(src), Some("Text"));
        assert_eq!(&src[items[0].span.clone()], "Box(at: (1, 2))");
        let d = &n.field(src, "d").unwrap().value;
        assert_eq!(&src[d.span.clone()], "-1.5e-3");
    }

    #[test]
    fn gives_up_on_broken_source() {
        for bad in ["(a: ", "(a: 1 b: 2)", "[1, 2", "\"open", "(a: \"\\q\")"] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}
