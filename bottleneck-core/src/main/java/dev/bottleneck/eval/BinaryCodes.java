package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;

import java.util.Arrays;

/**
 * {@code N} binary codes of {@code bits} bits each, packed into 64-bit words: row {@code i} holds
 * words {@code i * W .. (i + 1) * W - 1} with {@code W = ceil(bits / 64)}, and bit {@code b} of a
 * row is bit {@code b % 64} (least significant first) of its word {@code b / 64}. Bits past {@code
 * bits} in a row's last word are zero, so that the Hamming distance of two rows is the population
 * count of their XOR ({@link #hamming}).
 *
 * <p>Immutable: the factories copy what they are given and {@link #words()} returns a copy.
 */
public final class BinaryCodes {

    private final long[] words;
    private final int rows;
    private final int bits;
    private final int wordsPerRow;

    private BinaryCodes(long[] words, int rows, int bits) {
        this.words = words;
        this.rows = rows;
        this.bits = bits;
        this.wordsPerRow = wordsFor(bits);
    }

    /**
     * Wraps packed words (copied).
     *
     * @param words {@code (N, W)} row-major words, {@code W = ceil(bits / 64)}
     * @param rows {@code N >= 1}
     * @param bits bits per code, {@code >= 1}
     * @return the codes
     * @throws InvalidInputException if {@code rows} or {@code bits} is below 1, the word count is not
     *     {@code N * W}, or a row has a bit set past {@code bits}
     */
    public static BinaryCodes of(long[] words, int rows, int bits) {
        checkShape(rows, bits);
        int w = wordsFor(bits);
        if (words == null || words.length != (long) rows * w) {
            throw new InvalidInputException("binary codes: " + rows + " rows of " + bits + " bits need "
                    + (long) rows * w + " 64-bit words, got " + (words == null ? 0 : words.length));
        }
        long unused = unusedMask(bits);
        if (unused != 0) {
            for (int i = 0; i < rows; i++) {
                if ((words[i * w + w - 1] & unused) != 0) {
                    throw new InvalidInputException("binary codes: row " + i + " has bits set past bit " + (bits - 1));
                }
            }
        }
        return new BinaryCodes(words.clone(), rows, bits);
    }

    /**
     * Packs rows of booleans.
     *
     * @param codes {@code (N, bits)}, all rows of the same length {@code >= 1}
     * @return the codes
     * @throws InvalidInputException if there are no rows, a row is empty or rows differ in length
     */
    public static BinaryCodes fromBits(boolean[][] codes) {
        if (codes == null || codes.length == 0 || codes[0] == null || codes[0].length == 0) {
            throw new InvalidInputException("binary codes need at least one row of at least 1 bit, got none");
        }
        int bits = codes[0].length;
        int w = wordsFor(bits);
        long[] words = new long[codes.length * w];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == null || codes[i].length != bits) {
                throw new InvalidInputException("binary codes: row " + i + " has "
                        + (codes[i] == null ? 0 : codes[i].length) + " bits, row 0 has " + bits);
            }
            for (int b = 0; b < bits; b++) {
                if (codes[i][b]) {
                    words[i * w + (b >>> 6)] |= 1L << (b & 63);
                }
            }
        }
        return new BinaryCodes(words, codes.length, bits);
    }

    /**
     * Packs real values by a threshold: bit = 1 where the value is above it. Use {@code 0.5} for
     * codes in {@code [0, 1]} (sigmoid outputs, 0/1 samples), {@code 0} for logits or signed projections.
     *
     * @param values {@code (N, bits)} row-major values
     * @param rows {@code N >= 1}
     * @param threshold a bit is 1 where {@code value > threshold}
     * @return the codes
     * @throws InvalidInputException if {@code N < 1}, {@code values.length} is not a positive
     *     multiple of {@code N}, or a value is NaN
     */
    public static BinaryCodes fromThreshold(float[] values, int rows, float threshold) {
        int bits = KMeans.checkRows(values, rows, "binary codes");
        int w = wordsFor(bits);
        long[] words = new long[rows * w];
        for (int i = 0; i < rows; i++) {
            for (int b = 0; b < bits; b++) {
                float v = values[i * bits + b];
                if (Float.isNaN(v)) {
                    throw new InvalidInputException("binary codes: value at row " + i + ", bit " + b + " is NaN");
                }
                if (v > threshold) {
                    words[i * w + (b >>> 6)] |= 1L << (b & 63);
                }
            }
        }
        return new BinaryCodes(words, rows, bits);
    }

    /** Wraps words built here, without a copy or a check. */
    static BinaryCodes wrap(long[] words, int rows, int bits) {
        return new BinaryCodes(words, rows, bits);
    }

    /** @return the number of codes {@code N} */
    public int rows() {
        return rows;
    }

    /** @return bits per code */
    public int bits() {
        return bits;
    }

    /** @return 64-bit words per code, {@code ceil(bits / 64)} */
    public int wordsPerRow() {
        return wordsPerRow;
    }

    /** @return a copy of the {@code (N, W)} row-major words */
    public long[] words() {
        return words.clone();
    }

    /** The words themselves, for the retrieval loops in this package. */
    long[] wordsUnsafe() {
        return words;
    }

    /**
     * @param row code index in {@code [0, N)}
     * @param bit bit index in {@code [0, bits)}
     * @return the bit
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public boolean bit(int row, int bit) {
        if (row < 0 || row >= rows || bit < 0 || bit >= bits) {
            throw new IndexOutOfBoundsException("bit " + bit + " of row " + row + " of " + rows + " codes of " + bits + " bits");
        }
        return (words[row * wordsPerRow + (bit >>> 6)] >>> (bit & 63) & 1L) != 0;
    }

    /**
     * The Hamming distance between a code here and one in {@code other}.
     *
     * @param row code index here
     * @param other codes of the same bit count
     * @param otherRow code index there
     * @return the number of differing bits, {@code 0..bits}
     * @throws InvalidInputException if the bit counts differ
     */
    public int hamming(int row, BinaryCodes other, int otherRow) {
        requireSameBits(other, "Hamming distance");
        int d = 0;
        for (int w = 0; w < wordsPerRow; w++) {
            d += Long.bitCount(words[row * wordsPerRow + w] ^ other.words[otherRow * wordsPerRow + w]);
        }
        return d;
    }

    void requireSameBits(BinaryCodes other, String what) {
        if (other.bits != bits) {
            throw new InvalidInputException(what + ": codes of " + bits + " bits against codes of " + other.bits + " bits");
        }
    }

    static int wordsFor(int bits) {
        return (bits + 63) >>> 6;
    }

    private static long unusedMask(int bits) {
        int used = bits & 63;
        return used == 0 ? 0 : -1L << used;
    }

    static void checkShape(int rows, int bits) {
        if (rows < 1) {
            throw new InvalidInputException("binary codes need at least one row, got " + rows);
        }
        if (bits < 1) {
            throw new InvalidInputException("binary codes need at least 1 bit, got " + bits);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryCodes c && c.rows == rows && c.bits == bits && Arrays.equals(c.words, words);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + bits) + Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "BinaryCodes[" + rows + " x " + bits + " bits]";
    }
}
