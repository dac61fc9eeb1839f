//! ## Overview
//!
//! The expand pass: a scene file that computes (named `values`,
//! `{expression}` fields and text templates, `For` loops, `components`)
//! becomes plain scene source, which ron and the resolver read as if the
//! author had typed it out. It runs first, on the syntax tree of
//! [`cst`]; everything after it is unchanged, so a file that uses none of
//! this goes to ron byte for byte as written.
//!
//! - Expressions are Rhai ([`crate::expr`]), compiled against the values in
//!   scope (declared values, loop variables, component parameters); unknown
//!   names, wrong types, division by zero and NaN are errors at load, at the
//!   expression's line and column.
//! - A string that is exactly one `{expression}` takes the expression's type
//!   (a number, a list such as a point `[x, y]`, a colour, a string); any
//!   other string with `{…}` parts is a text template.
//! - What reads an animated value (one a `Set(value: …)` step animates, or
//!   the time `t`) is written with its value at `t = 0` and recorded in
//!   [`live::Live`], which writes that element again for each frame.
//!
//! The expanded text comes with a source map ([`out::Out`]): an error ron
//! or the resolver finds in it is reported where the author wrote it.

pub mod cst;
mod fields;
mod import;
pub mod live;
pub mod out;
mod stamp;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rhai::Dynamic;

use self::cst::{Body, Node, NodeKind};
use self::out::Out;
use crate::expr::{Engine, ExprError, Origin, Template, Value, Values};
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::scene::theme::Theme;

/// The text placeholders a bound Text fills itself (`{p}`, `{value}`): left
/// in the text unless the scene declares a value of that name.
/// The kinds whose `children` are elements (loops and components work there).
const HOLDERS: &[&str] = &["Group", "Row", "Column", "Grid", "Stack", "Math", "Code"];

const PLACEHOLDERS: &[&str] = &["value", "p", "loss", "T", "k", "top_p", "argmax", "p_argmax"];

/// The fields of element kinds that hold text (or lists of texts): a
/// number written into one by `"{i}"` is written as text.
const TEXT_FIELDS: &[&str] = &[
    "text",
    "label",
    "caption",
    "title",
    "labels",
    "tokens",
    "x_label",
    "y_label",
    "p_label",
    "loss_label",
    "name",
];

/// How deep components may use components.
const MAX_USE_DEPTH: usize = 8;

/// The most bytes the expanded text may have (loops multiply text).
const MAX_TEXT: usize = 32 * 1024 * 1024;

/// How long a scene's expressions may take to expand, all together: each
/// evaluation is bounded (`expr::limits`), but a loop runs many.
pub const MAX_EXPAND: std::time::Duration = std::time::Duration::from_secs(5);

/// The scene as plain source, and what changes over time.
pub struct Expanded {
    pub out: Out,
    pub live: Option<live::Live>,
}

/// Expands `src` (the scene file at `path`, read into `root` by
/// [`cst::parse`]), or `None` when it uses no computation.
pub fn expand(
    path: &Path,
    src: &str,
    root: &Node,
    imports: &[Node],
    theme: &Arc<Theme>,
) -> Result<Option<Expanded>, SceneError> {
    let NodeKind::Struct {
        body: Body::Fields(fields),
        ..
    } = &root.kind
    else {
        return Ok(None);
    };
    let palette_theme = theme.clone();
    let engine = Arc::new(Engine::with_palette(Arc::new(move |name: &str| {
        palette_theme.color(name).ok()
    })));
    let mut set_names = Vec::new();
    if let Some(tl) = root.field(src, "timeline") {
        set_value_names(src, &tl.value, &mut set_names);
    }
    let mut animated_inputs: Vec<(String, f64)> =
        set_names.iter().map(|(n, _)| (n.clone(), f64::NAN)).collect();
    let mut input_names: Vec<&str> = vec!["t"];
    input_names.extend(animated_inputs.iter().map(|(n, _)| n.as_str()));
    let mut ex = Ex::new(path, src, &engine, None);
    let mut values = Values::new(&input_names);
    let mut out = Out::default();
    out.put("(", root.span.start, None);
    for node in imports {
        ex.changed = true;
        ex.import(node, &mut values, &mut animated_inputs)?;
    }
    for f in fields {
        let name = &src[f.name.clone()];
        match name {
            "import" => continue, // read before the fields: `imports`
            "values" => {
                ex.changed = true;
                ex.declare_values(&f.value, &mut values, &mut animated_inputs)?;
                continue;
            }
            "components" => {
                ex.changed = true;
                ex.define_components(&f.value)?;
                continue;
            }
            _ => {}
        }
        out.copy(src, f.name.clone(), None);
        out.put(": ", f.value.span.start, None);
        match name {
            "elements" => ex.list(&f.value, &mut values, &mut out, Items::Elements)?,
            "timeline" => ex.list(&f.value, &mut values, &mut out, Items::Steps)?,
            _ => ex.value(&f.value, &mut values, &mut out, Some("a scene field"))?,
        }
        out.put(",\n", f.value.span.end, None);
    }
    out.put(")\n", root.span.end.saturating_sub(1), None);
    // A value a Set animates must be declared, as a number.
    for ((name, at), (_, x)) in set_names.iter().zip(&animated_inputs) {
        if x.is_nan() {
            return Err(ex.err(
                *at,
                format!("Set: unknown value \"{name}\": declare it in `values` as a number (\"{name}\": 0)"),
            ));
        }
    }
    if !ex.changed {
        return Ok(None);
    }
    let dynamic = std::mem::take(&mut ex.dynamic);
    let live = (!dynamic.is_empty() || !animated_inputs.is_empty()).then(|| live::Live {
        engine: engine.clone(),
        inputs: animated_inputs,
        tracks: Vec::new(),
        dynamic,
        src: Arc::from(src),
    });
    Ok(Some(Expanded { out, live }))
}

