package dev.bottleneck.latent.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Random;

/**
 * k-means on native arrays, for the codebook's initialization: k-means++ seeding (Arthur and
 * Vassilvitskii, "k-means++: The Advantages of Careful Seeding", SODA 2007: each next centroid is
 * a vector drawn with probability proportional to its distance to the nearest centroid so far),
 * then {@code iterations} rounds of Lloyd's assignment (by the quantizer's {@link Distance}) and
 * centroid update; a centroid left without vectors keeps its place. With {@link Distance#COSINE}
 * the vectors are already normalized and so is each new centroid (spherical k-means). No gradient
 * flows: the inputs are detached. Seeding costs {@code K} passes over the vectors, each reading
 * {@code P} distances to Java for the draw.
 */
final class KMeans {

    private KMeans() {}

    /**
     * @param x vectors {@code (P, D)}, prepared by the distance, detached
     * @param k the number of centroids {@code K}
     * @param iterations Lloyd rounds, {@code >= 0}
     * @param distance the distance
     * @param random picks the first centroids
     * @return centroids {@code (K, D)} in {@code x}'s manager and type
     */
    static NDArray fit(NDArray x, int k, int iterations, Distance distance, Random random) {
        NDArray c = seed(x, k, distance, random);
        for (int it = 0; it < iterations; it++) {
            NDArray assign = distance.distances(x, c).argMin(1);
            NDArray oneHot = assign.oneHot(k, x.getDataType()); // (P, K)
            NDArray counts = oneHot.sum(new int[] {0}); // (K)
            NDArray sums = oneHot.transpose().matMul(x); // (K, D)
            NDArray empty = counts.eq(0).toType(x.getDataType(), false).expandDims(1);
            NDArray mean = sums.div(counts.maximum(1f).expandDims(1));
            c = distance.prepare(mean.mul(empty.neg().add(1f)).add(c.mul(empty)));
        }
        return c;
    }

    /**
     * k-means++ seeding; when there are fewer than {@code K} distinct vectors, the remaining
     * centroids repeat random vectors.
     *
     * @param x vectors {@code (P, D)}
     * @param k centroids
     * @param distance the distance
     * @param random the generator
     * @return {@code (K, D)}
     */
    static NDArray seed(NDArray x, int k, Distance distance, Random random) {
        NDManager m = x.getManager();
        int p = (int) x.getShape().get(0);
        long[] rows = new long[k];
        rows[0] = random.nextInt(p);
        NDArray nearest = null;
        for (int i = 1; i < k; i++) {
            NDArray d = distance.distances(x, x.get(rows[i - 1]).reshape(1, -1)).reshape(-1).maximum(0f);
            nearest = nearest == null ? d : nearest.minimum(d);
            double[] w = nearest.toType(DataType.FLOAT64, false).toDoubleArray();
            double total = 0;
            for (double v : w) {
                total += v;
            }
            if (!(total > 0)) {
                rows[i] = random.nextInt(p);
                continue;
            }
            double u = random.nextDouble() * total;
            int j = 0;
            double acc = w[0];
            while (acc < u && j < p - 1) {
                acc += w[++j];
            }
            rows[i] = j;
        }
        return x.get(m.create(rows));
    }

    /**
     * @param random the generator
     * @param n the number of rows to pick from
     * @param k how many to pick
     * @return {@code k} row indices: distinct when {@code n >= k} (a partial Fisher-Yates
     *     shuffle), else every row once and then random repeats
     */
    static long[] pick(Random random, long n, int k) {
        long[] out = new long[k];
        if (n >= k) {
            int[] perm = new int[(int) n];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < k; i++) {
                int j = i + random.nextInt(perm.length - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                out[i] = perm[i];
            }
        } else {
            for (int i = 0; i < k; i++) {
                out[i] = i < n ? i : random.nextInt((int) n);
            }
        }
        return out;
    }
}
