#!/usr/bin/env bash
# The x264 settings frontier on the chapter's kind of content (issue 22 item 5):
# encode the loop scene's frames with anim's x264 parameters and variations,
# and print wall time, file size and PSNR against a near-lossless render.
#
#   benches/x264_frontier.sh [RUNS]     (default 2 runs per setting, interleaved)
#
# The source is anim's own render at --crf 1, decoded once to raw yuv420p;
# every candidate is encoded by the ffmpeg CLI from that file with the same
# rate control (CRF 18) and anim's x264-params (closed GOP, 2 s keyint,
# sync-lookahead=0, threads = cores). Times are for the encode alone.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-2}
anim=${ANIM:-target/release/anim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cores=$(nproc)
base="sync-lookahead=0:threads=$cores:open-gop=0:keyint=120:min-keyint=12"

"$anim" render --scene loop --crf 1 --force -q -o "$tmp/src.mp4"
ffmpeg -v error -i "$tmp/src.mp4" -f rawvideo -pix_fmt yuv420p "$tmp/src.yuv"
input=(-f rawvideo -pix_fmt yuv420p -s 1920x1080 -r 60 -i "$tmp/src.yuv")

# name | preset | extra x264-params
candidates=(
  "veryfast (anim's default)|veryfast|"
  "veryfast tune=animation|veryfast|TUNE"
  "superfast|superfast|"
  "faster|faster|"
  "veryfast bframes=0|veryfast|bframes=0"
  "veryfast me=dia|veryfast|me=dia"
  "veryfast subme=1|veryfast|subme=1"
  "veryfast aq-mode=0|veryfast|aq-mode=0"
  "veryfast rc-lookahead=5|veryfast|rc-lookahead=5"
)

declare -A times sizes psnrs
for run in $(seq "$runs"); do
  for c in "${candidates[@]}"; do
    IFS='|' read -r name preset extra <<<"$c"
    params="$base"
    tune=()
    if [ "$extra" = TUNE ]; then tune=(-tune animation); elif [ -n "$extra" ]; then params="$base:$extra"; fi
    out="$tmp/out.mp4"
    start=$(date +%s.%N)
    ffmpeg -v error -y "${input[@]}" -c:v libx264 -preset "$preset" "${tune[@]}" -crf 18 \
      -x264-params "$params" -pix_fmt yuv420p "$out"
    end=$(date +%s.%N)
    t=$(awk "BEGIN { printf \"%.2f\", $end - $start }")
    times[$name]="${times[$name]:-} $t"
    sizes[$name]=$(stat -c %s "$out")
    if [ "$run" = 1 ]; then
      psnrs[$name]=$(ffmpeg -v info "${input[@]}" -i "$out" -lavfi "[1:v][0:v]psnr" -f null - 2>&1 \
        | sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' | tail -1)
    fi
  done
done

printf '%-28s %-22s %9s %8s\n' "setting" "encode s (each run)" "KiB" "PSNR dB"
for c in "${candidates[@]}"; do
  IFS='|' read -r name _ _ <<<"$c"
  printf '%-28s %-22s %9d %8s\n' "$name" "${times[$name]}" $((sizes[$name] / 1024)) "${psnrs[$name]}"
done
