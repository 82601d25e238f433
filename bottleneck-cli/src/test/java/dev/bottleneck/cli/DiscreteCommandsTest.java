package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.assertNothingWritten;
import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bottleneck.data.NpyArray;
import dev.bottleneck.data.NpyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discrete-code models on the command line (issue 10), tiny models on 8x8 images: each type
 * trains, logs its code usage per epoch, reports it in eval and info; encode writes integer codes
 * that decode reads back to the same reconstructions; bad codes and options are one-line errors
 * with nothing written.
 */
class DiscreteCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static Path images;
    static Path vq;
    static Path categorical;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainTinyModels() {
        images = shared.resolve("images8");
        Cli.imageFolder(images, 30, 8, 3);
        vq = shared.resolve("vq");
        run("train", "--data", "folder:" + images, "--model", "vq", "--arch", "mlp", "--hidden", "16", "--latent", "8",
                "--code-dim", "4", "--codebook-size", "16", "--epochs", "3", "--batch", "8", "--no-pictures", "--quiet", "--out", vq).ok();
        categorical = shared.resolve("cat");
        run("train", "--data", "folder:" + images, "--model", "categorical", "--arch", "mlp", "--hidden", "16", "--latent", "6",
                "--categories", "3", "--temperature", "2", "--epochs", "3", "--batch", "8", "--no-pictures", "--quiet", "--out", categorical).ok();
    }

    @Test
    void codeUsageIsLoggedPerEpochAndEvaluated() throws Exception {
        for (Path dir : List.of(vq, categorical)) {
            List<String> log = Cli.lines(dir.resolve("metrics.jsonl"));
            assertThat(log).hasSize(3);
            JsonNode last = JSON.readTree(log.get(2));
            assertThat(last.at("/metrics/perplexity").asDouble()).as(dir + " perplexity").isGreaterThanOrEqualTo(1.0);
            assertThat(last.at("/metrics/codes_used_fraction").asDouble()).isBetween(0.0, 1.0);
            JsonNode eval = JSON.readTree(run("eval", dir, "--json", "--no-pca").ok().out());
            assertThat(eval.get("test_perplexity").asDouble()).isGreaterThanOrEqualTo(1.0);
        }
        String info = run("info", vq).ok().out();
        assertThat(info).contains("vq: VQ-VAE").contains("2 vector(s) of 4 from a codebook of 16");
        assertThat(run("info", categorical).ok().out()).contains("2 group(s) of 3 categories");
    }

    @Test
    void integerCodesRoundTripThroughEncodeAndDecode() throws Exception {
        for (Path dir : List.of(vq, categorical)) {
            Path codes = tmp.resolve(dir.getFileName() + ".npy");
            run("encode", dir, "--data", "folder:" + images, "--out", codes).ok();
            NpyArray a = NpyFiles.read(codes);
            assertThat(a.shape()[1]).as("2 code vectors / 2 groups per image").isEqualTo(2);
            assertThat(a.shape()[0]).isPositive();
            for (float v : a.values()) {
                assertThat(v).isEqualTo((float) Math.rint(v)).isGreaterThanOrEqualTo(0f);
            }
            // the integer codes decode to what the continuous codes decode to
            Path floats = tmp.resolve(dir.getFileName() + "-z.npy");
            run("encode", dir, "--data", "folder:" + images, "--float", "--out", floats).ok();
            Path fromInts = tmp.resolve(dir.getFileName() + "-a.npy");
            Path fromFloats = tmp.resolve(dir.getFileName() + "-b.npy");
            run("decode", dir, "--codes", codes, "--out", fromInts).ok();
            run("decode", dir, "--codes", floats, "--float", "--out", fromFloats).ok();
            assertThat(NpyFiles.read(fromInts).values()).containsExactly(NpyFiles.read(fromFloats).values());
        }
    }

    @Test
    void badCodesAndOptionsAreOneLineErrorsWithNothingWritten() throws Exception {
        Path codes = tmp.resolve("c.npy");
        run("encode", vq, "--data", "folder:" + images, "--out", codes).ok();
        NpyArray a = NpyFiles.read(codes);
        float[] v = a.values().clone();
        v[0] = 16; // codebook of 16: 0..15
        Path bad = tmp.resolve("bad.npy");
        NpyFiles.write(bad, v, a.shape());
        Path out = tmp.resolve("out.png");
        Cli.Result r = run("decode", vq, "--codes", bad, "--out", out);
        assertThat(r.code()).isEqualTo(Main.INVALID_INPUT);
        assertThat(r.err()).contains("code 16 is out of range for a codebook of 16").doesNotContain("\n\t");
        v[0] = 1.5f;
        NpyFiles.write(bad, v, a.shape());
        assertThat(run("decode", vq, "--codes", bad, "--out", out).err()).contains("whole number");
        // codes of another model: the categorical model has other widths and ranges
        Path catCodes = tmp.resolve("cat.npy");
        run("encode", categorical, "--data", "folder:" + images, "--out", catCodes).ok();
        NpyFiles.write(bad, new float[] {1, 2, 3, 1, 2, 3}, new long[] {2, 3});
        assertThat(run("decode", vq, "--codes", bad, "--out", out).err()).contains("rows have 3 values").contains("have 2");
        assertNothingWritten(out, tmp);

        Path dir = tmp.resolve("m");
        Cli.Result zero = run("train", "--data", "folder:" + images, "--model", "vq", "--codebook-size", "0", "--out", dir);
        assertThat(zero.code()).isEqualTo(Main.INVALID_INPUT);
        assertThat(zero.err()).contains("--codebook-size must be at least 1");
        Cli.Result cold = run("train", "--data", "folder:" + images, "--model", "categorical", "--latent", "10", "--temperature", "0",
                "--out", dir);
        assertThat(cold.code()).isEqualTo(Main.INVALID_INPUT);
        assertThat(cold.err()).contains("temperature must be positive");
        Cli.Result wrongType = run("train", "--data", "folder:" + images, "--model", "ae", "--codebook-size", "8", "--out", dir);
        assertThat(wrongType.err()).contains("--codebook-size is for --model vq");
        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void codebookReportsUsageAndDrawsEntries() throws Exception {
        Path dir = tmp.resolve("cb");
        JsonNode o = JSON.readTree(run("codebook", vq, "--data", "folder:" + images, "--count", "8", "--json", "--out", dir).ok().out());
        assertThat(o.get("entries").asInt()).isEqualTo(16);
        assertThat(o.get("entries_used").asInt()).isBetween(1, 16);
        assertThat(o.get("dead_entries").asInt()).isEqualTo(16 - o.get("entries_used").asInt());
        assertThat(o.get("perplexity").asDouble()).isBetween(1.0, 16.0);
        long total = 0;
        for (JsonNode c : o.get("most_frequent_codes")) {
            total += c.get("count").asLong();
        }
        assertThat(total).isPositive().isLessThanOrEqualTo(o.get("n").asLong());
        assertThat(Cli.readPng(dir.resolve("usage.png")).getWidth()).isPositive();
        assertThat(Cli.readPng(dir.resolve("entries.png")).getWidth()).isPositive();
        Cli.Result plain = run("codebook", shared.resolve("nonexistent"), "--out", dir);
        assertThat(plain.code()).isEqualTo(Main.INVALID_INPUT);
    }

    @Test
    void clusterScoresTheOneHotCodeBesideKMeans() throws Exception {
        Path dir = tmp.resolve("clu");
        JsonNode o = JSON.readTree(run("cluster", categorical, "--data", "folder:" + images, "--baseline", vq, "--json", "--out", dir)
                .ok().out());
        assertThat(o.get("methods")).hasSize(3);
        for (JsonNode m : o.get("methods")) {
            assertThat(m.get("accuracy").asDouble()).as(m.toString()).isBetween(1.0 / 3, 1.0); // 3 classes: the best map is never below chance
            assertThat(m.get("nmi").asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(Cli.readPng(dir.resolve("confusion.png")).getWidth()).isPositive();
        assertThat(Cli.readPng(dir.resolve("clusters.png")).getWidth()).isPositive();
        Cli.Result wrong = run("cluster", vq, "--data", "folder:" + images, "--out", tmp.resolve("x"));
        assertThat(wrong.code()).isEqualTo(Main.INVALID_INPUT);
        assertThat(wrong.err()).contains("cluster needs --model categorical");
    }

    @Test
    void retrieveRanksBinaryCodesBesideItqAndLsh() throws Exception {
        Path bits = shared.resolve("bits");
        run("train", "--data", "folder:" + images, "--model", "binary", "--arch", "mlp", "--hidden", "16", "--latent", "8",
                "--epochs", "3", "--batch", "8", "--no-pictures", "--quiet", "--out", bits).ok();
        JsonNode o = JSON.readTree(run("retrieve", bits, "--data", "folder:" + images, "--top", "5", "--json").ok().out());
        assertThat(o.get("methods")).hasSize(3);
        for (JsonNode m : o.get("methods")) {
            assertThat(m.get("bits").asInt()).isEqualTo(8);
            assertThat(m.get("map").asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(run("retrieve", vq, "--data", "folder:" + images).err()).contains("retrieve needs --model binary");
    }

    @Test
    void selfAugmentedTrainingLogsItsTermsAndGridCodesRoundTrip() throws Exception {
        Path imsat = tmp.resolve("imsat");
        run("train", "--data", "folder:" + images, "--model", "categorical", "--arch", "mlp", "--hidden", "16", "--batch-norm",
                "--latent", "3", "--categories", "3", "--usage-weight", "0.4", "--entropy-weight", "0.1", "--vat-weight", "1",
                "--vat-epsilon", "0.5", "--epochs", "2", "--batch", "8", "--no-pictures", "--quiet", "--out", imsat).ok();
        JsonNode last = JSON.readTree(Cli.lines(imsat.resolve("metrics.jsonl")).get(1));
        assertThat(last.at("/train_terms/self_augmentation").asDouble()).as(last.toString()).isGreaterThanOrEqualTo(0.0);
        assertThat(last.at("/train_terms/conditional_entropy").isMissingNode()).as(last.toString()).isFalse();
        assertThat(run("info", imsat).ok().out()).contains("virtual adversarial self-augmentation x 1.0").contains("batch norm");

        // a 2x2 grid of VQ codes on 8x8 images: 4 indices per image, which decode to the reconstruction
        Path grid = tmp.resolve("grid");
        run("train", "--data", "folder:" + images, "--model", "vq", "--arch", "conv-grid", "--channels", "4,8", "--latent", "16",
                "--code-dim", "4", "--codebook-size", "8", "--loss", "bce", "--epochs", "2", "--batch", "8", "--no-pictures", "--quiet",
                "--out", grid).ok();
        Path codes = tmp.resolve("grid.npy");
        run("encode", grid, "--data", "folder:" + images, "--out", codes).ok();
        NpyArray a = NpyFiles.read(codes);
        assertThat(a.shape()[1]).isEqualTo(4);
        Path fromCodes = tmp.resolve("grid-decoded.npy");
        run("decode", grid, "--codes", codes, "--out", fromCodes).ok();
        Path floats = tmp.resolve("grid-z.npy");
        run("encode", grid, "--data", "folder:" + images, "--float", "--out", floats).ok();
        assertThat(NpyFiles.read(floats).shape()[1]).isEqualTo(16);
        Path fromFloats = tmp.resolve("grid-decoded-z.npy");
        run("decode", grid, "--codes", floats, "--float", "--out", fromFloats).ok();
        assertThat(NpyFiles.read(fromCodes).values()).containsExactly(NpyFiles.read(fromFloats).values());
        Cli.Result ae = run("train", "--data", "folder:" + images, "--model", "ae", "--arch", "conv-grid", "--channels", "4,8",
                "--latent", "16", "--out", tmp.resolve("ae-grid"));
        assertThat(ae.code()).isEqualTo(Main.INVALID_INPUT);
        assertThat(ae.err()).contains("use --model vq or --model fsq");
        assertThat(tmp.resolve("ae-grid")).doesNotExist();
    }

    @Test
    void discreteModelsSampleTheirCodeHistogramAndInterpolateThroughCodes() throws Exception {
        Path png = tmp.resolve("samples.png");
        String out = run("sample", vq, "--count", "6", "--out", png).ok().err();
        assertThat(out).contains("sampler codes");
        assertThat(Cli.readPng(png).getWidth()).isPositive();
        Path path = tmp.resolve("path.png");
        assertThat(run("interpolate", categorical, "--data", "folder:" + images, "--from", "0", "--to", "1", "--steps", "4",
                "--out", path).ok().err()).contains("quantized");
        Cli.Result plain = run("sample", categorical, "--sampler", "prior", "--out", tmp.resolve("p.png"));
        assertThat(plain.code()).isEqualTo(Main.INVALID_INPUT);
    }
}
