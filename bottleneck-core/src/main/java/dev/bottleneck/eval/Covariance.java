package dev.bottleneck.eval;

import org.ejml.data.DMatrixRMaj;

import java.util.stream.IntStream;

/**
 * The covariance matrix {@code (D, D)} of {@code (N, D)} float rows, for {@link PcaItq}'s PCA:
 * {@code sum_i x_i x_i^T / N - mean mean^T}, the upper triangle accumulated in float over blocks of
 * {@value #BLOCK} rows (each block's sum added to a double matrix), skipping zero values (MNIST
 * pixels are 81% zeros), rows of the matrix split across tasks of the common fork-join pool.
 *
 * <p>Why not EJML's {@code CommonOps_MT_DDRM.multAddTransA} on double blocks: it took 9.7 s for
 * 60,000 x 784 uniform values on 2 cores, this loop 3.1 s (and about a fifth of that on MNIST's
 * sparse pixels). The float partial sums of {@value #BLOCK} products carry a relative error near
 * {@code 1e-7} of the raw second moment; the double subtraction of {@code mean mean^T} keeps it so.
 * The order of every sum is fixed, so the result does not depend on the thread count.
 */
final class Covariance {

    static final int BLOCK = 128;

    private static final int TASK_ROWS = 8;

    private Covariance() {}

    /**
     * @param x {@code (n, d)} row-major values
     * @param n rows, {@code >= 1}
     * @param d values per row
     * @param mean {@code (d)} column means of {@code x}
     * @return the {@code (d, d)} population covariance (divided by {@code n}), both triangles filled
     */
    static DMatrixRMaj of(float[] x, int n, int d, double[] mean) {
        double[] g = new double[d * d];
        int tasks = (d + TASK_ROWS - 1) / TASK_ROWS;
        for (int from = 0; from < n; from += BLOCK) {
            int start = from;
            int end = Math.min(n, from + BLOCK);
            IntStream.range(0, tasks).parallel().forEach(t -> {
                int a0 = t * TASK_ROWS;
                int a1 = Math.min(d, a0 + TASK_ROWS);
                float[] acc = new float[(a1 - a0) * d];
                for (int i = start; i < end; i++) {
                    int o = i * d;
                    for (int a = a0; a < a1; a++) {
                        float s = x[o + a];
                        if (s == 0f) {
                            continue;
                        }
                        int ao = (a - a0) * d;
                        for (int f = a; f < d; f++) {
                            acc[ao + f] += s * x[o + f];
                        }
                    }
                }
                for (int a = a0; a < a1; a++) {
                    int ao = (a - a0) * d;
                    int go = a * d;
                    for (int f = a; f < d; f++) {
                        g[go + f] += acc[ao + f];
                    }
                }
            });
        }
        DMatrixRMaj c = new DMatrixRMaj(d, d);
        for (int a = 0; a < d; a++) {
            for (int f = a; f < d; f++) {
                double v = g[a * d + f] / n - mean[a] * mean[f];
                c.unsafe_set(a, f, v);
                c.unsafe_set(f, a, v);
            }
        }
        return c;
    }
}
