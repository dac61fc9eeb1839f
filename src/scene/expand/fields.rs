//! Field values: a string with `{…}` parts computed (one whole
//! `{expression}` keeps its type; anything else is a text template), and
//! the RON text a value is written as.

use super::cst::{Body, Node, NodeKind};
use super::out::{ron_string, Out};
use super::{animated_name, Ex, PLACEHOLDERS};
use crate::expr::{Template, Value, Values};
use crate::scene::error::SceneError;

impl Ex<'_> {
    /// A value inside an element or step: strings with `{…}` computed.
    /// `fixed` names where animated values are refused (a step, a scene field).
    pub(super) fn value(
        &mut self,
        node: &Node,
        values: &mut Values,
        out: &mut Out,
        fixed: Option<&str>,
    ) -> Result<(), SceneError> {
        let c = self.ctx_id(out);
        match &node.kind {
            NodeKind::Str(s) if s.contains('{') => self.string(node, s, values, out, fixed)?,
            NodeKind::Str(_) | NodeKind::Atom => out.copy(self.src, node.span.clone(), c),
            NodeKind::List(items) => {
                out.put("[", node.span.start, c);
                for i in items {
                    self.value(i, values, out, fixed)?;
                    out.put(", ", i.span.end, c);
                }
                out.put("]", node.span.end.saturating_sub(1), c);
            }
            NodeKind::Map(entries) => {
                out.put("{", node.span.start, c);
                for (k, v) in entries {
                    self.value(k, values, out, fixed)?;
                    out.put(": ", v.span.start, c);
                    self.value(v, values, out, fixed)?;
                    out.put(", ", v.span.end, c);
                }
                out.put("}", node.span.end.saturating_sub(1), c);
            }
            NodeKind::Struct { name, body } => {
                match name {
                    Some(n) => {
                        out.copy(self.src, n.clone(), c);
                        out.put("(", n.end, c);
                    }
                    None => out.put("(", node.span.start, c),
                }
                match body {
                    Body::Fields(fs) => {
                        for f in fs {
                            out.copy(self.src, f.name.clone(), c);
                            out.put(": ", f.value.span.start, c);
                            let outer = self.enter_field(&f.name);
                            self.value(&f.value, values, out, fixed)?;
                            self.text_field = outer;
                            out.put(", ", f.value.span.end, c);
                        }
                    }
                    Body::Items(items) => {
                        for i in items {
                            self.value(i, values, out, fixed)?;
                            out.put(", ", i.span.end, c);
                        }
                    }
                }
                out.put(")", node.span.end.saturating_sub(1), c);
            }
        }
        Ok(())
    }

    /// A string with `{…}` parts: one whole `{expression}` keeps its type,
    /// anything else is a text template.
    fn parse_template(&self, node: &Node, s: &str, values: &Values) -> Result<Template, SceneError> {
        let keep = |code: &str| PLACEHOLDERS.contains(&code) && !values.knows(code);
        Template::parse_keeping(self.engine, values, s, self.str_origin(node), &keep).map_err(|mut e| {
            if e.message.starts_with("unknown name") {
                e.message = format!(
                    "{}: a `{{…}}` in a string is an expression over the scene's values, or one of a Text's placeholders ({}); write `{{{{` for a brace",
                    e.message,
                    PLACEHOLDERS.join(", ")
                );
            }
            self.xerr(e)
        })
    }

    pub(super) fn string(
        &mut self,
        node: &Node,
        s: &str,
        values: &mut Values,
        out: &mut Out,
        fixed: Option<&str>,
    ) -> Result<(), SceneError> {
        let c = self.ctx_id(out);
        // Written again per frame: the template compiled the first time is reused.
        let cached = self
            .templates
            .and_then(|m| m.lock().ok().and_then(|m| m.get(&node.span.start).cloned()));
        let t = match cached {
            Some(t) => t,
            None => self.parse_template(node, s, values)?,
        };
        if let Some(m) = self.templates {
            if let Ok(mut m) = m.lock() {
                m.entry(node.span.start).or_insert_with(|| t.clone());
            }
        }
        if t.is_literal() {
            // Only kept placeholders or `{{ }}`: the text is the widget's.
            out.copy(self.src, node.span.clone(), c);
            return Ok(());
        }
        self.changed = true;
        if let Some(e) = t.exprs().find(|e| values.is_animated(e)) {
            if let Some(what) = fixed {
                return Err(self.xerr(e.error(format!(
                    "{what} cannot change over time, and this reads {}",
                    animated_name(values, e)
                ))));
            }
            self.animated = true;
        }
        let text = match t.single() {
            Some(e) => {
                let v = values.eval(self.engine, e).map_err(|e| self.xerr(e))?;
                let v = Value::of(&v);
                let v = if self.text_field { as_text(v) } else { v };
                ron_literal(&v).map_err(|m| self.xerr(e.error(m)))?
            }
            None => {
                let text = t.render(self.engine, values).map_err(|e| self.xerr(e))?;
                if self.placeholders {
                    // The Text reads `{…}` again: keep written braces literal.
                    ron_string(&escape_braces_outside_kept(&text))
                } else {
                    ron_string(&text)
                }
            }
        };
        match t.single() {
            Some(e) => {
                let mut shown: String = text.chars().take(60).collect();
                if shown.len() < text.len() {
                    shown.push('…');
                }
                out.put_value(
                    &text,
                    node.span.start,
                    c,
                    format!("`{{{}}}` gives {shown}", e.source()),
                )
            }
            None => out.put(&text, node.span.start, c),
        }
        Ok(())
    }
}

