#!/usr/bin/env bash
# Unsupervised classification with a one-hot code (issue 10): a categorical model (1 group of 10
# categories, usage term, MLP 784-512-256-[10], BCE) trained on MNIST with SEEDS seeds, then
# `bottleneck cluster` on the 10,000 test images beside k-means on the pixels.
#
# Usage: bench/cluster.sh        Env: OUT (bench/out/cluster-DATE), EPOCHS (12), SEEDS ("1 2 3"), DATA (mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out/cluster-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
EPOCHS=${EPOCHS:-12}
DATA=${DATA:-mnist}
B=./bottleneck
$B data fetch "$DATA" --quiet >/dev/null
echo "date: $(date -Iseconds); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee "$out/machine.txt"
for s in ${SEEDS:-1 2 3}; do
  [[ -f "$out/onehot-$s/metrics.json" ]] || $B train --data "$DATA" --model categorical --arch mlp --hidden 512,256 --latent 10 \
    --categories 10 --loss bce --epochs "$EPOCHS" --seed "$s" --out "$out/onehot-$s" --overwrite --quiet --no-pictures
  [[ -s "$out/cluster-$s.json" ]] || $B cluster "$out/onehot-$s" --data "$DATA:test" --seed "$s" --json --quiet --out "$out/pictures-$s" \
    > "$out/cluster-$s.json"
done
python3 - "$out" <<'PY'
import json, sys, statistics
from pathlib import Path
out = Path(sys.argv[1])
rows = {}
for f in sorted(out.glob("cluster-*.json")):
    for m in json.loads(f.read_text())["methods"]:
        rows.setdefault(m["method"], []).append(m)
print("| method | seeds | accuracy: mean (min-max) | NMI mean | ARI mean |")
print("| --- | --- | --- | --- | --- |")
for name, ms in rows.items():
    acc = [100 * m["accuracy"] for m in ms]
    print(f"| {name} | {len(ms)} | **{statistics.mean(acc):.1f}%** ({min(acc):.1f}-{max(acc):.1f}) | "
          f"{statistics.mean(m['nmi'] for m in ms):.3f} | {statistics.mean(m['ari'] for m in ms):.3f} |")
PY
