package dev.bottleneck.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.latent.GaussianLatent;
import dev.bottleneck.model.vae.VaeConfig;
import dev.bottleneck.model.vae.VaeObjective;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The importance-sampled {@code -log p(x)} and the ELBO on a linear-Gaussian model, whose marginal
 * likelihood has a closed form: {@code z ~ N(0, I_K)}, {@code x | z ~ N(W z + b, sigma^2 I_D)}, so
 * {@code x ~ N(b, W W^T + sigma^2 I)}. With orthogonal columns {@code W = Q diag(s)} the exact
 * posterior is a diagonal Gaussian, {@code N(A (x - b), diag(1 / (1 + s^2 / sigma^2)))} with
 * {@code A = Sigma W^T / sigma^2}, which a VAE's linear encoder can represent exactly.
 */
class MarginalLikelihoodTest {

    private static final int D = 6;
    private static final int K = 2;
    private static final double SIGMA = 0.5;
    private static final double[] S = {2.0, 1.0};

    /** Orthonormal columns Q (D x K), bias b (D). */
    private final double[][] q = new double[D][K];
    private final double[] b = new double[D];

    MarginalLikelihoodTest() {
        Random r = new Random(11);
        double[][] a = new double[D][K];
        for (double[] row : a) {
            for (int j = 0; j < K; j++) {
                row[j] = r.nextGaussian();
            }
        }
        // Gram-Schmidt on the two columns
        for (int j = 0; j < K; j++) {
            for (int p = 0; p < j; p++) {
                double dot = 0;
                for (int i = 0; i < D; i++) {
                    dot += a[i][j] * q[i][p];
                }
                for (int i = 0; i < D; i++) {
                    a[i][j] -= dot * q[i][p];
                }
            }
            double norm = 0;
            for (int i = 0; i < D; i++) {
                norm += a[i][j] * a[i][j];
            }
            for (int i = 0; i < D; i++) {
                q[i][j] = a[i][j] / Math.sqrt(norm);
            }
        }
        for (int i = 0; i < D; i++) {
            b[i] = r.nextGaussian();
        }
    }

    private double w(int i, int j) {
        return q[i][j] * S[j];
    }

    /** Closed-form log N(x; b, W W^T + sigma^2 I) with the eigen-decomposition of the covariance. */
    private double exactLogP(float[] x, int row) {
        double s2 = SIGMA * SIGMA;
        double logDet = (D - K) * Math.log(s2);
        for (double s : S) {
            logDet += Math.log(s * s + s2);
        }
        double[] d = new double[D];
        double dd = 0;
        for (int i = 0; i < D; i++) {
            d[i] = x[row * D + i] - b[i];
            dd += d[i] * d[i];
        }
        // C^-1 = (I - Q diag(s^2 / (s^2 + sigma^2)) Q^T) / sigma^2
        double quad = dd;
        for (int j = 0; j < K; j++) {
            double proj = 0;
            for (int i = 0; i < D; i++) {
                proj += q[i][j] * d[i];
            }
            quad -= S[j] * S[j] / (S[j] * S[j] + s2) * proj * proj;
        }
        quad /= s2;
        return -0.5 * (D * Math.log(2 * Math.PI) + logDet + quad);
    }

