#!/bin/bash
# render-sums.sh ROOT OUTDIR: render the five chapter scenes with the release
# binary of the checkout ROOT into OUTDIR (fresh, --force), then write
# OUTDIR/sums: the md5 of each PNG and the framemd5 of every decoded MP4 frame.
# A refactor that must not move a pixel: run it at both commits, diff the sums.
set -euo pipefail
root=$1; out=$2
if [ -e "$out" ] && [ ! -f "$out/sums" ]; then
  echo "render-sums.sh: $out exists and is not an earlier render-sums output; not replacing it" >&2
  exit 2
fi
rm -rf "$out"; mkdir -p "$out"
( cd "$root" && ./target/release/anim render --all --force -q --out "$out" )
cd "$out"
: > sums
for f in *.png; do md5sum "$f" >> sums; done
for f in *.mp4; do
  echo "== $f" >> sums
  ffmpeg -v error -i "$f" -map 0:v -f framemd5 - | grep -v '^#' >> sums
done
wc -l sums
