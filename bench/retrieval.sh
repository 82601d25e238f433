#!/usr/bin/env bash
# Semantic hashing (issue 10): binary codes of 16, 32 and 64 bits trained on MNIST, ranked by
# Hamming distance (queries: the 10,000 test images; database: the 60,000 training images;
# relevant = same label), beside PCA-ITQ and random-hyperplane LSH of the same bits, computed by
# `bottleneck retrieve` on the same split.
#
# Usage: bench/retrieval.sh        Env: OUT (bench/out/retrieval-DATE), EPOCHS (15), BITS ("16 32 64")
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out/retrieval-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
EPOCHS=${EPOCHS:-15}
B=./bottleneck
$B data fetch mnist --quiet >/dev/null
echo "date: $(date -Iseconds); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee "$out/machine.txt"
for bits in ${BITS:-16 32 64}; do
  [[ -f "$out/bits$bits/metrics.json" ]] || $B train --data mnist --model binary --arch mlp --hidden 512,256 --latent "$bits" \
    --loss bce --epochs "$EPOCHS" --out "$out/bits$bits" --overwrite --quiet --no-pictures
  [[ -s "$out/retrieve-$bits.json" ]] || $B retrieve "$out/bits$bits" --data mnist:test --json --quiet > "$out/retrieve-$bits.json"
done
python3 - "$out" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
print("| bits | Bottleneck binary code mAP | PCA-ITQ mAP | LSH mAP | precision@100 (ours / ITQ / LSH) |")
print("| --- | --- | --- | --- | --- |")
for f in sorted(out.glob("retrieve-*.json"), key=lambda p: int(p.stem.split("-")[1])):
    r = json.loads(f.read_text())
    m = {x["method"].split(" (")[0]: x for x in r["methods"]}
    ours, itq, lsh = m["binary code"], m["PCA-ITQ"], m["random-hyperplane LSH"]
    print(f"| {ours['bits']} | **{ours['map']:.4f}** | {itq['map']:.4f} | {lsh['map']:.4f} | "
          f"{ours['precision_at_100']:.3f} / {itq['precision_at_100']:.3f} / {lsh['precision_at_100']:.3f} |")
PY
