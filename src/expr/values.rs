//! Named values declared in order, the inputs a frame sets, and typed
//! evaluation.
//!
//! The Rhai scope is laid out as `[constants…][inputs…][animated…]`: a
//! constant never depends on an input or an animated value (else it would
//! be animated), so this order keeps every value after the ones it reads.
//! [`Values::update`] rewinds the scope to the constants and pushes the
//! inputs and the re-evaluated animated values: the constants are computed
//! once, when declared. Everything is pushed as a Rhai constant, so an
//! expression cannot change a value another one reads.

use std::collections::HashMap;

use rhai::{Dynamic, Scope};

use super::colour::{to_colour, Palette};
use super::engine::{Engine, Expr, Known};
use super::error::{ExprError, Origin};
use super::format::{display, Format};
use super::kind::{as_number, kind_of};
use super::typed::{finite, number};
use crate::color::Color;

/// A value read back from the scope.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Bool(bool),
    Str(String),
    List(Vec<Value>),
    /// A map (`#{ x: 1, label: "a" }`), keys in order: a struct in a scene field.
    Map(Vec<(String, Value)>),
    Colour(Color),
    /// A function or another Rhai value, by its kind's name.
    Other(&'static str),
}

impl Value {
    /// The value of a Rhai result, by kind.
    pub fn of(d: &Dynamic) -> Value {
        if let Some(x) = as_number(d) {
            Value::Number(x)
        } else if let Ok(b) = d.as_bool() {
            Value::Bool(b)
        } else if let Some(c) = d.clone().try_cast::<Color>() {
            Value::Colour(c)
        } else if let Ok(s) = d.clone().into_immutable_string() {
            Value::Str(s.to_string())
        } else if let Some(a) = d.read_lock::<rhai::Array>() {
            Value::List(a.iter().map(Value::of).collect())
        } else if let Some(m) = d.read_lock::<rhai::Map>() {
            Value::Map(m.iter().map(|(k, v)| (k.to_string(), Value::of(v))).collect())
        } else {
            Value::Other(kind_of(d))
        }
    }
}

/// Where a name lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Constant,
    Input,
    Animated,
}

/// Named values and inputs, and the scope expressions are evaluated in.
#[derive(Clone)]
pub struct Values {
    scope: Scope<'static>,
    /// Scope entries that are constants (set when declared).
    constants: usize,
    /// Inputs in declaration order with their current values.
    inputs: Vec<(String, f64)>,
    /// Animated values in declaration order.
    animated: Vec<(String, Expr)>,
    slots: HashMap<String, Slot>,
    /// The functions and closures defined by the values so far, merged into
    /// every later expression so a value may hold a closure (`|x| …`) that
    /// others call.
    lib: rhai::AST,
    /// Which value defined each function of `lib`.
    lib_owners: Vec<(String, String)>,
    /// Whether the scope holds this frame's inputs and animated values.
    fresh: bool,
}

impl Values {
    /// Values with the maths constants `pi`, `tau` and `e`, and the inputs
    /// `inputs` (each starting at 0): the names a frame sets, such as `t`.
    pub fn new(inputs: &[&str]) -> Values {
        let mut v = Values {
            scope: Scope::new(),
            constants: 0,
            inputs: Vec::new(),
            animated: Vec::new(),
            slots: HashMap::new(),
            lib: rhai::AST::empty(),
            lib_owners: Vec::new(),
            fresh: false,
        };
        for (name, x) in [
            ("pi", std::f64::consts::PI),
            ("tau", std::f64::consts::TAU),
            ("e", std::f64::consts::E),
        ] {
            v.push_constant(name, Dynamic::from_float(x));
        }
        for name in inputs {
            v.inputs.push((name.to_string(), 0.0));
            v.slots.insert(name.to_string(), Slot::Input);
        }
        v
    }

    fn push_constant(&mut self, name: &str, value: Dynamic) {
        self.scope.rewind(self.constants);
        self.scope.push_constant_dynamic(name.to_string(), value);
        self.constants += 1;
        self.slots.insert(name.to_string(), Slot::Constant);
        self.fresh = false;
    }

