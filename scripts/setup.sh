#!/usr/bin/env bash
# Fresh machine → a rendered figure. Installs the missing system packages
# (idempotent), builds anim in release mode and renders the default scene to
# renders/03-loop-treinamento.png and .mp4.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install Rust with https://rustup.rs and re-run" >&2
  exit 1
fi
cargo build --release --locked
./target/release/anim render --scene "${ANIM_DEFAULT_SCENE:-loop}"
