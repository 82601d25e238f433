package dev.bottleneck.sample;

import dev.bottleneck.InvalidInputException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A mixture of {@code C} full-covariance Gaussians fitted to codes by expectation-maximisation
 * (Dempster, Laird and Rubin 1977; Bishop, "Pattern Recognition and Machine Learning", 9.2), then
 * sampled: pick component {@code c} with probability {@code pi_c}, draw {@code z = m_c + T * L_c
 * eps}. A mixture follows a plain autoencoder's clustered codes better than one Gaussian
 * (Ghosh et al. 2020 fit such "ex-post" densities to deterministic autoencoders).
 *
 * <p>Fitting: means initialised by k-means++ (Arthur and Vassilvitskii 2007) and 10 Lloyd
 * iterations, covariances and weights from that hard assignment; then EM until the mean
 * log-likelihood per code improves by less than {@code 1e-5} nats or 200 iterations. Each
 * covariance gets a ridge of {@code 1e-6} times its mean diagonal (as scikit-learn's {@code
 * reg_covar}) so none collapses onto a point. E-step responsibilities use a stable log-sum-exp.
 * Above {@code maxPoints} codes a seeded random subset is used.
 */
public final class GaussianMixtureSampler implements LatentSampler {

    private static final int MAX_ITERATIONS = 200;
    private static final double TOLERANCE = 1e-5;

    private final int k;
    private final double[] weights;
    private final double[][] means;
    private final double[][] chols;
    private final List<Double> history;

    private GaussianMixtureSampler(int k, double[] weights, double[][] means, double[][] chols, List<Double> history) {
        this.k = k;
        this.weights = weights;
        this.means = means;
        this.chols = chols;
        this.history = history;
    }