    /// Compiles `source` against these values: every name it reads must be
    /// declared before (or be an input).
    pub fn compile(&self, engine: &Engine, source: &str, origin: Origin) -> Result<Expr, ExprError> {
        let mut expr = engine.compile_with(source, origin, &|name| match self.slots.get(name)? {
            // A function value is not folded in: Rhai's optimiser would turn
            // `f.call(x)` into a direct call of its code, which inside a
            // closure (`range(8).map(|i| f.call(i))`) it then cannot find.
            Slot::Constant => self.scope.get(name).map(|v| {
                if v.is_fnptr() {
                    Known::PerFrame
                } else {
                    Known::Constant(v.clone())
                }
            }),
            Slot::Input | Slot::Animated => Some(Known::PerFrame),
        })?;
        if self.lib.has_functions() {
            expr.ast = self.lib.merge(&expr.ast);
            expr.foreign = self.lib_owners.clone().into();
        }
        Ok(expr)
    }

    /// Whether `expr` reads an input or an animated value, so must be
    /// evaluated per frame.
    pub fn is_animated(&self, expr: &Expr) -> bool {
        expr.free_names()
            .iter()
            .any(|n| matches!(self.slots.get(n), Some(Slot::Input | Slot::Animated)))
    }

    /// Declares the value `name` as `source`. A constant one is evaluated
    /// now; an animated one on each [`Values::update`]. Errors name the value.
    pub fn declare(
        &mut self,
        engine: &Engine,
        name: &str,
        source: &str,
        origin: Origin,
    ) -> Result<(), ExprError> {
        let ctx = || format!("value `{name}`");
        if self.slots.contains_key(name) {
            return Err(
                ExprError::new(source, origin, 0, format!("`{name}` is declared twice")).context(ctx()),
            );
        }
        if !is_identifier(name) {
            return Err(ExprError::new(
                source,
                origin,
                0,
                "a value's name is a letter followed by letters, digits or `_`",
            )
            .context(ctx()));
        }
        let expr = self
            .compile(engine, source, origin)
            .map_err(|e| e.context(ctx()))?;
        for f in expr.ast.iter_functions() {
            if !self.lib_owners.iter().any(|(n, _)| n == f.name) {
                self.lib_owners.push((f.name.to_string(), name.to_string()));
            }
        }
        self.lib = self.lib.merge(&expr.ast.clone_functions_only());
        if self.is_animated(&expr) {
            self.slots.insert(name.to_string(), Slot::Animated);
            self.animated.push((name.to_string(), expr));
            self.fresh = false;
        } else {
            self.scope.rewind(self.constants);
            let v = engine.run(&mut self.scope, &expr).map_err(|e| e.context(ctx()))?;
            check_value(&expr, &v).map_err(|e| e.context(ctx()))?;
            let v = detached(v);
            self.push_constant(name, v);
        }
        Ok(())
    }

    /// Binds `name` to a constant `value` (a loop's item, a component's
    /// parameter): readable by every expression compiled after.
    pub fn bind(&mut self, name: &str, value: Dynamic) -> Result<(), String> {
        if self.slots.contains_key(name) {
            return Err(format!("`{name}` is already a value here: pick another name"));
        }
        if !is_identifier(name) {
            return Err(format!(
                "`{name}` is not a name: a letter followed by letters, digits or `_`"
            ));
        }
        self.push_constant(name, value);
        Ok(())
    }

    /// Lets `name` be declared or bound again here, hiding the earlier one
    /// (a component's parameter named like a value of its caller). Inputs
    /// cannot be hidden.
    pub fn forget(&mut self, name: &str) {
        if matches!(self.slots.get(name), Some(Slot::Constant | Slot::Animated)) {
            self.slots.remove(name);
        }
    }

    /// Whether `name` is a value, an input or a binding here.
    pub fn knows(&self, name: &str) -> bool {
        self.slots.contains_key(name)
    }

    /// Whether `name` is an input or reads one.
    pub fn is_animated_name(&self, name: &str) -> bool {
        matches!(self.slots.get(name), Some(Slot::Input | Slot::Animated))
    }

