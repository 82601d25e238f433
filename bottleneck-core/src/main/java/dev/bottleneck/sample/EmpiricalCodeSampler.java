package dev.bottleneck.sample;

import dev.bottleneck.InvalidInputException;

import java.util.SplittableRandom;

/**
 * A distribution over the integer codes of a discrete model (bits, categories, codebook indices):
 * the training set's histogram of each code position, positions drawn independently. It is the
 * prior a VQ-VAE has before one is learned over its indices (van den Oord et al. 2017 train a
 * PixelCNN over them; the independent histogram is the simplest such prior and ignores how
 * positions depend on each other). For a one-hot code of one group it draws classes in proportion
 * to their size, and the decoder shows each class's prototype.
 *
 * <p>Codes are row-major {@code (N, W)} indices in {@code [0, V)}, held as floats (what {@link
 * dev.bottleneck.app.Codes#decodeIndices} reads). The temperature {@code T} sharpens or flattens
 * each position's distribution: {@code p_T(c) ∝ p(c)^(1/T)}; {@code T = 0} always takes the most
 * frequent index, {@code T = 1} the histogram itself.
 */
public final class EmpiricalCodeSampler implements LatentSampler {

    private final int width;
    private final int values;
    /** {@code (W, V)} probabilities, each row sums to 1. */
    private final double[] p;

    private EmpiricalCodeSampler(int width, int values, double[] p) {
        this.width = width;
        this.values = values;
        this.p = p;
    }

    /**
     * Counts the codes of the training data.
     *
     * @param codes {@code (N, W)} row-major indices in {@code [0, values)}
     * @param width {@code W}, indices per example, {@code >= 1}
     * @param values {@code V}, the codebook size (2 for bits), {@code >= 1}
     * @return the sampler
     * @throws InvalidInputException if there are no codes, their count is not a multiple of
     *     {@code W}, or an index is out of range
     */
    public static EmpiricalCodeSampler fit(int[] codes, int width, int values) {
        if (width < 1 || values < 1) {
            throw new InvalidInputException("a code sampler needs at least 1 position and 1 value, got " + width + " x " + values);
        }
        if (codes == null || codes.length == 0 || codes.length % width != 0) {
            throw new InvalidInputException("the code sampler needs whole codes of " + width + " indices, got "
                    + (codes == null ? 0 : codes.length) + " values");
        }
        int n = codes.length / width;
        double[] p = new double[width * values];
        for (int i = 0; i < codes.length; i++) {
            int c = codes[i];
            if (c < 0 || c >= values) {
                throw new InvalidInputException("code index " + c + " is outside 0.." + (values - 1));
            }
            p[(i % width) * values + c] += 1.0 / n;
        }
        return new EmpiricalCodeSampler(width, values, p);
    }

    @Override
    public String name() {
        return "codes";
    }

    /** @return {@code W}, the indices per code */
    @Override
    public int dimension() {
        return width;
    }

    /**
     * @param position a code position in {@code [0, W)}
     * @return its distribution over the {@code V} values, a copy
     */
    public double[] probabilities(int position) {
        double[] out = new double[values];
        System.arraycopy(p, position * values, out, 0, values);
        return out;
    }

    /**
     * @param n codes to draw, {@code >= 0}
     * @param temperature {@code T >= 0}, see the class comment
     * @param seed seeds the draw
     * @return {@code (n, W)} indices as floats
     * @throws InvalidInputException if {@code n < 0} or {@code T} is negative or not finite
     */
    @Override
    public float[] sample(int n, double temperature, long seed) {
        Samplers.checkDraw(n, temperature);
        double[] q = new double[p.length];
        for (int w = 0; w < width; w++) {
            int best = 0;
            double sum = 0;
            for (int v = 0; v < values; v++) {
                double pv = p[w * values + v];
                if (pv > p[w * values + best]) {
                    best = v;
                }
                double x = temperature == 0 ? 0 : pv == 0 ? 0 : Math.exp(Math.log(pv) / temperature);
                q[w * values + v] = x;
                sum += x;
            }
            if (temperature == 0 || !(sum > 0)) {
                java.util.Arrays.fill(q, w * values, (w + 1) * values, 0);
                q[w * values + best] = 1;
            } else {
                for (int v = 0; v < values; v++) {
                    q[w * values + v] /= sum;
                }
            }
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n * width];
        for (int i = 0; i < n; i++) {
            for (int w = 0; w < width; w++) {
                double u = r.nextDouble();
                int v = 0;
                double acc = q[w * values];
                while (u >= acc && v < values - 1) {
                    v++;
                    acc += q[w * values + v];
                }
                // skip values of probability 0 that rounding left at the end
                while (q[w * values + v] == 0 && v > 0) {
                    v--;
                }
                out[i * width + w] = v;
            }
        }
        return out;
    }

    /**
     * @param codes {@code (N, W)} indices (whole numbers as floats)
     * @return {@code (N)} log probabilities, nats; {@code -Infinity} for a code with an index never
     *     seen at its position
     * @throws InvalidInputException if the count is not a multiple of {@code W} or an index is not
     *     a whole number in range
     */
    @Override
    public double[] logDensity(float[] codes) {
        if (codes.length % width != 0) {
            throw new InvalidInputException("codes of " + codes.length + " values are not whole codes of " + width + " indices");
        }
        int n = codes.length / width;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int w = 0; w < width; w++) {
                float c = codes[i * width + w];
                if (c != Math.rint(c) || c < 0 || c >= values) {
                    throw new InvalidInputException("code index " + c + " is not a whole number in 0.." + (values - 1));
                }
                s += Math.log(p[w * values + (int) c]);
            }
            out[i] = s;
        }
        return out;
    }
}
