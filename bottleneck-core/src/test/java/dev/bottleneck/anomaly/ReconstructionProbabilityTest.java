package dev.bottleneck.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.eval.Auroc;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.vae.VaeConfig;
import dev.bottleneck.train.TrainConfig;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingListener;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The VAE reconstruction probability (An &amp; Cho 2015): equal to a hand computation of {@code
 * -(1/L) sum_l log p(x|z_l)} with the same noise, independent of batching, and ranking planted
 * outliers above inliers after a short fit.
 */
class ReconstructionProbabilityTest {

    private static final int D = 6;
    private static final int K = 2;
    private static final double SIGMA = 0.5;

    private static ModelConfig vae(double sigma, boolean learn) {
        return ModelConfig.builder().type("vae").vae(new VaeConfig(1, 0, 0, 1, "none", learn ? null : sigma, learn)).arch("mlp")
                .inputShape(D).hidden(8).latent(K).loss("mse").output("none").build();
    }

    private static InputScaling identity(float[] v) {
        return InputScaling.fit("none", Dataset.builder("t", Dataset.Kind.TABLE).exampleShape(D).values(v).build());
    }

    @Test
    void equalsTheHandComputedMonteCarloAverageAndDoesNotDependOnBatching() {
        int n = 100;
        int l = 100; // 8192 / 100 = 81 rows per decoder call: two calls
        Random r = new Random(3);
        float[] v = new float[n * D];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(vae(SIGMA, false), 1)) {
            NDArray x = m.create(v, new Shape(n, D));
            ReconstructionProbability score = new ReconstructionProbability(identity(v), l, 7);
            float[] got = score.score(ae, x).toFloatArray();
            assertThat(got).hasSize(n);

            float[] h = ae.encoderOutput(x, false).toFloatArray(); // (N, 2K): mu, logvar
            float[] eps = ReconstructionProbability.noise(7, l, K);
            float[] z = new float[l * n * K];
            for (int s = 0; s < l; s++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < K; j++) {
                        z[(s * n + i) * K + j] = (float) (h[i * 2 * K + j] + Math.exp(h[i * 2 * K + K + j] / 2) * eps[s * K + j]);
                    }
                }
            }
            float[] mean = ae.decoderOutput(m.create(z, new Shape((long) l * n, K)), false).toFloatArray(); // output "none"
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int s = 0; s < l; s++) {
                    double sq = 0;
                    for (int d = 0; d < D; d++) {
                        double e = v[i * D + d] - mean[(s * n + i) * D + d];
                        sq += e * e;
                    }
                    sum += -sq / (2 * SIGMA * SIGMA) - D * Math.log(SIGMA) - D * 0.5 * Math.log(2 * Math.PI);
                }
                double expected = -sum / l;
                assertThat((double) got[i]).as("row " + i).isCloseTo(expected, within(1e-4 * Math.max(1, Math.abs(expected))));
            }

            // a row's score does not depend on the other rows of its batch
            float[] part = score.score(ae, x.get(new NDIndex("10:13"))).toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertThat(part[i]).isCloseTo(got[10 + i], within(1e-4f * Math.max(1, Math.abs(got[10 + i]))));
            }
            // the same seed gives the same scores; another seed other ones
            assertThat(new ReconstructionProbability(identity(v), l, 7).score(ae, x).toFloatArray()).containsExactly(got);
            assertThat(new ReconstructionProbability(identity(v), 3, 8).score(ae, x).toFloatArray()).isNotEqualTo(got);
        }
    }

    @Test
    void plantedOutliersRankAboveInliersAfterAShortFit() {
        float[] train = AnomalyDetectorTest.rows(600, 0, 1, null);
        InputScaling scaling = InputScaling.fit("standard", AnomalyDetectorTest.table(train));
        boolean[] isOutlier = new boolean[330];
        Dataset test = AnomalyDetectorTest.table(AnomalyDetectorTest.rows(300, 30, 2, isOutlier));
        ModelConfig cfg = ModelConfig.builder().type("vae").vae(new VaeConfig(1, 0, 0, 1, "none", null, true)).arch("mlp")
                .inputShape(D).hidden(16).latent(K).loss("mse").output("none").build();
        try (Autoencoder ae = Autoencoder.create(cfg, 0); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(scaling.apply(AnomalyDetectorTest.table(train)), new Shape(600, D));
            try (Trainer t = new Trainer(ae, new TrainConfig(30, 32, 3e-3, 0), null)) {
                t.fit(x, null, new TrainingListener() { });
            }
            AnomalyScore score = AnomalyScore.byName("recon-prob", scaling, 10, 0);
            assertThat(score).isInstanceOf(ReconstructionProbability.class);
            AnomalyDetector det = AnomalyDetector.fit(ae, scaling, score, x, 0.05);
            float[] s = det.scores(test);
            double auroc = Auroc.of(s, isOutlier);
            assertThat(auroc).isGreaterThan(0.9);

            // with --per-feature the scores stay the reconstruction probability; the per-feature
            // errors are the posterior-mean squared errors of mse
            try (NDManager b = m.newSubManager()) {
                NDArray tx = b.create(scaling.apply(test), new Shape(330, D));
                AnomalyDetector.Scored both = det.run(tx, true);
                assertThat(both.scores()).containsExactly(s);
                assertThat(both.perFeature()).containsExactly(new ReconstructionError(scaling).perFeature(ae, tx).toFloatArray());
            }
        }
    }

    @Test
    void otherModelsAndBadSampleCountsAreRefused() {
        ModelConfig cfg = ModelConfig.builder().arch("mlp").inputShape(D).hidden(4).latent(K).output("none").build();
        float[] v = new float[4 * D];
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(cfg, 0)) {
            ReconstructionProbability score = new ReconstructionProbability(identity(v), 10, 0);
            NDArray x = m.create(v, new Shape(4, D));
            assertThatThrownBy(() -> score.score(ae, x)).isInstanceOf(InvalidInputException.class)
                    .hasMessage("--score recon-prob needs --model vae (got ae)");
        }
        assertThatThrownBy(() -> AnomalyFit.requireVae("dae")).isInstanceOf(InvalidInputException.class)
                .hasMessage("--score recon-prob needs --model vae (got dae)");
        assertThatThrownBy(() -> AnomalyScore.byName("recon-prob", identity(v), 0, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--score-samples must be at least 1");
        assertThat(AnomalyScore.NAMES).contains("recon-prob");
    }
}
