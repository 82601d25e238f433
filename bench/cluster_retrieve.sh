#!/usr/bin/env bash
# Issue 10's evaluation library at MNIST size, beside scikit-learn / NumPy on the same machine:
# k-means on the 60,000 training images (k = 10, 1 and 4 restarts), then for 16, 32 and 64 bits
# random-hyperplane LSH and PCA-ITQ fitted on the training set and the mAP of Hamming ranking
# (10,000 test queries against the 60,000 training codes). Ours and the peer run in turn.
#
# Ours: dev.bottleneck.eval.ClusterRetrieveBench (test sources) with the launcher's JVM flags
# (serial GC, C1 only; BOTTLENECK_JIT=full for C2). Peer: bench/cluster_retrieve_peer.py.
#
# Usage: [ROUNDS=1] bench/cluster_retrieve.sh [kmeans|retrieve|all]
# Needs: MNIST cached (./bottleneck data fetch mnist), /usr/bin/python3 with numpy, scipy, sklearn.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
rounds=${ROUNDS:-1}
jit="-XX:TieredStopAtLevel=1"
[[ "${BOTTLENECK_JIT:-}" == full ]] && jit=""

MNIST_DIR="$(./bottleneck data fetch mnist --quiet)"
export MNIST_DIR
mvn -B -q -o -pl bottleneck-core -am install -DskipTests
mvn -B -q -o -pl bottleneck-core test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
cp="bottleneck-core/target/classes:bottleneck-core/target/test-classes:$(cat bottleneck-core/target/bench.classpath)"

for ((r = 1; r <= rounds; r++)); do
  echo "* round $r: Bottleneck" >&2
  java -XX:+UseSerialGC $jit -cp "$cp" dev.bottleneck.eval.ClusterRetrieveBench "$what" 2>&1 | grep -v SLF4J
  echo "* round $r: peer" >&2
  /usr/bin/python3 bench/cluster_retrieve_peer.py "$what"
done
