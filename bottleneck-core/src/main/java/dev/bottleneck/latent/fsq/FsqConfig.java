package dev.bottleneck.latent.fsq;

import dev.bottleneck.InvalidInputException;

import java.util.Arrays;

/**
 * The options of a {@link FiniteScalarQuantizer}: the number of levels {@code L_i} of each of the
 * {@code d} dimensions of one code vector; the implicit codebook has {@code prod_i L_i} entries.
 *
 * @param levels {@code L_1 .. L_d}, each {@code >= 2} (copied; {@link #levels()} returns a copy)
 */
public record FsqConfig(int[] levels) {

    /** The largest implicit codebook kept (its usage histogram is one {@code long} per entry). */
    public static final long MAX_CODEBOOK = 1L << 24;

    /** Validates and copies. */
    public FsqConfig {
        if (levels == null || levels.length == 0) {
            throw new InvalidInputException("FSQ needs at least one level count, e.g. 8,5,5,5");
        }
        levels = levels.clone();
        long size = 1;
        for (int l : levels) {
            if (l < 2) {
                throw new InvalidInputException("every FSQ level count must be at least 2, got " + l + " in " + Arrays.toString(levels));
            }
            size *= l;
            if (size > MAX_CODEBOOK) {
                throw new InvalidInputException("FSQ levels " + Arrays.toString(levels) + " give more than " + MAX_CODEBOOK + " codes");
            }
        }
    }

    /**
     * @param levels level counts, e.g. {@code 8, 5, 5, 5}
     * @return the config
     * @throws InvalidInputException if a count is below 2 or the codebook is too large
     */
    public static FsqConfig of(int... levels) {
        return new FsqConfig(levels);
    }

    /**
     * The level sets Mentzer et al. recommend for a target codebook size (section 4.1 of the
     * paper): {@code 2^8: [8,6,5]}, {@code 2^10: [8,5,5,5]} (1,000 codes), {@code 2^12:
     * [7,5,5,5,5]}, {@code 2^14: [8,8,8,6,5]}, {@code 2^16: [8,8,8,5,5,5]}.
     *
     * @param log2Size 8, 10, 12, 14 or 16
     * @return the config
     * @throws InvalidInputException for another size
     */
    public static FsqConfig recommended(int log2Size) {
        return switch (log2Size) {
            case 8 -> of(8, 6, 5);
            case 10 -> of(8, 5, 5, 5);
            case 12 -> of(7, 5, 5, 5, 5);
            case 14 -> of(8, 8, 8, 6, 5);
            case 16 -> of(8, 8, 8, 5, 5, 5);
            default -> throw new InvalidInputException("the FSQ paper recommends levels for 2^8, 2^10, 2^12, 2^14 and 2^16 codes, not 2^" + log2Size);
        };
    }

    @Override
    public int[] levels() {
        return levels.clone();
    }

    /** @return {@code d}, the dimension of one code vector */
    public int dim() {
        return levels.length;
    }

    /** @return {@code prod L_i}, the implicit codebook size */
    public long codebookSize() {
        long s = 1;
        for (int l : levels) {
            s *= l;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FsqConfig f && Arrays.equals(levels, f.levels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(levels);
    }

    @Override
    public String toString() {
        return "FsqConfig" + Arrays.toString(levels);
    }
}
