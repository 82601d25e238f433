#!/usr/bin/env bash
# Issue 12, Spark: score a CSV of ROWS rows x 30 numeric columns with an anomaly model on Spark in
# local[1] and local[2] (dev.bottleneck.spark.ScoreCsv, the BottleneckTransformer), and with
# `bottleneck anomaly score` on the same file; print rows/s for each, the local[2]/local[1] scaling
# ratio, and check that every row's score and flag are the same (the score to the float: both
# write Float.toString, compared line by line).
#
# The data and the model are those of bench/anomaly_scale.sh: 30 columns that are linear mixtures
# of 4 Gaussian factors plus noise, "%.5f" (about 255 bytes a row), written by numpy into
# bench/out/anomaly-scale-data/ (shared with that bench, 2.4 GB for 10M rows); the model is an MLP
# 30-16-[4] fitted with `anomaly fit` on 50,000 rows of the same distribution (5 epochs).
# Spark reads the CSV with a float schema (the model's columns), 128 MB splits (about 20 tasks for
# 10M rows), batch 4096 rows, 1 libtorch thread per task.
#
# Usage: [ROWS=10000000] [ROUNDS=1] bench/spark_score.sh
# Needs Java 17, Maven (the Spark jars come from Maven Central on the first build) and python3
# with numpy (data generation). Runs Spark from the Maven jars: no Spark installation needed.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-10000000}
rounds=${ROUNDS:-1}
data="bench/out/anomaly-scale-data"
out="bench/out/spark-score"
mkdir -p "$data" "$out"

gen() { bench/anomaly_data.sh "$@"; } # gen ROWS FILE SEED

gen 50000 "$data/train-50k.csv" 1
gen "$rows" "$data/rows-$rows.csv" 2
csv="$data/rows-$rows.csv"

echo "* building (CLI and bottleneck-spark, with the Spark jars on the local classpath)" >&2
mvn -B -q -DskipTests package -pl bottleneck-core,bottleneck-cli,bottleneck-spark >"$out/build.log" 2>&1 \
  || { tail -n 30 "$out/build.log" >&2; exit 1; }
mvn -B -q dependency:build-classpath -pl bottleneck-spark -Dmdep.includeScope=provided \
  -Dmdep.outputFile=target/spark-provided.classpath >>"$out/build.log" 2>&1 \
  || { tail -n 30 "$out/build.log" >&2; exit 1; }
cp="bottleneck-spark/target/bottleneck-spark.jar:$(ls bottleneck-spark/target/spark-jars/*.jar | tr '\n' ':')$(cat bottleneck-spark/target/spark-provided.classpath)"

model="$out/model"
if [[ ! -f "$model/anomaly.json" ]]; then
  ./bottleneck anomaly fit --data "csv:$data/train-50k.csv" --hidden 16 --latent 4 --epochs 5 \
    --no-pictures --quiet --out "$model"
fi

# the JVM options spark-submit adds on Java 17 (org.apache.spark.launcher.JavaModuleOptions)
opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
 --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
 --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
 --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
 --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
 --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
 --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true"

echo "run,round,wall_s,rows,rows_per_s,maxrss_kb,mismatches,cpu_s,load1" >"$out/results.csv"
compare() { # compare SPARK_OUT_DIR -> number of lines that differ from the CLI's score,flag
  paste -d' ' <(tail -n +2 "$out/cli-scores.csv" | cut -d, -f2,3) <(cat "$1"/part-*) \
    | awk '$1 != $2 { n++ } END { print n + 0 }'
}

for r in $(seq 1 "$rounds"); do
  echo "* round $r: bottleneck anomaly score" >&2
  /usr/bin/time -f "%e %M %U %S" -o "$out/time.txt" ./bottleneck anomaly score "$model" --data "csv:$csv" \
    --out "$out/cli-scores.csv" --quiet
  read -r wall rss usr sys <"$out/time.txt"
  lines=$(($(wc -l <"$out/cli-scores.csv") - 1))
  [[ "$lines" -eq "$rows" ]] || { echo "bench: cli-scores.csv has $lines rows, expected $rows" >&2; exit 1; }
  echo "cli,$r,$wall,$rows,$(python3 -c "print(round($rows / $wall))"),$rss,0,$(python3 -c "print(round($usr + $sys, 1))"),$(cut -d' ' -f1 /proc/loadavg)" >>"$out/results.csv"

  for n in 1 2; do
    echo "* round $r: Spark local[$n]" >&2
    rm -rf "$out/spark-$n"
    OMP_WAIT_POLICY=PASSIVE /usr/bin/time -f "%e %M %U %S" -o "$out/time.txt" \
      java -Xmx3g $opens -Dai.djl.offline=true -Dlog4j2.level=warn -cp "$cp" dev.bottleneck.spark.ScoreCsv \
      --master "local[$n]" --model "$model" --csv "$csv" --out "$out/spark-$n" --batch 4096 --threads 1 \
      >"$out/spark-$n.json" 2>"$out/spark-$n.log" || { tail -n 30 "$out/spark-$n.log" >&2; exit 1; }
    read -r wall rss usr sys <"$out/time.txt"
    job=$(grep "^{\"rows\"" "$out/spark-$n.json" | python3 -c "import json,sys; j=json.loads(sys.stdin.readline()); print(j['seconds'], j['rows'], round(j['rows_per_s']))")
    read -r secs srows rps <<<"$job"
    [[ "$srows" -eq "$rows" ]] || { echo "bench: Spark local[$n] scored $srows rows, expected $rows" >&2; exit 1; }
    mism=$(compare "$out/spark-$n")
    echo "local[$n],$r,$secs,$rows,$rps,$rss,$mism,$(python3 -c "print(round($usr + $sys, 1))"),$(cut -d' ' -f1 /proc/loadavg)" >>"$out/results.csv"
    echo "  local[$n]: $secs s scoring job ($wall s with JVM and session start), $rps rows/s, $mism rows differ from the CLI" >&2
    rm -rf "$out/spark-$n"
  done
done

python3 - "$out/results.csv" "$rows" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
n = int(sys.argv[2])
print(f"| run ({n:,} rows x 30 columns) | wall (median of rounds) | rows/s | CPU s (user+sys, whole process) | peak RSS | load (1 min, after) | rows differing from anomaly score |")
print("| --- | --- | --- | --- | --- | --- | --- |")
res = {}
for run, label in (("cli", "`bottleneck anomaly score` (whole process)"), ("local[1]", "Spark `local[1]` (scoring job)"),
                   ("local[2]", "Spark `local[2]` (scoring job)")):
    rs = [r for r in rows if r["run"] == run]
    wall = statistics.median(float(r["wall_s"]) for r in rs)
    res[run] = n / wall
    walls = ", ".join(r["wall_s"] for r in rs)
    cpu = ", ".join(r["cpu_s"] for r in rs)
    load = ", ".join(r["load1"] for r in rs)
    mism = sum(int(r["mismatches"]) for r in rs)
    rss = max(int(r["maxrss_kb"]) for r in rs) / 1024
    print(f"| {label} | {wall:.1f} s ({walls}) | {n / wall:,.0f} | {cpu} | {rss:,.0f} MiB | {load} | {'-' if run == 'cli' else f'{mism:,}'} |")
print(f"\nscaling local[2] / local[1]: {res['local[2]'] / res['local[1]']:.2f}x;  local[2] / anomaly score: {res['local[2]'] / res['cli']:.2f}x")
PY
