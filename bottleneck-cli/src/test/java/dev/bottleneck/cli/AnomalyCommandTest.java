package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.assertNothingWritten;
import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bottleneck anomaly fit | score | eval} on a synthetic table with planted outliers (6
 * columns near a 2-D plane, a constant column, a text label {@code ok}/{@code bad}) and on a tiny
 * image folder; and the errors issue 5 names: columns that differ from the fitted model's, a label
 * column that does not exist, contamination outside (0, 0.5], a bad row halfway through a file.
 */
class AnomalyCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static Path trainCsv;
    static Path testCsv;
    static Path normalCsv;
    static Path model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fitOnce() {
        trainCsv = shared.resolve("train.csv");
        testCsv = shared.resolve("test.csv");
        normalCsv = shared.resolve("normal.csv");
        table(trainCsv, 600, 30, 1, true, normalCsv);
        table(testCsv, 300, 30, 2, true, null);
        model = shared.resolve("runs/plane");
        // --test-data: no holdout, so every normal row of train.csv trains and sets the threshold
        run("anomaly", "fit", "--data", "csv:" + trainCsv, "--test-data", "csv:" + testCsv, "--label-column", "label",
                "--normal-label", "ok", "--hidden", "16", "--latent", "2", "--epochs", "60", "--batch", "32", "--lr", "3e-3",
                "--contamination", "0.05", "--no-pictures", "--quiet", "--out", model).ok();
    }

    /**
     * Inliers: {@code x = A [u, v] + noise} on 6 columns, then a constant column; outliers:
     * Gaussian noise of the same spread, off the plane. Rows are shuffled.
     */
    static void table(Path file, int inliers, int outliers, long seed, boolean header, Path normalOnly) {
        Random mix = new Random(42);
        double[][] a = new double[6][2];
        for (double[] row : a) {
            row[0] = mix.nextGaussian();
            row[1] = mix.nextGaussian();
        }
        Random r = new Random(seed);
        List<String> rows = new ArrayList<>();
        List<String> normal = new ArrayList<>();
        for (int i = 0; i < inliers + outliers; i++) {
            boolean out = i >= inliers;
            double u = r.nextGaussian();
            double w = r.nextGaussian();
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < 6; j++) {
                double x = out ? 2.5 * r.nextGaussian() : a[j][0] * u + a[j][1] * w + 0.05 * r.nextGaussian();
                sb.append(String.format(Locale.ROOT, "%.5f,", x));
            }
            sb.append("7.5,").append(out ? "bad" : "ok");
            rows.add(sb.toString());
        }
        java.util.Collections.shuffle(rows, r);
        for (String row : rows) {
            if (row.endsWith(",ok")) {
                normal.add(row);
            }
        }
        String head = header ? "a,b,c,d,e,f,const,label\n" : "";
        Cli.write(file, head + String.join("\n", rows) + "\n");
        if (normalOnly != null) {
            Cli.write(normalOnly, head + String.join("\n", normal) + "\n");
        }
    }

    private static float[] scoresOf(Path scoresCsv) {
        List<String> lines = Cli.lines(scoresCsv);
        float[] s = new float[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            s[i - 1] = Float.parseFloat(lines.get(i).split(",")[1]);
        }
        return s;
    }

    @Test
    void fitWritesTheThresholdStandardizerAndColumns() throws IOException {
        JsonNode a = JSON.readTree(model.resolve("anomaly.json").toFile());
        assertThat(a.get("score").asText()).isEqualTo("mse");
        assertThat(a.get("contamination").asDouble()).isEqualTo(0.05);
        assertThat(a.get("normal_label").asText()).isEqualTo("ok");
        assertThat(a.get("label_column").asText()).isEqualTo("label");
        assertThat(a.get("train_rows").asInt()).as("only the 600 normal rows train").isEqualTo(600);
        assertThat(a.get("columns").toString()).isEqualTo("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"const\"]");
        JsonNode st = JSON.readTree(model.resolve("standardizer.json").toFile());
        assertThat(st.get("mean").get(6).asDouble()).isEqualTo(7.5);
        assertThat(st.get("std").get(6).asDouble()).as("a constant column is only centred").isEqualTo(1.0);
        assertThat(a.get("threshold").asDouble()).isPositive();
    }

    @Test
    void scoringTheTrainingRowsReproducesTheFitScoresAndFlagsTheContaminationFraction() throws IOException {
        Path out = tmp.resolve("normal-scores.csv");
        Cli.Result r = run("anomaly", "score", model, "--data", "csv:" + normalCsv, "--out", out).ok();
        assertThat(r.err()).contains("scored 600 rows");
        float[] s = scoresOf(out);
        assertThat(s).hasSize(600);
        // standardization and scoring at score time are those of fit time: the same order statistics
        JsonNode a = JSON.readTree(model.resolve("anomaly.json").toFile());
        float[] sorted = s.clone();
        Arrays.sort(sorted);
        JsonNode ts = a.get("train_scores");
        assertThat((double) sorted[0]).isCloseTo(ts.get("min").asDouble(), within(1e-6 * ts.get("min").asDouble()));
        assertThat((double) sorted[599]).isCloseTo(ts.get("max").asDouble(), within(1e-6 * ts.get("max").asDouble()));
        double threshold = a.get("threshold").asDouble();
        long flagged = Cli.lines(out).stream().skip(1).filter(l -> l.endsWith(",1")).count();
        assertThat(flagged / 600.0).as("contamination 0.05 of the training rows").isCloseTo(0.05, within(0.01));
        for (int i = 1; i <= 600; i++) {
            String[] cells = Cli.lines(out).get(i).split(",");
            assertThat(cells[0]).isEqualTo(Integer.toString(i - 1));
            assertThat(cells[2]).isEqualTo(Float.parseFloat(cells[1]) > threshold ? "1" : "0");
        }
    }

    @Test
    void scoresRankPlantedOutliersFirstAndPerFeatureErrorsAverageToTheScore() throws IOException {
        Path out = tmp.resolve("scores.csv");
        run("anomaly", "score", model, "--data", "csv:" + testCsv, "--out", out, "--per-feature", "--quiet").ok();
        List<String> lines = Cli.lines(out);
        assertThat(lines).hasSize(331);
        assertThat(lines.get(0)).isEqualTo("index,score,flag,err_a,err_b,err_c,err_d,err_e,err_f,err_const");
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            double mean = 0;
            for (int j = 3; j < 10; j++) {
                mean += Double.parseDouble(c[j]) / 7;
            }
            assertThat(mean).isCloseTo(Double.parseDouble(c[1]), within(1e-5 + 1e-5 * Double.parseDouble(c[1])));
        }

        Cli.Result e = run("anomaly", "eval", model, "--data", "csv:" + testCsv, "--json", "--pictures", tmp).ok();
        JsonNode j = JSON.readTree(e.outLines().get(0));
        assertThat(j.get("n").asInt()).isEqualTo(330);
        assertThat(j.get("anomalous").asInt()).isEqualTo(30);
        assertThat(j.get("normal_label").asText()).isEqualTo("ok");
        assertThat(j.get("auroc").asDouble()).isGreaterThan(0.95);
        assertThat(j.get("auprc").asDouble()).isGreaterThan(0.6).isLessThanOrEqualTo(1.0);
        for (String k : new String[] {"precision", "recall", "f1"}) {
            assertThat(j.get(k).asDouble()).as(k).isBetween(0.0, 1.0);
        }
        assertThat(j.get("recall").asDouble()).as("outliers are far above a 5% threshold").isGreaterThan(0.8);
        assertThat(Cli.readPng(tmp.resolve("scores-histogram.png")).getWidth()).isEqualTo(800);
        assertThat(Cli.readPng(tmp.resolve("roc.png")).getHeight()).isEqualTo(500);

        Cli.Result text = run("anomaly", "eval", model, "--data", "csv:" + testCsv, "--no-pictures", "--quiet").ok();
        assertThat(text.out()).contains("AUROC").contains("AUPRC").contains("precision").contains("300 normal (label ok)");
    }

    @Test
    void imagesOfAnotherClassScoreHigherAndTheMostAnomalousArePictured() throws IOException {
        Path folder = tmp.resolve("shapes");
        Cli.imageFolder(folder, 40, 8, 5);
        Path dir = tmp.resolve("runs/bars");
        run("anomaly", "fit", "--data", "folder:" + folder, "--normal-label", "bars", "--arch", "mlp", "--hidden", "32",
                "--latent", "4", "--epochs", "40", "--batch", "16", "--lr", "3e-3", "--no-pictures", "--quiet", "--out", dir).ok();
        assertThat(dir.resolve("standardizer.json")).as("images are scaled to [0,1], not standardized").doesNotExist();
        Cli.Result e = run("anomaly", "eval", dir, "--data", "folder:" + folder, "--json", "--top", "8").ok();
        JsonNode j = JSON.readTree(e.outLines().get(0));
        assertThat(j.get("normal").asInt()).isEqualTo(40);
        assertThat(j.get("auroc").asDouble()).isGreaterThan(0.8);
        assertThat(Cli.readPng(dir.resolve("most-anomalous.png")).getWidth()).isGreaterThan(8 * 8);
        Path out = tmp.resolve("img-scores.csv");
        run("anomaly", "score", dir, "--data", "folder:" + folder, "--out", out, "--quiet").ok();
        assertThat(Cli.lines(out)).hasSize(81).first().isEqualTo("index,score,flag");
    }

    // ------------------------------------------------------------------ errors

    @Test
    void aCsvWhoseColumnsDifferFromTheModelsIsRefusedAndNoScoresFileIsWritten() throws IOException {
        Path renamed = tmp.resolve("renamed.csv");
        List<String> lines = new ArrayList<>(Cli.lines(testCsv));
        lines.set(0, lines.get(0).replace(",c,", ",z,"));
        Cli.write(renamed, String.join("\n", lines) + "\n");
        Path out = tmp.resolve("out/scores.csv");
        run("anomaly", "score", model, "--data", "csv:" + renamed, "--out", out)
                .fails(2, renamed.toString(), "columns differ", "missing 'c'", "unexpected 'z'");
        assertNothingWritten(out, tmp);

        Path headerless = tmp.resolve("headerless.csv");
        Cli.write(headerless, "1,2,3\n4,5,6\n");
        run("anomaly", "score", model, "--data", "csv:" + headerless, "--out", out)
                .fails(2, headerless.toString(), "3 feature columns", "fitted on 7");
        assertNothingWritten(out, tmp);
    }

    @Test
    void aBadRowAfterTheFirstChunkLeavesNoPartialScoresFile() throws IOException {
        // 70,000 rows: more than one 65,536-row chunk is scored and written before the bad row
        StringBuilder sb = new StringBuilder("a,b,c,d,e,f,const\n");
        Random r = new Random(9);
        for (int i = 0; i < 70_000; i++) {
            for (int j = 0; j < 6; j++) {
                sb.append(String.format(Locale.ROOT, "%.3f,", r.nextGaussian()));
            }
            sb.append(i == 69_000 ? "oops" : "7.5").append('\n');
        }
        Path big = tmp.resolve("big.csv");
        Cli.write(big, sb.toString());
        Path out = tmp.resolve("big-scores.csv");
        Cli.write(out, "old content\n");
        run("anomaly", "score", model, "--data", "csv:" + big, "--out", out)
                .fails(2, big.toString(), "row 69002, column 7 (\"const\")", "not a number: 'oops'");
        assertThat(Cli.lines(out)).as("the old file is left as it was").containsExactly("old content");
        assertThat(Cli.tempFiles(tmp)).isEmpty();
    }

    @Test
    void aLabelColumnThatDoesNotExistIsAClearError() {
        Path out = tmp.resolve("runs/x");
        run("anomaly", "fit", "--data", "csv:" + trainCsv, "--label-column", "target", "--normal-label", "ok", "--out", out)
                .fails(2, trainCsv.toString(), "no column 'target'", "columns: a, b, c");
        assertNothingWritten(out, tmp);
        run("anomaly", "eval", model, "--data", "csv:" + testCsv, "--label-column", "target")
                .fails(2, testCsv.toString(), "no column 'target'");
        run("anomaly", "fit", "--data", "csv:" + trainCsv, "--normal-label", "ok", "--out", out)
                .fails(2, "--normal-label needs --label-column", "train.csv");
        run("anomaly", "fit", "--data", "csv:" + trainCsv, "--label-column", "label", "--normal-label", "fine", "--out", out)
                .fails(2, "no example has label 'fine'", "labels: ok, bad");
        assertNothingWritten(out, tmp);
    }

    @Test
    void contaminationOutsideZeroToOneHalfIsRefusedBeforeAnythingIsRead() {
        Path out = tmp.resolve("runs/c");
        for (String c : new String[] {"0", "0.6", "-0.1", "NaN"}) {
            run("anomaly", "fit", "--data", "csv:" + trainCsv, "--contamination", c, "--out", out)
                    .fails(2, "--contamination must be in (0, 0.5]");
        }
        assertNothingWritten(out, tmp);
    }

    @Test
    void reconstructionProbabilityNeedsAVae() {
        Path out = tmp.resolve("runs/rp");
        String line = run("anomaly", "fit", "--data", "csv:" + trainCsv, "--label-column", "label", "--normal-label", "ok",
                "--score", "recon-prob", "--out", out).fails(2);
        assertThat(line).isEqualTo("bottleneck: error: --score recon-prob needs --model vae (got ae)");
        run("anomaly", "fit", "--data", "csv:" + trainCsv, "--model", "dae", "--score", "recon-prob", "--out", out)
                .fails(2, "--score recon-prob needs --model vae (got dae)");
        run("anomaly", "fit", "--data", "csv:" + trainCsv, "--model", "vae", "--score", "recon-prob", "--score-samples", "0",
                "--out", out).fails(2, "--score-samples must be at least 1");
        assertNothingWritten(out, tmp);
    }

    @Test
    void aVaeFittedWithReconstructionProbabilityScoresAndEvaluatesWithIt() throws IOException {
        Path dir = tmp.resolve("runs/vae");
        run("anomaly", "fit", "--data", "csv:" + trainCsv, "--test-data", "csv:" + testCsv, "--label-column", "label",
                "--normal-label", "ok", "--model", "vae", "--score", "recon-prob", "--score-samples", "4", "--hidden", "8",
                "--latent", "2", "--epochs", "3", "--batch", "64", "--contamination", "0.05", "--no-pictures", "--quiet",
                "--out", dir).ok();
        JsonNode a = JSON.readTree(dir.resolve("anomaly.json").toFile());
        assertThat(a.get("score").asText()).isEqualTo("recon-prob");
        assertThat(a.get("score_samples").asInt()).isEqualTo(4);
        assertThat(a.has("score_seed")).isTrue();
        // anomaly score uses the stored score: the training rows get the fit's scores back
        Path out = tmp.resolve("vae-scores.csv");
        run("anomaly", "score", dir, "--data", "csv:" + normalCsv, "--out", out, "--quiet").ok();
        float[] s = scoresOf(out);
        Arrays.sort(s);
        JsonNode ts = a.get("train_scores");
        assertThat((double) s[0]).isCloseTo(ts.get("min").asDouble(), within(1e-5 * Math.max(1, Math.abs(ts.get("min").asDouble()))));
        assertThat((double) s[599]).isCloseTo(ts.get("max").asDouble(), within(1e-5 * Math.max(1, Math.abs(ts.get("max").asDouble()))));
        JsonNode e = JSON.readTree(run("anomaly", "eval", dir, "--data", "csv:" + testCsv, "--json", "--no-pictures").ok().outLines().get(0));
        assertThat(e.get("score").asText()).isEqualTo("recon-prob");
    }

    @Test
    void otherMisuseGetsOneLine() {
        Path plain = tmp.resolve("runs/plain");
        run("train", "--data", "csv:" + trainCsv, "--label-column", "label", "--hidden", "4", "--latent", "2", "--epochs", "1",
                "--no-pictures", "--quiet", "--out", plain).ok();
        Path out = tmp.resolve("s.csv");
        run("anomaly", "score", plain, "--data", "csv:" + testCsv, "--out", out).fails(2, "has no anomaly.json", "anomaly fit");
        run("anomaly", "score", model, "--data", "csv:" + testCsv, "--out", tmp).fails(2, "is a folder");
        run("anomaly", "fit", "--data", "csv:" + trainCsv, "--resume", "--out", model).fails(2, "cannot --resume");
        run("anomaly", "fit", "--data", "csv:" + trainCsv, "--score", "elbo", "--out", out).fails(2, "unknown --score 'elbo'");
        run("anomaly", "eval", model, "--data", "csv:" + testCsv, "--label-column", "label", "--normal-label", "great")
                .fails(2, "no example has the normal label 'great'", "labels: ok, bad");
        assertThat(run("anomaly").code()).isEqualTo(2);
        assertNothingWritten(out, tmp);
    }

    @Test
    void everyVerbHasHelpWithAnExample() {
        for (String verb : new String[] {"fit", "score", "eval"}) {
            Cli.Result h = run("anomaly", verb, "--help").ok();
            assertThat(h.out()).contains("Examples:").contains("./bottleneck anomaly " + verb);
        }
        assertThat(run("anomaly", "--help").ok().out()).contains("fit").contains("score").contains("eval");
        assertThat(run("anomaly", "fit", "--help").ok().out()).contains("--normal-label").contains("--contamination")
                .contains("--latent").contains("--epochs");
        assertThat(Files.exists(model.resolve("anomaly.json"))).isTrue();
    }
}
