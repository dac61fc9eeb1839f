//! The engine (Rhai with anim's functions and limits) and compiled
//! expressions with their exact free names.

use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rhai::Dynamic;

use super::colour::Palette;

use super::error::{self, ExprError, Origin};
use super::limits::{self, LIMITS};
use super::{colour, funcs};

/// The expression engine: Rhai with anim's functions and limits.
///
/// Build one per scene (it holds the scene's palette) and share it: it is
/// `Send + Sync`, like the compiled [`Expr`]s (Rhai's `sync` feature), so a
/// loaded scene can move to the preview's window thread or a video worker.
pub struct Engine {
    rhai: rhai::Engine,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// An engine that knows colours written as `#rrggbb` / `#rrggbbaa` only.
    pub fn new() -> Engine {
        Engine::with_palette(Arc::new(|_: &str| None))
    }

    /// An engine whose colour functions also accept the names `palette`
    /// resolves (the theme's colours).
    pub fn with_palette(palette: Palette) -> Engine {
        let mut rhai = rhai::Engine::new_raw();
        use rhai::packages::Package;
        rhai.register_global_module(rhai::packages::CorePackage::new().as_shared_module());
        rhai.register_global_module(rhai::packages::LogicPackage::new().as_shared_module());
        rhai.register_global_module(rhai::packages::BasicArrayPackage::new().as_shared_module());
        rhai.register_global_module(rhai::packages::BasicMapPackage::new().as_shared_module());
        rhai.register_global_module(rhai::packages::MoreStringPackage::new().as_shared_module());
        // Nothing reaches stdout, no script text is run from a string.
        rhai.on_print(|_| {});
        rhai.on_debug(|_, _, _| {});
        rhai.disable_symbol("eval");
        // Names are checked when compiling: a typo is an error at load.
        rhai.set_strict_variables(true);
        // Registered operators (`/` that refuses zero, and is never integer
        // division) must win over Rhai's built-in ones.
        rhai.set_fast_operators(false);
        rhai.set_max_operations(LIMITS.operations);
        rhai.set_max_call_levels(LIMITS.call_levels);
        rhai.set_max_expr_depths(limits::MAX_EXPR_DEPTH, limits::MAX_FN_EXPR_DEPTH);
        rhai.set_max_array_size(LIMITS.list_len);
        rhai.set_max_string_size(LIMITS.string_len);
        rhai.set_max_map_size(LIMITS.map_len);
        rhai.set_max_variables(limits::MAX_VARIABLES);
        rhai.on_progress(|ops| {
            // Checking the clock every 4096 operations costs nothing measurable.
            if ops % 4096 == 0 && DEADLINE.with(Cell::get).is_some_and(|d| Instant::now() > d) {
                Some(Dynamic::UNIT)
            } else {
                None
            }
        });
        funcs::register(&mut rhai);
        colour::register(&mut rhai, palette);
        Engine { rhai }
    }

    /// Evaluates `expr` in `scope`; new variables the expression defines do
    /// not outlive the call.
    pub(crate) fn run(&self, scope: &mut rhai::Scope<'static>, expr: &Expr) -> Result<Dynamic, ExprError> {
        let len = scope.len();
        let deadline = Instant::now() + Duration::from_millis(LIMITS.wall_ms);
        let previous = DEADLINE.with(|d| d.replace(Some(deadline)));
        let result = self.rhai.eval_ast_with_scope::<Dynamic>(scope, &expr.ast);
        DEADLINE.with(|d| d.set(previous));
        scope.rewind(len);
        result.map_err(|e| {
            let (message, pos) = error::eval_message(&e, &expr.foreign);
            expr.error_at(pos, message)
        })
    }
}

thread_local! {
    /// When the evaluation running on this thread must stop.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// One compiled expression and where it came from.
#[derive(Clone, Debug)]
pub struct Expr {
    pub(crate) ast: rhai::AST,
    source: Arc<str>,
    origin: Origin,
    names: Vec<String>,
    /// Functions this expression calls that other values defined (closures
    /// held by values): Rhai function name → the value's name. An error
    /// inside one is reported at the call, naming the value, since its
    /// position is in the other value's text.
    pub(crate) foreign: Arc<[(String, String)]>,
}

impl Expr {
    /// The expression's text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Where its text starts in the scene file.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The names of values and inputs it reads, in the order first met
    /// (local variables, closure parameters and function names excluded).
    pub fn free_names(&self) -> &[String] {
        &self.names
    }

    /// Whether it reads `name`.
    pub fn depends_on(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// An error at Rhai's position `pos` in this expression.
    pub(crate) fn error_at(&self, pos: rhai::Position, message: impl Into<String>) -> ExprError {
        ExprError::new(
            &self.source,
            self.origin,
            error::byte_offset(&self.source, pos),
            message,
        )
    }

    /// An error about the whole expression (its first character).
    pub(crate) fn error(&self, message: impl Into<String>) -> ExprError {
        ExprError::new(&self.source, self.origin, 0, message)
    }
}

/// What a name is when compiling: its value if constant, or `()` for a
/// name whose value only exists per frame.
pub(crate) enum Known {
    Constant(Dynamic),
    PerFrame,
}

impl Engine {
    /// Compiles `source`, whose names are looked up by `lookup`.
    ///
    /// Rhai's strict-variables mode reports the first undefined name; each
    /// one found is added to the compile scope and recorded, so the loop runs
    /// once per distinct free name and the list is exact (a closure
    /// parameter or `let` that shadows a value is not a free name).
    pub(crate) fn compile_with(
        &self,
        source: &str,
        origin: Origin,
        lookup: &dyn Fn(&str) -> Option<Known>,
    ) -> Result<Expr, ExprError> {
        if source.trim().is_empty() {
            return Err(ExprError::new(source, origin, 0, "empty expression"));
        }
        let mut scope = rhai::Scope::new();
        let mut names: Vec<String> = Vec::new();
        loop {
            match self.rhai.compile_with_scope(&scope, source) {
                Ok(ast) => {
                    return Ok(Expr {
                        ast,
                        source: source.into(),
                        origin,
                        names,
                        foreign: Vec::new().into(),
                    })
                }
                Err(e) => {
                    let at = error::byte_offset(source, e.position());
                    let undefined = match e.err_type() {
                        rhai::ParseErrorType::VariableUndefined(n) => Some(n.clone()),
                        _ => None,
                    };
                    let Some(name) = undefined.filter(|n| !names.contains(n)) else {
                        return Err(ExprError::new(source, origin, at, error::parse_message(&e)));
                    };
                    match lookup(&name) {
                        Some(Known::Constant(v)) => {
                            scope.push_constant_dynamic(name.clone(), v);
                        }
                        Some(Known::PerFrame) => {
                            scope.push_dynamic(name.clone(), Dynamic::UNIT);
                        }
                        None => {
                            return Err(ExprError::new(
                                source,
                                origin,
                                at,
                                format!("unknown name `{name}`"),
                            ));
                        }
                    }
                    names.push(name);
                }
            }
        }
    }
}
