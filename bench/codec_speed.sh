#!/usr/bin/env bash
# Throughput of compress and decompress (issue 11) on the 10,000 MNIST test images, in batches of
# each size in BATCHES (1 = one image at a time), each run REPEAT times. Two figures per verb: the
# coding rate the verb reports (images/s of coding only: loading the model and the data, and writing
# the files, are not timed) and the whole command's wall-clock seconds (JVM start, model, reading
# and writing 10,000 files included).
#
# Usage: bench/codec_speed.sh CODEC_DIR   Env: OUT (bench/out/codec-speed-DATE), REPEAT (3), BATCHES ("256 16 1")
set -euo pipefail
cd "$(dirname "$0")/.."
codec=${1:?usage: bench/codec_speed.sh CODEC_DIR}
out="${OUT:-bench/out/codec-speed-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
B=./bottleneck
$B info "$codec" >/dev/null # builds the launcher's jar first, so no run times a build
echo "date: $(date -Iseconds); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/machine.txt"
batches=(${BATCHES:-256 16 1})
timed() { # prints "<rate> images/s, <seconds> s" of one command
  local t0 t1 rate
  t0=$EPOCHREALTIME
  rate=$("$@" 2>&1 | grep -o '[0-9,]* images/s')
  t1=$EPOCHREALTIME
  printf '%s, %s s' "$rate" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
}
for r in $(seq "${REPEAT:-3}"); do
  for b in "${batches[@]}"; do
    rm -rf "$out/btl-$b" "$out/png-$b"
    c=$(timed $B compress "$codec" --data mnist:test --batch "$b" --out "$out/btl-$b")
    d=$(timed $B decompress "$codec" "$out/btl-$b" --batch "$b" --out "$out/png-$b")
    echo "run $r  batch $b  compress $c  decompress $d" | tee -a "$out/speed.txt"
  done
  first=${batches[0]}
  for b in "${batches[@]:1}"; do
    cmp -s <(cat "$out/btl-$first"/*.btl) <(cat "$out/btl-$b"/*.btl) && echo "run $r  files of batch $first and batch $b: identical" | tee -a "$out/speed.txt" \
      || echo "run $r  files of batch $first and batch $b: DIFFER" | tee -a "$out/speed.txt"
  done
done
