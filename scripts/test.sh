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
echo "== architecture rules (docs/architecture.md)"
bash scripts/check-architecture.sh
echo "== cargo clippy -D warnings"
cargo clippy --release --locked --all-targets -- -D warnings
# One closing line per run (cargo prints one per test binary).
summary() {
  awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
       END { printf "%d passed, %d failed\n", p, f }' "$1"
}
log=$(mktemp)
log_pure=$(mktemp)
trap 'rm -f "$log" "$log_pure"' EXIT

echo "== cargo test --release"
cargo test --release --locked -- --test-threads=2 2>&1 | tee "$log"
full=$(summary "$log")
echo "$full"

# The pure stages (scene, evaluate, tessellate, and the PNG path on the
# software rasteriser) without the `video` and `preview` features: no
# FFmpeg, no X11. Tests that need a feature (Cargo.toml's required-features)
# are skipped. Two proofs that FFmpeg is not needed: no ffmpeg, winit or
# notify crate is in the dependency tree, and the build runs with pkg-config
# unable to find any library (ffmpeg-sys would fail to find FFmpeg).
echo "== cargo tree --no-default-features: no ffmpeg, winit, notify, typst, syntect or two-face"
if cargo tree --locked --no-default-features -e normal --prefix none | grep -E '^(ffmpeg|winit|notify|typst|syntect|two-face)'; then
  echo "error: the crates above are built without the default features" >&2
  exit 1
fi
echo "== cargo clippy --no-default-features -D warnings"
# Its own target folder: built into target/release, the feature-less
# binary would replace the full target/release/anim.
pure_target=target/no-default-features
PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= \
  cargo clippy --release --locked --no-default-features --target-dir "$pure_target" --all-targets -- -D warnings
echo "== cargo test --release --no-default-features (pkg-config finds nothing)"
PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= \
  cargo test --release --locked --no-default-features --target-dir "$pure_target" -- --test-threads=2 2>&1 | tee "$log_pure"
echo "== the feature-less binary links no FFmpeg or X11 library"
if ldd "$pure_target/release/anim" | grep -E 'lib(av|sw|X11|xcb)'; then
  echo "error: the binary built without default features links the libraries above" >&2
  exit 1
fi
echo "default features:    $full"
echo "no default features: $(summary "$log_pure")"
