package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;

import java.util.Arrays;

/**
 * How well a clustering of {@code N} examples agrees with their class labels: accuracy under the
 * best one-to-one mapping of clusters to classes, normalized mutual information (NMI) and the
 * adjusted Rand index (ARI), with the confusion matrix and the mapping they come from.
 *
 * <ul>
 *   <li><b>Accuracy</b> (as in DEC, Xie et al. 2016): the confusion matrix {@code M (K, C)}, {@code
 *       M[k][c]} = examples of class {@code c} put in cluster {@code k}, is padded with zeros to a
 *       square {@code max(K, C)} and the one-to-one mapping of clusters to classes that keeps the
 *       most examples on the diagonal is found with the Hungarian algorithm (Kuhn 1955, Munkres 1957;
 *       {@link #assign}). Accuracy = matched examples / {@code N}. When {@code K > C}, {@code K - C}
 *       clusters are left without a class and all their examples count as wrong; when {@code K < C},
 *       {@code C - K} classes get no cluster.</li>
 *   <li><b>NMI</b>: {@code I(U; V) / ((H(U) + H(V)) / 2)}, the arithmetic-mean normalization that is
 *       scikit-learn's default in {@code normalized_mutual_info_score}, with its limit cases: 1 when
 *       both labelings put everything in one group, 0 when the mutual information is 0. The base of
 *       the logarithm cancels.</li>
 *   <li><b>ARI</b> (Hubert and Arabie 1985): {@code (index - expected) / (max - expected)} with {@code
 *       index = sum_kc C(M[k][c], 2)}, {@code expected = sum_k C(a_k, 2) sum_c C(b_c, 2) / C(N, 2)}
 *       and {@code max = (sum_k C(a_k, 2) + sum_c C(b_c, 2)) / 2} ({@code a}, {@code b}: row and
 *       column sums), as scikit-learn's {@code adjusted_rand_score}; 1 when {@code max = expected}
 *       (both labelings trivial in the same way), as there.</li>
 * </ul>
 * All three are invariant to renaming clusters; NMI and ARI are symmetric in the two labelings,
 * accuracy is not when {@code K != C}. Empty clusters (rows of zeros) change none of them.
 *
 * @param accuracy fraction of examples whose cluster maps to their class, in {@code [0, 1]}
 * @param nmi normalized mutual information in {@code [0, 1]}
 * @param ari adjusted Rand index, in {@code [-1, 1]} (about 0 for a random clustering, 1 for a perfect one)
 * @param confusion {@code (K, C)} counts, {@code confusion[k][c]} = examples of class {@code c} in cluster {@code k}
 * @param mapping {@code (K)} the class each cluster is mapped to, or {@code -1} for a cluster left
 *     without one ({@code K > C})
 */
public record ClusteringMetrics(double accuracy, double nmi, double ari, long[][] confusion, int[] mapping) {

    /**
     * Evaluates a clustering; {@code K} and {@code C} are the largest index plus one.
     *
     * @param clusters {@code (N)} cluster index of each example, {@code >= 0}
     * @param labels {@code (N)} class index of each example, {@code >= 0}
     * @return the metrics
     * @throws InvalidInputException if the arrays are empty, differ in length or hold a negative index
     */
    public static ClusteringMetrics of(int[] clusters, int[] labels) {
        return of(clusters, maxPlusOne(clusters, "cluster"), labels, maxPlusOne(labels, "class"));
    }

    /**
     * Evaluates a clustering with the numbers of clusters and classes given (so that the confusion
     * matrix has a row for every cluster of a model, used or not).
     *
     * @param clusters {@code (N)} cluster index of each example, in {@code [0, k)}
     * @param k number of clusters {@code K >= 1}
     * @param labels {@code (N)} class index of each example, in {@code [0, classes)}
     * @param classes number of classes {@code C >= 1}
     * @return the metrics
     * @throws InvalidInputException if the arrays are empty or differ in length, {@code k} or {@code
     *     classes} is below 1, or an index is out of range
     */
    public static ClusteringMetrics of(int[] clusters, int k, int[] labels, int classes) {
        long[][] m = confusion(clusters, k, labels, classes);
        int[] mapping = bestMapping(m);
        long matched = 0;
        for (int r = 0; r < k; r++) {
            if (mapping[r] >= 0) {
                matched += m[r][mapping[r]];
            }
        }
        return new ClusteringMetrics((double) matched / clusters.length, nmi(m), ari(m), m, mapping);
    }

