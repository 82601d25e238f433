#!/usr/bin/env bash
# Semantic hashing (issue 10): binary codes of 16, 32 and 64 bits trained on MNIST, ranked by
# Hamming distance (queries: the 10,000 test images; database: the 60,000 training images;
# relevant = same label), beside PCA-ITQ and random-hyperplane LSH of the same bits, computed by
# `bottleneck retrieve` on the same split. Two recipes:
#   plain  a binary autoencoder (MLP 784-512-256-[K], BCE), the reconstruction loss alone
#   imsat  the same code trained with IMSAT's hashing terms (Hu et al. 2017): MLP 784-1200-1200-[K]
#          with batch norm, bit balance 0.4, conditional entropy 0.1, virtual adversarial
#          self-augmentation 1.0 at radius EPSILON, beside the reconstruction loss
#
# Usage: bench/retrieval.sh   Env: OUT (bench/out/retrieval-DATE), EPOCHS (plain 15, imsat 10),
#                                  BITS ("16 32 64"), RECIPES ("plain imsat"), EPSILON (auto), SEED (1)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out/retrieval-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
B=./bottleneck
$B data fetch mnist --quiet >/dev/null
echo "date: $(date -Iseconds); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee "$out/machine.txt"
for recipe in ${RECIPES:-plain imsat}; do
  for bits in ${BITS:-16 32 64}; do
    dir="$out/$recipe$bits"
    if [[ ! -f "$dir/metrics.json" ]]; then
      if [[ $recipe == plain ]]; then
        $B train --data mnist --model binary --arch mlp --hidden 512,256 --latent "$bits" --loss bce --epochs "${EPOCHS:-15}" \
          --seed "${SEED:-1}" --out "$dir" --overwrite --quiet --no-pictures
      else
        $B train --data mnist --model binary --arch mlp --hidden 1200,1200 --batch-norm --latent "$bits" --loss bce \
          --epochs "${EPOCHS:-10}" --lr 0.002 --seed "${SEED:-1}" --balance-weight 0.4 --entropy-weight 0.1 --vat-weight 1 \
          --vat-epsilon "${EPSILON:-auto}" --out "$dir" --overwrite --quiet --no-pictures
      fi
    fi
    [[ -s "$out/retrieve-$recipe-$bits.json" ]] || $B retrieve "$dir" --data mnist:test --json --quiet > "$out/retrieve-$recipe-$bits.json"
  done
done
python3 - "$out" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
res = {}
for f in out.glob("retrieve-*.json"):
    _, recipe, bits = f.stem.split("-")
    r = json.loads(f.read_text())
    res.setdefault(int(bits), {})[recipe] = {x["method"].split(" (")[0]: x for x in r["methods"]}
print("| bits | recipe | Bottleneck binary code mAP | PCA-ITQ mAP | LSH mAP | precision@100 (ours / ITQ / LSH) |")
print("| --- | --- | --- | --- | --- | --- |")
for bits in sorted(res):
    for recipe, m in sorted(res[bits].items()):
        ours, itq, lsh = m["binary code"], m["PCA-ITQ"], m["random-hyperplane LSH"]
        print(f"| {bits} | {recipe} | **{ours['map']:.4f}** | {itq['map']:.4f} | {lsh['map']:.4f} | "
              f"{ours['precision_at_100']:.3f} / {itq['precision_at_100']:.3f} / {lsh['precision_at_100']:.3f} |")
PY
