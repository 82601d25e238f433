package dev.bottleneck.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.eval.Auroc;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.TrainConfig;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingListener;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The detector on a synthetic table: 6 columns on a 2-D plane (inliers) and points off the plane
 * (planted outliers). A small autoencoder trained on inliers ranks the outliers first, and the
 * threshold flags the contamination fraction of the training rows.
 */
class AnomalyDetectorTest {

    /** Rows: inliers {@code x = A [u, v] + noise}; outliers uniform in the same box, off the plane. */
    static float[] rows(int inliers, int outliers, long seed, boolean[] isOutlier) {
        Random mixR = new Random(42);
        double[][] a = new double[6][2];
        for (double[] row : a) {
            row[0] = mixR.nextGaussian();
            row[1] = mixR.nextGaussian();
        }
        Random r = new Random(seed);
        float[] v = new float[(inliers + outliers) * 6];
        for (int i = 0; i < inliers + outliers; i++) {
            boolean out = i >= inliers;
            if (isOutlier != null) {
                isOutlier[i] = out;
            }
            double u = r.nextGaussian();
            double w = r.nextGaussian();
            for (int j = 0; j < 6; j++) {
                v[i * 6 + j] = (float) (out ? 2.5 * r.nextGaussian() : a[j][0] * u + a[j][1] * w + 0.05 * r.nextGaussian());
            }
        }
        return v;
    }

    static Dataset table(float[] v) {
        return Dataset.builder("t", Dataset.Kind.TABLE).exampleShape(6).values(v).build();
    }

    @Test
    void ranksPlantedOutliersFirstAndFlagsTheContaminationFractionOfTrainingRows() {
        Dataset train = table(rows(600, 0, 1, null));
        InputScaling scaling = InputScaling.fit("standard", train);
        ModelConfig cfg = ModelConfig.builder().arch("mlp").inputShape(6).hidden(16).latent(2).output("none").build();
        try (Autoencoder ae = Autoencoder.create(cfg, 0); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(scaling.apply(train), new Shape(600, 6));
            try (Trainer t = new Trainer(ae, new TrainConfig(60, 32, 3e-3, 0), null)) {
                t.fit(x, null, new TrainingListener() { });
            }
            AnomalyScore score = AnomalyScore.byName("mse", scaling);
            for (double c : new double[] {0.01, 0.05, 0.2}) {
                AnomalyDetector det = AnomalyDetector.fit(ae, scaling, score, x, c);
                float[] s = det.trainingScores();
                assertThat(s).hasSize(600);
                int flagged = 0;
                for (int p : det.predict(s)) {
                    flagged += p;
                }
                assertThat(flagged / 600.0).as("fraction flagged at contamination " + c).isCloseTo(c, within(0.01));
            }

            AnomalyDetector det = AnomalyDetector.fit(ae, scaling, score, train, 0.05);
            boolean[] isOutlier = new boolean[330];
            Dataset test = table(rows(300, 30, 2, isOutlier));
            float[] s = det.scores(test);
            assertThat(Auroc.of(s, isOutlier)).isGreaterThan(0.95);

            // per-feature errors (H2O's per_feature) average to the score
            try (NDManager b = m.newSubManager()) {
                NDArray tx = b.create(scaling.apply(test), new Shape(330, 6));
                AnomalyDetector.Scored both = det.run(tx, true);
                assertThat(both.scores()).containsExactly(s);
                for (int i = 0; i < 330; i++) {
                    double mean = 0;
                    for (int j = 0; j < 6; j++) {
                        assertThat(both.perFeature()[i * 6 + j]).isGreaterThanOrEqualTo(0f);
                        mean += both.perFeature()[i * 6 + j] / 6.0;
                    }
                    assertThat(mean).isCloseTo(s[i], within(1e-5 + 1e-5 * s[i]));
                }
            }
            // a restored detector gives the same flags
            AnomalyDetector again = AnomalyDetector.restore(ae, scaling, score, 0.05, det.threshold());
            assertThat(again.predict(again.scores(test))).containsExactly(det.predict(s));
        }
    }

    @Test
    void thresholdIsNumpysLinearPercentile() {
        // numpy.percentile([1, 2, 3, 4, 5], 90) == 4.6; numpy.percentile([3, 1, 2], 50) == 2.0
        assertThat(AnomalyDetector.threshold(new float[] {5, 1, 4, 2, 3}, 0.1)).isCloseTo(4.6, within(1e-6));
        assertThat(AnomalyDetector.threshold(new float[] {3, 1, 2}, 0.5)).isEqualTo(2.0);
        assertThat(AnomalyDetector.threshold(new float[] {7}, 0.01)).isEqualTo(7.0);
    }

    @Test
    void contaminationOutsideZeroToOneHalfIsRejected() {
        for (double c : new double[] {0, -0.1, 0.51, 1, Double.NaN}) {
            assertThatThrownBy(() -> AnomalyDetector.requireContamination(c)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("--contamination must be in (0, 0.5]");
        }
        AnomalyDetector.requireContamination(0.5);
        assertThatThrownBy(() -> AnomalyScore.byName("elbo", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("known: mse");
    }
}