    /**
     * The confusion matrix of a clustering against class labels.
     *
     * @param clusters {@code (N)} cluster indices in {@code [0, k)}
     * @param k number of clusters, {@code >= 1}
     * @param labels {@code (N)} class indices in {@code [0, classes)}
     * @param classes number of classes, {@code >= 1}
     * @return {@code (K, C)} counts, {@code [k][c]} = examples of class {@code c} in cluster {@code k}
     * @throws InvalidInputException if the arrays are empty or differ in length, {@code k} or {@code
     *     classes} is below 1, or an index is out of range
     */
    public static long[][] confusion(int[] clusters, int k, int[] labels, int classes) {
        if (clusters == null || labels == null || clusters.length == 0) {
            throw new InvalidInputException("clustering metrics need at least one example, got none");
        }
        if (clusters.length != labels.length) {
            throw new InvalidInputException("clustering metrics: " + clusters.length + " cluster indices but "
                    + labels.length + " labels");
        }
        if (k < 1 || classes < 1) {
            throw new InvalidInputException("clustering metrics need at least 1 cluster and 1 class, got "
                    + k + " clusters and " + classes + " classes");
        }
        long[][] m = new long[k][classes];
        for (int i = 0; i < clusters.length; i++) {
            int r = clusters[i];
            int c = labels[i];
            if (r < 0 || r >= k) {
                throw new InvalidInputException("clustering metrics: cluster index " + r + " of example " + i
                        + " is outside [0, " + k + ")");
            }
            if (c < 0 || c >= classes) {
                throw new InvalidInputException("clustering metrics: class " + c + " of example " + i
                        + " is outside [0, " + classes + ")");
            }
            m[r][c]++;
        }
        return m;
    }

