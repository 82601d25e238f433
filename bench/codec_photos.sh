#!/usr/bin/env bash
# Learned compression of natural RGB photographs (issue 11): a fully convolutional codec
# (--arch conv-grid, per-channel density) trained on 64x64 crops of 8 photographs from Debian's
# mate-backgrounds package, then `bottleneck codec-bench` on 4 other photographs at their own size
# (512x320) beside JPEG (ImageIO, whole files and without tables) and PNG, and one picture at a
# matching bpp (docs/images/codec-photo.png).
#
# Usage: bench/codec_photos.sh   Env: OUT (bench/out/codec-photos-DATE), LAMBDAS ("0.01"),
#                                EPOCHS (70), FINE_EPOCHS (5: then this many at a tenth of the
#                                learning rate), CHANNELS (64,96,128), LATENT (2048 = 32 x 8x8),
#                                CROPS (400 per photograph), PYTHON (/usr/bin/python3 with PIL:
#                                apt-get install python3-pil)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-bench/out/codec-photos-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
B=./bottleneck
PY=${PYTHON:-/usr/bin/python3}
src=bench/out/photos-src
if [[ ! -d $src/x/usr/share/backgrounds/mate/nature ]]; then
  mkdir -p "$src"
  (cd "$src" && apt-get download mate-backgrounds)
  dpkg-deb -x "$src"/mate-backgrounds_*.deb "$src/x"
fi
echo "date: $(date -Iseconds); machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee "$out/machine.txt"
[[ -d $out/data/test ]] || "$PY" bench/photos_prepare.py "$src/x/usr/share/backgrounds/mate/nature" "$out/data" "${CROPS:-400}"
dirs=()
for l in ${LAMBDAS:-0.01}; do
  [[ -f "$out/lambda-$l/metrics.json" ]] || $B train --data "folder:$out/data/train" --model codec --arch conv-grid \
    --channels "${CHANNELS:-64,96,128}" --latent "${LATENT:-2048}" --codec-lambda "$l" --epochs "${EPOCHS:-70}" --batch 32 \
    --out "$out/lambda-$l" --overwrite --quiet --no-pictures
  total=$(( ${EPOCHS:-70} + ${FINE_EPOCHS:-5} ))
  if (( ${FINE_EPOCHS:-5} > 0 )) && ! grep -q "\"epoch\":$total," "$out/lambda-$l/metrics.jsonl"; then
    $B train --resume --out "$out/lambda-$l" --epochs "$total" --lr 1e-4 --quiet --no-pictures
  fi
  dirs+=("$out/lambda-$l")
done
$B codec-bench "${dirs[@]}" --data "folder:$out/data/test" --out "$out/rd" | tee "$out/rd.txt"
# one picture: LadyBird with the last codec beside JPEG at the closest size
last="${dirs[${#dirs[@]}-1]}"
$B compress "$last" "$out/data/test/LadyBird.png" --out "$out/LadyBird.btl"
$B decompress "$last" "$out/LadyBird.btl" --out "$out/LadyBird-codec.png" --quiet
"$PY" bench/photo_figure.py "$out/data/test/LadyBird.png" "$out/LadyBird.btl" "$out/LadyBird-codec.png" "$out/codec-photo.png" | tee "$out/figure.txt"
