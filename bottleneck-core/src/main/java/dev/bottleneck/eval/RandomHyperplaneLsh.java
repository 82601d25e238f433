package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;

import java.util.Random;

/**
 * Random-hyperplane locality-sensitive hashing (Charikar 2002), the data-independent baseline of
 * semantic hashing: bit {@code j} of a row {@code x} is {@code [(x - mean) . w_j >= 0]} with {@code
 * w_j} a standard Gaussian vector. Two rows at angle {@code theta} (about the training mean) differ
 * in each bit with probability {@code theta / pi}. Centering on the training mean (as Gong and
 * Lazebnik 2011 do for their LSH baseline) keeps the bits balanced for data far from the origin
 * such as pixels in {@code [0, 1]}.
 *
 * <p>Fitting only computes the mean and draws the {@code (bits, D)} Gaussian matrix from {@link
 * Random} seeded with {@code seed}, row by row, so a seed gives the same planes everywhere.
 */
public final class RandomHyperplaneLsh {

    private final LinearHash hash;

    private RandomHyperplaneLsh(LinearHash hash) {
        this.hash = hash;
    }

    /**
     * Fits the hash: the training mean and {@code bits} random hyperplanes.
     *
     * @param train {@code (N, D)} row-major training rows, any units
     * @param rows {@code N >= 1}
     * @param bits code length, {@code >= 1} (any length; codes past 64 bits take several words)
     * @param seed seeds the hyperplanes
     * @return the fitted hash
     * @throws InvalidInputException if {@code N < 1}, {@code train.length} is not a positive multiple
     *     of {@code N}, {@code bits < 1}, or a value is not finite
     */
    public static RandomHyperplaneLsh fit(float[] train, int rows, int bits, long seed) {
        int d = LinearHash.checkFit(train, rows, bits, "random-hyperplane LSH");
        Random rnd = new Random(seed);
        float[] planes = new float[bits * d];
        for (int i = 0; i < planes.length; i++) {
            planes[i] = (float) rnd.nextGaussian();
        }
        return new RandomHyperplaneLsh(new LinearHash(planes, LinearHash.mean(train, rows, d), d, bits));
    }

    /**
     * As {@link #fit(float[], int, int, long)} for rows given as a Java matrix (copied to a flat array).
     *
     * @param train {@code (N, D)} training rows, all of length {@code D >= 1}
     * @param bits code length
     * @param seed seeds the fit
     * @return the fitted hash
     * @throws InvalidInputException if there are no rows, rows differ in length, a value is not
     *     finite or {@code bits} is out of range
     */
    public static RandomHyperplaneLsh fit(float[][] train, int bits, long seed) {
        return fit(KMeans.flatten(train, "random-hyperplane LSH"), train.length, bits, seed);
    }

    /**
     * Hashes rows given as a Java matrix.
     *
     * @param x {@code (M, D)} rows in the units of the fit
     * @return {@code M} codes of {@link #bits()} bits
     * @throws InvalidInputException if there are no rows or a row does not have {@code D} values
     */
    public BinaryCodes encode(float[][] x) {
        return encode(KMeans.flatten(x, "random-hyperplane LSH"), x.length);
    }

    /**
     * Hashes rows.
     *
     * @param x {@code (M, D)} row-major rows in the units of the fit
     * @param rows {@code M >= 1}
     * @return {@code M} codes of {@link #bits()} bits
     * @throws InvalidInputException if {@code x} does not hold {@code M} rows of {@code D} values
     */
    public BinaryCodes encode(float[] x, int rows) {
        return hash.encode(x, rows, "random-hyperplane LSH");
    }

    /** @return bits per code */
    public int bits() {
        return hash.bits();
    }

    /** @return {@code D}, values per row */
    public int dims() {
        return hash.dims();
    }
}
