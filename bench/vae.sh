#!/usr/bin/env bash
# Issue 4 figures: generative autoencoders on dynamically binarized MNIST.
#  (a) VAE: MLP, Bernoulli decoder, dynamic binarization, trained for MINUTES of wall-clock time
#      (train --max-minutes: training, per-epoch test loss and checkpoints), then the test ELBO,
#      active units and the importance-sampled -log p(x) with K samples per image, on one fixed
#      (seeded) binarization of the 10,000 test images.
#  (b) the same architecture and budget with the IWAE objective (--iw-samples 5); NLL beside (a).
#  (c) pictures: prior samples, interpolations (linear, slerp) and the latent map of (a); a 2-D VAE's
#      manifold and latent map; a plain autoencoder of the same architecture sampled from a fitted
#      Gaussian and from a 10-component mixture, beside the VAE's prior samples.
# Usage: bench/vae.sh       (defaults: about 2 x 30 min of training, 2 x ~8 min of NLL evaluation,
#                           ~10 min for the pictures' models)
# Env:   MINUTES (30) training budget of (a) and (b); K (5000) importance samples;
#        MINUTES_SMALL (5) budget of the 2-D VAE and of the plain autoencoder for the pictures;
#        HIDDEN (200,200), ACTIVATION (tanh), LATENT (50), BATCH (100), LR (1e-3): the architecture;
#        SKIP (comma list of a,b,c) leaves parts out; DOCS=DIR also copies the pictures there under
#        the names the README uses (vae-samples.png, ...);
#        OUT=DIR reuses the folder of an interrupted run: steps whose outputs exist are skipped.
# Tiny smoke test: MINUTES=0.2 MINUTES_SMALL=0.1 K=20 bench/vae.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out/vae-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
MINUTES=${MINUTES:-30}
MS=${MINUTES_SMALL:-5}
K=${K:-5000}
HIDDEN=${HIDDEN:-200,200}
ACTIVATION=${ACTIVATION:-tanh}
LATENT=${LATENT:-50}
BATCH=${BATCH:-100}
LR=${LR:-1e-3}
SKIP=${SKIP:-}
B=./bottleneck
# A spinning OpenMP pool is 10-30x slower whenever another process is busy; a budgeted run must not
# depend on the neighbours' timing, so threads sleep when idle unless the caller says otherwise.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
$B data fetch mnist --quiet >/dev/null
skip() { [[ ",$SKIP," == *",$1,"* ]]; }
{
  echo "date: $(date -Iseconds)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "settings: MINUTES=$MINUTES K=$K HIDDEN=$HIDDEN ACTIVATION=$ACTIVATION LATENT=$LATENT BATCH=$BATCH LR=$LR MINUTES_SMALL=$MS OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
} > "$out/machine.txt"

# train NAME ARGS...: trains into $out/NAME unless a finished run (metrics.json, and model.json not
# unfinished) is there. An interrupted run starts again: resuming it would give it a second
# --max-minutes budget.
train() {
  local name=$1; shift
  if [[ -f "$out/$name/metrics.json" ]] && ! grep -qsE '"status" : "(training|evaluating)"' "$out/$name/model.json"; then
    echo "   $name: done before, kept" >&2; return
  fi
  echo "== train $name" >&2
  $B train --data mnist "$@" --out "$out/$name" --overwrite 2> "$out/$name.train.log"
}
# nll NAME: the test ELBO, active units and -log p(x) with K samples, as JSON
nll() {
  local name=$1
  [[ -s "$out/$name.eval.json" ]] && return
  echo "== eval $name: -log p(x) with $K samples per test image" >&2
  /usr/bin/time -f "%e" -o "$out/$name.eval.seconds" \
    $B eval "$out/$name" --no-pca --nll-samples "$K" --json > "$out/$name.eval.json.tmp" 2> "$out/$name.eval.log"
  mv "$out/$name.eval.json.tmp" "$out/$name.eval.json"
}
vae=(--model vae --arch mlp --hidden "$HIDDEN" --activation "$ACTIVATION" --latent "$LATENT" --loss bce --binarize dynamic
     --batch "$BATCH" --lr "$LR")

