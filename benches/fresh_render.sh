#!/usr/bin/env bash
# A fresh render of one scene's video by two anim binaries, side by side
# (issue 22 item 5): wall time, CPU time (user + system) and wall / CPU,
# the file's size and its PSNR against a near-lossless render of the same
# frames; min / median / max over RUNS interleaved runs.
#
#   benches/fresh_render.sh BEFORE AFTER [RUNS] [SCENE]   (default 3 runs, the loop scene)
#
# Each run is `anim render --scene SCENE --video-only --force -q` into a
# fresh folder (no cache, no kept segments). The reference is AFTER's render
# at --crf 1, decoded once.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1
after=$2
runs=${3:-3}
scene=${4:-loop}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$after" render --scene "$scene" --crf 1 --force -q -o "$tmp/ref.mp4"

declare -A walls cpus sizes psnrs
for run in $(seq "$runs"); do
  for which in before after; do
    bin=${!which}
    out="$tmp/$which-$run"
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$bin" render --scene "$scene" --video-only --force -q --out "$out"
    read -r wall user sys <"$tmp/time"
    walls[$which]="${walls[$which]:-} $wall"
    cpus[$which]="${cpus[$which]:-} $(awk "BEGIN { printf \"%.2f\", $user + $sys }")"
    file=$(ls "$out"/*.mp4)
    sizes[$which]=$(stat -c %s "$file")
    if [ "$run" = 1 ]; then
      psnrs[$which]=$(ffmpeg -nostdin -v info -i "$file" -i "$tmp/ref.mp4" -lavfi "[0:v][1:v]psnr" -f null - 2>&1 \
        | sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' | tail -1)
    fi
    rm -rf "$out"
  done
done

stats() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { printf "%.2f / %.2f / %.2f", a[1], a[int((NR + 1) / 2)], a[NR] }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "scene $scene, $runs runs each, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-7s %-24s %-24s %-8s %10s %8s\n' "" "wall s (min/med/max)" "CPU s (min/med/max)" "wall/CPU" "bytes" "PSNR dB"
for which in before after; do
  w=$(echo "${walls[$which]}" | median)
  c=$(echo "${cpus[$which]}" | median)
  printf '%-7s %-24s %-24s %-8s %10d %8s\n' "$which" "$(echo "${walls[$which]}" | stats)" "$(echo "${cpus[$which]}" | stats)" \
    "$(awk "BEGIN { printf \"%.2f\", $w / $c }")" "${sizes[$which]}" "${psnrs[$which]}"
done
wb=$(echo "${walls[before]}" | median)
wa=$(echo "${walls[after]}" | median)
echo "after is $(awk "BEGIN { printf \"%.2f\", $wb / $wa }")x as fast as before (ratio of median walls)"
