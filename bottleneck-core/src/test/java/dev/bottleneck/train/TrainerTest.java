package dev.bottleneck.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.TestData;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TrainerTest {

    private static ModelConfig mlp() {
        return ModelConfig.builder().arch("mlp").inputShape(1, 8, 8).hidden(32).latent(4).build();
    }

    @Test
    void lossFallsAndBeatsTheMeanImage() {
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(mlp(), 0)) {
            NDArray train = TestData.barsArray(m, 512, 8, 1);
            NDArray test = TestData.barsArray(m, 128, 8, 2);
            double before = Trainer.evaluate(ae, test).loss();
            List<EpochResult> results;
            try (Trainer t = new Trainer(ae, new TrainConfig(40, 32, 3e-3, 0), null)) {
                results = t.fit(train, test, new TrainingListener() { });
            }
            assertThat(results).hasSize(40);
            assertThat(results.get(39).trainLoss()).isLessThan(0.5 * results.get(0).trainLoss());
            double after = results.get(39).testLoss();
            assertThat(after).isLessThan(0.3 * before);
            // the baseline a code must beat: predicting the mean training image for every input
            NDArray mean = train.mean(new int[] {0});
            double meanImageMse = test.sub(mean).square().mean().getFloat();
            assertThat(after).isLessThan(0.5 * meanImageMse);
            assertThat(results.get(39).trainTerms()).containsKey("recon_mse");
            assertThat(results.get(39).samplesPerSecond()).isPositive();
        }
    }

    @Test
    void listenerSeesEveryBatchAndEpoch() {
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(mlp(), 0)) {
            NDArray train = TestData.barsArray(m, 100, 8, 1);
            List<String> events = new ArrayList<>();
            try (Trainer t = new Trainer(ae, new TrainConfig(2, 32, 1e-3, 0), null)) {
                t.fit(train, null, new TrainingListener() {
                    @Override
                    public void onTrainStart(int first, int last, int batches) {
                        events.add("start " + first + "-" + last + " x" + batches);
                    }

                    @Override
                    public void onBatchEnd(int epoch, int batch, double loss, double sps) {
                        events.add("b" + epoch + "." + batch);
                    }

                    @Override
                    public void onEpochEnd(EpochResult r) {
                        events.add("e" + r.epoch() + (r.testLoss() == null ? " no-test" : ""));
                    }
                });
            }
            assertThat(events).containsExactly("start 1-2 x4", "b1.1", "b1.2", "b1.3", "b1.4", "e1 no-test",
                    "b2.1", "b2.2", "b2.3", "b2.4", "e2 no-test");
        }
    }

    @Test
    void resumeContinuesExactlyLikeAnUninterruptedRun(@TempDir Path dir) {
        float[] straight;
        double straightLoss;
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(mlp(), 5)) {
            NDArray train = TestData.barsArray(m, 200, 8, 1);
            try (Trainer t = new Trainer(ae, new TrainConfig(4, 32, 1e-3, 5), null)) {
                straightLoss = t.fit(train, null, new TrainingListener() { }).get(3).trainLoss();
            }
            straight = ae.parameters().values().iterator().next().getArray().toFloatArray();
        }
        Path ckpt = dir.resolve("checkpoint");
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(mlp(), 5)) {
            NDArray train = TestData.barsArray(m, 200, 8, 1);
            try (Trainer t = new Trainer(ae, new TrainConfig(2, 32, 1e-3, 5), ckpt)) {
                t.fit(train, null, new TrainingListener() { });
            }
        }
        assertThat(ckpt.resolve("state.json")).exists();
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(mlp(), 99)) {
            NDArray train = TestData.barsArray(m, 200, 8, 1);
            try (Trainer t = new Trainer(ae, new TrainConfig(4, 32, 1e-3, 5), ckpt)) {
                assertThat(t.resume()).isEqualTo(2);
                assertThat(t.optimizer().step()).isEqualTo(2 * 7);
                List<EpochResult> rest = t.fit(train, null, new TrainingListener() { });
                assertThat(rest).extracting(EpochResult::epoch).containsExactly(3, 4);
                assertThat(rest.get(1).trainLoss()).isCloseTo(straightLoss, within(1e-6 * Math.abs(straightLoss) + 1e-9));
            }
            float[] resumed = ae.parameters().values().iterator().next().getArray().toFloatArray();
            assertThat(resumed).hasSize(straight.length);
            for (int i = 0; i < straight.length; i++) {
                assertThat(resumed[i]).isCloseTo(straight[i], within(1e-5f));
            }
        }
        // only the latest checkpoint's files are kept
        assertThat(ckpt.resolve("epoch-0004.params")).exists();
        assertThat(ckpt.resolve("epoch-0002.params")).doesNotExist();
    }

    @Test
    void resumeWithoutCheckpointIsAClearError(@TempDir Path dir) {
        try (Autoencoder ae = Autoencoder.create(mlp(), 0);
             Trainer t = new Trainer(ae, new TrainConfig(2, 32, 1e-3, 0), dir.resolve("run/checkpoint"))) {
            assertThatThrownBy(t::resume).isInstanceOf(InvalidInputException.class).hasMessageContaining("nothing to resume");
        }
        assertThat(Files.exists(dir.resolve("run"))).isFalse();
    }

    @Test
    void nanDataAndWrongShapesFailBeforeTraining() {
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(mlp(), 0);
             Trainer t = new Trainer(ae, new TrainConfig(1, 32, 1e-3, 0), null)) {
            NDArray nan = m.full(new Shape(10, 1, 8, 8), Float.NaN);
            assertThatThrownBy(() -> t.fit(nan, null, new TrainingListener() { }))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("NaN");
            NDArray wrong = m.zeros(new Shape(10, 1, 9, 9));
            assertThatThrownBy(() -> t.fit(wrong, null, new TrainingListener() { }))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not fit");
        }
    }

    @Test
    void configIsValidated() {
        assertThatThrownBy(() -> new TrainConfig(0, 32, 1e-3, 0)).hasMessageContaining("--epochs");
        assertThatThrownBy(() -> new TrainConfig(1, 0, 1e-3, 0)).hasMessageContaining("--batch");
        assertThatThrownBy(() -> new TrainConfig(1, 32, -1, 0)).hasMessageContaining("--lr");
        assertThatThrownBy(() -> new TrainConfig(1, 32, Double.NaN, 0)).hasMessageContaining("--lr");
        assertThatThrownBy(() -> new TrainConfig(1, 32, 1e-3, 0, null, 0.0)).hasMessageContaining("--clip-norm");
        assertThatThrownBy(() -> new TrainConfig(1, 32, 1e-3, 0, null, Double.NaN)).hasMessageContaining("--clip-norm");
        assertThat(new TrainConfig(1, 32, 1e-3, 0, null, 2.0).withEpochs(5).clipNorm()).isEqualTo(2.0);
    }

    @Test
    void clippingReportsTheShareOfClippedStepsAndStillLearns() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray train = TestData.barsArray(m, 256, 8, 1);
            // a threshold below every gradient norm clips every step; one far above clips none
            for (double clip : new double[] {1e-3, 1e6}) {
                try (Autoencoder ae = Autoencoder.create(mlp(), 0);
                     Trainer t = new Trainer(ae, new TrainConfig(6, 32, 3e-3, 0, null, clip), null)) {
                    List<EpochResult> r = t.fit(train, null, new TrainingListener() { });
                    assertThat(r.get(0).metrics()).containsEntry("clipped_steps", clip < 1 ? 1.0 : 0.0);
                    assertThat(r.get(0).metrics().get("grad_norm_max")).isGreaterThan(1e-3).isLessThan(1e6)
                            .isGreaterThanOrEqualTo(r.get(0).metrics().get("grad_norm_mean"));
                    assertThat(r.get(5).trainLoss()).isLessThan(r.get(0).trainLoss());
                }
            }
            // without clipping there is no such metric
            try (Autoencoder ae = Autoencoder.create(mlp(), 0); Trainer t = new Trainer(ae, new TrainConfig(1, 32, 3e-3, 0), null)) {
                EpochResult r = t.fit(train, null, new TrainingListener() { }).get(0);
                assertThat(r.metrics() == null || !r.metrics().containsKey("clipped_steps")).isTrue();
            }
        }
    }
}
