package dev.bottleneck.sample;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplersTest {

    private static double[] columnMeans(float[] z, int k) {
        double[] m = new double[k];
        int n = z.length / k;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                m[j] += z[i * k + j] / (double) n;
            }
        }
        return m;
    }

    private static double[] covariance(float[] z, int k) {
        double[] m = columnMeans(z, k);
        int n = z.length / k;
        double[] c = new double[k * k];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    c[a * k + b] += (z[i * k + a] - m[a]) * (z[i * k + b] - m[b]) / n;
                }
            }
        }
        return c;
    }

    /** Codes of three well-separated 2-D clusters with weights 0.5, 0.3, 0.2. */
    private static float[] threeClusters(int n, long seed) {
        Random r = new Random(seed);
        float[] z = new float[n * 2];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            double cx = u < 0.5 ? -4 : u < 0.8 ? 4 : 0;
            double cy = u < 0.5 ? 0 : u < 0.8 ? 0 : 5;
            double s = u < 0.5 ? 0.5 : u < 0.8 ? 1.0 : 0.3;
            z[2 * i] = (float) (cx + s * r.nextGaussian());
            z[2 * i + 1] = (float) (cy + s * r.nextGaussian());
        }
        return z;
    }

    @Test
    void priorHasTheRequestedShapeMeanAndTemperature() {
        PriorSampler p = new PriorSampler(3);
        float[] z = p.sample(20_000, 0.5, 1);
        assertThat(z).hasSize(60_000);
        double[] m = columnMeans(z, 3);
        double[] c = covariance(z, 3);
        for (int j = 0; j < 3; j++) {
            assertThat(m[j]).isCloseTo(0, within(0.02));
            assertThat(Math.sqrt(c[j * 3 + j])).as("std = temperature").isCloseTo(0.5, within(0.02));
        }
        assertThat(p.sample(5, 1, 7)).containsExactly(p.sample(5, 1, 7));
        assertThat(p.logDensity(new float[] {0, 0, 0})[0]).isCloseTo(-1.5 * Math.log(2 * Math.PI), within(1e-12));
    }

    @Test
    void gaussianRecoversMeanAndCovarianceAndSamplesThem() {
        Random r = new Random(2);
        int n = 20_000;
        float[] x = new float[n * 2];
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            x[2 * i] = (float) (1 + 2 * a);
            x[2 * i + 1] = (float) (-3 + 1.2 * a + 0.8 * b); // cov 2.4, var 2.08
        }
        GaussianSampler g = GaussianSampler.fit(x, 2);
        assertThat(g.mean()[0]).isCloseTo(1, within(0.05));
        assertThat(g.mean()[1]).isCloseTo(-3, within(0.05));
        double[] c = g.covariance();
        assertThat(c[0]).isCloseTo(4, within(0.15));
        assertThat(c[1]).isCloseTo(2.4, within(0.1));
        assertThat(c[3]).isCloseTo(2.08, within(0.1));
        float[] s = g.sample(20_000, 1, 3);
        double[] sc = covariance(s, 2);
        assertThat(sc[1]).isCloseTo(c[1], within(0.1));
        float[] cold = g.sample(4, 0, 3);
        assertThat(cold[0]).isCloseTo((float) g.mean()[0], within(1e-6f));
        assertThat(cold[7]).isCloseTo((float) g.mean()[1], within(1e-6f));
        // log density at the mean: -log(2 pi) - log det(C) / 2
        double det = c[0] * c[3] - c[1] * c[2];
        float[] at = {(float) g.mean()[0], (float) g.mean()[1]};
        assertThat(g.logDensity(at)[0]).isCloseTo(-Math.log(2 * Math.PI) - 0.5 * Math.log(det), within(1e-4));
    }

    @Test
    void mixtureRecoversClustersAndEmNeverLowersTheLikelihood() {
        float[] x = threeClusters(6000, 4);
        GaussianMixtureSampler gmm = GaussianMixtureSampler.fit(x, 2, 3, 0, 100_000);
        double[] w = gmm.weights();
        double[][] m = gmm.means();
        Integer[] order = {0, 1, 2};
        Arrays.sort(order, (a, b) -> Double.compare(m[a][0] + 0.01 * m[a][1], m[b][0] + 0.01 * m[b][1]));
        assertThat(m[order[0]][0]).isCloseTo(-4, within(0.1));
        assertThat(m[order[1]][1]).isCloseTo(5, within(0.1));
        assertThat(m[order[2]][0]).isCloseTo(4, within(0.1));
        assertThat(w[order[0]]).isCloseTo(0.5, within(0.03));
        assertThat(w[order[1]]).isCloseTo(0.2, within(0.03));
        assertThat(w[order[2]]).isCloseTo(0.3, within(0.03));
        List<Double> h = gmm.history();
        for (int i = 1; i < h.size(); i++) {
            assertThat(h.get(i)).as("EM step %d", i).isGreaterThanOrEqualTo(h.get(i - 1) - 1e-9);
        }
        // samples fall into the clusters in the fitted proportions
        float[] s = gmm.sample(10_000, 1, 5);
        int top = 0;
        for (int i = 0; i < 10_000; i++) {
            if (s[2 * i + 1] > 2.5) {
                top++;
            }
        }
        assertThat(top / 10_000.0).isCloseTo(0.2, within(0.02));
        // a mixture explains clustered codes far better than one Gaussian
        double mix = Arrays.stream(gmm.logDensity(x)).average().orElseThrow();
        double one = Arrays.stream(GaussianSampler.fit(x, 2).logDensity(x)).average().orElseThrow();
        assertThat(mix).isGreaterThan(one + 0.5);
        assertThat(gmm.name()).isEqualTo("gmm:3");
    }

    @Test
    void mixtureFitsASubsetOfManyCodes() {
        float[] x = threeClusters(3000, 6);
        GaussianMixtureSampler gmm = GaussianMixtureSampler.fit(x, 2, 3, 1, 1000);
        assertThat(Arrays.stream(gmm.weights()).sum()).isCloseTo(1, within(1e-9));
        assertThat(gmm.sample(10, 1, 0)).hasSize(20);
    }

    @Test
    void specsParseAndBadOnesAreClearErrors() {
        assertThat(Samplers.parse("gmm:10")).isEqualTo(new Samplers.Spec("gmm", 10));
        assertThat(Samplers.parse(" Prior ").kind()).isEqualTo("prior");
        assertThat(Samplers.parse("gaussian").needsCodes()).isTrue();
        assertThatThrownBy(() -> Samplers.parse("gmm:0")).isInstanceOf(InvalidInputException.class).hasMessageContaining("N >= 1");
        assertThatThrownBy(() -> Samplers.parse("gmm:x")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Samplers.parse("flow")).hasMessageContaining("known: prior, gaussian, gmm:N");
        assertThatThrownBy(() -> new PriorSampler(2).sample(3, -1, 0)).hasMessageContaining("--temperature");
        assertThatThrownBy(() -> GaussianSampler.fit(new float[] {1, 2}, 2)).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> GaussianMixtureSampler.fit(new float[] {1, 2, 3, 4}, 2, 3, 0, 10)).hasMessageContaining("at least 3");
    }
}
