#!/usr/bin/env bash
# The CSV generator of bench/anomaly_scale.sh and bench/spark_score.sh: ROWS rows of 30 columns
# that are linear mixtures of 4 Gaussian factors (the same factors in every file) plus noise, "%.5f".
# Writes FILE through FILE.tmp; does nothing when FILE exists. Needs python3 with numpy.
#
# Usage: bench/anomaly_data.sh ROWS FILE SEED
set -euo pipefail
[[ -s "$2" ]] && exit 0
echo "* writing $2 ($1 rows)" >&2
python3 - "$1" "$2.tmp" "$3" <<'PY'
import sys
import numpy as np
n, path, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
mix = np.random.default_rng(7).normal(size=(4, 30))  # the same factors in every file
rng = np.random.default_rng(seed)
with open(path, "w") as f:
    f.write(",".join(f"x{i}" for i in range(30)) + "\n")
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        x = rng.normal(size=(m, 4)) @ mix + 0.1 * rng.normal(size=(m, 30))
        np.savetxt(f, x, fmt="%.5f", delimiter=",")
PY
mv "$2.tmp" "$2"