    /**
     * A VAE holding the linear-Gaussian model and a posterior with its variance scaled by {@code
     * varianceFactor} and its mean shifted by {@code meanShift} (1 and 0: the exact posterior).
     */
    private Autoencoder model(double varianceFactor, double meanShift) {
        ModelConfig c = ModelConfig.builder().type("vae").vae(new VaeConfig(1, 0, 0, 1, "none", SIGMA, false)).arch("mlp")
                .inputShape(D).hidden().latent(K).loss("mse").output("none").build();
        Autoencoder ae = Autoencoder.create(c, 0);
        double s2 = SIGMA * SIGMA;
        float[] encW = new float[2 * K * D];
        float[] encB = new float[2 * K];
        for (int j = 0; j < K; j++) {
            double post = 1 / (1 + S[j] * S[j] / s2);
            double bias = 0;
            for (int i = 0; i < D; i++) {
                double aji = post * w(i, j) / s2;
                encW[j * D + i] = (float) aji;
                bias -= aji * b[i];
            }
            encB[j] = (float) (bias + meanShift);
            encB[K + j] = (float) Math.log(post * varianceFactor);
        }
        float[] decW = new float[D * K];
        float[] decB = new float[D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < K; j++) {
                decW[i * K + j] = (float) w(i, j);
            }
            decB[i] = (float) b[i];
        }
        List<Map.Entry<String, Parameter>> p = new ArrayList<>(ae.parameters().entrySet());
        assertThat(p).extracting(Map.Entry::getKey).hasSize(4);
        assertThat(p.get(0).getKey()).contains("encoder").endsWith("weight");
        p.get(0).getValue().getArray().set(encW);
        p.get(1).getValue().getArray().set(encB);
        assertThat(p.get(2).getKey()).contains("decoder").endsWith("weight");
        p.get(2).getValue().getArray().set(decW);
        p.get(3).getValue().getArray().set(decB);
        return ae;
    }

    private float[] sampleData(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * D];
        for (int t = 0; t < n; t++) {
            double[] z = {r.nextGaussian(), r.nextGaussian()};
            for (int i = 0; i < D; i++) {
                x[t * D + i] = (float) (w(i, 0) * z[0] + w(i, 1) * z[1] + b[i] + SIGMA * r.nextGaussian());
            }
        }
        return x;
    }

    private double exactNll(float[] x, int n) {
        double s = 0;
        for (int t = 0; t < n; t++) {
            s -= exactLogP(x, t);
        }
        return s / n;
    }

    @Test
    void exactPosteriorGivesTheExactLikelihoodWithAnyNumberOfSamples() {
        int n = 40;
        float[] x = sampleData(n, 1);
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = model(1, 0)) {
            NDArray data = m.create(x, new Shape(n, D));
            double exact = exactNll(x, n);
            for (int samples : new int[] {1, 7, 300}) {
                MarginalLikelihood r = MarginalLikelihood.estimate(ae, data, samples, 3, 64, null);
                assertThat(r.nll()).as("%d samples", samples).isCloseTo(exact, within(2e-3));
                assertThat(r.n()).isEqualTo(n);
            }
            // with the exact posterior the ELBO is tight too (its KL to the true posterior is 0);
            // only the one-sample Monte Carlo noise of the reconstruction term remains
            VaeMetrics v = VaeMetrics.evaluate(ae, data, 5, null);
            assertThat(-v.elbo()).isCloseTo(exact, within(0.5));
            assertThat(v.elbo()).isCloseTo(-(v.recon() + v.kl()), within(1e-9));
            assertThat(v.activeUnits()).isEqualTo(K);
        }
    }

    @Test
    void approximatePosteriorConvergesFromAboveAsSamplesGrow() {
        int n = 30;
        float[] x = sampleData(n, 2);
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = model(2.5, 0.3)) {
            NDArray data = m.create(x, new Shape(n, D));
            double exact = exactNll(x, n);
            MarginalLikelihood one = MarginalLikelihood.estimate(ae, data, 1, 3, 10_000, null);
            MarginalLikelihood many = MarginalLikelihood.estimate(ae, data, 5000, 3, 10_000, null);
            assertThat(one.nll()).as("one sample: the ELBO, a loose bound").isGreaterThan(exact + 0.2);
            assertThat(many.nll()).as("5000 samples").isCloseTo(exact, within(0.02));
            assertThat(many.nll()).isLessThan(one.nll());
            // the chunking of samples over decoder calls does not change the estimate's expectation
            MarginalLikelihood chunked = MarginalLikelihood.estimate(ae, data, 5000, 4, 700, null);
            assertThat(chunked.nll()).isCloseTo(exact, within(0.02));
            assertThat(many.standardError()).isPositive();
        }
    }

    @Test
    void binaryShortcutEqualsTheBernoulliLikelihood() {
        ModelConfig c = ModelConfig.builder().type("vae").arch("mlp").inputShape(12).hidden(8).latent(3).loss("bce").build();
        Random r = new Random(5);
        float[] x = new float[20 * 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextBoolean() ? 1f : 0f;
        }
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(c, 2)) {
            NDArray data = m.create(x, new Shape(20, 12));
            VaeObjective vae = (VaeObjective) ae.objective();
            ai.djl.ndarray.NDList p = GaussianLatent.split(ae.encoderOutput(data, false));
            NDArray signs = data.mul(-2f).add(1f);
            ai.djl.engine.Engine.getInstance().setRandomSeed(1);
            float[] fast = vae.logWeights(ae, p.get(0), p.get(1), data, signs, 50).toFloatArray();
            ai.djl.engine.Engine.getInstance().setRandomSeed(1);
            float[] plain = vae.logWeights(ae, p.get(0), p.get(1), data, 50).toFloatArray();
            assertThat(fast).hasSize(50 * 20);
            for (int i = 0; i < fast.length; i++) {
                assertThat(fast[i]).isCloseTo(plain[i], within(1e-4f));
            }
        }
    }

    @Test
    void reportsProgressAndRejectsBadArguments() {
        float[] x = sampleData(25, 3);
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = model(1, 0)) {
            NDArray data = m.create(x, new Shape(25, D));
            List<Integer> done = new ArrayList<>();
            MarginalLikelihood.estimate(ae, data, 100, 0, 1000, done::add);
            assertThat(done).isSorted().last().isEqualTo(25);
            assertThat(done).hasSize(3); // 10 examples per block of 1000 rows
            assertThatThrownBy(() -> MarginalLikelihood.estimate(ae, data, 0, 0, 1000, null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("--nll-samples");
        }
        ModelConfig plain = ModelConfig.builder().arch("mlp").inputShape(D).latent(2).output("none").build();
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(plain, 0)) {
            assertThatThrownBy(() -> MarginalLikelihood.estimate(ae, m.zeros(new Shape(3, D)), 10, 0, 1000, null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("vae");
        }
    }
}
