package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bottleneck.data.CsvLoader;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.NpyArray;
import dev.bottleneck.data.NpyFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Happy paths of the command line on tiny synthetic data: a CSV table (train, eval, info, encode,
 * decode), an image folder (train, reconstruct, encode, decode to a folder and to a grid), and
 * {@code --resume} giving the same numbers as an uninterrupted run.
 */
class CliWorkflowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- tables

    @Test
    void tableTrainEvalInfoEncodeDecode() throws IOException {
        Path csv = tmp.resolve("plane.csv");
        Cli.planeCsv(csv, 400, 6, 7);
        Path dir = tmp.resolve("runs/plane");
        run("train", "--data", "csv:" + csv, "--label-column", "label", "--arch", "mlp", "--hidden", "16", "--latent", "2",
                "--epochs", "30", "--batch", "32", "--quiet", "--out", dir).ok();

        // ---- the model directory
        for (String f : List.of("model.json", "model.params", "metrics.jsonl", "metrics.json", "checkpoint/state.json")) {
            assertThat(dir.resolve(f)).as(f).isRegularFile().isNotEmptyFile();
        }
        assertThat(Cli.tempFiles(tmp)).isEmpty();
        List<JsonNode> epochs = metricsLog(dir);
        assertThat(epochs).hasSize(30);
        for (int i = 0; i < epochs.size(); i++) {
            assertThat(epochs.get(i).get("epoch").asInt()).isEqualTo(i + 1);
            assertThat(epochs.get(i).get("test_loss").isNumber()).as("test loss of epoch %d", i + 1).isTrue();
        }
        double first = epochs.get(0).get("train_loss").asDouble();
        double last = epochs.get(29).get("train_loss").asDouble();
        assertThat(last).as("training lowers the loss").isLessThan(first / 2);
        JsonNode manifest = JSON.readTree(dir.resolve("model.json").toFile());
        assertThat(manifest.at("/training/epochs_completed").asInt()).isEqualTo(30);
        assertThat(manifest.at("/input/column_names").toString()).isEqualTo("[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]");
        JsonNode metrics = JSON.readTree(dir.resolve("metrics.json").toFile());
        assertThat(metrics.get("n").asInt()).as("10% of 400 rows held out").isEqualTo(40);

        // files get the permissions of any new file in that folder (the umask), not 0600
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe")));
        Files.delete(dir.resolve("probe"));
        for (String f : List.of("model.json", "model.params", "metrics.jsonl", "metrics.json", "checkpoint/state.json")) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(f))).as(f).isEqualTo(usual);
        }

        // ---- eval --json: one object on stdout, the same figures as training wrote
        Cli.Result ev = run("eval", dir, "--json").ok();
        assertThat(ev.outLines()).as(ev.describe()).hasSize(1);
        JsonNode e = JSON.readTree(ev.outLines().get(0));
        assertThat(e.isObject()).isTrue();
        assertThat(e.get("n").asInt()).isEqualTo(40);
        assertThat(e.get("mse").asDouble()).isBetween(0.0, 1.0);
        assertThat(e.get("mse").asDouble()).as("eval uses the same held-out rows as train")
                .isCloseTo(metrics.get("mse").asDouble(), within(1e-6));
        assertThat(e.get("pca_mse").asDouble()).isCloseTo(metrics.get("pca_mse").asDouble(), within(1e-6));
        assertThat(e.get("pca_mse").asDouble()).as("2-D plane: PCA-2 is nearly exact").isLessThan(0.01);

        // ---- info
        Cli.Result info = run("info", dir).ok();
        int params = (6 * 16 + 16) + (16 * 2 + 2) + (2 * 16 + 16) + (16 * 6 + 6);
        assertThat(info.out()).contains("MLP 6 -> 16 -> [2] -> 16 -> 6").contains(String.format("%,d", params))
                .contains("K = 2").contains("30/30 epochs");
        assertThat(manifest.get("parameters").asInt()).isEqualTo(params);

        // ---- encode to .npy, decode back to a table
        Path codes = tmp.resolve("out/codes.npy");
        run("encode", dir, "--data", "csv:" + csv, "--quiet", "--out", codes).ok();
        NpyArray z = NpyFiles.read(codes);
        assertThat(z.shape()).containsExactly(400, 2);
        assertFinite(z.values());

        Path back = tmp.resolve("out/back.csv");
        run("decode", dir, "--codes", codes, "--quiet", "--out", back).ok();
        assertThat(Cli.lines(back).get(0)).isEqualTo("a,b,c,d,e,f");
        Dataset original = CsvLoader.load(csv, "label");
        Dataset decoded = CsvLoader.load(back, null);
        assertThat(decoded.exampleShape()).containsExactly(6);
        assertThat(decoded.size()).isEqualTo(400);
        assertFinite(decoded.values());
        // decoded rows are in the table's own units: close to the originals
        double err = 0;
        double var = 0;
        float[] x = original.values();
        float[] y = decoded.values();
        double mean = 0;
        for (float v : x) {
            mean += v / x.length;
        }
        for (int i = 0; i < x.length; i++) {
            err += (x[i] - y[i]) * (x[i] - y[i]);
            var += (x[i] - mean) * (x[i] - mean);
        }
        assertThat(err / var).as("relative squared error of encode -> decode").isLessThan(0.1);

        // ---- decode to .npy keeps the shape
        Path backNpy = tmp.resolve("out/back.npy");
        run("decode", dir, "--codes", codes, "--quiet", "--out", backNpy).ok();
        assertThat(NpyFiles.read(backNpy).shape()).containsExactly(400, 6);

        // ---- encode to .csv: header z0,z1,label; labels from the data
        Path codesCsv = tmp.resolve("out/codes.csv");
        run("encode", dir, "--data", "csv:" + csv, "--quiet", "--out", codesCsv).ok();
        List<String> lines = Cli.lines(codesCsv);
        assertThat(lines.get(0)).isEqualTo("z0,z1,label");
        assertThat(lines).hasSize(401);
        int[] labels = original.labels();
        for (int i = 0; i < 400; i++) {
            String[] cells = lines.get(i + 1).split(",");
            assertThat(cells).hasSize(3);
            assertThat(Float.parseFloat(cells[0])).isCloseTo(z.values()[2 * i], within(1e-6f));
            assertThat(Float.parseFloat(cells[2])).isEqualTo((float) labels[i]);
        }
        // and the .csv codes decode like the .npy ones
        Path back2 = tmp.resolve("out/back2.csv");
        run("decode", dir, "--codes", codesCsv, "--quiet", "--out", back2).ok();
        assertThat(Cli.lines(back2)).isEqualTo(Cli.lines(back));
        assertThat(Cli.tempFiles(tmp)).isEmpty();
    }

    // ---------------------------------------------------------------- images

    @Test
    void imageFolderTrainReconstructEncodeDecode() throws IOException {
        Path images = tmp.resolve("shapes");
        Cli.imageFolder(images, 40, 12, 11);
        Path dir = tmp.resolve("runs/shapes");
        run("train", "--data", "folder:" + images, "--arch", "conv", "--channels", "4,8", "--latent", "8",
                "--epochs", "3", "--batch", "16", "--quiet", "--out", dir).ok();
        assertThat(dir.resolve("model.params")).isRegularFile();
        assertThat(dir.resolve("reconstructions.png")).isRegularFile();
        assertThat(dir.resolve("loss.png")).isRegularFile();
        assertThat(metricsLog(dir)).hasSize(3);
        JsonNode metrics = JSON.readTree(dir.resolve("metrics.json").toFile());
        assertThat(metrics.get("n").asInt()).isEqualTo(8);
        assertThat(metrics.get("psnr").isNumber()).as("images have a PSNR").isTrue();

        // ---- reconstruct: 8 inputs above their 8 reconstructions, each pixel drawn 3x3
        Path picture = tmp.resolve("pictures/r.png");
        run("reconstruct", dir, "--data", "folder:" + images, "--count", "8", "--quiet", "--out", picture).ok();
        BufferedImage img = Cli.readPng(picture);
        int scale = 3;
        int pad = 3;
        int cell = 12 * scale + pad;
        assertThat(img.getHeight()).isEqualTo(2 * cell + pad);
        int labelWidth = img.getWidth() - (8 * cell + pad);
        assertThat(labelWidth).as("room for the row labels").isBetween(1, 200);
        // the first input drawn is the first image of the folder (bars/000.png), pixel for pixel
        BufferedImage firstInput = Cli.readPng(images.resolve("bars/000.png"));
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                int gray = firstInput.getRaster().getSample(x, y, 0);
                int rgb = img.getRGB(labelWidth + pad + x * scale + 1, pad + y * scale + 1) & 0xFFFFFF;
                assertThat(rgb).as("input pixel (%d, %d)", x, y).isEqualTo(gray << 16 | gray << 8 | gray);
            }
        }

        // ---- encode the whole folder, decode the codes to one PNG per code
        Path codes = tmp.resolve("codes.npy");
        run("encode", dir, "--data", "folder:" + images, "--quiet", "--out", codes).ok();
        assertThat(NpyFiles.read(codes).shape()).containsExactly(80, 8);
        Path decoded = tmp.resolve("decoded");
        run("decode", dir, "--codes", codes, "--quiet", "--out", decoded + "/").ok();
        List<Path> pngs = list(decoded);
        assertThat(pngs).hasSize(80);
        assertThat(pngs.get(0).getFileName().toString()).isEqualTo("00000.png");
        assertThat(pngs.get(79).getFileName().toString()).isEqualTo("00079.png");
        for (Path p : pngs) {
            BufferedImage d = Cli.readPng(p);
            assertThat(d.getWidth()).as(p.toString()).isEqualTo(12);
            assertThat(d.getHeight()).as(p.toString()).isEqualTo(12);
        }
        // decoded images are images of the model's kind: they read back as data for it
        Cli.Result ev = run("eval", dir, "--data", "folder:" + decoded, "--no-pca", "--json").ok();
        JsonNode e = JSON.readTree(ev.outLines().get(0));
        assertThat(e.get("n").asInt()).isEqualTo(80);

        // ---- decode to a grid: 80 images, 16 per row, 5 rows
        Path grid = tmp.resolve("grid.png");
        run("decode", dir, "--codes", codes, "--quiet", "--out", grid).ok();
        BufferedImage g = Cli.readPng(grid);
        assertThat(g.getWidth()).isEqualTo(16 * cell + pad);
        assertThat(g.getHeight()).isEqualTo(5 * cell + pad);
        assertThat(Cli.tempFiles(tmp)).isEmpty();
    }

    // ---------------------------------------------------------------- denoise and inpaint

    @Test
    void denoisingModelDenoisesAndInpaintsBesideOpenCv() throws IOException {
        Path images = tmp.resolve("shapes");
        Cli.imageFolder(images, 40, 12, 11);
        Path dir = tmp.resolve("runs/dae");
        run("train", "--data", "folder:" + images, "--model", "dae", "--noise", "mask:0.5", "--arch", "conv", "--channels", "4,8",
                "--latent", "16", "--epochs", "60", "--batch", "16", "--lr", "3e-3", "--quiet", "--no-pictures", "--out", dir).ok();
        JsonNode manifest = JSON.readTree(dir.resolve("model.json").toFile());
        assertThat(manifest.at("/model/noise").asText()).isEqualTo("mask:0.5");

        Path den = tmp.resolve("den.png");
        Cli.Result r = run("denoise", dir, "--data", "folder:" + images, "--noise", "mask:0.5", "--json", "--out", den).ok();
        JsonNode d = JSON.readTree(r.outLines().get(0));
        assertThat(d.get("n").asInt()).isEqualTo(80);
        assertThat(d.get("noise").asText()).isEqualTo("mask:0.5");
        assertThat(d.get("psnr_restored").asDouble()).as("the model restores").isGreaterThan(d.get("psnr_corrupted").asDouble());
        BufferedImage dp = Cli.readPng(den);
        assertThat(dp.getHeight()).as("three rows: clean, corrupted, restored").isEqualTo(3 * (12 * 3 + 3) + 3);

        Path inp = tmp.resolve("inp.png");
        Cli.Result ir = run("inpaint", dir, "--data", "folder:" + images, "--mask", "drop:0.5", "--count", "40", "--json", "--out", inp).ok();
        JsonNode i = JSON.readTree(ir.outLines().get(0));
        assertThat(i.get("n").asInt()).isEqualTo(40);
        assertThat(i.get("missing_fraction").asDouble()).isBetween(0.4, 0.6);
        for (String method : List.of("masked", "bottleneck", "telea", "navier_stokes")) {
            assertThat(i.at("/psnr/" + method).isNumber()).as(method).isTrue();
        }
        assertThat(i.at("/psnr/bottleneck").asDouble()).isGreaterThan(i.at("/psnr/masked").asDouble());
        assertThat(Cli.readPng(inp).getHeight()).as("five rows").isEqualTo(5 * (12 * 3 + 3) + 3);

        run("denoise", dir, "--noise", "mask:1.5", "--data", "folder:" + images).fails(2, "--noise", "mask:1.5");
        run("inpaint", dir, "--mask", "hole:3", "--data", "folder:" + images).fails(2, "--mask", "hole:3");
        assertThat(Cli.tempFiles(tmp)).isEmpty();
    }

    // ---------------------------------------------------------------- resume

    @Test
    void resumeContinuesTheRunAndGivesTheSameNumbers() throws IOException {
        Path csv = tmp.resolve("plane.csv");
        Cli.planeCsv(csv, 300, 5, 5);
        Object[] common = {"--data", "csv:" + csv, "--label-column", "label", "--hidden", "12", "--latent", "2",
            "--batch", "32", "--seed", "3", "--no-pictures", "--quiet"};

        Path resumed = tmp.resolve("resumed");
        run(concat(common, "--epochs", "2", "--out", resumed)).ok();
        assertThat(metricsLog(resumed)).hasSize(2);
        assertThat(JSON.readTree(resumed.resolve("checkpoint/state.json").toFile()).get("epoch").asInt()).isEqualTo(2);
        run("train", "--resume", "--out", resumed, "--epochs", "4", "--quiet", "--no-pictures").ok();
        List<JsonNode> log = metricsLog(resumed);
        assertThat(log.stream().map(n -> n.get("epoch").asInt())).containsExactly(1, 2, 3, 4);
        JsonNode manifest = JSON.readTree(resumed.resolve("model.json").toFile());
        assertThat(manifest.at("/training/epochs_completed").asInt()).isEqualTo(4);
        assertThat(manifest.at("/training/config/epochs").asInt()).isEqualTo(4);
        assertThat(JSON.readTree(resumed.resolve("metrics.json").toFile()).get("epochs").asInt()).isEqualTo(4);

        Path straight = tmp.resolve("straight");
        run(concat(common, "--epochs", "4", "--out", straight)).ok();
        List<JsonNode> ref = metricsLog(straight);
        assertThat(ref).hasSize(4);
        for (int i = 0; i < 4; i++) {
            double a = log.get(i).get("train_loss").asDouble();
            double b = ref.get(i).get("train_loss").asDouble();
            assertThat(a).as("train loss of epoch %d, resumed vs straight", i + 1).isCloseTo(b, within(1e-5 * Math.abs(b)));
            double ta = log.get(i).get("test_loss").asDouble();
            double tb = ref.get(i).get("test_loss").asDouble();
            assertThat(ta).as("test loss of epoch %d, resumed vs straight", i + 1).isCloseTo(tb, within(1e-5 * Math.abs(tb)));
        }
        assertThat(log.get(3).get("train_loss").asDouble()).as("the two runs did train").isLessThan(log.get(0).get("train_loss").asDouble());

        // a resumed run may go on with a new learning rate (e.g. after a divergence); it is recorded
        run("train", "--resume", "--out", resumed, "--epochs", "5", "--lr", "2e-4", "--quiet", "--no-pictures").ok();
        JsonNode after = JSON.readTree(resumed.resolve("model.json").toFile());
        assertThat(after.at("/training/config/learning_rate").asDouble()).isEqualTo(2e-4);
        assertThat(after.at("/training/config/batch_size").asInt()).isEqualTo(32);
        assertThat(metricsLog(resumed)).hasSize(5);
        assertThat(after.at("/training/config").has("clip_norm")).as("no clipping unless asked").isFalse();

        // ... and with gradient clipping, recorded, reported per epoch, and kept by a later resume
        run("train", "--resume", "--out", resumed, "--epochs", "6", "--clip-norm", "1e-6", "--quiet", "--no-pictures").ok();
        assertThat(JSON.readTree(resumed.resolve("model.json").toFile()).at("/training/config/clip_norm").asDouble()).isEqualTo(1e-6);
        assertThat(metricsLog(resumed).get(5).at("/metrics/clipped_steps").asDouble()).isEqualTo(1.0);
        run("train", "--resume", "--out", resumed, "--epochs", "7", "--quiet", "--no-pictures").ok();
        assertThat(JSON.readTree(resumed.resolve("model.json").toFile()).at("/training/config/clip_norm").asDouble()).isEqualTo(1e-6);
        run("train", "--resume", "--out", resumed, "--epochs", "8", "--clip-norm", "-1", "--quiet").fails(2, "--clip-norm");
    }

    // ---------------------------------------------------------------- helpers

    private static List<JsonNode> metricsLog(Path dir) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Cli.lines(dir.resolve("metrics.jsonl"))) {
            try {
                out.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().collect(Collectors.toList());
        }
    }

    private static void assertFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new AssertionError("value " + i + " is " + v[i]);
            }
        }
    }

    private static Object[] concat(Object[] a, Object... b) {
        List<Object> all = new ArrayList<>();
        all.add("train");
        all.addAll(List.of(a));
        all.addAll(List.of(b));
        return all.toArray();
    }
}
