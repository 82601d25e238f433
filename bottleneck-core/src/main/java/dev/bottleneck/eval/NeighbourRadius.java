package dev.bottleneck.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import dev.bottleneck.InvalidInputException;

import java.util.SplittableRandom;

/**
 * The typical distance from an example to its {@code k}-th nearest neighbour in the same data set
 * (Euclidean, brute force): IMSAT's scale for the virtual adversarial radius, {@code epsilon =
 * 0.25 x} the distance to the 10th neighbour (Hu et al. 2017, section 4.1). IMSAT uses each
 * example's own distance; this gives their mean over a seeded sample of query examples, one
 * number for the model.
 */
public final class NeighbourRadius {

    private NeighbourRadius() {}

    /**
     * @param data {@code (N, ...)} examples, model scale; rows are compared as flat vectors
     * @param k which neighbour, {@code >= 1} (the example itself, at distance 0, is not counted)
     * @param queries how many examples to average over ({@code min(queries, N)}, drawn without
     *     replacement with {@code seed})
     * @param seed seeds the draw
     * @return the mean distance to the {@code k}-th nearest other example, in model-scale units
     * @throws InvalidInputException if the data has no more than {@code k} examples
     */
    public static double meanKthDistance(NDArray data, int k, int queries, long seed) {
        long n = data.getShape().get(0);
        if (k < 1 || n <= k) {
            throw new InvalidInputException("the distance to the " + k + "-th nearest neighbour needs more than " + k
                    + " examples, got " + n);
        }
        int q = (int) Math.min(queries, n);
        int[] pick = sample((int) n, q, seed);
        try (NDManager m = data.getManager().newSubManager()) {
            NDArray x = data.reshape(n, -1).toType(DataType.FLOAT32, false);
            x.attach(m);
            NDArray norms = x.mul(x).sum(new int[] {1});
            long[] idx = new long[q];
            for (int i = 0; i < q; i++) {
                idx[i] = pick[i];
            }
            NDArray qi = m.create(idx);
            double sum = 0;
            int chunk = 500;
            for (int from = 0; from < q; from += chunk) {
                int to = Math.min(q, from + chunk);
                try (NDManager cm = m.newSubManager()) {
                    NDArray rows = qi.get(new NDIndex().addSliceDim(from, to));
                    NDArray xq = x.get(rows);
                    NDArray d2 = xq.mul(xq).sum(new int[] {1}, true).add(norms.reshape(1, n)).sub(xq.matMul(x.transpose()).mul(2f));
                    d2.attach(cm);
                    // the k+1 smallest: the example itself (0) and its k nearest others
                    NDArray kth = d2.topK(k + 1, 1, false, true).get(0).get(new NDIndex(":, " + k));
                    float[] v = kth.maximum(0f).sqrt().toFloatArray();
                    for (float f : v) {
                        sum += f;
                    }
                }
            }
            return sum / q;
        }
    }

    private static int[] sample(int n, int q, long seed) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < q; i++) {
            int j = i + r.nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, q);
    }
}