/// The values `Set(value: "…")` steps animate, with where each is named.
fn set_value_names(src: &str, node: &Node, names: &mut Vec<(String, usize)>) {
    match &node.kind {
        NodeKind::Struct { body, .. } => {
            if node.struct_name(src) == Some("Set") {
                if let Some(f) = node.field(src, "value") {
                    if let Some(v) = f.value.as_str() {
                        if !names.iter().any(|(n, _)| n == v) {
                            names.push((v.to_string(), f.value.span.start));
                        }
                    }
                }
            }
            match body {
                Body::Fields(fs) => fs.iter().for_each(|f| set_value_names(src, &f.value, names)),
                Body::Items(items) => items.iter().for_each(|i| set_value_names(src, i, names)),
            }
        }
        NodeKind::List(items) => items.iter().for_each(|i| set_value_names(src, i, names)),
        _ => {}
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Items {
    Elements,
    Steps,
}

#[derive(Clone)]
struct Component {
    /// Parameters in order, with their defaults (`None`: required).
    params: Vec<(String, Option<Node>)>,
    body: Node,
}

/// One element that reads an animated value: written again per frame.
#[derive(Clone)]
pub struct DynElement {
    /// Its index in the scene's elements.
    pub index: usize,
    pub node: Node,
    /// The values in scope where it is written (loop variables, parameters).
    pub values: Values,
    /// The loop or component it came through, for messages.
    pub ctx: Option<String>,
    /// Its templates, compiled on the first frame that writes it.
    pub templates: Arc<Mutex<HashMap<usize, Template>>>,
}

struct Ex<'a> {
    path: &'a Path,
    src: &'a str,
    engine: &'a Engine,
    components: HashMap<String, Component>,
    /// Whether the text differs from the file (anything was computed).
    changed: bool,
    /// Whether what is being written read an animated value.
    animated: bool,
    elements: usize,
    steps: usize,
    use_depth: usize,
    /// The loops and components being expanded, outermost first.
    ctx: Vec<String>,
    dynamic: Vec<DynElement>,
    /// Templates compiled on an earlier frame, by their string's offset.
    templates: Option<&'a Mutex<HashMap<usize, Template>>>,
    /// When expanding must have finished.
    deadline: std::time::Instant,
    /// Whether the value being written is in a field that holds text.
    text_field: bool,
    /// The kind of the element being written, and whether the value is a
    /// Text's `text` (which fills placeholders itself, so a brace a
    /// template writes must stay escaped).
    kind: Option<String>,
    placeholders: bool,
}

impl<'a> Ex<'a> {
    fn new(
        path: &'a Path,
        src: &'a str,
        engine: &'a Engine,
        templates: Option<&'a Mutex<HashMap<usize, Template>>>,
    ) -> Ex<'a> {
        Ex {
            path,
            src,
            engine,
            components: HashMap::new(),
            changed: false,
            animated: false,
            elements: 0,
            steps: 0,
            use_depth: 0,
            ctx: Vec::new(),
            dynamic: Vec::new(),
            templates,
            deadline: std::time::Instant::now() + MAX_EXPAND,
            text_field: false,
            kind: None,
            placeholders: false,
        }
    }

    /// Notes that the field named at `name` is being written; returns the
    /// previous state, to restore after.
    pub(super) fn enter_field(&mut self, name: &std::ops::Range<usize>) -> bool {
        let field = &self.src[name.clone()];
        self.placeholders = field == "text" && self.kind.as_deref() == Some("Text");
        std::mem::replace(&mut self.text_field, TEXT_FIELDS.contains(&field))
    }

    /// An expander for one element, written again for a frame.
    pub(crate) fn for_frame(
        path: &'a Path,
        src: &'a str,
        engine: &'a Engine,
        templates: &'a Mutex<HashMap<usize, Template>>,
    ) -> Ex<'a> {
        Ex::new(path, src, engine, Some(templates))
    }

    pub(super) fn ctx_text(&self) -> Option<String> {
        (!self.ctx.is_empty()).then(|| self.ctx.join(", "))
    }

    /// The context id for `out`'s pieces.
    pub(super) fn ctx_id(&self, out: &mut Out) -> Option<u32> {
        let text = self.ctx_text()?;
        if out.contexts.last() != Some(&text) {
            out.contexts.push(text);
        }
        Some(out.contexts.len() as u32 - 1)
    }

    pub(super) fn err(&self, off: usize, msg: impl Into<String>) -> SceneError {
        let mut msg = msg.into();
        if let Some(c) = self.ctx_text() {
            msg = format!("{msg} ({c})");
        }
        SceneError::at_offset(self.path, self.src, off, msg)
    }

    pub(super) fn xerr(&self, e: ExprError) -> SceneError {
        let mut s = e.to_scene_error(self.path, self.src);
        if let Some(c) = self.ctx_text() {
            s.message = format!("{} ({c})", s.message);
        }
        s
    }

    /// Where the text of string `node` starts in the file (after the quote).
    pub(super) fn str_origin(&self, node: &Node) -> Origin {
        Origin::at((node.span.start + 1).min(node.span.end))
    }

    fn declare_values(
        &mut self,
        node: &Node,
        values: &mut Values,
        inputs: &mut [(String, f64)],
    ) -> Result<(), SceneError> {
        let NodeKind::Map(entries) = &node.kind else {
            return Err(self.err(
                node.span.start,
                "`values` is a map of names to values: values: { \"n\": 8, \"w\": \"{softmax(x)}\" }",
            ));
        };
        if entries.len() > limits::MAX_ELEMENTS {
            return Err(self.err(
                node.span.start,
                format!("more than {} values", limits::MAX_ELEMENTS),
            ));
        }
        for (k, v) in entries {
            let Some(name) = k.as_str() else {
                return Err(self.err(k.span.start, "a value's name is a string: \"n\": 8"));
            };
            if let Some(slot) = inputs.iter().position(|(n, _)| n == name) {
                // Animated by Set: starts at the number written here.
                let x = literal_number(self.src, v).ok_or_else(|| {
                    self.err(
                        v.span.start,
                        format!("`{name}` is animated by a Set step, so it must start as a plain number"),
                    )
                })?;
                values.set(name, x);
                inputs[slot].1 = x;
                continue;
            }
            if name == "t" {
                return Err(self.err(k.span.start, "`t` is the time in seconds: pick another name"));
            }
            self.declare_node(values, name, v, k.span.start)?;
        }
        Ok(())
    }

    /// Declares `name` in `values` as `node` says: an `"{expression}"`
    /// (compiled; animated if it reads an animated value), a template
    /// (rendered once) or a literal. `name_at` is where the name is written.
    pub(super) fn declare_node(
        &self,
        values: &mut Values,
        name: &str,
        node: &Node,
        name_at: usize,
    ) -> Result<(), SceneError> {
        match &node.kind {
            NodeKind::Str(s) if single_part(s) => values
                .declare(
                    self.engine,
                    name,
                    &s[1..s.len() - 1],
                    Origin::at(node.span.start + 2),
                )
                .map_err(|e| self.xerr(e)),
            NodeKind::Str(s) if s.contains('{') => {
                let t = Template::parse(self.engine, values, s, self.str_origin(node))
                    .map_err(|e| self.xerr(e))?;
                let text = t.render(self.engine, values).map_err(|e| self.xerr(e))?;
                values
                    .bind(name, Dynamic::from(text))
                    .map_err(|m| self.err(name_at, m))
            }
            _ => {
                let d = self.literal(node)?;
                values.bind(name, d).map_err(|m| self.err(name_at, m))
            }
        }
    }

    /// The value of `node` now, in `values`: an `"{expression}"` (which must
    /// not change over time), a template's text or a literal.
    pub(super) fn node_value(&self, values: &mut Values, node: &Node) -> Result<Dynamic, SceneError> {
        match &node.kind {
            NodeKind::Str(s) if single_part(s) => {
                let e = values
                    .compile(self.engine, &s[1..s.len() - 1], Origin::at(node.span.start + 2))
                    .map_err(|e| self.xerr(e))?;
                if values.is_animated(&e) {
                    return Err(self.xerr(e.error(format!(
                        "a parameter named like a value of the caller cannot change over time, and this reads {}; rename the parameter",
                        animated_name(values, &e)
                    ))));
                }
                values.eval(self.engine, &e).map_err(|e| self.xerr(e))
            }
            NodeKind::Str(s) if s.contains('{') => {
                let t = Template::parse(self.engine, values, s, self.str_origin(node))
                    .map_err(|e| self.xerr(e))?;
                Ok(Dynamic::from(
                    t.render(self.engine, values).map_err(|e| self.xerr(e))?,
                ))
            }
            _ => self.literal(node),
        }
    }

    /// A RON literal as a Rhai value: numbers, strings, booleans, lists, tuples, maps.
    pub(super) fn literal(&self, node: &Node) -> Result<Dynamic, SceneError> {
        Ok(match &node.kind {
            NodeKind::Str(s) => Dynamic::from(s.clone()),
            NodeKind::Atom => {
                let text = &self.src[node.span.clone()];
                match text {
                    "true" => Dynamic::from_bool(true),
                    "false" => Dynamic::from_bool(false),
                    _ => match literal_number(self.src, node) {
                        Some(x) if x.fract() == 0.0 && x.abs() < 1e15 && !text.contains(['.', 'e', 'E']) => {
                            Dynamic::from_int(x as i64)
                        }
                        Some(x) => Dynamic::from_float(x),
                        None => Dynamic::from(text.to_string()),
                    },
                }
            }
            NodeKind::List(items)
            | NodeKind::Struct {
                name: None,
                body: Body::Items(items),
            } => {
                let list: Result<rhai::Array, _> = items.iter().map(|i| self.literal(i)).collect();
                Dynamic::from_array(list?)
            }
            NodeKind::Map(entries) => {
                let mut map = rhai::Map::new();
                for (k, v) in entries {
                    let key = k
                        .as_str()
                        .ok_or_else(|| self.err(k.span.start, "a map key here is a string"))?;
                    map.insert(key.into(), self.literal(v)?);
                }
                Dynamic::from_map(map)
            }
            NodeKind::Struct { .. } => {
                return Err(self.err(
                    node.span.start,
                    "a value is a number, a string, a list or an \"{expression}\"",
                ))
            }
        })
    }

    /// A list of elements or steps, with `For` loops and components expanded.
    pub(super) fn list(
        &mut self,
        node: &Node,
        values: &mut Values,
        out: &mut Out,
        kind: Items,
    ) -> Result<(), SceneError> {
        let NodeKind::List(items) = &node.kind else {
            return self.value(node, values, out, None);
        };
        let c = self.ctx_id(out);
        out.put("[", node.span.start, c);
        self.items(items, values, out, kind)?;
        out.put("]", node.span.end.saturating_sub(1), c);
        Ok(())
    }

    pub(super) fn items(
        &mut self,
        items: &[Node],
        values: &mut Values,
        out: &mut Out,
        kind: Items,
    ) -> Result<(), SceneError> {
        for item in items {
            if std::time::Instant::now() > self.deadline {
                return Err(self.err(
                    item.span.start,
                    format!(
                        "the scene's expressions take more than {} s to expand: a loop over too many heavy expressions?",
                        MAX_EXPAND.as_secs()
                    ),
                ));
            }
            let name = item.struct_name(self.src);
            if out.text.len() > MAX_TEXT {
                return Err(self.err(
                    item.span.start,
                    "the loops here write more than 32 MB of scene: too many items",
                ));
            }
            match name {
                Some("For") => {
                    // Its items are written with their own separators.
                    self.for_loop(item, values, out, kind)?;
                    continue;
                }
                Some(n) if kind == Items::Elements && self.components.contains_key(n) => {
                    self.use_component(item, n, values, out)?
                }
                _ if kind == Items::Elements => self.element(item, values, out)?,
                _ => {
                    self.steps += 1;
                    if self.steps > limits::MAX_STEPS {
                        return Err(self.err(
                            item.span.start,
                            format!("more than {} timeline steps", limits::MAX_STEPS),
                        ));
                    }
                    self.value(item, values, out, Some("a timeline step"))?;
                }
            }
            let c = self.ctx_id(out);
            out.put(",\n", item.span.end, c);
        }
        Ok(())
    }

    pub(super) fn count_element(&mut self, node: &Node) -> Result<usize, SceneError> {
        let index = self.elements;
        self.elements += 1;
        if self.elements > limits::MAX_ELEMENTS {
            return Err(self.err(
                node.span.start,
                format!(
                    "more than {} elements (a For stamping too many?)",
                    limits::MAX_ELEMENTS
                ),
            ));
        }
        Ok(index)
    }

    /// One element: its fields' expressions written out, a group's children expanded.
    pub(super) fn element(
        &mut self,
        node: &Node,
        values: &mut Values,
        out: &mut Out,
    ) -> Result<(), SceneError> {
        let index = self.count_element(node)?;
        let kind = node.struct_name(self.src);
        let outer_kind = std::mem::replace(&mut self.kind, kind.map(str::to_string));
        let outer = std::mem::replace(&mut self.animated, false);
        let c = self.ctx_id(out);
        match &node.kind {
            NodeKind::Struct {
                name: Some(name),
                body: Body::Fields(fields),
            } => {
                out.copy(self.src, name.clone(), c);
                out.put("(", name.end, c);
                for f in fields {
                    out.copy(self.src, f.name.clone(), c);
                    out.put(": ", f.value.span.start, c);
                    if kind.is_some_and(|k| HOLDERS.contains(&k)) && &self.src[f.name.clone()] == "children" {
                        let own = std::mem::replace(&mut self.animated, false);
                        self.list(&f.value, values, out, Items::Elements)?;
                        self.animated = own;
                    } else {
                        let outer = self.enter_field(&f.name);
                        self.value(&f.value, values, out, None)?;
                        self.text_field = outer;
                    }
                    out.put(", ", f.value.span.end, c);
                }
                out.put(")", node.span.end.saturating_sub(1), c);
            }
            _ => self.value(node, values, out, None)?,
        }
        if self.animated {
            if kind.is_some_and(|k| k == "Arrow" || HOLDERS.contains(&k)) {
                return Err(self.err(
                    node.span.start,
                    format!(
                        "a{} {}'s own fields cannot change over time (this one reads an animated value); animate its parts, or Move it",
                        if kind == Some("Arrow") { "n" } else { "" },
                        kind.unwrap_or_default()
                    ),
                ));
            }
            self.dynamic.push(DynElement {
                index,
                node: node.clone(),
                values: values.clone(),
                ctx: self.ctx_text(),
                templates: Arc::default(),
            });
        }
        self.animated = outer;
        self.kind = outer_kind;
        Ok(())
    }
}

