#!/usr/bin/env bash
# Training throughput of Bottleneck beside the plain-PyTorch peer, side by side on this machine.
#
# For each model the two tools run in turn (Bottleneck, peer, Bottleneck, peer, ...) for ROUNDS
# rounds, so that a drift in the machine's speed hits both. Throughput is the median training
# samples/s over epochs 2..N (epoch 1 includes warm-up for both). The ratio is Bottleneck/peer,
# computed per round; its median is the headline.
#
# Usage: bench/speed.sh [MODEL ...]     models: mlp dae conv-up vae vqvae (default: mlp conv-up)
# Env:   ROUNDS (3), PEERS (../shared/peers), EPOCHS_MLP (6), EPOCHS_CONV (3), EPOCHS_VAE (5), EPOCHS_VQ (5)
# Needs: the peer's Python (apt-get install python3-torch python3-sklearn python3-numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
PEERS=${PEERS:-../shared/peers}
EPOCHS_MLP=${EPOCHS_MLP:-6}
EPOCHS_CONV=${EPOCHS_CONV:-3}
EPOCHS_VAE=${EPOCHS_VAE:-5}
EPOCHS_VQ=${EPOCHS_VQ:-5}
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(mlp conv-up)

out="bench/out/speed-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
MNIST_DIR="$(./bottleneck data fetch mnist --quiet)"
export MNIST_DIR

ours_args() {
  case "$1" in
    # NYU course autoencoder: 784 -> 30 -> 784, tanh everywhere, inputs in [-1,1], MSE, Adam 1e-3, batch 256
    mlp) echo "--arch mlp --hidden none --latent 30 --activation tanh --latent-activation tanh --scale pm1 --loss mse --batch 256 --epochs $EPOCHS_MLP" ;;
    # the peer's dae: the same net, nn.Dropout(0.5) corruption of the input (kept pixels x2), clean target
    dae) echo "--model dae --noise dropout:0.5 --arch mlp --hidden none --latent 30 --activation tanh --latent-activation tanh --scale pm1 --loss mse --batch 256 --epochs $EPOCHS_MLP" ;;
    # the peer's conv-up: Conv(1,16,s2) ReLU Conv(16,32,s2) ReLU Linear(1568,16) | Linear Up Conv ReLU Up Conv, BCE
    conv-up) echo "--arch conv --channels 16,32 --latent 16 --loss bce --batch 256 --epochs $EPOCHS_CONV" ;;
    # the peer's vae (pytorch/examples): 784-400-(20,20) | 20-400-784, ReLU, Bernoulli decoder on grey levels,
    # loss = BCE summed over pixels + KL (our objective is the same per image, averaged over the batch), batch 128
    vae) echo "--model vae --arch mlp --hidden 400 --latent 20 --activation relu --loss bce --binarize none --batch 128 --epochs $EPOCHS_VAE" ;;
    # the peer's vqvae: MLP 784-256-64, 4 vectors x 16 dims quantized to one codebook of 64, beta 0.25, MSE, batch 256
    vqvae) echo "--model vq --arch mlp --hidden 256 --latent 64 --code-dim 16 --codebook-size 64 --loss mse --batch 256 --epochs $EPOCHS_VQ" ;;
    *) echo "unknown model $1" >&2; exit 2 ;;
  esac
}
peer_epochs() {
  case "$1" in
    mlp|dae) echo "$EPOCHS_MLP" ;;
    vae) echo "$EPOCHS_VAE" ;;
    vqvae) echo "$EPOCHS_VQ" ;;
    *) echo "$EPOCHS_CONV" ;;
  esac
}

{
  echo "date: $(date -Iseconds)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "peer: $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)' 2>/dev/null || echo 'python3-torch missing')"
} | tee "$out/machine.txt"

for r in $(seq 1 "$ROUNDS"); do
  for m in "${models[@]}"; do
    echo "== round $r/$ROUNDS, $m: bottleneck" >&2
    # shellcheck disable=SC2046
    ./bottleneck train --data mnist --lr 1e-3 --seed "$r" $(ours_args "$m") \
      --out "$out/ours-$m-$r" --overwrite --no-pictures --quiet
    echo "== round $r/$ROUNDS, $m: peer" >&2
    /usr/bin/python3 "$PEERS/torch_ae.py" --model "$m" --epochs "$(peer_epochs "$m")" --seed "$r" \
      --json "$out/peer-$m-$r.json" > "$out/peer-$m-$r.log"
  done
done
python3 bench/compare_speed.py "$out" "${models[@]}" | tee "$out/summary.md"
