package dev.bottleneck.eval;

import java.util.stream.IntStream;

/**
 * Dot products of data rows with a few weight rows, the inner loop of {@link KMeans}, {@link
 * RandomHyperplaneLsh} and {@link PcaItq}: plain Java float loops that the JIT compiles well,
 * two data rows by two weight rows at a time (four independent sums, each loaded value used twice).
 * On 2 cores this kernel ran about 1.5x as fast as one row by one weight, and a transposed block
 * layout (so the loop could be vectorized) was slower still, because of the transposition.
 *
 * <p>Every sum is accumulated in the same order whatever the thread count.
 */
final class Dots {

    /** Rows per parallel task; fixed so that the chunking does not depend on the thread count. */
    static final int CHUNK = 1024;

    private Dots() {}

    /**
     * {@code out[(i - from) * p + j] = x_i . w_j} for rows {@code from <= i < to}, serially.
     *
     * @param x {@code (N, d)} row-major data
     * @param from first row
     * @param to end row (exclusive)
     * @param d values per row
     * @param w {@code (p, d)} row-major weights
     * @param p weight rows
     * @param out at least {@code (to - from) * p} values
     */
    static void rows(float[] x, int from, int to, int d, float[] w, int p, float[] out) {
        int[] idx = new int[to - from];
        for (int i = from; i < to; i++) {
            idx[i - from] = i;
        }
        rowsAt(x, idx, idx.length, d, w, p, out);
    }

    /**
     * {@code out[t * p + j] = x_{idx[t]} . w_j} for {@code t < count}: as {@link #rows} for a list of rows.
     *
     * @param x {@code (N, d)} row-major data
     * @param idx row indices
     * @param count how many of {@code idx} to use
     * @param d values per row
     * @param w {@code (p, d)} row-major weights
     * @param p weight rows
     * @param out at least {@code count * p} values
     */
    static void rowsAt(float[] x, int[] idx, int count, int d, float[] w, int p, float[] out) {
        for (int t = 0; t < count; t += 2) {
            int t2 = Math.min(t + 1, count - 1); // an odd last row is paired with itself
            int a = idx[t] * d;
            int b = idx[t2] * d;
            int oa = t * p;
            int ob = t2 * p;
            for (int j = 0; j < p; j += 2) {
                int j2 = Math.min(j + 1, p - 1);
                int u = j * d;
                int v = j2 * d;
                float s00 = 0;
                float s01 = 0;
                float s10 = 0;
                float s11 = 0;
                for (int f = 0; f < d; f++) {
                    float xa = x[a + f];
                    float xb = x[b + f];
                    float wu = w[u + f];
                    float wv = w[v + f];
                    s00 += xa * wu;
                    s01 += xa * wv;
                    s10 += xb * wu;
                    s11 += xb * wv;
                }
                out[oa + j] = s00;
                out[oa + j2] = s01;
                out[ob + j] = s10;
                out[ob + j2] = s11;
            }
        }
    }

    /**
     * A consumer of one chunk's dot products.
     */
    @FunctionalInterface
    interface ChunkConsumer {
        /**
         * @param from first row of the chunk
         * @param to end row (exclusive)
         * @param dots {@code (to - from, p)} dot products of the chunk's rows
         */
        void accept(int from, int to, float[] dots);
    }

    /**
     * Computes the dot products of all rows chunk by chunk, chunks in parallel on the common
     * fork-join pool, and hands each chunk's {@code (CHUNK, p)} block to {@code sink}.
     *
     * @param x {@code (n, d)} row-major data
     * @param n rows
     * @param d values per row
     * @param w {@code (p, d)} row-major weights
     * @param p weight rows
     * @param sink receives each chunk; called concurrently for different chunks
     */
    static void forEachChunk(float[] x, int n, int d, float[] w, int p, ChunkConsumer sink) {
        IntStream.range(0, chunks(n)).parallel().forEach(ch -> {
            int from = ch * CHUNK;
            int to = Math.min(n, from + CHUNK);
            float[] out = new float[(to - from) * p];
            rows(x, from, to, d, w, p, out);
            sink.accept(from, to, out);
        });
    }

    /** @return the number of chunks of {@link #CHUNK} rows covering {@code n} rows */
    static int chunks(int n) {
        return (n + CHUNK - 1) / CHUNK;
    }
}
