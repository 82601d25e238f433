#!/usr/bin/env bash
# Issue 5, scale: score a CSV of 1,000,000 rows x 30 numeric columns with a fitted model, and one
# of 10,000,000 rows, timing `anomaly score` with GNU time (wall seconds, peak RSS of the process).
#
# Floors: 1M rows in at most 15 s wall with peak RSS under 1 GB; 10M rows with the same peak memory.
#
# The data: 30 columns that are linear mixtures of 4 Gaussian factors plus noise, "%.5f" (about
# 255 bytes a row), written by numpy; the model (MLP 30-16-[4]-16-30) is fitted on 50,000 rows of
# the same distribution. Data files are cached in bench/out/anomaly-scale-data/ (2.8 GB for both).
# Each size is scored ROUNDS times with the launcher's default JIT for `anomaly score` (C2) and with
# C1 only (BOTTLENECK_JIT=c1, the flag every other verb runs with), alternating.
#
# Usage: [ROWS="1000000 10000000"] [ROUNDS=3] bench/anomaly_scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rows_list=${ROWS:-"1000000 10000000"}
rounds=${ROUNDS:-3}
data="bench/out/anomaly-scale-data"
out="bench/out/anomaly-scale-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$data" "$out"

gen() { bench/anomaly_data.sh "$@"; } # gen ROWS FILE SEED

gen 50000 "$data/train-50k.csv" 1
for n in $rows_list; do gen "$n" "$data/rows-$n.csv" 2; done

./bottleneck anomaly fit --data "csv:$data/train-50k.csv" --hidden 16 --latent 4 --epochs 5 \
  --no-pictures --quiet --out "$out/model"

echo "rows,jit,round,wall_s,maxrss_kb" >"$out/times.csv"
for n in $rows_list; do
  for r in $(seq 1 "$rounds"); do
    for jit in full c1; do
      BOTTLENECK_JIT=$jit /usr/bin/time -f "%e %M" -o "$out/time.txt" ./bottleneck anomaly score "$out/model" \
        --data "csv:$data/rows-$n.csv" --out "$out/scores-$n.csv" --quiet
      read -r wall rss <"$out/time.txt"
      echo "$n,$jit,$r,$wall,$rss" >>"$out/times.csv"
      echo "  $n rows, jit $jit, round $r: $wall s, $((rss / 1024)) MiB" >&2
    done
  done
  lines=$(wc -l <"$out/scores-$n.csv")
  [[ "$lines" -eq $((n + 1)) ]] || { echo "bench: $out/scores-$n.csv has $lines lines, expected $((n + 1))" >&2; exit 1; }
  rm -f "$out/scores-$n.csv"
done

python3 - "$out/times.csv" "$data" <<'PY'
import csv, os, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("| rows x 30 columns | file | JIT | wall (median of rounds) | rows/s | peak RSS (max) | floor |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for n in sorted({int(r["rows"]) for r in rows}):
    size = os.path.getsize(os.path.join(sys.argv[2], f"rows-{n}.csv")) / 2**20
    for jit in ("full", "c1"):
        rs = [r for r in rows if int(r["rows"]) == n and r["jit"] == jit]
        wall = statistics.median(float(r["wall_s"]) for r in rs)
        rss = max(int(r["maxrss_kb"]) for r in rs) / 1024
        floor = ("<= 15 s, < 1 GB: " + ("met" if wall <= 15 and rss < 1024 else "NOT met")) if n == 1_000_000 else \
            ("< 1 GB: " + ("met" if rss < 1024 else "NOT met"))
        walls = ", ".join(r["wall_s"] for r in rs)
        print(f"| {n:,} | {size:,.0f} MiB | {'C2 (default)' if jit == 'full' else 'C1 only'} | {wall:.1f} s ({walls}) "
              f"| {n / wall:,.0f} | {rss:.0f} MiB | {floor} |")
PY
