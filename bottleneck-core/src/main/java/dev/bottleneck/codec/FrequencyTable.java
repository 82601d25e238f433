package dev.bottleneck.codec;

import dev.bottleneck.InvalidInputException;

import java.util.Arrays;

/**
 * A symbol distribution as integer frequencies that sum to {@code 2^precision}, the form an rANS
 * coder codes with: symbol {@code s} in {@code [0, size)} owns the slots {@code [start(s),
 * start(s) + freq(s))}. Every symbol gets at least one slot, so any symbol of the alphabet can be
 * coded, even one the model thought impossible (at a cost of up to {@code precision} bits).
 *
 * <p>The cost of coding {@code s} is {@code precision - log2 freq(s)} bits; {@link #bits} gives
 * it, so a caller can compare the coded length with the model's own estimate.
 */
public final class FrequencyTable {

    /** The largest precision: frequencies must fit the coder's 32-bit state arithmetic. */
    public static final int MAX_PRECISION = 16;

    private final int precision;
    private final int[] freq;
    /** The first slot of each symbol, and {@code 2^precision} at the end ({@code size + 1} entries). */
    private final int[] start;

    private FrequencyTable(int precision, int[] freq) {
        this.precision = precision;
        this.freq = freq;
        this.start = new int[freq.length + 1];
        for (int i = 0; i < freq.length; i++) {
            start[i + 1] = start[i] + freq[i];
        }
    }

    /**
     * Quantizes probabilities: each symbol gets one slot plus its share of the rest, rounded down;
     * the slots left by rounding go to the most probable symbols.
     *
     * @param p probabilities of symbols {@code 0..size-1}, {@code >= 0}, not all 0 (they need not
     *     sum to 1: they are normalized)
     * @param precision {@code log2} of the total, {@code 1..16}; at least {@code log2 size}
     * @return the table
     * @throws InvalidInputException if {@code p} is empty, longer than {@code 2^precision}, holds
     *     a negative or non-finite value, or sums to 0
     */
    public static FrequencyTable of(double[] p, int precision) {
        if (precision < 1 || precision > MAX_PRECISION) {
            throw new InvalidInputException("frequency precision must be 1.." + MAX_PRECISION + " bits, got " + precision);
        }
        int total = 1 << precision;
        if (p.length == 0 || p.length > total) {
            throw new InvalidInputException("a frequency table of " + precision + " bits holds 1.." + total + " symbols, got " + p.length);
        }
        double sum = 0;
        for (double v : p) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new InvalidInputException("symbol probabilities must be finite and >= 0, got " + v);
            }
            sum += v;
        }
        if (!(sum > 0)) {
            throw new InvalidInputException("symbol probabilities sum to 0");
        }
        int n = p.length;
        int spare = total - n;
        int[] f = new int[n];
        int used = 0;
        for (int i = 0; i < n; i++) {
            f[i] = 1 + (int) Math.floor(p[i] / sum * spare);
            used += f[i];
        }
        // hand out what rounding left, largest remainders first (ties: lower symbol)
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double[] rest = new double[n];
        for (int i = 0; i < n; i++) {
            rest[i] = p[i] / sum * spare - Math.floor(p[i] / sum * spare);
        }
        Arrays.sort(order, (a, b) -> rest[a] != rest[b] ? Double.compare(rest[b], rest[a]) : Integer.compare(a, b));
        for (int k = 0; used < total; k = (k + 1) % n) {
            f[order[k]]++;
            used++;
        }
        return new FrequencyTable(precision, f);
    }

    /** @return the number of symbols */
    public int size() {
        return freq.length;
    }

    /** @return {@code log2} of the total frequency */
    public int precision() {
        return precision;
    }

    /**
     * @param symbol a symbol in {@code [0, size)}
     * @return its frequency, {@code >= 1}
     */
    public int freq(int symbol) {
        return freq[symbol];
    }

    /**
     * @param symbol a symbol in {@code [0, size)}
     * @return the first slot it owns
     */
    public int start(int symbol) {
        return start[symbol];
    }

    /**
     * The symbol that owns a slot, by binary search over the cumulative frequencies: {@code
     * O(log size)} per decoded symbol, and a table costs {@code O(size)} memory instead of a
     * {@code 2^precision} lookup array (a per-position density builds hundreds of tables per image).
     *
     * @param slot a slot in {@code [0, 2^precision)}
     * @return the symbol {@code s} with {@code start(s) <= slot < start(s + 1)}
     */
    int symbolAt(int slot) {
        int lo = 0;
        int hi = freq.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (start[mid] <= slot) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /**
     * @param symbol a symbol in {@code [0, size)}
     * @return the cost of coding it, {@code precision - log2 freq}, bits
     */
    public double bits(int symbol) {
        return precision - Math.log(freq[symbol]) / Math.log(2);
    }
}