if ! skip a; then
  train vae "${vae[@]}" --max-minutes "$MINUTES"
  nll vae
fi
if ! skip b; then
  train iwae5 "${vae[@]}" --iw-samples 5 --max-minutes "$MINUTES"
  nll iwae5
fi
if ! skip c; then
  if [[ -d "$out/vae" ]]; then
    echo "== pictures of the VAE" >&2
    $B sample "$out/vae" --count 64 --out "$out/vae-samples.png" --quiet
    $B sample "$out/vae" --count 64 --temperature 0.7 --out "$out/vae-samples-t07.png" --quiet
    $B interpolate "$out/vae" --data mnist:test --from 0 --to 1 --steps 10 --out "$out/vae-interpolate.png" --quiet
    $B interpolate "$out/vae" --data mnist:test --from 3 --to 4 --steps 10 --slerp --out "$out/vae-interpolate-slerp.png" --quiet
    $B latent-map "$out/vae" --data mnist:test --out "$out/vae-latent-map.png" --quiet
  fi
  train vae2d --model vae --arch mlp --hidden 512,256 --latent 2 --loss bce --binarize dynamic --batch "$BATCH" --lr "$LR" \
    --max-minutes "$MS"
  $B manifold "$out/vae2d" --size 20 --out "$out/vae2d-manifold.png" --quiet
  $B latent-map "$out/vae2d" --data mnist:test --out "$out/vae2d-latent-map.png" --quiet
  # the plain autoencoder: the same MLP, a deterministic code of the same size, BCE on grey levels
  train ae --model ae --arch mlp --hidden "$HIDDEN" --activation "$ACTIVATION" --latent "$LATENT" --loss bce \
    --batch "$BATCH" --lr "$LR" --max-minutes "$MS"
  $B sample "$out/ae" --sampler gaussian --count 64 --out "$out/ae-samples-gaussian.png" --quiet
  $B sample "$out/ae" --sampler gmm:10 --count 64 --out "$out/ae-samples-gmm10.png" --quiet
  if [[ -n "${DOCS:-}" ]]; then
    mkdir -p "$DOCS"
    for f in vae-samples vae-samples-t07 vae-interpolate vae-interpolate-slerp vae-latent-map vae2d-manifold vae2d-latent-map \
             ae-samples-gaussian ae-samples-gmm10; do
      [[ -f "$out/$f.png" ]] && cp "$out/$f.png" "$DOCS/$f.png"
    done
  fi
fi

python3 - "$out" <<'PY' | tee "$out/summary.md"
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
print((out / "machine.txt").read_text())
print("| model | objective | epochs | training (s) | test ELBO (nats) | recon | KL | active units | -log p(x) (nats) | K | NLL eval (s) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for name in ("vae", "iwae5"):
    d = out / name
    if not (d / "model.json").exists():
        continue
    man = json.loads((d / "model.json").read_text())
    tr = man["training"]
    obj = "IWAE, 5 samples" if man["model"]["vae"]["iw_samples"] > 1 else "ELBO"
    e = out / f"{name}.eval.json"
    if e.exists():
        r = json.loads(e.read_text())
        nll = f"**{r['nll']:.2f}** ± {r['nll_standard_error']:.2f}"
        print(f"| {name} | {obj} | {tr['epochs_completed']} | {tr['train_seconds']:.0f} | {r['elbo']:.2f} | {r['recon']:.2f} | "
              f"{r['kl']:.2f} | {r['active_units']}/{r['latent']} | {nll} | {r['nll_samples']} | {r['nll_seconds']:.0f} |")
    else:
        print(f"| {name} | {obj} | {tr['epochs_completed']} | {tr['train_seconds']:.0f} | | | | | | | |")
PY
echo "results in $out" >&2