    /**
     * Fits the mixture by EM.
     *
     * @param codes {@code (N, K)} row-major
     * @param k the code size {@code K}
     * @param components {@code C >= 1}
     * @param seed seeds the initialisation and the subset
     * @param maxPoints fit on at most this many codes (a seeded random subset)
     * @return the fitted sampler
     * @throws InvalidInputException if {@code C < 1} or there are fewer codes than components
     */
    public static GaussianMixtureSampler fit(float[] codes, int k, int components, long seed, int maxPoints) {
        if (components < 1) {
            throw new InvalidInputException("a mixture needs at least 1 component, got " + components);
        }
        int n0 = Samplers.checkCodes(codes, k, Math.max(2, components));
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = codes;
        int n = n0;
        if (n0 > maxPoints) {
            List<Integer> idx = new ArrayList<>(n0);
            for (int i = 0; i < n0; i++) {
                idx.add(i);
            }
            Collections.shuffle(idx, new java.util.Random(seed));
            x = new float[maxPoints * k];
            for (int i = 0; i < maxPoints; i++) {
                System.arraycopy(codes, idx.get(i) * k, x, i * k, k);
            }
            n = maxPoints;
        }
        int c = components;
        double[][] means = kMeans(x, n, k, c, rnd);
        // hard assignment -> initial responsibilities
        double[][] resp = new double[c][n];
        for (int i = 0; i < n; i++) {
            resp[nearest(x, i, means, k)][i] = 1;
        }
        double[] weights = new double[c];
        double[][] chols = new double[c][];
        List<Double> history = new ArrayList<>();
        double[] logp = new double[c];
        double prev = Double.NEGATIVE_INFINITY;
        for (int it = 0; it <= MAX_ITERATIONS; it++) {
            // M step
            for (int j = 0; j < c; j++) {
                double[] cov = new double[k * k];
                double nj = Gaussians.weightedMoments(x, k, resp[j], means[j], cov);
                if (!(nj > 1e-10)) { // an empty component: restart it on a random code
                    int i = rnd.nextInt(n);
                    for (int a = 0; a < k; a++) {
                        means[j][a] = x[i * k + a];
                    }
                    cov = new double[k * k];
                    for (int a = 0; a < k; a++) {
                        cov[a * k + a] = 1;
                    }
                    nj = 1e-10;
                }
                Gaussians.ridge(cov, k, 1e-6);
                weights[j] = nj / n;
                chols[j] = Gaussians.cholesky(cov, k);
            }
            double wsum = 0;
            for (double w : weights) {
                wsum += w;
            }
            for (int j = 0; j < c; j++) {
                weights[j] /= wsum;
            }
            if (it == MAX_ITERATIONS) {
                break;
            }
            // E step
            double[] logDet = new double[c];
            for (int j = 0; j < c; j++) {
                logDet[j] = Gaussians.logDetFromCholesky(chols[j], k);
            }
            double total = 0;
            double[] y = new double[k];
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c; j++) {
                    logp[j] = Math.log(weights[j]) + Gaussians.logDensity(x, i, means[j], chols[j], k, logDet[j], y);
                    max = Math.max(max, logp[j]);
                }
                double s = 0;
                for (int j = 0; j < c; j++) {
                    s += Math.exp(logp[j] - max);
                }
                double lse = max + Math.log(s);
                total += lse;
                for (int j = 0; j < c; j++) {
                    resp[j][i] = Math.exp(logp[j] - lse);
                }
            }
            double mean = total / n;
            history.add(mean);
            if (mean - prev < TOLERANCE) {
                break;
            }
            prev = mean;
        }
        return new GaussianMixtureSampler(k, weights, means, chols, history);
    }

    private static double[][] kMeans(float[] x, int n, int k, int c, SplittableRandom rnd) {
        double[][] centers = new double[c][k];
        double[] d2 = new double[n];
        int first = rnd.nextInt(n);
        for (int a = 0; a < k; a++) {
            centers[0][a] = x[first * k + a];
        }
        java.util.Arrays.fill(d2, Double.POSITIVE_INFINITY);
        for (int j = 1; j < c; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], dist2(x, i, centers[j - 1], k));
                total += d2[i];
            }
            double u = rnd.nextDouble() * total;
            int pick = n - 1;
            for (int i = 0; i < n; i++) {
                u -= d2[i];
                if (u <= 0) {
                    pick = i;
                    break;
                }
            }
            for (int a = 0; a < k; a++) {
                centers[j][a] = x[pick * k + a];
            }
        }
        int[] assign = new int[n];
        for (int it = 0; it < 10; it++) {
            double[][] sums = new double[c][k];
            int[] counts = new int[c];
            for (int i = 0; i < n; i++) {
                int j = nearest(x, i, centers, k);
                assign[i] = j;
                counts[j]++;
                for (int a = 0; a < k; a++) {
                    sums[j][a] += x[i * k + a];
                }
            }
            for (int j = 0; j < c; j++) {
                if (counts[j] > 0) {
                    for (int a = 0; a < k; a++) {
                        centers[j][a] = sums[j][a] / counts[j];
                    }
                }
            }
        }
        return centers;
    }

    private static int nearest(float[] x, int i, double[][] centers, int k) {
        int best = 0;
        double bd = Double.POSITIVE_INFINITY;
        for (int j = 0; j < centers.length; j++) {
            double d = dist2(x, i, centers[j], k);
            if (d < bd) {
                bd = d;
                best = j;
            }
        }
        return best;
    }

    private static double dist2(float[] x, int i, double[] c, int k) {
        double s = 0;
        for (int a = 0; a < k; a++) {
            double d = x[i * k + a] - c[a];
            s += d * d;
        }
        return s;
    }

    /** @return the mixture weights {@code (C)}, summing to 1 */
    public double[] weights() {
        return weights.clone();
    }

    /** @return the component means {@code (C, K)} */
    public double[][] means() {
        double[][] m = new double[means.length][];
        for (int j = 0; j < means.length; j++) {
            m[j] = means[j].clone();
        }
        return m;
    }

    /** @return the mean log-likelihood per code after each EM iteration (non-decreasing) */
    public List<Double> history() {
        return List.copyOf(history);
    }

    @Override
    public String name() {
        return "gmm:" + weights.length;
    }

    @Override
    public int dimension() {
        return k;
    }

    @Override
    public float[] sample(int n, double temperature, long seed) {
        Samplers.checkDraw(n, temperature);
        SplittableRandom r = new SplittableRandom(seed);
        float[] z = new float[n * k];
        double[] e = new double[k];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int j = 0;
            while (j < weights.length - 1 && u >= weights[j]) {
                u -= weights[j];
                j++;
            }
            Gaussians.draw(r, means[j], chols[j], k, temperature, e, z, i);
        }
        return z;
    }

    @Override
    public double[] logDensity(float[] codes) {
        int n = codes.length / k;
        double[] out = new double[n];
        double[] logDet = new double[weights.length];
        for (int j = 0; j < weights.length; j++) {
            logDet[j] = Gaussians.logDetFromCholesky(chols[j], k);
        }
        double[] y = new double[k];
        double[] lp = new double[weights.length];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < weights.length; j++) {
                lp[j] = Math.log(weights[j]) + Gaussians.logDensity(codes, i, means[j], chols[j], k, logDet[j], y);
                max = Math.max(max, lp[j]);
            }
            double s = 0;
            for (double v : lp) {
                s += Math.exp(v - max);
            }
            out[i] = max + Math.log(s);
        }
        return out;
    }
}
