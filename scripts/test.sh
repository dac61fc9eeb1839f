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
log=$(mktemp)
set -o pipefail
cargo test --release --locked -- --test-threads=2 2>&1 | tee "$log"
# One closing line for the whole suite (cargo prints one per test binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
