package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A quantizer's health over many batches (an epoch, a test set): a histogram of the codes it
 * emitted, and the codebook entries it replaced. Kept in Java ({@code long} counts), apart from
 * the loss.
 *
 * <p>Slots: a code index {@code c} in {@code [0, values)} at position {@code p} of the last code
 * axis counts in slot {@code p * values + c} when the layer's positions have codebooks of their
 * own ({@code positions > 1}: the {@code K} bits of a binary code, {@code values = 2}; the {@code
 * G} groups of a categorical code, {@code values = C}), and in slot {@code c} when all positions
 * share one codebook ({@code positions = 1}: VQ and FSQ, whose flat {@code (N, M)} or grid {@code
 * (N, H', W')} indices all address the same {@code K} entries). The histogram has {@code
 * positions * values} slots.
 *
 * <p>Metrics (vector-quantize-pytorch's {@code Codebook} and Jukebox's bottleneck report the same
 * ones; van den Oord et al. 2017 and Razavi et al. 2019 discuss collapse in their terms):
 *
 * <ul>
 *   <li>{@link #perplexity()}: {@code exp(-sum_s p_s ln p_s)} with {@code p_s = n_s / n} the
 *       histogram of <em>all</em> the codes added, i.e. the effective number of slots in use;
 *       between 1 and the slot count. It is computed from the accumulated histogram, never as the
 *       mean of batch perplexities (a mean of batch values over-states collapse: every batch can
 *       use few codes while the epoch uses many). With {@code positions > 1} it equals {@code
 *       positions * exp(mean over positions of each position's entropy)}, so {@code 2K} for {@code
 *       K} balanced independent bits.
 *   <li>{@link #usedFraction()}: the share of slots counted at least once.
 *   <li>{@link #deadCodes()}: slots never counted (a constant bit shows as one dead slot).
 *   <li>{@link #resets()}: codebook entries the layer replaced (dead-code reset), added by the
 *       layer through {@link #addResets}.
 * </ul>
 */
public final class CodeUsage {

    /**
     * The metrics at one moment, with names (units in the names) for logs and reports.
     *
     * @param total codes counted (indices, not examples)
     * @param perplexity {@link CodeUsage#perplexity()}
     * @param used slots counted at least once
     * @param slots the slot count
     * @param resets entries replaced
     */
    public record Summary(long total, double perplexity, int used, int slots, long resets) {

        /** @return {@code used / slots} */
        public double usedFraction() {
            return slots == 0 ? 0 : (double) used / slots;
        }

        /** @return {@code slots - used} */
        public int deadCodes() {
            return slots - used;
        }

        /**
         * @return {@code perplexity}, {@code codes_used_fraction}, {@code dead_codes}, {@code
         *     resets}, {@code codes_counted}, in that order
         */
        public Map<String, Double> toMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("perplexity", perplexity);
            m.put("codes_used_fraction", usedFraction());
            m.put("dead_codes", (double) deadCodes());
            m.put("resets", (double) resets);
            m.put("codes_counted", (double) total);
            return m;
        }
    }

    private final long values;
    private final int positions;
    private final long[] counts;
    private long total;
    private long resets;

    /**
     * An accumulator for codes whose positions share one codebook of {@code values} entries.
     *
     * @param values the codebook size, {@code >= 1}
     */
    public CodeUsage(long values) {
        this(values, 1);
    }

    /**
     * @param values the range of one code index, {@code >= 1}
     * @param positions {@code 1} when every position shares the codebook; else the length of the
     *     last code axis, each position counted in its own slots
     * @throws IllegalArgumentException if a size is not positive or the histogram would exceed
     *     {@code 2^27} slots
     */
    public CodeUsage(long values, int positions) {
        if (values < 1 || positions < 1) {
            throw new IllegalArgumentException("a code histogram needs positive sizes, got " + values + " values x " + positions + " positions");
        }
        if (values * positions > (1L << 27)) {
            throw new IllegalArgumentException("a code histogram of " + values + " x " + positions + " slots is too large to keep");
        }
        this.values = values;
        this.positions = positions;
        this.counts = new long[(int) (values * positions)];
    }

    /**
     * Counts a batch of codes.
     *
     * @param codes integer indices in {@code [0, values)}: any shape when {@code positions = 1};
     *     {@code (..., positions)} otherwise. Read once to Java ({@code codes.size()} longs).
     * @throws IllegalArgumentException if an index is out of range or the last axis does not match
     */
    public void add(NDArray codes) {
        long[] c = codes.toType(DataType.INT64, false).toLongArray();
        if (positions > 1) {
            long last = codes.getShape().dimension() == 0 ? 1 : codes.getShape().get(codes.getShape().dimension() - 1);
            if (last != positions) {
                throw new IllegalArgumentException("codes of shape " + codes.getShape() + " do not have " + positions + " positions on the last axis");
            }
        }
        for (int i = 0; i < c.length; i++) {
            long v = c[i];
            if (v < 0 || v >= values) {
                throw new IllegalArgumentException("code " + v + " is out of range for a codebook of " + values);
            }
            int slot = (int) (positions > 1 ? (i % positions) * values + v : v);
            counts[slot]++;
        }
        total += c.length;
    }

    /**
     * Adds counts gathered elsewhere (a layer that already has its batch histogram).
     *
     * @param slotCounts one count per slot, {@code slots()} long
     * @throws IllegalArgumentException on a length mismatch or a negative count
     */
    public void addCounts(long[] slotCounts) {
        if (slotCounts.length != counts.length) {
            throw new IllegalArgumentException(slotCounts.length + " counts for a histogram of " + counts.length + " slots");
        }
        for (int s = 0; s < counts.length; s++) {
            if (slotCounts[s] < 0) {
                throw new IllegalArgumentException("negative count " + slotCounts[s] + " for slot " + s);
            }
            counts[s] += slotCounts[s];
            total += slotCounts[s];
        }
    }

    /**
     * Records codebook entries replaced by a dead-code reset.
     *
     * @param n how many, {@code >= 0}
     */
    public void addResets(long n) {
        resets += n;
    }

    /** Forgets everything: a new epoch. */
    public void clear() {
        Arrays.fill(counts, 0);
        total = 0;
        resets = 0;
    }

    /** @return the number of slots ({@code positions * values}) */
    public int slots() {
        return counts.length;
    }

    /** @return a copy of the histogram */
    public long[] counts() {
        return counts.clone();
    }

    /** @return codes counted since the last {@link #clear()} */
    public long total() {
        return total;
    }

    /** @return entries replaced since the last {@link #clear()} */
    public long resets() {
        return resets;
    }

    /** @return {@code exp(entropy)} of the accumulated histogram in nats; 0 when nothing was counted */
    public double perplexity() {
        return perplexity(counts);
    }

    /** @return the share of slots counted at least once, in [0, 1] */
    public double usedFraction() {
        return (double) used() / counts.length;
    }

    /** @return the number of slots counted at least once */
    public int used() {
        int u = 0;
        for (long c : counts) {
            if (c > 0) {
                u++;
            }
        }
        return u;
    }

    /** @return the number of slots never counted */
    public int deadCodes() {
        return counts.length - used();
    }

    /** @return the metrics now */
    public Summary summary() {
        return new Summary(total, perplexity(), used(), counts.length, resets);
    }

    /**
     * The perplexity of a histogram: {@code exp(-sum p ln p)}, {@code 0 ln 0 = 0}.
     *
     * @param counts non-negative counts
     * @return between 1 and the number of non-zero counts; 0 for an empty histogram
     */
    public static double perplexity(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        if (n == 0) {
            return 0;
        }
        double h = 0;
        for (long c : counts) {
            if (c > 0) {
                double p = (double) c / n;
                h -= p * Math.log(p);
            }
        }
        return Math.exp(h);
    }

    @Override
    public String toString() {
        Summary s = summary();
        return String.format("perplexity %.1f of %d, %.1f%% used, %d dead, %d resets", s.perplexity(), s.slots(),
                100 * s.usedFraction(), s.deadCodes(), s.resets());
    }
}
