#!/usr/bin/env bash
# Unsupervised classification with a one-hot code (issue 10): a categorical autoencoder (1 group of
# 10 categories, MLP 784-1200-1200-[10] with batch norm in the encoder, BCE) trained with the IMSAT
# terms (usage 0.4, conditional entropy 0.1, virtual adversarial self-augmentation 1.0 at radius
# EPSILON) on SEEDS seeds, then `bottleneck cluster` on the 10,000 test images beside k-means on the
# pixels and k-means on the codes of a plain autoencoder of the same code size (10).
#
# Usage: bench/cluster.sh        Env: OUT (bench/out/cluster-DATA-DATE), EPOCHS (10), SEEDS ("1 2 3"),
#                                     DATA (mnist | fashion-mnist), EPSILON (auto: 0.25 x the mean distance to the
#                                     10th nearest training image, as IMSAT; 1.265 for mnist, 1.07 for fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-mnist}
out="${OUT:-bench/out/cluster-$DATA-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
EPOCHS=${EPOCHS:-10}
EPS=${EPSILON:-auto}
B=./bottleneck
$B data fetch "$DATA" --quiet >/dev/null
echo "date: $(date -Iseconds); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); data $DATA; epochs $EPOCHS; epsilon $EPS" | tee "$out/machine.txt"
[[ -f "$out/ae10/metrics.json" ]] || $B train --data "$DATA" --model ae --arch mlp --hidden 1200,1200 --latent 10 --loss bce \
  --epochs "$EPOCHS" --lr 0.002 --seed 1 --out "$out/ae10" --overwrite --quiet --no-pictures
for s in ${SEEDS:-1 2 3}; do
  [[ -f "$out/onehot-$s/metrics.json" ]] || /usr/bin/time -f "%e" -o "$out/onehot-$s.seconds" \
    $B train --data "$DATA" --model categorical --arch mlp --hidden 1200,1200 --batch-norm --latent 10 --categories 10 --loss bce \
    --epochs "$EPOCHS" --lr 0.002 --seed "$s" --usage-weight 0.4 --entropy-weight 0.1 --vat-weight 1 --vat-epsilon "$EPS" \
    --out "$out/onehot-$s" --overwrite --quiet --no-pictures
  [[ -s "$out/cluster-$s.json" ]] || $B cluster "$out/onehot-$s" --data "$DATA:test" --baseline "$out/ae10" --seed "$s" --json --quiet \
    --out "$out/pictures-$s" > "$out/cluster-$s.json"
done
python3 - "$out" <<'PY'
import json, sys, statistics
from pathlib import Path
out = Path(sys.argv[1])
rows = {}
for f in sorted(out.glob("cluster-*.json")):
    for m in json.loads(f.read_text())["methods"]:
        rows.setdefault(m["method"], []).append(m)
secs = [float(p.read_text().split()[-1]) for p in sorted(out.glob("onehot-*.seconds"))]
print("| method | seeds | accuracy: mean (min-max) | NMI mean | ARI mean |")
print("| --- | --- | --- | --- | --- |")
for name, ms in rows.items():
    acc = [100 * m["accuracy"] for m in ms]
    print(f"| {name} | {len(ms)} | **{statistics.mean(acc):.1f}%** ({min(acc):.1f}-{max(acc):.1f}) | "
          f"{statistics.mean(m['nmi'] for m in ms):.3f} | {statistics.mean(m['ari'] for m in ms):.3f} |")
if secs:
    print(f"\ntraining seconds per seed: {', '.join(f'{s:.0f}' for s in secs)}")
PY
