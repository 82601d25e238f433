package dev.bottleneck.sample;

import dev.bottleneck.InvalidInputException;

import java.util.SplittableRandom;

/**
 * The VAE's prior {@code N(0, I_K)} (Kingma and Welling 2014): nothing to fit; {@code z = T * eps}.
 */
public final class PriorSampler implements LatentSampler {

    private final int k;

    /**
     * @param k the code size {@code K >= 1}
     * @throws InvalidInputException if {@code k < 1}
     */
    public PriorSampler(int k) {
        if (k < 1) {
            throw new InvalidInputException("code size must be at least 1, got " + k);
        }
        this.k = k;
    }

    @Override
    public String name() {
        return "prior";
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
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (temperature * Samplers.gaussian(r));
        }
        return z;
    }

    @Override
    public double[] logDensity(float[] codes) {
        int n = codes.length / k;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += codes[i * k + j] * (double) codes[i * k + j];
            }
            out[i] = -0.5 * (s + k * Math.log(2 * Math.PI));
        }
        return out;
    }
}