/// A value as RON text, for a field.
/// `text` with its braces doubled, except around the placeholders the
/// template kept for the Text (`{p:.2}`), which must stay placeholders.
fn escape_braces_outside_kept(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open].replace('}', "}}"));
        let after = &rest[open + 1..];
        let kept = after.find('}').filter(|&close| {
            let name = after[..close].split(':').next().unwrap_or("");
            PLACEHOLDERS.contains(&name)
        });
        match kept {
            Some(close) => {
                out.push_str(&rest[open..open + close + 2]);
                rest = &after[close + 1..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(&rest.replace('}', "}}"));
    out
}

/// Numbers (and booleans) as the text a template would write, in lists
/// too: what a field that holds text wants from `"{i}"`.
fn as_text(v: Value) -> Value {
    match v {
        Value::Number(x) => Value::Str(crate::expr::format_value(x, crate::expr::Format::Auto)),
        Value::Bool(b) => Value::Str(b.to_string()),
        Value::List(items) => Value::List(items.into_iter().map(as_text).collect()),
        other => other,
    }
}

pub(super) fn ron_literal(v: &Value) -> Result<String, String> {
    Ok(match v {
        Value::Number(x) => {
            if !x.is_finite() {
                return Err(format!("gives {x}, not a finite number"));
            }
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{}", *x as i64)
            } else {
                format!("{x:?}")
            }
        }
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => ron_string(s),
        Value::Colour(c) => {
            let [r, g, b, a] = c.to_rgba8();
            format!("\"#{r:02x}{g:02x}{b:02x}{a:02x}\"")
        }
        Value::List(items) => {
            let parts: Result<Vec<String>, String> = items.iter().map(ron_literal).collect();
            format!("[{}]", parts?.join(", "))
        }
        Value::Map(fields) => {
            let mut parts = Vec::with_capacity(fields.len());
            for (k, v) in fields {
                let ident = k
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ident {
                    return Err(format!(
                        "gives a map with the key \"{k}\", which is not a field name"
                    ));
                }
                parts.push(format!("{k}: {}", ron_literal(v)?));
            }
            format!("({})", parts.join(", "))
        }
        Value::Other(kind) => return Err(format!("gives {kind}, which a scene field cannot hold")),
    })
}
