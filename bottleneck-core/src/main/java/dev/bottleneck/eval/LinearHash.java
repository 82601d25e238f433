package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;

/**
 * A hash by {@code b} hyperplanes: bit {@code j} of a row {@code x} is 1 where {@code (x - mean) .
 * w_j >= 0}, computed as {@code x . w_j >= mean . w_j}. What {@link RandomHyperplaneLsh} and {@link
 * PcaItq} both reduce to once fitted.
 */
final class LinearHash {

    private final float[] planes;
    private final float[] offsets;
    private final int d;
    private final int bits;

    /**
     * @param planes {@code (bits, d)} row-major hyperplane normals
     * @param mean {@code (d)} the centre subtracted before projecting
     * @param d values per row
     * @param bits number of hyperplanes
     */
    LinearHash(float[] planes, double[] mean, int d, int bits) {
        this.planes = planes;
        this.d = d;
        this.bits = bits;
        this.offsets = new float[bits];
        for (int j = 0; j < bits; j++) {
            double s = 0;
            for (int f = 0; f < d; f++) {
                s += mean[f] * planes[j * d + f];
            }
            offsets[j] = (float) s;
        }
    }

    int dims() {
        return d;
    }

    int bits() {
        return bits;
    }

    float[] planes() {
        return planes.clone();
    }

    /**
     * @param x {@code (M, d)} row-major values
     * @param rows {@code M >= 1}
     * @param who the caller's name for messages
     * @return the {@code M} codes
     * @throws InvalidInputException if {@code x} does not hold {@code M} rows of {@code d} values
     */
    BinaryCodes encode(float[] x, int rows, String who) {
        int dx = KMeans.checkRows(x, rows, who);
        if (dx != d) {
            throw new InvalidInputException(who + " was fitted on " + d + " values per row, got " + dx);
        }
        int w = BinaryCodes.wordsFor(bits);
        long[] words = new long[rows * w];
        Dots.forEachChunk(x, rows, d, planes, bits, (from, to, dots) -> {
            for (int i = from; i < to; i++) {
                int o = (i - from) * bits;
                for (int j = 0; j < bits; j++) {
                    if (dots[o + j] >= offsets[j]) {
                        words[i * w + (j >>> 6)] |= 1L << (j & 63);
                    }
                }
            }
        });
        return BinaryCodes.wrap(words, rows, bits);
    }

    /**
     * The centred projections {@code (x - mean) . w_j} of rows already checked to have {@code d} values.
     *
     * @return {@code (rows, bits)} row-major
     */
    float[] project(float[] x, int rows) {
        float[] out = new float[rows * bits];
        Dots.forEachChunk(x, rows, d, planes, bits, (from, to, dots) -> {
            for (int e = 0; e < (to - from) * bits; e++) {
                out[from * bits + e] = dots[e] - offsets[e % bits];
            }
        });
        return out;
    }

    /** Column means of {@code (n, d)} rows, summed in double. */
    static double[] mean(float[] x, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            int o = i * d;
            for (int f = 0; f < d; f++) {
                mean[f] += x[o + f];
            }
        }
        for (int f = 0; f < d; f++) {
            mean[f] /= n;
        }
        return mean;
    }

    /**
     * Checks a fit's input and returns {@code d}.
     *
     * @throws InvalidInputException if the rows are malformed, a value is not finite, or {@code bits < 1}
     */
    static int checkFit(float[] x, int rows, int bits, String who) {
        int d = KMeans.checkRows(x, rows, who);
        if (bits < 1) {
            throw new InvalidInputException(who + " needs at least 1 bit, got " + bits);
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new InvalidInputException(who + ": value " + x[i] + " at row " + i / d + ", column " + i % d
                        + " is not finite");
            }
        }
        return d;
    }
}
