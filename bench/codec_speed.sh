#!/usr/bin/env bash
# Throughput of compress and decompress (issue 11) on the 10,000 MNIST test images: in batches
# (--batch 256) and one image at a time (--batch 1), each run REPEAT times; images/s as the verbs
# report them (coding only: loading the model and the data, and writing the files, are not timed).
#
# Usage: bench/codec_speed.sh CODEC_DIR   Env: OUT (bench/out/codec-speed-DATE), REPEAT (3)
set -euo pipefail
cd "$(dirname "$0")/.."
codec=${1:?usage: bench/codec_speed.sh CODEC_DIR}
out="${OUT:-bench/out/codec-speed-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
B=./bottleneck
echo "date: $(date -Iseconds); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/machine.txt"
for r in $(seq "${REPEAT:-3}"); do
  for b in 256 1; do
    rm -rf "$out/btl-$b" "$out/png-$b"
    c=$($B compress "$codec" --data mnist:test --batch "$b" --out "$out/btl-$b" 2>&1 | grep -o '[0-9,]* images/s')
    d=$($B decompress "$codec" "$out/btl-$b" --batch "$b" --out "$out/png-$b" 2>&1 | grep -o '[0-9,]* images/s')
    echo "run $r  batch $b  compress $c  decompress $d" | tee -a "$out/speed.txt"
  done
  cmp -s <(cat "$out"/btl-256/*.btl) <(cat "$out"/btl-1/*.btl) && echo "run $r  files of batch 256 and batch 1: identical" | tee -a "$out/speed.txt" \
    || echo "run $r  files of batch 256 and batch 1: DIFFER" | tee -a "$out/speed.txt"
done
