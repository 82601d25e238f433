#!/usr/bin/env bash
# Issue 3 figures: regularized autoencoders on MNIST.
#  1. Inpainting on the first 1,000 test images, drop:0.5 and block:10, the best denoising model
#     beside OpenCV's Telea and Navier-Stokes on the same images and masks (PSNR, whole images).
#  2. Denoising (mask:0.5): PSNR before and after.
#  3. Linear probe: logistic regression and 5-NN on the 32-d codes of ae / dae / cae / sparse with the
#     same architecture, beside PCA-32 and raw pixels.
#  4. First-layer filters of a plain overcomplete autoencoder against a denoising one.
# Usage: bench/regularized.sh            (about 25 minutes on 2 cores)
# Env:   EPOCHS_DEEP (25), EPOCHS_CONV (10), EPOCHS_FILTERS (10); OUT=DIR reuses a directory of an
#        interrupted run: steps whose outputs are there are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out/regularized-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
ED=${EPOCHS_DEEP:-25}
EC=${EPOCHS_CONV:-10}
EF=${EPOCHS_FILTERS:-10}
B=./bottleneck
$B data fetch mnist --quiet >/dev/null
t() { /usr/bin/time -f "%e" -a -o "$out/times.txt" "$@"; }
# train NAME ARGS...: trains into $out/NAME unless a finished run is there, finishes an interrupted
# one (model.json status training or evaluating) with --resume; logs seconds.
train() {
  local name=$1; shift
  if grep -qsE '"status" : "(training|evaluating)"' "$out/$name/model.json"; then
    echo "   $name: finishing the interrupted run" >&2
    /usr/bin/time -f "$name %e" -a -o "$out/times.txt" $B train --resume --out "$out/$name" --quiet
    return
  fi
  if [[ -f "$out/$name/metrics.json" ]]; then echo "   $name: done before, kept" >&2; return; fi
  echo "   $name" >&2
  /usr/bin/time -f "$name %e" -a -o "$out/times.txt" $B train "$@" --out "$out/$name" --quiet --overwrite
}

echo "== denoising conv model for inpainting and denoising" >&2
train dae-conv --data mnist --model dae --noise mask:0.5,block:10 --arch conv --channels 16,32 --latent 64 --loss bce \
  --epochs "$EC"
for mask in drop:0.5 block:10; do
  [[ -s "$out/inpaint-${mask/:/}.json" ]] && continue
  $B inpaint "$out/dae-conv" --data mnist:test --mask "$mask" --count 1000 --json --out "$out/inpaint-${mask/:/}.png" \
    > "$out/inpaint-${mask/:/}.json"
done
[[ -s "$out/denoise.json" ]] || $B denoise "$out/dae-conv" --data mnist:test --noise mask:0.5 --json --out "$out/denoise-mask05.png" > "$out/denoise.json"

echo "== probe: same MLP 784-1000-500-250-32, four regularizers" >&2
arch=(--arch mlp --hidden 1000,500,250 --latent 32 --loss bce --epochs "$ED")
train ae-deep --data mnist --model ae "${arch[@]}"
train dae-deep --data mnist --model dae --noise mask:0.3 "${arch[@]}"
train cae-deep --data mnist --model cae --lambda 0.05 "${arch[@]}"
train sparse-deep --data mnist --model sparse --latent-activation sigmoid --rho 0.1 --lambda 0.01 "${arch[@]}"
[[ -s "$out/probe-ae.json" ]] || $B probe "$out/ae-deep" --json --quiet > "$out/probe-ae.json"
for m in dae cae sparse; do
  [[ -s "$out/probe-$m.json" ]] || $B probe "$out/$m-deep" --no-pixels --json --quiet > "$out/probe-$m.json"
done

echo "== filters: overcomplete plain vs denoising (784 -> 1000, sigmoid code)" >&2
train ae-over --data mnist --model ae --arch mlp --hidden none --latent 1000 --latent-activation sigmoid \
  --epochs "$EF" --no-pictures
train dae-over --data mnist --model dae --noise mask:0.5 --arch mlp --hidden none --latent 1000 \
  --latent-activation sigmoid --epochs "$EF" --no-pictures
$B filters "$out/ae-over" --count 100 --out "$out/filters-ae.png"
$B filters "$out/dae-over" --count 100 --out "$out/filters-dae.png"

python3 - "$out" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
print("### Inpainting, first 1,000 MNIST test images (PSNR over whole images, dB)\n")
print("| mask | missing | masked (holes at 0) | Bottleneck dae-conv | OpenCV Telea | OpenCV Navier-Stokes | Bottleneck - NS |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for m in ("drop0.5", "block10"):
    r = json.loads((out / f"inpaint-{m}.json").read_text())
    p = r["psnr"]
    print(f"| {r['mask']} | {100*r['missing_fraction']:.1f}% | {p['masked']:.2f} | **{p['bottleneck']:.2f}** | {p['telea']:.2f} | "
          f"{p['navier_stokes']:.2f} | **{p['bottleneck']-p['navier_stokes']:+.2f}** |")
d = json.loads((out / "denoise.json").read_text())
print(f"\nDenoising ({d['noise']}, {d['n']} test images): PSNR {d['psnr_corrupted']:.2f} dB corrupted -> "
      f"**{d['psnr_restored']:.2f} dB** restored.\n")
print("### Linear probe on 32-d codes (MLP 784-1000-500-250-32, same training budget)\n")
print("| features | logistic regression | kNN-5 | test MSE ([0,1]) |")
print("| --- | --- | --- | --- |")
ae = json.loads((out / "probe-ae.json").read_text())
for m in ("ae", "dae", "cae", "sparse"):
    p = json.loads((out / f"probe-{m}.json").read_text())
    mse = json.loads((out / f"{m}-deep/metrics.json").read_text())["mse"]
    print(f"| {m} codes | **{100*p['codes']['logreg']:.2f}%** | {100*p['codes']['knn5']:.2f}% | {mse:.4f} |")
print(f"| PCA-32 codes | {100*ae['pca']['logreg']:.2f}% | {100*ae['pca']['knn5']:.2f}% | |")
print(f"| raw pixels (784) | {100*ae['pixels']['logreg']:.2f}% | {100*ae['pixels']['knn5']:.2f}% | |")
secs = []
for n in ("dae-conv", "ae-deep", "dae-deep", "cae-deep", "sparse-deep", "ae-over", "dae-over"):
    m = json.loads((out / n / "metrics.json").read_text())
    secs.append(f"{n} {m['train_seconds']:.0f} s ({m['epochs']} epochs)")
print("\ntraining time:", ", ".join(secs))
PY
