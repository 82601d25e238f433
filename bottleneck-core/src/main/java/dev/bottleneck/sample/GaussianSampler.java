package dev.bottleneck.sample;

import dev.bottleneck.InvalidInputException;

import java.util.SplittableRandom;

/**
 * One Gaussian {@code N(m, C)} with full covariance fitted to codes by maximum likelihood: {@code
 * m} the mean, {@code C} the covariance (divisor {@code N}) plus a ridge of {@code 1e-6} times its
 * mean diagonal so that it is positive definite. Sampling is {@code z = m + T * L eps} with {@code
 * C = L L^T} (Cholesky). This is the simplest way to make a plain autoencoder generate; where its
 * codes are not Gaussian, decoded samples fall between the data's modes.
 */
public final class GaussianSampler implements LatentSampler {

    private final int k;
    private final double[] mean;
    private final double[] chol; // (K, K) lower triangular, row-major

    private GaussianSampler(int k, double[] mean, double[] chol) {
        this.k = k;
        this.mean = mean;
        this.chol = chol;
    }

    /**
     * Fits the Gaussian.
     *
     * @param codes {@code (N, K)} row-major
     * @param k the code size {@code K}
     * @return the fitted sampler
     * @throws InvalidInputException if there are fewer than 2 codes or a value is not finite
     */
    public static GaussianSampler fit(float[] codes, int k) {
        int n = Samplers.checkCodes(codes, k, 2);
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0);
        double[] mean = new double[k];
        double[] cov = new double[k * k];
        Gaussians.weightedMoments(codes, k, w, mean, cov);
        Gaussians.ridge(cov, k, 1e-6);
        return new GaussianSampler(k, mean, Gaussians.cholesky(cov, k));
    }

    /** @return the mean {@code (K)} */
    public double[] mean() {
        return mean.clone();
    }

    /** @return the covariance {@code (K, K)} row-major ({@code L L^T}) */
    public double[] covariance() {
        return Gaussians.product(chol, k);
    }

    @Override
    public String name() {
        return "gaussian";
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
            Gaussians.draw(r, mean, chol, k, temperature, e, z, i);
        }
        return z;
    }

    @Override
    public double[] logDensity(float[] codes) {
        int n = codes.length / k;
        double[] out = new double[n];
        double logDet = Gaussians.logDetFromCholesky(chol, k);
        double[] y = new double[k];
        for (int i = 0; i < n; i++) {
            out[i] = Gaussians.logDensity(codes, i, mean, chol, k, logDet, y);
        }
        return out;
    }
}
