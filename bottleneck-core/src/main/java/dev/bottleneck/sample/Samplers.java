package dev.bottleneck.sample;

import dev.bottleneck.InvalidInputException;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Sampler specs and fitting: {@code prior} (a VAE's {@code N(0, I)}), {@code gaussian} (one
 * full-covariance Gaussian fitted to training codes), {@code gmm:N} (a mixture of {@code N}
 * full-covariance Gaussians fitted by EM), {@code codes} (the histogram of a discrete model's
 * integer codes, {@link EmpiricalCodeSampler}).
 */
public final class Samplers {

    /** The most codes a mixture is fitted on (a seeded random subset above this). */
    public static final int GMM_MAX_POINTS = 20_000;

    private Samplers() {}

    /**
     * A parsed sampler spec.
     *
     * @param kind {@code prior}, {@code gaussian}, {@code gmm} or {@code codes}
     * @param components mixture components for {@code gmm}, else 1
     */
    public record Spec(String kind, int components) {

        /** @return whether this sampler is fitted to the float codes of the training data */
        public boolean needsCodes() {
            return !kind.equals("prior") && !kind.equals("codes");
        }

        @Override
        public String toString() {
            return kind.equals("gmm") ? "gmm:" + components : kind;
        }
    }

    /**
     * @param spec {@code prior}, {@code gaussian}, {@code gmm:N} or {@code codes}
     * @return the parsed spec
     * @throws InvalidInputException for an unknown kind or {@code N < 1}
     */
    public static Spec parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("prior") || s.equals("gaussian") || s.equals("codes")) {
            return new Spec(s, 1);
        }
        if (s.startsWith("gmm:")) {
            int c;
            try {
                c = Integer.parseInt(s.substring(4));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("--sampler gmm:N needs a whole number of components, got '" + spec + "'");
            }
            if (c < 1) {
                throw new InvalidInputException("--sampler gmm:N needs N >= 1 components, got " + c);
            }
            return new Spec("gmm", c);
        }
        throw new InvalidInputException("unknown --sampler '" + spec + "' (known: prior, gaussian, gmm:N, codes)");
    }

    /**
     * Fits a sampler.
     *
     * @param spec the spec
     * @param codes training codes {@code (N, K)} (unused for {@code prior}; may be null then)
     * @param k the code size
     * @param seed seeds the mixture's initialisation and subset
     * @return the sampler
     * @throws IllegalArgumentException for {@code codes}, which is fitted to integer codes ({@link
     *     EmpiricalCodeSampler#fit})
     */
    public static LatentSampler fit(Spec spec, float[] codes, int k, long seed) {
        switch (spec.kind()) {
            case "codes":
                throw new IllegalArgumentException("the codes sampler is fitted to integer codes: EmpiricalCodeSampler.fit");
            case "prior":
                return new PriorSampler(k);
            case "gaussian":
                return GaussianSampler.fit(codes, k);
            default:
                return GaussianMixtureSampler.fit(codes, k, spec.components(), seed, GMM_MAX_POINTS);
        }
    }

    static int checkCodes(float[] codes, int k, int min) {
        if (k < 1 || codes == null || codes.length % k != 0) {
            throw new InvalidInputException("codes must be (N, K) with K = " + k);
        }
        int n = codes.length / k;
        if (n < min) {
            throw new InvalidInputException("fitting needs at least " + min + " codes, got " + n);
        }
        for (float f : codes) {
            if (!Float.isFinite(f)) {
                throw new InvalidInputException("a code value is " + f);
            }
        }
        return n;
    }

    static void checkDraw(int n, double temperature) {
        if (n < 0) {
            throw new InvalidInputException("cannot draw " + n + " samples");
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InvalidInputException("--temperature must be a finite number >= 0, got " + temperature);
        }
    }

    /** A standard normal draw (Box-Muller on the seeded generator, so runs repeat everywhere). */
    static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble(); // (0, 1]
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
