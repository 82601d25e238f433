#!/usr/bin/env bash
# Issue 12, load test of `bottleneck serve` with wrk (Debian package) on loopback.
#
# Starts the server on one model, then for each connection count (1, 16, 64) runs wrk for
# DURATION seconds against
#   single: POST /api/models/M/encode with one MNIST test digit as a PNG body (the API's usual call)
#   batch:  POST /api/models/M/encode with BATCH MNIST test digits as one uint8 .npy body
# and reports requests/s, images/s, p50/p99 latency, errors (non-2xx and socket errors; must be 0)
# and the server's RSS before and after each run (should stay flat). Then it times the in-process
# encode on the same data (bench/EncodeThroughput.java: the library call `bottleneck encode` makes,
# on the 10,000 MNIST test images, warm JVM, best and median of 5) for the batch floor: the batch
# endpoint must reach at least half of the in-process images/s.
#
# Usage: [MODEL=runs/quickstart] [PORT=18080] [DURATION=60] [CONNS="1 16 64"] [BATCH=256] \
#        [KINDS="single batch"] [INPROC=1] [OUT=bench/out/serve] bench/serve.sh
# Needs: wrk (apt-get install wrk), curl, a trained image model (./bottleneck quickstart), MNIST cached.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${MODEL:-runs/quickstart}
port=${PORT:-18080}
duration=${DURATION:-60}
conns=${CONNS:-"1 16 64"}
batch=${BATCH:-256}
out=${OUT:-bench/out/serve}
name=$(basename "$model")
url="http://127.0.0.1:$port/api/models/$name/encode"
mkdir -p "$out"
command -v wrk >/dev/null || { echo "serve.sh: wrk is missing: apt-get install wrk" >&2; exit 1; }
[[ -f "$model/model.json" ]] || { echo "serve.sh: no model at $model (run ./bottleneck quickstart)" >&2; exit 1; }
./bottleneck data fetch mnist --quiet >/dev/null
idx="${BOTTLENECK_DATA_DIR:-$HOME/.cache/bottleneck/datasets}/mnist/t10k-images-idx3-ubyte"

# payloads: BATCH test digits as a uint8 .npy (N, 1, 28, 28), built from the IDX file's bytes
npy_header() { # $1 = N; a format 1.0 header padded to 64 bytes
  local h="{'descr': '|u1', 'fortran_order': False, 'shape': ($1, 1, 28, 28), }"
  local total=$((10 + ${#h} + 1)); local pad=$(((64 - total % 64) % 64))
  printf '\x93NUMPY\x01\x00'; printf "\\x$(printf %02x $(((${#h} + pad + 1) % 256)))\\x$(printf %02x $(((${#h} + pad + 1) / 256)))"
  printf '%s%*s\n' "$h" "$pad" ''
}
{ npy_header "$batch"; dd if="$idx" iflag=skip_bytes,count_bytes skip=16 count=$((batch * 784)) bs=64K status=none; } >"$out/batch.npy"

log="$out/server.log"
./bottleneck serve "$model" --port "$port" --quiet --map-points 0 --neighbours 0 >"$out/url.txt" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "serve.sh: server did not start; see $log" >&2; exit 1; }
# sanity: the batch body is accepted
curl -sf -H 'Content-Type: application/x-npy' --data-binary @"$out/batch.npy" "$url?format=npy" -o /dev/null
{ npy_header 1; dd if="$idx" iflag=skip_bytes,count_bytes skip=16 count=784 bs=64K status=none; } >"$out/one.npy"
# the first test digit as a PNG, written by the JDK (a single-file Java program)
cat >"$out/ToPng.java" <<'JAVA'
import java.awt.image.BufferedImage; import java.nio.file.*; import javax.imageio.ImageIO;
public class ToPng { public static void main(String[] a) throws Exception {
  byte[] b = Files.readAllBytes(Path.of(a[0])); BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
  for (int i = 0; i < 784; i++) img.getRaster().setSample(i % 28, i / 28, 0, b[16 + i] & 0xff);
  ImageIO.write(img, "png", Path.of(a[1]).toFile()); } }
JAVA
java "$out/ToPng.java" "$idx" "$out/one.png"

cat >"$out/post.lua" <<'LUA'
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = os.getenv("CTYPE")
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_s=%.3f non2xx=%d socket_errors=%d p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA

rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status"; }
results="$out/results.md"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ); model: $model; duration ${duration}s per run; batch $batch images per request"
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; load before: $(uptime | sed 's/.*load average: //')"
  echo
  echo "| endpoint | connections | requests/s | images/s | p50 ms | p99 ms | errors | RSS before MiB | RSS after MiB |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} >"$results"
# warm-up (JIT, libtorch's first calls), not reported
BODY="$out/one.png" CTYPE=image/png wrk -t1 -c1 -d5s -s "$out/post.lua" "$url" >/dev/null
BODY="$out/batch.npy" CTYPE=application/x-npy wrk -t1 -c1 -d5s -s "$out/post.lua" "$url" >/dev/null
for kind in ${KINDS:-single batch}; do
  if [[ $kind == single ]]; then body="$out/one.png"; ctype=image/png; per=1; else body="$out/batch.npy"; ctype=application/x-npy; per=$batch; fi
  for c in $conns; do
    t=$((c < 2 ? 1 : 2))
    before=$(rss)
    line=$(BODY="$body" CTYPE="$ctype" wrk -t"$t" -c"$c" -d"${duration}s" --timeout 30s -s "$out/post.lua" "$url" | tee "$out/wrk-$kind-$c.txt" | grep '^RESULT')
    after=$(rss)
    eval "${line#RESULT }"
    rps=$(awk -v r="$requests" -v d="$duration_s" 'BEGIN { printf "%.1f", r / d }')
    ips=$(awk -v r="$requests" -v d="$duration_s" -v p="$per" 'BEGIN { printf "%.0f", r * p / d }')
    echo "| encode, $kind ($per image$([[ $per == 1 ]] || echo s)/request) | $c | $rps | $ips | $p50_ms | $p99_ms | $((non2xx + socket_errors)) | $before | $after |" | tee -a "$results"
  done
done
curl -sf "http://127.0.0.1:$port/metrics" >"$out/metrics.json"
kill $pid; wait $pid 2>/dev/null || true; trap - EXIT

[[ ${INPROC:-1} == 0 ]] && exit 0
# in-process encode on the same data, for the batch floor: the library's encode (what
# `bottleneck encode` runs after start-up) in a warm JVM with the launcher's flags, 5 rounds
line=$(java -XX:+UseSerialGC -Dai.djl.offline=true -Djava.awt.headless=true \
  -cp "bottleneck-cli/target/bottleneck-cli.jar:bottleneck-cli/target/lib/*" bench/EncodeThroughput.java "$model" mnist:test 5 | grep '^INPROC')
eval "${line#INPROC }"
{
  echo
  echo "in-process encode (library, warm JVM, mnist:test, $images images, $rounds rounds): best $best, median $median images/s"
  echo "load after: $(uptime | sed 's/.*load average: //')"
} | tee -a "$results"
echo "results in $results"
