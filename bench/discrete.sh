#!/usr/bin/env bash
# Discrete latent codes (issue 10): VQ-VAE codebook usage with and without dead-code reset at
# K = 512, FSQ beside VQ at the same codebook size, and the VQ-VAE beside the peer's vqvae
# (quality after the same epochs, and training throughput side by side).
#
# Usage: bench/discrete.sh          Env: OUT (bench/out/discrete-DATE), EPOCHS (10), SEEDS ("1")
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out/discrete-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
EPOCHS=${EPOCHS:-10}
B=./bottleneck
MNIST_DIR="$($B data fetch mnist --quiet)"
export MNIST_DIR
{
  echo "date: $(date -Iseconds)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
} | tee "$out/machine.txt"
mlp=(--arch mlp --hidden 256 --loss mse --batch 256)
train() { local name=$1; shift; [[ -f "$out/$name/metrics.json" ]] || $B train --data mnist "$@" --out "$out/$name" --overwrite --quiet --no-pictures; }

# the peer's vqvae: MLP 784-256-64, 4 vectors x 16 dims, codebook 64, beta 0.25, 5 epochs
train vq64 --model vq "${mlp[@]}" --latent 64 --code-dim 16 --codebook-size 64 --epochs 5
/usr/bin/python3 ../shared/peers/torch_ae.py --model vqvae --epochs 5 --json "$out/peer-vqvae.json" > "$out/peer-vqvae.log"
# K = 512: with and without dead-code reset (EMA codebook, k-means init), FSQ 8,8,8 (512 codes)
train vq512-reset --model vq "${mlp[@]}" --latent 64 --code-dim 16 --codebook-size 512 --epochs "$EPOCHS"
train vq512-noreset --model vq "${mlp[@]}" --latent 64 --code-dim 16 --codebook-size 512 --dead-code-reset off --epochs "$EPOCHS"
train vq512-noreset-nokmeans --model vq "${mlp[@]}" --latent 64 --code-dim 16 --codebook-size 512 --dead-code-reset off \
  --kmeans-init off --epochs "$EPOCHS"
train fsq512 --model fsq "${mlp[@]}" --latent 12 --levels 8,8,8 --epochs "$EPOCHS"

python3 - "$out" <<'PY'
import json, sys, statistics
from pathlib import Path
out = Path(sys.argv[1])
def ours(name):
    m = json.loads((out / name / "metrics.json").read_text())
    log = [json.loads(l) for l in (out / name / "metrics.jsonl").read_text().splitlines() if l.strip()]
    sps = statistics.median(r["samples_per_second"] for r in log[1:] or log)
    return m, log[-1].get("metrics", {}), sps
peer = json.loads((out / "peer-vqvae.json").read_text().splitlines()[-1])
m, tm, sps = ours("vq64")
psps = statistics.median(e["samples_per_s"] for e in peer["epochs_log"][1:])
print("### VQ-VAE beside the peer's vqvae (MLP 784-256-64, 4 x 16-d vectors, 64 codes, 5 epochs)\n")
print("| | test MSE ([0,1]) | test perplexity | training samples/s |")
print("| --- | --- | --- | --- |")
print(f"| Bottleneck `vq` | **{m['mse']:.5f}** | {m['test_perplexity']:.1f} | {sps:,.0f} |")
print(f"| peer `vqvae` | {peer['epochs_log'][-1]['test_mse01']:.5f} | {peer['epochs_log'][-1].get('perplexity', float('nan')):.1f} | {psps:,.0f} |")
print(f"\nthroughput ratio Bottleneck/peer: {sps/psps:.2f}x (run one after the other)\n")
print("### Codebook of 512: usage at the end of training\n")
print("| model | epochs | codes used (last epoch, training) | perplexity (epoch histogram) | resets | test codes used | test MSE |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for n in ("vq512-reset", "vq512-noreset", "vq512-noreset-nokmeans", "fsq512"):
    m, tm, sps = ours(n)
    print(f"| {n} | {m['epochs']} | **{100*tm.get('codes_used_fraction', float('nan')):.1f}%** | {tm.get('perplexity', float('nan')):.1f} | "
          f"{tm.get('resets', 0):.0f} | {100*m.get('test_codes_used_fraction', float('nan')):.1f}% | {m['mse']:.5f} |")
PY