    /// Sets input `name` for the next [`Values::update`]; false if there is
    /// no such input.
    pub fn set(&mut self, name: &str, value: f64) -> bool {
        match self.inputs.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => {
                *v = value;
                self.fresh = false;
                true
            }
            None => false,
        }
    }

    /// Re-evaluates the animated values for the current inputs, in order.
    pub fn update(&mut self, engine: &Engine) -> Result<(), ExprError> {
        self.scope.rewind(self.constants);
        for (name, x) in &self.inputs {
            self.scope
                .push_constant_dynamic(name.clone(), Dynamic::from_float(*x));
        }
        for (name, expr) in &self.animated {
            let v = engine
                .run(&mut self.scope, expr)
                .and_then(|v| check_value(expr, &v).map(|()| v))
                .map_err(|e| e.context(format!("value `{name}`")))?;
            self.scope.push_constant_dynamic(name.clone(), v);
        }
        self.fresh = true;
        Ok(())
    }

    /// The value of `name` (for animated values, as of the last update).
    pub fn get(&self, name: &str) -> Option<Value> {
        self.scope.get(name).map(Value::of)
    }

    /// Evaluates `expr` with this frame's values.
    pub fn eval(&mut self, engine: &Engine, expr: &Expr) -> Result<Dynamic, ExprError> {
        if !self.fresh {
            self.update(engine)?;
        }
        engine.run(&mut self.scope, expr)
    }

    /// A finite number.
    pub fn eval_number(&mut self, engine: &Engine, expr: &Expr) -> Result<f64, ExprError> {
        let v = self.eval(engine, expr)?;
        number(expr, &v)
    }

    /// A list of finite numbers.
    pub fn eval_list(&mut self, engine: &Engine, expr: &Expr) -> Result<Vec<f64>, ExprError> {
        let v = self.eval(engine, expr)?;
        numbers(expr, &v)
    }

    /// A point: a list of two finite numbers.
    pub fn eval_point(&mut self, engine: &Engine, expr: &Expr) -> Result<(f64, f64), ExprError> {
        match self.eval_list(engine, expr)?.as_slice() {
            [x, y] => Ok((*x, *y)),
            other => Err(expr.error(format!(
                "expected a point [x, y], got a list of {} numbers",
                other.len()
            ))),
        }
    }

    /// A string; numbers and colours are written as a template would.
    pub fn eval_string(&mut self, engine: &Engine, expr: &Expr) -> Result<String, ExprError> {
        let v = self.eval(engine, expr)?;
        display(expr, &v, &Format::Auto)
    }

    /// A colour: a colour value, `"#rrggbb"` or a name `palette` knows.
    pub fn eval_color(
        &mut self,
        engine: &Engine,
        expr: &Expr,
        palette: &Palette,
    ) -> Result<Color, ExprError> {
        let v = self.eval(engine, expr)?;
        to_colour(&v, palette).map_err(|m| expr.error(m))
    }
}

fn numbers(expr: &Expr, v: &Dynamic) -> Result<Vec<f64>, ExprError> {
    let Some(list) = v.read_lock::<rhai::Array>() else {
        return Err(expr.error(format!("expected a list of numbers, got {}", kind_of(v))));
    };
    list.iter()
        .enumerate()
        .map(|(i, d)| match as_number(d) {
            Some(x) => finite(expr, x).map_err(|e| ExprError {
                message: format!("item {i}: {}", e.message),
                ..e
            }),
            None => Err(expr.error(format!("expected a list of numbers, item {i} is {}", kind_of(d)))),
        })
        .collect()
}

/// A declared value may be anything but NaN or infinite numbers (in lists too).
fn check_value(expr: &Expr, v: &Dynamic) -> Result<(), ExprError> {
    if let Some(x) = as_number(v) {
        return finite(expr, x).map(|_| ());
    }
    if let Some(list) = v.read_lock::<rhai::Array>() {
        for (i, d) in list.iter().enumerate() {
            if let Some(x) = as_number(d) {
                finite(expr, x).map_err(|e| ExprError {
                    message: format!("item {i}: {}", e.message),
                    ..e
                })?;
            }
        }
    }
    if v.is_unit() {
        return Err(expr.error("the expression has no value (it ends with `;`?)"));
    }
    Ok(())
}

/// A function value (`|s| …`) called by name, without the environment of
/// the evaluation that made it: Rhai looks that environment's functions up
/// only when the value is called at an expression's top level, not from
/// inside another closure (`range(8).map(|i| f.call(i))` said "unknown
/// function `anon$…`"). Its code is in the library every later expression
/// merges, so the name resolves everywhere; captured values stay curried.
fn detached(v: Dynamic) -> Dynamic {
    let Some(f) = v.clone().try_cast::<rhai::FnPtr>() else {
        return v;
    };
    match rhai::FnPtr::new(f.fn_name()) {
        Ok(mut plain) => {
            plain.set_curry(f.curry().iter().cloned());
            Dynamic::from(plain)
        }
        Err(_) => v,
    }
}

fn is_identifier(name: &str) -> bool {
    let mut c = name.chars();
    c.next().is_some_and(|f| f.is_ascii_alphabetic()) && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