    /**
     * The one-to-one mapping of clusters to classes that maximizes the examples it keeps (the sum of
     * the mapped confusion entries), by the Hungarian algorithm on the matrix padded to square: time
     * {@code O(max(K, C)^3)}, about 0.15 s for 512 clusters and 10 classes.
     *
     * @param confusion {@code (K, C)} non-negative counts
     * @return {@code (K)} the class of each cluster, or {@code -1} for a cluster left without one
     */
    public static int[] bestMapping(long[][] confusion) {
        int k = confusion.length;
        int c = confusion[0].length;
        int n = Math.max(k, c);
        long max = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                max = Math.max(max, v);
            }
        }
        long[][] cost = new long[n][n]; // padding rows and columns cost max: they keep nothing
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < n; j++) {
                cost[r][j] = max - (r < k && j < c ? confusion[r][j] : 0);
            }
        }
        int[] col = assign(cost);
        int[] mapping = new int[k];
        for (int r = 0; r < k; r++) {
            mapping[r] = col[r] < c ? col[r] : -1;
        }
        return mapping;
    }

    /**
     * Minimum-cost perfect assignment of a square cost matrix: the Hungarian algorithm in its
     * {@code O(n^3)} form with row and column potentials and shortest augmenting paths (Kuhn 1955;
     * Munkres 1957; the formulation of Jonker and Volgenant 1987, as in the usual e-maxx write-up).
     * Exact in integer arithmetic.
     *
     * @param cost {@code (n, n)} costs, {@code n >= 1}; entries up to about {@code 2^61} in magnitude
     * @return {@code (n)} the column assigned to each row, a permutation of {@code 0..n-1}
     */
    static int[] assign(long[][] cost) {
        int n = cost.length;
        long inf = Long.MAX_VALUE / 4;
        long[] u = new long[n + 1];
        long[] v = new long[n + 1];
        int[] p = new int[n + 1]; // p[j]: row (1-based) matched to column j; p[0] the row being added
        int[] way = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            long[] minv = new long[n + 1];
            Arrays.fill(minv, inf);
            boolean[] used = new boolean[n + 1];
            do {
                used[j0] = true;
                int i0 = p[j0];
                long delta = inf;
                int j1 = 0;
                for (int j = 1; j <= n; j++) {
                    if (!used[j]) {
                        long cur = cost[i0 - 1][j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] colOfRow = new int[n];
        for (int j = 1; j <= n; j++) {
            colOfRow[p[j] - 1] = j - 1;
        }
        return colOfRow;
    }

    /**
     * Normalized mutual information with the arithmetic mean of the entropies (scikit-learn's default).
     *
     * @param confusion {@code (K, C)} non-negative counts, not all zero
     * @return NMI in {@code [0, 1]}
     */
    public static double nmi(long[][] confusion) {
        long[] a = rowSums(confusion);
        long[] b = colSums(confusion);
        long n = 0;
        for (long x : a) {
            n += x;
        }
        if (nonZero(a) == 1 && nonZero(b) == 1) {
            return 1.0; // neither labeling splits the data: a perfect match
        }
        double logN = Math.log(n);
        double mi = 0;
        for (int r = 0; r < confusion.length; r++) {
            for (int c = 0; c < b.length; c++) {
                long nij = confusion[r][c];
                if (nij > 0) {
                    mi += (double) nij / n * (Math.log(nij) + logN - Math.log(a[r]) - Math.log(b[c]));
                }
            }
        }
        mi = Math.max(0, mi);
        if (mi == 0) {
            return 0.0;
        }
        double h = (entropy(a, n) + entropy(b, n)) / 2;
        return Math.min(1.0, mi / h);
    }

    /**
     * The adjusted Rand index (Hubert and Arabie 1985), as scikit-learn's {@code adjusted_rand_score}.
     *
     * @param confusion {@code (K, C)} non-negative counts, not all zero
     * @return ARI in {@code [-1, 1]}
     */
    public static double ari(long[][] confusion) {
        long[] a = rowSums(confusion);
        long[] b = colSums(confusion);
        long n = 0;
        double index = 0;
        for (long[] row : confusion) {
            for (long x : row) {
                index += pairs(x);
                n += x;
            }
        }
        double sumA = 0;
        for (long x : a) {
            sumA += pairs(x);
        }
        double sumB = 0;
        for (long x : b) {
            sumB += pairs(x);
        }
        double all = pairs(n);
        if (sumA == sumB && (sumA == 0 || sumA == all)) {
            // both all singletons or both one group (n < 2 included): max == expected, a perfect match
            return 1.0;
        }
        double expected = sumA * sumB / all;
        double max = (sumA + sumB) / 2;
        return (index - expected) / (max - expected);
    }

    private static double pairs(long x) {
        return x * (x - 1) / 2.0;
    }

    private static double entropy(long[] counts, long n) {
        double h = 0;
        for (long x : counts) {
            if (x > 0) {
                double p = (double) x / n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }

    private static int nonZero(long[] v) {
        int z = 0;
        for (long x : v) {
            z += x > 0 ? 1 : 0;
        }
        return z;
    }

    private static long[] rowSums(long[][] m) {
        long[] s = new long[m.length];
        for (int r = 0; r < m.length; r++) {
            for (long x : m[r]) {
                s[r] += x;
            }
        }
        return s;
    }

    private static long[] colSums(long[][] m) {
        long[] s = new long[m[0].length];
        for (long[] row : m) {
            for (int c = 0; c < row.length; c++) {
                s[c] += row[c];
            }
        }
        return s;
    }

    private static int maxPlusOne(int[] v, String what) {
        if (v == null || v.length == 0) {
            throw new InvalidInputException("clustering metrics need at least one example, got none");
        }
        int max = -1;
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0) {
                throw new InvalidInputException("clustering metrics: " + what + " index " + v[i] + " of example "
                        + i + " is negative");
            }
            max = Math.max(max, v[i]);
        }
        return max + 1;
    }
}
