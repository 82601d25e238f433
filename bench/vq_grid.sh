#!/usr/bin/env bash
# VQ-VAE with a spatial grid of codes (issue 10): --arch conv-grid (conv 16, 32 -> a 7x7 grid of
# 16-dim vectors, each replaced by one of 512 codebook entries: 49 indices per MNIST image) beside
# the flat conv VQ (conv 16, 32 -> Linear -> 4 vectors of 16 from the same codebook), BCE, EMA
# codebook, k-means init, dead-code reset; test MSE, code usage and bits per image of the indices
# (49 x log2 512 = 441 bits against 4 x 9 = 36).
#
# Usage: bench/vq_grid.sh     Env: OUT (bench/out/vq-grid-DATE), EPOCHS (5)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out/vq-grid-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
EPOCHS=${EPOCHS:-5}
B=./bottleneck
$B data fetch mnist --quiet >/dev/null
echo "date: $(date -Iseconds); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee "$out/machine.txt"
[[ -f "$out/grid/metrics.json" ]] || $B train --data mnist --model vq --arch conv-grid --code-dim 16 --latent 784 --codebook-size 512 \
  --loss bce --epochs "$EPOCHS" --out "$out/grid" --overwrite --quiet
[[ -f "$out/flat/metrics.json" ]] || $B train --data mnist --model vq --arch conv --code-dim 16 --latent 64 --codebook-size 512 \
  --loss bce --epochs "$EPOCHS" --out "$out/flat" --overwrite --quiet
for m in grid flat; do
  [[ -s "$out/codebook-$m.json" ]] || $B codebook "$out/$m" --data mnist:test --json --quiet --out "$out/codebook-$m" > "$out/codebook-$m.json"
done
python3 - "$out" <<'PY'
import json, sys, math
from pathlib import Path
out = Path(sys.argv[1])
print("| model | indices per image | bits per image | test MSE ([0,1]) | test codes used | perplexity | train s/epoch |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for m in ["grid", "flat"]:
    met = json.loads((out / m / "metrics.json").read_text())
    cb = json.loads((out / f"codebook-{m}.json").read_text())
    w = cb.get("indices_per_example") or cb.get("width")
    epochs = met["epochs"]
    print(f"| {m} | {w} | {w * math.log2(512):.0f} | **{met['mse']:.5f}** | {100 * cb['entries_used'] / cb['entries']:.1f}% | "
          f"{cb['perplexity']:.1f} | {met['train_seconds'] / epochs:.1f} |")
PY
