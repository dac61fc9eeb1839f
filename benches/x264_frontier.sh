#!/usr/bin/env bash
# The x264 settings frontier on the chapter's kind of content (issue 22 item 5):
# encode a scene's frames with anim's x264 parameters and variations, each at
# several CRFs, and print wall time, file size and PSNR against a near-lossless
# render, so that settings can be compared at equal size or equal quality.
#
#   benches/x264_frontier.sh [RUNS] [SCENE]   (default 1 timed run per point, the loop scene)
#   CANDIDATES=file benches/x264_frontier.sh  (one "name|preset|extra x264-params|crf crf …" a line)
#
# The source is anim's own render at --crf 1, decoded once to raw yuv420p;
# every candidate is encoded by the ffmpeg CLI from that file with anim's
# x264-params (closed GOP, 2 s keyint, threads = cores) plus the candidate's.
# Times (wall, and user + system CPU) are for the encode alone, runs interleaved.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
scene=${2:-loop}
anim=${ANIM:-target/release/anim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cores=$(nproc)
base="threads=$cores:open-gop=0:keyint=120:min-keyint=12"

"$anim" render --scene "$scene" --crf 1 --force -q -o "$tmp/src.mp4"
size=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=s=x:p=0 "$tmp/src.mp4")
fps=$(ffprobe -v error -select_streams v:0 -show_entries stream=r_frame_rate -of csv=p=0 "$tmp/src.mp4")
ffmpeg -nostdin -v error -i "$tmp/src.mp4" -f rawvideo -pix_fmt yuv420p "$tmp/src.yuv"
input=(-f rawvideo -pix_fmt yuv420p -s "$size" -r "$fps" -i "$tmp/src.yuv")
cat "$tmp/src.yuv" >/dev/null   # into the page cache before the first timing

# name | preset | extra x264-params (a leading TUNE=x: for -tune x) | CRFs
default_candidates='veryfast (anim before)|veryfast||16 18 20
veryfast aq-mode=0|veryfast|aq-mode=0|18 20 22 24
superfast|superfast||18 20 22 24
superfast aq-mode=0|superfast|aq-mode=0|20 22 24 26
ultrafast|ultrafast||22 26 30
veryfast tune=animation|veryfast|TUNE=animation|18 20 22
veryfast me=dia subme=1|veryfast|me=dia:subme=1|18 20
veryfast bframes=0|veryfast|bframes=0|18 20 22'
if [ -n "${CANDIDATES:-}" ]; then list=$(cat "$CANDIDATES"); else list=$default_candidates; fi

declare -A times cpus sizes psnrs
points=()
for run in $(seq "$runs"); do
  while IFS='|' read -r name preset extra crfs; do
    [ -z "$name" ] && continue
    for crf in $crfs; do
      key="$name|$crf"
      [ "$run" = 1 ] && points+=("$key")
      params="$base"
      tune=()
      rest=$extra
      if [[ $rest == TUNE=* ]]; then
        t=${rest#TUNE=}; tune=(-tune "${t%%:*}")
        if [[ $t == *:* ]]; then rest=${t#*:}; else rest=; fi
      fi
      [ -n "$rest" ] && params="$base:$rest"
      out="$tmp/out.mp4"
      /usr/bin/time -f "%e %U %S" -o "$tmp/time" ffmpeg -nostdin -v error -y "${input[@]}" \
        -c:v libx264 -preset "$preset" "${tune[@]}" -crf "$crf" -x264-params "$params" -pix_fmt yuv420p "$out"
      read -r wall user sys <"$tmp/time"
      times[$key]="${times[$key]:-} $wall"
      cpus[$key]="${cpus[$key]:-} $(awk "BEGIN { printf \"%.2f\", $user + $sys }")"
      sizes[$key]=$(stat -c %s "$out")
      if [ "$run" = 1 ]; then
        psnrs[$key]=$(ffmpeg -nostdin -v info "${input[@]}" -i "$out" -lavfi "[1:v][0:v]psnr" -f null - 2>&1 \
          | sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' | tail -1)
      fi
    done
  done <<<"$list"
done

echo "scene $scene, $size at $fps fps, $cores cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %4s %-16s %-16s %9s %8s\n' "setting" "crf" "wall s" "CPU s" "KiB" "PSNR dB"
for key in "${points[@]}"; do
  IFS='|' read -r name crf <<<"$key"
  printf '%-34s %4s %-16s %-16s %9d %8s\n' "$name" "$crf" "${times[$key]}" "${cpus[$key]}" $((sizes[$key] / 1024)) "${psnrs[$key]}"
done
