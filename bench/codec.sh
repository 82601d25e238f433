#!/usr/bin/env bash
# Learned lossy compression (issue 11): codecs (--model codec, conv-grid CHANNELS to a 7x7 grid of
# 16 channels, factorized prior) trained at several lambdas on MNIST, then `bottleneck codec-bench`
# on the test images beside JPEG (whole files and without tables) and PNG.
#
# Usage: bench/codec.sh     Env: OUT (bench/out/codec-DATE), EPOCHS (8), FINE_EPOCHS (0: then this many more
#                                epochs at a tenth of the learning rate), BATCH (64), LAMBDAS ("0.002 0.005 0.01"),
#                                CHANNELS (64,128), DENSITY (position: one density per latent of the
#                                7x7 grid; channel: any-size model), LIMIT (all test images), DATA (mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out/codec-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
DATA=${DATA:-mnist}
B=./bottleneck
$B data fetch "$DATA" --quiet >/dev/null
echo "date: $(date -Iseconds); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee "$out/machine.txt"
dirs=()
for l in ${LAMBDAS:-0.002 0.005 0.01}; do
  [[ -f "$out/lambda-$l/metrics.json" ]] || $B train --data "$DATA" --model codec --arch conv-grid --channels "${CHANNELS:-64,128}" \
    --latent 784 --codec-lambda "$l" --codec-density "${DENSITY:-position}" --epochs "${EPOCHS:-8}" --batch "${BATCH:-64}" --out "$out/lambda-$l" --overwrite --quiet --no-pictures
  total=$(( ${EPOCHS:-8} + ${FINE_EPOCHS:-0} ))
  if (( ${FINE_EPOCHS:-0} > 0 )) && ! grep -q "\"epoch\":$total," "$out/lambda-$l/metrics.jsonl"; then
    $B train --resume --out "$out/lambda-$l" --epochs "$total" --lr 1e-4 --quiet --no-pictures
  fi
  dirs+=("$out/lambda-$l")
done
$B codec-bench "${dirs[@]}" --data "$DATA:test" ${LIMIT:+--limit "$LIMIT"} --out "$out/rd" | tee "$out/rd.txt"
