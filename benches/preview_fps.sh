#!/usr/bin/env bash
# Frames per second the preview presents while playing, under Xvfb.
#
#   benches/preview_fps.sh [ANIM] [RUNS] [WxH] [SCENE]
#   (defaults: target/release/anim, 3 runs, 1920x1080, loop)
#
# Each run opens `anim -v preview` on a private Xvfb server (1920x1200x24,
# no window manager) for 17 s and keeps the three rates `-v` prints (every
# 5 s: frames presented in the last second). A run's figure is the median
# of its three; the script prints each run's and then min / median / max
# over the runs. Presentation is Fifo: Xvfb has no vblank, so the rate is
# what the machine can draw, not a refresh-rate cap. The machine's load
# (printed) moves the figures a lot on 2 cores.
set -euo pipefail

anim=${1:-target/release/anim}
runs=${2:-3}
size=${3:-1920x1080}
scene=${4:-loop}
seconds=17

n=$(( 90 + $$ % 100 ))
while [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1920x1200x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true' EXIT
for _ in $(seq 50); do xdpyinfo -display ":$n" >/dev/null 2>&1 && break; sleep 0.1; done

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "anim $anim, scene $scene, window $size, $runs runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
figures=()
for r in $(seq "$runs"); do
  log=$(DISPLAY=":$n" timeout "$seconds" "$anim" -v preview --scene "$scene" --window "$size" 2>&1 || true)
  rates=$(grep -oE '^preview: [0-9.]+ fps' <<<"$log" | grep -oE '[0-9.]+' || true)
  if [ -z "$rates" ]; then
    echo "run $r: no fps reported"; echo "$log" | tail -5; exit 1
  fi
  m=$(median <<<"$rates")
  echo "run $r: $(tr '\n' ' ' <<<"$rates")→ $m fps"
  figures+=("$m")
done
printf '%s\n' "${figures[@]}" | sort -g | awk '{ a[NR] = $1 } END { printf "min %s  median %s  max %s fps\n", a[1], a[int((NR + 1) / 2)], a[NR] }'
