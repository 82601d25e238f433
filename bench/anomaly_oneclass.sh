#!/usr/bin/env bash
# Issue 5, one-class anomaly detection on MNIST and Fashion-MNIST, protocol of Ruff et al. 2018
# (Deep SVDD, ICML): for each class c, fit on the training images of class c only, score all
# 10,000 test images, and compute AUROC with c as the normal class (the other nine are anomalies).
# Prints one markdown table per dataset: the 10 AUROCs and their mean, beside Deep SVDD's published
# MNIST figures (one-class Deep SVDD, Table 1 of the paper).
#
# Floor (MNIST): mean AUROC >= 0.93 and no class below 0.85; aim: above Deep SVDD's mean, 94.8.
#
# Model (set MODEL_OPTS to try another): an MLP autoencoder 784-256-64-[16]-64-256-784, ReLU,
# sigmoid output, BCE loss, 30 epochs of Adam (lr 1e-3, batch 128); the score is the per-pixel MSE.
#
# Usage: [DATASETS="mnist fashion-mnist"] [CLASSES="0 1 ... 9"] [MODEL_OPTS="..."] [SEED=0] \
#        [OUT=bench/out/DIR] bench/anomaly_oneclass.sh
# Finished classes are kept in OUT and not fitted again, so an interrupted run can be resumed.
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${DATASETS:-"mnist fashion-mnist"}
classes=${CLASSES:-"0 1 2 3 4 5 6 7 8 9"}
model_opts=${MODEL_OPTS:-"--arch mlp --hidden 256,64 --latent 16 --loss bce --epochs 30 --batch 128 --lr 1e-3"}
seed=${SEED:-0}
out=${OUT:-"bench/out/anomaly-oneclass-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$out"
echo "$model_opts --seed $seed" >"$out/model_opts.txt"

for ds in $datasets; do
  ./bottleneck data fetch "$ds" --quiet >/dev/null
  for c in $classes; do
    run="$out/$ds-$c"
    if [[ -s "$run/eval.json" ]]; then
      continue
    fi
    start=$(date +%s.%N)
    # shellcheck disable=SC2086 # model_opts is a list of options
    ./bottleneck anomaly fit --data "$ds" --normal-label "$c" $model_opts --seed "$seed" \
      --no-pictures --quiet --overwrite --out "$run"
    ./bottleneck anomaly eval "$run" --json --no-pictures --quiet >"$run/eval.json.tmp"
    mv "$run/eval.json.tmp" "$run/eval.json"
    end=$(date +%s.%N)
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(f'  {sys.argv[2]} class {sys.argv[3]}: AUROC {j[\"auroc\"]:.4f}  ({float(sys.argv[5])-float(sys.argv[4]):.0f} s)')" \
      "$run/eval.json" "$ds" "$c" "$start" "$end" >&2
  done
done

python3 - "$out" "$datasets" <<'PY'
import json, sys
from pathlib import Path
out, datasets = Path(sys.argv[1]), sys.argv[2].split()
dsvdd = [98.0, 99.7, 91.7, 91.9, 94.9, 88.5, 98.3, 94.6, 93.9, 96.5]  # Ruff et al. 2018, one-class Deep SVDD
names = {"fashion-mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                           "Ankle boot"]}
print(f"model: {(out / 'model_opts.txt').read_text().strip()}\n")
for ds in datasets:
    auc = {}
    for c in range(10):
        f = out / f"{ds}-{c}" / "eval.json"
        if f.exists():
            auc[c] = 100 * json.loads(f.read_text())["auroc"]
    if not auc:
        continue
    mnist = ds == "mnist"
    print(f"### {ds}: AUROC (%) with class c normal, all 10,000 test images\n")
    print("| normal class | Bottleneck AE |" + (" Deep SVDD (published) |" if mnist else ""))
    print("| --- | --- |" + (" --- |" if mnist else ""))
    for c, a in sorted(auc.items()):
        label = f"{c}" + (f" ({names[ds][c]})" if ds in names else "")
        print(f"| {label} | {a:.1f} |" + (f" {dsvdd[c]:.1f} |" if mnist else ""))
    mean = sum(auc.values()) / len(auc)
    line = f"| **mean** ({len(auc)} classes) | **{mean:.1f}** |"
    if mnist:
        line += f" {sum(dsvdd[c] for c in auc) / len(auc):.1f} |"
    print(line)
    if mnist and len(auc) == 10:
        ok = mean >= 93.0 and min(auc.values()) >= 85.0
        print(f"\nfloor (mean >= 93.0, every class >= 85.0): {'met' if ok else 'NOT met'}; "
              f"lowest class {min(auc, key=auc.get)} at {min(auc.values()):.1f}; "
              f"{'above' if mean > 94.8 else 'below'} Deep SVDD's mean 94.8")
    print()
PY
