package dev.bottleneck.codec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.train.Adam;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The factorized density: a distribution over the integers per channel, learned down to the data's
 * entropy, and an rANS stream under its tables as long as its own bit estimate.
 */
class FactorizedDensityTest {

    /** Integers from a discretized Laplace of the given scale per channel, {@code (n, channels, 1, 1)}. */
    private static float[] laplace(int n, double[] scales, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] y = new float[n * scales.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < scales.length; c++) {
                double u = r.nextDouble() - 0.5;
                y[i * scales.length + c] = (float) Math.rint(-scales[c] * Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
            }
        }
        return y;
    }

    /** The empirical entropy of each channel's integers, bits. */
    private static double entropy(float[] y, int channels, int c) {
        java.util.Map<Float, Integer> counts = new java.util.HashMap<>();
        int n = y.length / channels;
        for (int i = 0; i < n; i++) {
            counts.merge(y[i * channels + c] + 0.0f, 1, Integer::sum); // + 0 turns -0.0 into 0.0
        }
        double h = 0;
        for (int k : counts.values()) {
            h -= k / (double) n * Math.log(k / (double) n) / Math.log(2);
        }
        return h;
    }

    @Test
    void itIsADistributionOverTheIntegersAndLearnsTheDataDownToItsEntropy() {
        double[] scales = {0.5, 3.0};
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            FactorizedDensity d = new FactorizedDensity(2);
            d.initialize(m, DataType.FLOAT32, new Shape(1, 2, 1, 1));
            ParameterStore ps = new ParameterStore(m, false);
            float[] grid = new float[2 * 201];
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 201; i++) {
                    grid[c * 201 + i] = i - 100;
                }
            }
            double[] p = d.likelihood(ps, m.create(grid, new Shape(1, 2, 201)), false).toType(DataType.FLOAT64, false).toDoubleArray();
            double sum0 = 0;
            for (int i = 0; i < 201; i++) {
                sum0 += p[i];
            }
            assertThat(sum0).isCloseTo(1.0, within(1e-3));

            float[] y = laplace(4096, scales, 2);
            Adam adam = new Adam(0.02, m);
            java.util.Map<String, Parameter> params = new java.util.LinkedHashMap<>();
            d.getParameters().forEach(e -> params.put(e.getKey(), e.getValue()));
            SplittableRandom r = new SplittableRandom(3);
            for (int step = 0; step < 600; step++) {
                try (NDManager sm = m.newSubManager()) {
                    float[] noisy = y.clone();
                    for (int i = 0; i < noisy.length; i++) {
                        noisy[i] += (float) (r.nextDouble() - 0.5);
                    }
                    NDArray batch = sm.create(noisy, new Shape(4096, 2, 1, 1));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray bits = d.forward(ps, new NDList(batch), true).singletonOrThrow();
                        gc.backward(bits.mean());
                    }
                    adam.update(params);
                }
            }
            NDArray bits = d.forward(ps, new NDList(m.create(y, new Shape(4096, 2, 1, 1))), false).singletonOrThrow();
            for (int c = 0; c < 2; c++) {
                double mean = bits.get(":, " + c).mean().getFloat();
                assertThat(mean).as("channel " + c).isCloseTo(entropy(y, 2, c), within(0.08));
            }

            // the coded length under its tables matches its own estimate
            FrequencyTable[] tables = d.tables(ps, m, -40, 40, 16);
            int[] symbols = new int[y.length];
            int[] table = new int[y.length];
            for (int i = 0; i < y.length; i++) {
                symbols[i] = (int) y[i] + 40;
                table[i] = i % 2;
            }
            byte[] coded = Rans.encode(symbols, table, tables);
            double estimate = bits.sum().getFloat();
            assertThat(coded.length * 8.0).isCloseTo(estimate, within(estimate * 0.01 + 64));
            assertThat(Rans.decode(coded, table, tables)).containsExactly(symbols);
        }
    }

    @Test
    void latentsFarBeyondTheDensityStillGetAGradientBack() {
        // One bad step can throw the latents (or the density) so far apart that every probability
        // sits on the 2^-30 floor: training must still pull them back instead of staying at 30 bits.
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            FactorizedDensity d = new FactorizedDensity(1);
            d.initialize(m, DataType.FLOAT32, new Shape(1, 1, 1, 1));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray y = m.full(new Shape(64, 1, 1, 1), 400f);
            y.setRequiresGradient(true);
            double before;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray bits = d.forward(ps, new NDList(y), true).singletonOrThrow();
                before = bits.mean().getFloat();
                gc.backward(bits.mean());
            }
            assertThat(before).as("every latent on the floor").isCloseTo(30.0, within(1e-3));
            float[] g = y.getGradient().toFloatArray();
            assertThat(g[0]).as("the latents are pushed back towards the density").isPositive();
            // and a few density steps alone lower the rate below the floor
            Adam adam = new Adam(0.05, m);
            java.util.Map<String, Parameter> params = new java.util.LinkedHashMap<>();
            d.getParameters().forEach(e -> params.put(e.getKey(), e.getValue()));
            NDArray fixed = m.full(new Shape(64, 1, 1, 1), 400f);
            for (int step = 0; step < 200; step++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(d.forward(ps, new NDList(fixed), true).singletonOrThrow().mean());
                }
                adam.update(params);
            }
            double after = d.forward(ps, new NDList(fixed), false).singletonOrThrow().mean().getFloat();
            assertThat(after).isLessThan(25.0);
        }
    }

    @Test
    void latentsOfAnotherChannelCountAreRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            FactorizedDensity d = new FactorizedDensity(3);
            d.initialize(m, DataType.FLOAT32, new Shape(1, 3, 2, 2));
            ParameterStore ps = new ParameterStore(m, false);
            assertThatThrownBy(() -> d.likelihood(ps, m.zeros(new Shape(1, 2, 2, 2)), false)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("3 channels");
            assertThatThrownBy(() -> new FactorizedDensity(0)).isInstanceOf(InvalidInputException.class);
        }
    }
}
