//! The bounds every evaluation runs under, in one place.
//!
//! The operation count is the real guard (deterministic: a scene that loads
//! on a fast machine loads on a slow one); the wall clock is a backstop for
//! an operation that is slow on its own. Rhai checks list, string and map
//! sizes after each operation; `range` and `linspace` check before they
//! allocate, so `range(100000000)` is refused, not built.

/// The limits, for messages and docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Rhai operations (about one per node evaluated) in one evaluation.
    pub operations: u64,
    /// Wall-clock milliseconds one evaluation may take.
    pub wall_ms: u64,
    /// Nested function or closure calls (recursion).
    pub call_levels: usize,
    /// Items of one list.
    pub list_len: usize,
    /// Bytes of one string.
    pub string_len: usize,
    /// Entries of one map.
    pub map_len: usize,
}

/// The limits in force.
pub const LIMITS: Limits = Limits {
    operations: 1_000_000,
    wall_ms: 500,
    call_levels: 24,
    list_len: 100_000,
    string_len: 100_000,
    map_len: 10_000,
};

/// Nesting of expressions at the top level (parentheses, blocks, calls).
pub const MAX_EXPR_DEPTH: usize = 48;
/// Nesting of expressions inside a function or closure body.
pub const MAX_FN_EXPR_DEPTH: usize = 32;
/// Variables one evaluation may define.
pub const MAX_VARIABLES: usize = 1_000;
/// Most decimals a template format prints (more is noise on a figure).
pub const MAX_DECIMALS: usize = crate::numfmt::MAX_DECIMALS;
