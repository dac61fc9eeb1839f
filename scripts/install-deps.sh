#!/usr/bin/env bash
# Installs the Debian 12 packages anim needs to build, render, test and preview.
# Idempotent: packages already present are skipped, so it is safe to re-run.
set -euo pipefail

PACKAGES=(
  # build: ffmpeg-sys-next links FFmpeg 5.1 and runs bindgen (libclang)
  pkg-config libclang-dev clang
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
  # headless rendering on the CPU: Mesa's lavapipe Vulkan driver (only a
  # Recommends of libvulkan1, so it is named here)
  libvulkan1 mesa-vulkan-drivers
  # tests and tooling: ffprobe/ffmpeg, an X server for the preview, screenshots
  ffmpeg xvfb imagemagick x11-utils
  # tests/preview.rs clicks the preview's timeline bar
  xdotool
  # tests/browser.rs plays and seeks the chapter's videos in headless
  # Chromium (it plays H.264); the test fails without it
  chromium
  # tests/vector.rs: the PDF back to pixels and its text (poppler), the SVG
  # rasterised by a second renderer (librsvg)
  poppler-utils librsvg2-bin
  # winit loads these at run time and nothing else pulls them in
  libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6
  # the fonts shipped in assets/fonts come from these (OFL)
  fonts-inter fonts-jetbrains-mono
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} system packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
