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
pub mod live;
pub mod out;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rhai::Dynamic;

use self::cst::{Body, Node, NodeKind};
use self::out::{ron_string, Out};
use crate::expr::{Engine, ExprError, Origin, Template, Value, Values};
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::scene::theme::Theme;
use crate::scene::widgets::ElementSpec;

/// The text placeholders a bound Text fills itself (`{p}`, `{value}`): left
/// in the text unless the scene declares a value of that name.
const PLACEHOLDERS: &[&str] = &["value", "p", "loss", "T", "k", "top_p", "argmax", "p_argmax"];

/// How deep components may use components.
const MAX_USE_DEPTH: usize = 8;

/// The most bytes the expanded text may have (loops multiply text).
const MAX_TEXT: usize = 32 * 1024 * 1024;

/// The scene as plain source, and what changes over time.
pub struct Expanded {
    pub out: Out,
    pub live: Option<live::Live>,
}

/// Expands `src` (the scene file at `path`), or `None` when it uses no
/// computation (or is not RON this reader understands: ron then reports
/// the error as usual).
pub fn expand(path: &Path, src: &str, theme: &Arc<Theme>) -> Result<Option<Expanded>, SceneError> {
    let Some(root) = cst::parse(src) else {
        return Ok(None);
    };
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
    let mut animated_inputs = Vec::new();
    if let Some(tl) = root.field(src, "timeline") {
        set_value_names(src, &tl.value, &mut animated_inputs);
    }
    let mut input_names: Vec<&str> = vec!["t"];
    input_names.extend(animated_inputs.iter().map(|(n, _)| n.as_str()));
    let mut ex = Ex {
        path,
        src,
        engine: &engine,
        components: HashMap::new(),
        changed: false,
        animated: false,
        elements: 0,
        steps: 0,
        use_depth: 0,
        ctx: Vec::new(),
        dynamic: Vec::new(),
    };
    let mut values = Values::new(&input_names);
    let mut out = Out::default();
    out.put("(", root.span.start, None);
    for f in fields {
        let name = &src[f.name.clone()];
        match name {
            "values" => {
                ex.changed = true;
                ex.declare_values(&f.value, &mut values, &animated_inputs)?;
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
fn set_value_names(src: &str, node: &Node, names: &mut Vec<(String, f64)>) {
    match &node.kind {
        NodeKind::Struct { body, .. } => {
            if node.struct_name(src) == Some("Set") {
                if let Some(v) = node.field(src, "value").and_then(|f| f.value.as_str()) {
                    if !names.iter().any(|(n, _)| n == v) {
                        names.push((v.to_string(), 0.0));
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
}

impl<'a> Ex<'a> {
    /// An expander for one element, written again for a frame.
    pub(crate) fn for_frame(path: &'a Path, src: &'a str, engine: &'a Engine) -> Ex<'a> {
        Ex {
            path,
            src,
            engine,
            components: HashMap::new(),
            changed: true,
            animated: false,
            elements: 0,
            steps: 0,
            use_depth: 0,
            ctx: Vec::new(),
            dynamic: Vec::new(),
        }
    }

    fn ctx_text(&self) -> Option<String> {
        (!self.ctx.is_empty()).then(|| self.ctx.join(", "))
    }

    /// The context id for `out`'s pieces.
    fn ctx_id(&self, out: &mut Out) -> Option<u32> {
        let text = self.ctx_text()?;
        if out.contexts.last() != Some(&text) {
            out.contexts.push(text);
        }
        Some(out.contexts.len() as u32 - 1)
    }

    fn err(&self, off: usize, msg: impl Into<String>) -> SceneError {
        let mut msg = msg.into();
        if let Some(c) = self.ctx_text() {
            msg = format!("{msg} ({c})");
        }
        SceneError::at_offset(self.path, self.src, off, msg)
    }

    fn xerr(&self, e: ExprError) -> SceneError {
        let mut s = e.to_scene_error(self.path, self.src);
        if let Some(c) = self.ctx_text() {
            s.message = format!("{} ({c})", s.message);
        }
        s
    }

    /// Where the text of string `node` starts in the file (after the quote).
    fn str_origin(&self, node: &Node) -> Origin {
        Origin::at((node.span.start + 1).min(node.span.end))
    }

    fn declare_values(
        &mut self,
        node: &Node,
        values: &mut Values,
        inputs: &[(String, f64)],
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
            if PLACEHOLDERS.contains(&name) {
                // Allowed, but it shadows a bound Text's placeholder of that name.
            }
            if inputs.iter().any(|(n, _)| n == name) {
                // Animated by Set: starts at the number written here.
                let x = literal_number(self.src, v).ok_or_else(|| {
                    self.err(
                        v.span.start,
                        format!("`{name}` is animated by a Set step, so it must start as a plain number"),
                    )
                })?;
                values.set(name, x);
                continue;
            }
            if name == "t" {
                return Err(self.err(k.span.start, "`t` is the time in seconds: pick another name"));
            }
            match &v.kind {
                NodeKind::Str(s) if single_part(s) => {
                    let code = &s[1..s.len() - 1];
                    let origin = Origin::at(v.span.start + 2);
                    values
                        .declare(self.engine, name, code, origin)
                        .map_err(|e| self.xerr(e))?;
                }
                NodeKind::Str(s) if s.contains('{') => {
                    let t = Template::parse(self.engine, values, s, self.str_origin(v))
                        .map_err(|e| self.xerr(e))?;
                    let text = t.render(self.engine, values).map_err(|e| self.xerr(e))?;
                    values
                        .bind(name, Dynamic::from(text))
                        .map_err(|m| self.err(k.span.start, m))?;
                }
                _ => {
                    let d = self.literal(v)?;
                    values.bind(name, d).map_err(|m| self.err(k.span.start, m))?;
                }
            }
        }
        Ok(())
    }

    /// A RON literal as a Rhai value: numbers, strings, booleans, lists, tuples, maps.
    fn literal(&self, node: &Node) -> Result<Dynamic, SceneError> {
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

    fn define_components(&mut self, node: &Node) -> Result<(), SceneError> {
        let NodeKind::Map(entries) = &node.kind else {
            return Err(self.err(
                node.span.start,
                "`components` is a map: components: { \"Cell\": (params: { \"v\": 0 }, body: [ ... ]) }",
            ));
        };
        for (k, v) in entries {
            let Some(name) = k.as_str() else {
                return Err(self.err(k.span.start, "a component's name is a string: \"Cell\""));
            };
            let capital = name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
            if !capital || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(self.err(
                    k.span.start,
                    format!(
                        "component name \"{name}\": start with a capital letter, then letters and digits"
                    ),
                ));
            }
            if ElementSpec::KINDS.contains(&name) || name == "For" {
                return Err(self.err(
                    k.span.start,
                    format!("\"{name}\" is an element kind of anim's: name the component otherwise"),
                ));
            }
            if self.components.contains_key(name) {
                return Err(self.err(k.span.start, format!("component \"{name}\" is defined twice")));
            }
            let (mut params, mut body) = (Vec::new(), None);
            let NodeKind::Struct {
                body: Body::Fields(fs),
                ..
            } = &v.kind
            else {
                return Err(self.err(v.span.start, "a component is (params: { ... }, body: [ ... ])"));
            };
            for f in fs {
                match &self.src[f.name.clone()] {
                    "params" => {
                        let NodeKind::Map(ps) = &f.value.kind else {
                            return Err(self.err(
                                f.value.span.start,
                                "params is a map of names to defaults; () marks a required one",
                            ));
                        };
                        for (pk, pv) in ps {
                            let pname = pk
                                .as_str()
                                .ok_or_else(|| self.err(pk.span.start, "a parameter's name is a string"))?;
                            if matches!(pname, "name" | "opacity" | "hidden") {
                                return Err(self.err(
                                    pk.span.start,
                                    format!("`{pname}` is every component's own field: not a parameter"),
                                ));
                            }
                            let required = matches!(&pv.kind, NodeKind::Struct { name: None, body: Body::Items(i) } if i.is_empty());
                            params.push((pname.to_string(), (!required).then(|| pv.clone())));
                        }
                    }
                    "body" if matches!(f.value.kind, NodeKind::List(_)) => body = Some(f.value.clone()),
                    other => {
                        return Err(self.err(
                            f.name.start,
                            format!(
                                "a component has `params` and `body` (a list of elements), not `{other}`"
                            ),
                        ))
                    }
                }
            }
            let body = body.ok_or_else(|| self.err(v.span.start, "a component needs a `body: [ ... ]`"))?;
            self.components
                .insert(name.to_string(), Component { params, body });
        }
        Ok(())
    }

    /// A list of elements or steps, with `For` loops and components expanded.
    fn list(
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

    fn items(
        &mut self,
        items: &[Node],
        values: &mut Values,
        out: &mut Out,
        kind: Items,
    ) -> Result<(), SceneError> {
        for item in items {
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

    fn count_element(&mut self, node: &Node) -> Result<usize, SceneError> {
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
    fn element(&mut self, node: &Node, values: &mut Values, out: &mut Out) -> Result<(), SceneError> {
        let index = self.count_element(node)?;
        let kind = node.struct_name(self.src);
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
                    if kind == Some("Group") && &self.src[f.name.clone()] == "children" {
                        let own = std::mem::replace(&mut self.animated, false);
                        self.list(&f.value, values, out, Items::Elements)?;
                        self.animated = own;
                    } else {
                        self.value(&f.value, values, out, None)?;
                    }
                    out.put(", ", f.value.span.end, c);
                }
                out.put(")", node.span.end.saturating_sub(1), c);
            }
            _ => self.value(node, values, out, None)?,
        }
        if self.animated {
            if matches!(kind, Some("Group" | "Arrow")) {
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
            });
        }
        self.animated = outer;
        Ok(())
    }

    /// A value inside an element or step: strings with `{…}` computed.
    /// `fixed` names where animated values are refused (a step, a scene field).
    fn value(
        &mut self,
        node: &Node,
        values: &mut Values,
        out: &mut Out,
        fixed: Option<&str>,
    ) -> Result<(), SceneError> {
        let c = self.ctx_id(out);
        match &node.kind {
            NodeKind::Str(s) if s.contains('{') || s.contains('}') => {
                self.string(node, s, values, out, fixed)?
            }
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
                            self.value(&f.value, values, out, fixed)?;
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
    fn string(
        &mut self,
        node: &Node,
        s: &str,
        values: &mut Values,
        out: &mut Out,
        fixed: Option<&str>,
    ) -> Result<(), SceneError> {
        let c = self.ctx_id(out);
        let keep = |code: &str| PLACEHOLDERS.contains(&code) && !values.knows(code);
        let t = Template::parse_keeping(self.engine, values, s, self.str_origin(node), &keep)
            .map_err(|e| self.xerr(e))?;
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
                ron_literal(&Value::of(&v)).map_err(|m| self.xerr(e.error(m)))?
            }
            None => ron_string(&t.render(self.engine, values).map_err(|e| self.xerr(e))?),
        };
        out.put(&text, node.span.start + 1, c);
        Ok(())
    }

    fn for_loop(
        &mut self,
        node: &Node,
        values: &mut Values,
        out: &mut Out,
        kind: Items,
    ) -> Result<(), SceneError> {
        let (mut each, mut over, mut index, mut body) = (None, None, None, None);
        let NodeKind::Struct {
            body: Body::Fields(fs),
            ..
        } = &node.kind
        else {
            return Err(self.err(
                node.span.start,
                "For(each: \"i\", in: \"{range(8)}\", body: [ ... ])",
            ));
        };
        for f in fs {
            match &self.src[f.name.clone()] {
                "each" => each = Some(&f.value),
                "in" => over = Some(&f.value),
                "index" => index = Some(&f.value),
                "body" => body = Some(&f.value),
                other => {
                    return Err(self.err(
                        f.name.start,
                        format!("For takes `each`, `in`, `index` and `body`, not `{other}`"),
                    ))
                }
            }
        }
        let name_of = |n: Option<&Node>, what: &str| -> Result<Option<String>, SceneError> {
            match n {
                None => Ok(None),
                Some(n) => n.as_str().map(|s| Some(s.to_string())).ok_or_else(|| {
                    self.err(n.span.start, format!("For's `{what}` is a name in quotes: \"i\""))
                }),
            }
        };
        let each =
            name_of(each, "each")?.ok_or_else(|| self.err(node.span.start, "For needs `each: \"i\"`"))?;
        let index = name_of(index, "index")?;
        let over = over.ok_or_else(|| {
            self.err(
                node.span.start,
                "For needs `in`: a list, a count or \"{expression}\"",
            )
        })?;
        let body = body.ok_or_else(|| self.err(node.span.start, "For needs `body: [ ... ]`"))?;
        let NodeKind::List(body_items) = &body.kind else {
            return Err(self.err(body.span.start, "For's `body` is a list: body: [ ... ]"));
        };
        let items = self.loop_items(over, values)?;
        self.changed = true;
        for (k, item) in items.into_iter().enumerate() {
            let mut local = values.clone();
            let shown = display_item(&item);
            local
                .bind(&each, item)
                .map_err(|m| self.err(over.span.start, m))?;
            if let Some(ix) = &index {
                local
                    .bind(ix, Dynamic::from_int(k as i64))
                    .map_err(|m| self.err(over.span.start, m))?;
            }
            self.ctx.push(format!("where {each} = {shown}"));
            let r = self.items(body_items, &mut local, out, kind);
            self.ctx.pop();
            r?;
        }
        Ok(())
    }

    /// What a For's `in` gives: the items of a list, or 0..n for a count.
    fn loop_items(&mut self, over: &Node, values: &mut Values) -> Result<Vec<Dynamic>, SceneError> {
        let d = match &over.kind {
            NodeKind::Str(s) if single_part(s) => {
                let code = &s[1..s.len() - 1];
                let e = values
                    .compile(self.engine, code, Origin::at(over.span.start + 2))
                    .map_err(|e| self.xerr(e))?;
                if values.is_animated(&e) {
                    return Err(self.xerr(e.error(format!(
                        "a For's list cannot change over time, and this reads {}",
                        animated_name(values, &e)
                    ))));
                }
                values.eval(self.engine, &e).map_err(|e| self.xerr(e))?
            }
            _ => self.literal(over)?,
        };
        if let Some(a) = d.read_lock::<rhai::Array>() {
            return Ok(a.to_vec());
        }
        if let Some(x) = crate::expr::as_number(&d) {
            if x >= 0.0 && x.fract() == 0.0 && x <= limits::MAX_ELEMENTS as f64 {
                return Ok((0..x as i64).map(Dynamic::from_int).collect());
            }
            return Err(self.err(
                over.span.start,
                format!(
                    "a For's count is a whole number 0..={}, got {x}",
                    limits::MAX_ELEMENTS
                ),
            ));
        }
        Err(self.err(
            over.span.start,
            "a For's `in` is a list, a count or an \"{expression}\" giving one",
        ))
    }

    fn use_component(
        &mut self,
        node: &Node,
        name: &str,
        values: &mut Values,
        out: &mut Out,
    ) -> Result<(), SceneError> {
        if self.use_depth >= MAX_USE_DEPTH {
            return Err(self.err(
                node.span.start,
                format!("component `{name}` uses itself, or components nest deeper than {MAX_USE_DEPTH}"),
            ));
        }
        self.changed = true;
        let comp = self.components[name].clone();
        let index = self.count_element(node)?;
        let _ = index;
        let fields: &[cst::Field] = match &node.kind {
            NodeKind::Struct {
                body: Body::Fields(fs),
                ..
            } => fs,
            NodeKind::Struct {
                body: Body::Items(i), ..
            } if i.is_empty() => &[],
            _ => {
                return Err(self.err(
                    node.span.start,
                    format!("use a component with named fields: {name}(at: (0, 0))"),
                ))
            }
        };
        let mut local = values.clone();
        let c = self.ctx_id(out);
        out.put("Group(", node.span.start, c);
        for f in fields {
            let field = &self.src[f.name.clone()];
            if matches!(field, "name" | "opacity" | "hidden") {
                out.copy(self.src, f.name.clone(), c);
                out.put(": ", f.value.span.start, c);
                self.value(
                    &f.value,
                    values,
                    out,
                    Some("a component's name, opacity or hidden"),
                )?;
                out.put(", ", f.value.span.end, c);
            } else if !comp.params.iter().any(|(p, _)| p == field) {
                let known: Vec<&str> = comp.params.iter().map(|(p, _)| p.as_str()).collect();
                return Err(self.err(
                    f.name.start,
                    format!(
                        "component `{name}` has no parameter `{field}` (its parameters: {}; and name, opacity, hidden)",
                        if known.is_empty() { "none".to_string() } else { known.join(", ") }
                    ),
                ));
            }
        }
        for (p, default) in &comp.params {
            let given = fields.iter().find(|f| &self.src[f.name.clone()] == p.as_str());
            let node_v = match (given, default) {
                (Some(f), _) => &f.value,
                (None, Some(d)) => d,
                (None, None) => {
                    return Err(self.err(node.span.start, format!("component `{name}` needs `{p}`")));
                }
            };
            match &node_v.kind {
                NodeKind::Str(s) if single_part(s) => {
                    local
                        .declare(
                            self.engine,
                            p,
                            &s[1..s.len() - 1],
                            Origin::at(node_v.span.start + 2),
                        )
                        .map_err(|e| self.xerr(e))?;
                }
                NodeKind::Str(s) if s.contains('{') => {
                    let t = Template::parse(self.engine, values, s, self.str_origin(node_v))
                        .map_err(|e| self.xerr(e))?;
                    let text = t.render(self.engine, values).map_err(|e| self.xerr(e))?;
                    local
                        .bind(p, Dynamic::from(text))
                        .map_err(|m| self.err(node_v.span.start, m))?;
                }
                _ => {
                    let d = self.literal(node_v)?;
                    local.bind(p, d).map_err(|m| self.err(node_v.span.start, m))?;
                }
            }
        }
        let at = crate::scene::error::Location::of_offset(self.src, node.span.start);
        self.ctx
            .push(format!("in component `{name}` used at {}:{}", at.line, at.col));
        self.use_depth += 1;
        out.put("children: ", node.span.start, c);
        let r = self.list(&comp.body, &mut local, out, Items::Elements);
        self.use_depth -= 1;
        self.ctx.pop();
        r?;
        out.put(")", node.span.end.saturating_sub(1), c);
        Ok(())
    }
}

/// Whether `s` is exactly one `{…}` part.
fn single_part(s: &str) -> bool {
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
fn animated_name(values: &Values, e: &crate::expr::Expr) -> String {
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

fn display_item(d: &Dynamic) -> String {
    match Value::of(d) {
        Value::Number(x) => crate::expr::format_value(x, crate::expr::Format::Auto),
        Value::Str(s) => format!("{s:?}"),
        _ => d.to_string(),
    }
}

/// A value as RON text, for a field.
fn ron_literal(v: &Value) -> Result<String, String> {
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
        Value::Other(kind) => return Err(format!("gives {kind}, which a scene field cannot hold")),
    })
}
