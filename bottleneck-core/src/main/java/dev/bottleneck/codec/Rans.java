package dev.bottleneck.codec;

import dev.bottleneck.InvalidInputException;

/**
 * A range asymmetric numeral system (rANS) coder (Duda, "Asymmetric numeral systems: entropy
 * coding combining speed of Huffman coding with compression rate of arithmetic coding", 2013),
 * the byte-wise variant with a 32-bit state of Giesen's public-domain {@code rans_byte.h}: state
 * {@code x} in {@code [L, 256 L)}, {@code L = 2^23}; coding symbol {@code s} with frequency {@code
 * f} and start {@code c} out of {@code M = 2^precision} maps {@code x -> (x / f) M + x mod f + c}
 * after moving whole bytes of {@code x} to the output while {@code x >= 256 (L / M) f}.
 *
 * <p>rANS is last-in first-out: the encoder runs over the symbols backwards so the decoder reads
 * them forwards. Each symbol has its own {@link FrequencyTable} (a table per latent channel, as a
 * factorized density gives). The stream is the final state (4 bytes, big-endian) followed by the
 * renormalization bytes in the order the decoder reads them. Coding is integer arithmetic only:
 * the same symbols and tables give the same bytes on every machine and thread.
 *
 * <p>The decoder checks that it ends in the encoder's initial state having read every byte, which
 * catches a truncated or altered stream in all but about 1 of 2^23 cases.
 */
public final class Rans {

    /** The lower bound of the normalized state interval. */
    static final long L = 1L << 23;

    private Rans() {}

    /**
     * Codes symbols.
     *
     * @param symbols the symbols, {@code symbols[i]} in {@code [0, tables[table[i]].size())}
     * @param table for each symbol, the index of its table in {@code tables}
     * @param tables the frequency tables
     * @return the coded bytes
     * @throws InvalidInputException if a symbol is outside its table or the arrays' lengths differ
     */
    public static byte[] encode(int[] symbols, int[] table, FrequencyTable[] tables) {
        if (symbols.length != table.length) {
            throw new InvalidInputException(symbols.length + " symbols but " + table.length + " table indices");
        }
        // bytes are produced backwards; grow a buffer from its end
        byte[] buf = new byte[Math.max(16, symbols.length / 2 + 16)];
        int pos = buf.length;
        long x = L;
        for (int i = symbols.length - 1; i >= 0; i--) {
            FrequencyTable t = tables[table[i]];
            int s = symbols[i];
            if (s < 0 || s >= t.size()) {
                throw new InvalidInputException("symbol " + s + " at " + i + " is outside its table's 0.." + (t.size() - 1));
            }
            long f = t.freq(s);
            int precision = t.precision();
            long xMax = ((L >> precision) << 8) * f;
            while (x >= xMax) {
                if (pos == 0) {
                    buf = grow(buf);
                    pos = buf.length / 2;
                }
                buf[--pos] = (byte) x;
                x >>>= 8;
            }
            x = ((x / f) << precision) + (x % f) + t.start(s);
        }
        for (int k = 0; k < 4; k++) {
            if (pos == 0) {
                buf = grow(buf);
                pos = buf.length / 2;
            }
            buf[--pos] = (byte) x;
            x >>>= 8;
        }
        byte[] out = new byte[buf.length - pos];
        System.arraycopy(buf, pos, out, 0, out.length);
        return out;
    }

    /** Doubles the buffer, keeping its content at the end. */
    private static byte[] grow(byte[] buf) {
        byte[] b = new byte[buf.length * 2];
        System.arraycopy(buf, 0, b, buf.length, buf.length);
        return b;
    }

    /**
     * Decodes {@code table.length} symbols.
     *
     * @param data the bytes from {@link #encode}
     * @param table for each symbol, the index of its table (the encoder's)
     * @param tables the frequency tables (the encoder's)
     * @return the symbols
     * @throws InvalidInputException if the stream is shorter than 4 bytes, ends early, has bytes
     *     left over, or does not end in the encoder's initial state (truncated or altered data)
     */
    public static int[] decode(byte[] data, int[] table, FrequencyTable[] tables) {
        if (data.length < 4) {
            throw new InvalidInputException("the coded data is " + data.length + " bytes, shorter than the coder's 4-byte state");
        }
        long x = 0;
        int pos = 0;
        for (int k = 0; k < 4; k++) {
            x = (x << 8) | (data[pos++] & 0xff);
        }
        int[] out = new int[table.length];
        for (int i = 0; i < table.length; i++) {
            FrequencyTable t = tables[table[i]];
            int precision = t.precision();
            int slot = (int) (x & ((1L << precision) - 1));
            int s = t.symbolAt(slot);
            out[i] = s;
            x = t.freq(s) * (x >>> precision) + slot - t.start(s);
            while (x < L) {
                if (pos >= data.length) {
                    throw new InvalidInputException("the coded data ends early (truncated), at symbol " + i + " of " + table.length);
                }
                x = (x << 8) | (data[pos++] & 0xff);
            }
        }
        if (pos != data.length || x != L) {
            throw new InvalidInputException("the coded data is damaged: " + (pos != data.length
                    ? (data.length - pos) + " bytes left over after the last symbol" : "the coder did not end in its initial state"));
        }
        return out;
    }

    /**
     * The ideal length of coding symbols under their tables: {@code sum_i (precision - log2
     * freq(s_i))}.
     *
     * @param symbols the symbols
     * @param table each symbol's table index
     * @param tables the tables
     * @return bits
     */
    public static double bits(int[] symbols, int[] table, FrequencyTable[] tables) {
        double b = 0;
        for (int i = 0; i < symbols.length; i++) {
            b += tables[table[i]].bits(symbols[i]);
        }
        return b;
    }
}
