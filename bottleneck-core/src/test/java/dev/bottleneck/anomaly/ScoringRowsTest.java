package dev.bottleneck.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.Codes;
import dev.bottleneck.app.TrainingRun;
import dev.bottleneck.data.CsvLoader;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.TrainConfig;
import dev.bottleneck.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Scoring#rows}, the batch entry point for engines that bring their own rows (Spark), gives
 * the same floats as the verbs' paths: {@link Scoring#csv} for a table model (standardized) and
 * {@link Scoring#dataset} / {@link Codes#encode} for an image model (pixels / 255), whatever the
 * batch size.
 */
class ScoringRowsTest {

    @TempDir
    Path tmp;

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    /** Scores (and codes) of all rows through {@link Scoring#rows} in batches of {@code batch}. */
    static Scoring.Batch inBatches(AnomalyDetector det, float[] raw, int f, int batch) {
        int n = raw.length / f;
        float[] scores = new float[n];
        List<float[]> codes = new ArrayList<>();
        int k = 0;
        try (NDManager m = det.model().manager().newSubManager()) {
            for (int from = 0; from < n; from += batch) {
                int rows = Math.min(batch, n - from);
                float[] part = Arrays.copyOfRange(raw, from * f, (from + rows) * f);
                Scoring.Batch b = Scoring.rows(det, part, rows, true, true, m, batch == 7 ? null
                        : java.nio.ByteBuffer.allocateDirect(batch * f * 4).order(java.nio.ByteOrder.nativeOrder()));
                System.arraycopy(b.scores(), 0, scores, from, rows);
                codes.add(b.codes());
                k = b.codeWidth();
            }
        }
        float[] all = new float[n * k];
        int o = 0;
        for (float[] c : codes) {
            System.arraycopy(c, 0, all, o, c.length);
            o += c.length;
        }
        return new Scoring.Batch(scores, all, k);
    }

    @Test
    void tableRowsScoreAsTheCsvStreamDoesBitForBit() {
        Path csv = tmp.resolve("t.csv");
        float[] v = AnomalyDetectorTest.rows(400, 20, 3, null);
        CsvLoader.write(csv, v, 6, List.of("a", "b", "c", "d", "e", "f"));
        Path dir = tmp.resolve("runs/t");
        TrainingRun.Request req = new TrainingRun.Request(DataSpec.parse("csv:" + csv), null, 0.1,
                new DataSources.Options(null, null, null, null, null),
                // 16-4: with a 2-wide code (8-2) rows at odd positions of a batch rounded differently
                // from rows at even ones on this machine (see AnomalyDetector.BATCH)
                ModelConfig.builder().arch("mlp").hidden(16).latent(4).loss("mse"), null,
                new TrainConfig(3, 32, 3e-3, 0), dir, false, null, null, null, true, false);
        AnomalyFit.run(req, 0.05, "mse", new TrainingListener() { }, msg -> { });
        try (AnomalyModel model = AnomalyModel.open(dir)) {
            float[] expected = Scoring.csv(model, csv, null, false, null, false, true, null).scores();
            float[] raw = CsvLoader.load(csv, null).values();
            for (int batch : new int[] {1, 7, 64, 4096}) {
                Scoring.Batch b = inBatches(model.detector(), raw, 6, batch);
                assertThat(bits(b.scores())).as("batch %d", batch).containsExactly(bits(expected));
                assertThat(b.codeWidth()).isEqualTo(4);
            }
        }
    }

    @Test
    void imageRowsScoreAndEncodeAsTheDatasetPathDoes() {
        ModelConfig config = ModelConfig.builder().arch("mlp").hidden(16).latent(3).inputShape(1, 4, 4).loss("bce").build();
        InputScaling unit = new InputScaling("unit", 255f, null, null);
        Random r = new Random(5);
        float[] pixels = new float[50 * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = r.nextInt(256);
        }
        Dataset data = Dataset.builder("px", Dataset.Kind.IMAGE).exampleShape(1, 4, 4).values(pixels).rawMax(255f).build();
        try (Autoencoder ae = Autoencoder.create(config, 1)) {
            AnomalyDetector det = AnomalyDetector.unfitted(ae, unit, AnomalyScore.byName("mse", unit));
            assertThat(det.threshold()).isNaN();
            float[] expectedScores = det.scores(data);
            float[] expectedCodes = Codes.encode(ae, data, unit, null);
            for (int batch : new int[] {1, 7, 50}) {
                Scoring.Batch b = inBatches(det, pixels, 16, batch);
                assertThat(bits(b.scores())).as("batch %d", batch).containsExactly(bits(expectedScores));
                assertThat(b.codeWidth()).isEqualTo(3);
                assertThat(bits(b.codes())).as("batch %d", batch).containsExactly(bits(expectedCodes));
            }
            assertThatThrownBy(() -> Scoring.rows(det, new float[10], 1, true, false, ae.manager(), null))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("1 rows of 16 values");
        }
    }
}
