package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;

/**
 * Scores of a binary problem sorted once and grouped by equal score, the common ground of {@link
 * Auroc}, {@link Auprc} and the ROC curve. Groups are in ascending score order; each holds how
 * many positive (anomalous) and negative (normal) examples share that exact score, so ties are
 * handled exactly.
 *
 * <p>Sorting packs each (score, label) pair into one {@code long} and sorts the primitive array:
 * {@code O(N log N)}, 8 bytes per example (10 million scores take about a second).
 */
final class RankedScores {

    /** Distinct scores, ascending. */
    final float[] score;
    /** Positives (label 1) per distinct score. */
    final long[] pos;
    /** Negatives (label 0) per distinct score. */
    final long[] neg;
    /** Number of distinct scores. */
    final int groups;
    /** All positives. */
    final long totalPos;
    /** All negatives. */
    final long totalNeg;

    private RankedScores(float[] score, long[] pos, long[] neg, int groups, long totalPos, long totalNeg) {
        this.score = score;
        this.pos = pos;
        this.neg = neg;
        this.groups = groups;
        this.totalPos = totalPos;
        this.totalNeg = totalNeg;
    }

    /**
     * Sorts and groups.
     *
     * @param scores {@code (N)} scores, higher = more anomalous; finite or infinite, not NaN
     * @param positive {@code (N)} true for an anomaly (label 1)
     * @param n how many leading entries to use
     * @return the grouped scores
     * @throws IllegalArgumentException if the arrays are shorter than {@code n}
     * @throws InvalidInputException if a score is NaN
     */
    static RankedScores of(float[] scores, boolean[] positive, int n) {
        if (scores.length < n || positive.length < n) {
            throw new IllegalArgumentException("need " + n + " scores and labels, got " + scores.length + " and " + positive.length);
        }
        long[] keys = new long[n];
        long totalPos = 0;
        for (int i = 0; i < n; i++) {
            float s = scores[i];
            if (Float.isNaN(s)) {
                throw new InvalidInputException("score " + i + " is NaN; ranking metrics need comparable scores");
            }
            keys[i] = ((long) sortable(s + 0.0f) << 1) | (positive[i] ? 1 : 0); // + 0.0f turns -0.0 into 0.0
            if (positive[i]) {
                totalPos++;
            }
        }
        java.util.Arrays.sort(keys);
        float[] sc = new float[Math.max(1, n)];
        long[] p = new long[Math.max(1, n)];
        long[] q = new long[Math.max(1, n)];
        int g = -1;
        long prev = 0;
        for (int i = 0; i < n; i++) {
            long bits = keys[i] >> 1;
            if (g < 0 || bits != prev) {
                g++;
                prev = bits;
                sc[g] = unsortable((int) bits);
            }
            if ((keys[i] & 1) != 0) {
                p[g]++;
            } else {
                q[g]++;
            }
        }
        return new RankedScores(sc, p, q, g + 1, totalPos, n - totalPos);
    }

    /** Maps a float to an int whose signed order is the float's order (NaN excluded). */
    private static int sortable(float f) {
        int b = Float.floatToRawIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    private static float unsortable(int s) {
        return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7fffffff));
    }

    /**
     * @param what the metric's name, for the message
     * @throws InvalidInputException unless both classes are present
     */
    void requireBothClasses(String what) {
        if (totalPos == 0 || totalNeg == 0) {
            throw new InvalidInputException(what + " needs both normal and anomalous examples; got " + totalNeg + " normal and "
                    + totalPos + " anomalous");
        }
    }
}
