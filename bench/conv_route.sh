#!/usr/bin/env bash
# The cost of the padded convolution route (issue 9) in real training: the quickstart model
# (conv 16,32, code 16, BCE, batch 256) trained with BOTTLENECK_CONV_ROUTE=padded and =direct in
# turn, ROUNDS rounds; throughput is the median training samples/s over epochs 2..N of each run,
# and the ratio padded/direct is computed per round.
#
# Usage: bench/conv_route.sh            Env: ROUNDS (3), EPOCHS (3), MODEL_ARGS (override the model)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
EPOCHS=${EPOCHS:-3}
MODEL_ARGS=${MODEL_ARGS:-"--arch conv --channels 16,32 --latent 16 --loss bce --batch 256"}
out="bench/out/conv-route-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
./bottleneck data fetch mnist --quiet >/dev/null
{
  echo "date: $(date -Iseconds)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_bf16|avx512_vnni|amx_tile)$' | xargs)"
  echo "model: $MODEL_ARGS, $EPOCHS epochs"
} | tee "$out/machine.txt"

median_sps() { # metrics.jsonl -> median samples/s over epochs 2..N
  python3 -c '
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
v = [r["samples_per_second"] for r in rows if r["epoch"] >= 2] or [r["samples_per_second"] for r in rows]
print(round(statistics.median(v)))' "$1"
}

for r in $(seq 1 "$ROUNDS"); do
  for route in padded direct; do
    # shellcheck disable=SC2086
    BOTTLENECK_CONV_ROUTE=$route ./bottleneck train --data mnist $MODEL_ARGS --epochs "$EPOCHS" --seed "$r" \
      --quiet --overwrite --out "$out/$route-$r" >/dev/null
    echo "$r $route $(median_sps "$out/$route-$r/metrics.jsonl")"
  done
done | tee "$out/results.txt"
python3 - "$out/results.txt" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = {}
for r, route, sps in rows:
    by.setdefault(r, {})[route] = float(sps)
ratios = [v["padded"] / v["direct"] for v in by.values() if "padded" in v and "direct" in v]
pad = statistics.median(v["padded"] for v in by.values())
dire = statistics.median(v["direct"] for v in by.values())
print(f"padded {pad:,.0f} samples/s, direct {dire:,.0f} samples/s; ratio padded/direct median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}) over {len(ratios)} rounds")
PY
