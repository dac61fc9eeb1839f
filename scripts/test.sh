#!/usr/bin/env bash
# The whole test suite, as CI runs it: system packages, formatting, lints,
# then every test in release mode (the renderer is slow unoptimised) against
# the software Vulkan driver when there is no GPU.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
export CARGO_TERM_COLOR=never
# One private runtime dir keeps Mesa's WSI from warning in every test process.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
chmod 700 "$XDG_RUNTIME_DIR" 2>/dev/null || true

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --release --locked --all-targets -- -D warnings
echo "== cargo test --release"
cargo test --release --locked -- --test-threads=2
