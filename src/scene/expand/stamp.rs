//! Stamping: `For` loops and components, each item or use written out
//! with its values bound.

use rhai::Dynamic;

use super::cst::{self, Body, Node, NodeKind};
use super::out::Out;
use super::{animated_name, display_item, single_part, Component, Ex, Items, MAX_USE_DEPTH};
use crate::expr::{Origin, Values};
use crate::scene::error::SceneError;
use crate::scene::limits;
use crate::scene::widgets::ElementSpec;

impl Ex<'_> {
    pub(super) fn define_components(&mut self, node: &Node) -> Result<(), SceneError> {
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

    pub(super) fn for_loop(
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
        // Where each name is written, for an error about the name.
        let each_at = each.map_or(node.span.start, |n: &Node| n.span.start);
        let index_at = index.map_or(node.span.start, |n: &Node| n.span.start);
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
            local.bind(&each, item).map_err(|m| self.err(each_at, m))?;
            if let Some(ix) = &index {
                local
                    .bind(ix, Dynamic::from_int(k as i64))
                    .map_err(|m| self.err(index_at, m))?;
            }
            self.ctx.push(format!("where {each} = {shown}"));
            let r = self.items(body_items, &mut local, out, kind);
            self.ctx.pop();
            r?;
        }
        Ok(())
    }

    /// What a For's `in` gives: the items of a list, or 0..n for a count.
    pub(super) fn loop_items(
        &mut self,
        over: &Node,
        values: &mut Values,
    ) -> Result<Vec<Dynamic>, SceneError> {
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

    pub(super) fn use_component(
        &mut self,
        node: &Node,
        name: &str,
        values: &mut Values,
        out: &mut Out,
    ) -> Result<(), SceneError> {
        if self.use_depth >= MAX_USE_DEPTH {
            // Said once, without the chain of uses that led here.
            return Err(SceneError::at_offset(
                self.path,
                self.src,
                node.span.start,
                format!("component `{name}` uses itself, or components nest deeper than {MAX_USE_DEPTH}"),
            ));
        }
        self.changed = true;
        let comp = self.components[name].clone();
        // The Group it becomes is one element.
        self.count_element(node)?;
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
            if local.knows(p) {
                // A parameter hides a caller's value of the same name (the
                // loop variable `i` given as `i: "{i}"`): computed where the
                // component is used, then bound under its name.
                let d = self.node_value(values, node_v)?;
                local.forget(p);
                local.bind(p, d).map_err(|m| self.err(node_v.span.start, m))?;
            } else {
                self.declare_node(&mut local, p, node_v, node_v.span.start)?;
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