/// Whether `s` is exactly one `{…}` part with no format.
pub(super) fn single_part(s: &str) -> bool {
    s.len() >= 2 && s.starts_with('{') && !s.starts_with("{{") && s.ends_with('}') && {
        // The first `{` closes at the end.
        let mut depth = 0i32;
        let mut quote: Option<char> = None;
        let mut closes_at_end = false;
        let n = s.len();
        let mut esc = false;
        for (i, ch) in s.char_indices() {
            if let Some(q) = quote {
                if esc {
                    esc = false;
                } else if ch == '\\' {
                    esc = true;
                } else if ch == q {
                    quote = None;
                }
                continue;
            }
            match ch {
                '"' | '`' | '\'' => quote = Some(ch),
                // `{x:.2f}` is a formatted text, not a typed value.
                ':' if depth == 1 => return false,
                '{' | '(' | '[' => depth += 1,
                '}' | ')' | ']' => {
                    depth -= 1;
                    if depth == 0 {
                        closes_at_end = i == n - 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        closes_at_end
    }
}

fn literal_number(src: &str, node: &Node) -> Option<f64> {
    if !matches!(node.kind, NodeKind::Atom) {
        return None;
    }
    let text = src[node.span.clone()].replace('_', "");
    let x: f64 = text.parse().ok()?;
    x.is_finite().then_some(x)
}

/// An animated name `e` reads, for messages.
pub(super) fn animated_name(values: &Values, e: &crate::expr::Expr) -> String {
    e.free_names()
        .iter()
        .find(|n| values.is_animated_name(n))
        .map_or("an animated value".to_string(), |n| {
            if n == "t" {
                "the time `t`".to_string()
            } else {
                format!("`{n}`, which changes over time")
            }
        })
}

pub(super) fn display_item(d: &Dynamic) -> String {
    match Value::of(d) {
        Value::Number(x) => crate::expr::format_value(x, crate::expr::Format::Auto),
        Value::Str(s) => format!("{s:?}"),
        _ => d.to_string(),
    }
}

#[cfg(test)]
mod tests;
