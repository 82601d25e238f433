package dev.bottleneck.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.anomaly.AnomalySettings;
import dev.bottleneck.io.Json;
import dev.bottleneck.io.Manifest;
import dev.bottleneck.io.ModelDirectory;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.EpochResult;
import dev.bottleneck.train.TrainConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short, deterministic fuzz test of every file parser (issue 9): thousands of mutations (bit
 * flips, byte overwrites, truncations, insertions, deletions, duplicated runs; for JSON also
 * fields removed, nulled or given values of another type) of small valid IDX, NPY, CSV, PNG and
 * model-directory files. Each parse must succeed or throw a {@link BottleneckException} (an
 * {@link dev.bottleneck.InvalidInputException} for a bad file, or "not enough memory"): never a
 * {@code NullPointerException}, an {@code IndexOutOfBoundsException} or another exception that
 * the command-line tool would report as an internal error; and none may take more than {@link
 * #TIMEOUT}. What parses must also be usable: a dataset's shape matches its values, the two CSV
 * paths ({@code train}'s and {@code anomaly score}'s) give the same values or the same error, and
 * a manifest or {@code anomaly.json} holds every field the verbs read, as the file says it (no
 * silent 0 or {@code null}).
 *
 * <p>A failure names the format, the case number and the mutation, and prints the input as
 * Base64, so it can be turned into a plain regression test. The whole test takes a few seconds.
 */
class FileParsersFuzzTest {

    private static final long SEED = 20250909L;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    private static final Map<String, int[]> TALLY = new LinkedHashMap<>();

    /** A parse of one mutated file. */
    @FunctionalInterface
    interface Parse {
        void run(Path file) throws Exception;
    }

    @AfterAll
    static void report() {
        TALLY.forEach((k, v) -> System.out.printf("fuzz %-16s %5d inputs: %5d parsed, %5d rejected%n", k, v[0] + v[1], v[0], v[1]));
    }

    // ------------------------------------------------------------------ formats

    @Test
    void idxFiles() throws IOException {
        byte[] pixels = new byte[3 * 4 * 5];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 13);
        }
        Path images = tmp.resolve("x-images-idx3-ubyte");
        Path labels = tmp.resolve("x-labels-idx1-ubyte");
        IdxFiles.writeImages(images, pixels, 3, 4, 5);
        IdxFiles.writeLabels(labels, new int[] {7, 0, 3});
        byte[] img = Files.readAllBytes(images);
        byte[] lab = Files.readAllBytes(labels);
        byte[] gz = gzip(img);
        Random r = new Random(SEED);
        fuzz("idx images", img, 500, r, images, f -> consistent(IdxFiles.readImages(f, labels, null)));
        Files.write(images, img);
        fuzz("idx labels", lab, 250, r, labels, f -> consistent(IdxFiles.readImages(images, f, null)));
        fuzz("idx gzip", gz, 250, r, images, f -> consistent(IdxFiles.readImages(f, null, null)));
    }

    @Test
    void npyFiles() throws IOException {
        Path f = tmp.resolve("a.npy");
        float[] v = new float[4 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f - 2;
        }
        NpyFiles.write(f, v, new long[] {4, 3});
        byte[] f32 = Files.readAllBytes(f);
        // a uint8 image stack (2, 3, 3), written by hand as NumPy writes it (format 1.0)
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 3), }";
        StringBuilder header = new StringBuilder(dict);
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteArrayOutputStream u8 = new ByteArrayOutputStream();
        u8.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
        u8.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 18; i++) {
            u8.write(i * 14);
        }
        Random r = new Random(SEED + 1);
        fuzz("npy float32", f32, 500, r, f, file -> consistent(NpyFiles.readDataset(file)));
        fuzz("npy uint8", u8.toByteArray(), 400, r, f, file -> consistent(NpyFiles.readDataset(file)));
    }

    @Test
    void csvFiles() throws IOException {
        String text = "\uFEFF\"id x\",b;c,label\r\n1.5,-2e3,ok\r\n\"4\",5.25,\"bad, really\"\r\n 7 ,+8,ok\r\n9,.5e-1,3\r\n";
        byte[] csv = text.getBytes(StandardCharsets.UTF_8);
        byte[] headerless = "1;2;0\n3;4;1\n5.5;-6;1\n".getBytes(StandardCharsets.UTF_8);
        Path f = tmp.resolve("t.csv");
        Random r = new Random(SEED + 2);
        // train (CsvLoader) and anomaly score (CsvChunkReader, tiny buffer, chunks of 2 rows) must
        // accept the same files with the same values, and reject the same files with the same message
        fuzz("csv", csv, 700, r, f, file -> sameAsStreamed(file, "label", 7));
        fuzz("csv headerless", headerless, 300, r, f, file -> sameAsStreamed(file, "2", 3));
    }

    private static void sameAsStreamed(Path file, String label, int bufferSize) {
        Dataset whole = null;
        BottleneckException wholeError = null;
        try {
            whole = consistent(CsvLoader.load(file, label));
        } catch (BottleneckException e) {
            wholeError = e;
        }
        float[] streamed = null;
        BottleneckException streamError = null;
        try {
            streamed = streamed(file, label, bufferSize);
        } catch (BottleneckException e) {
            streamError = e;
        }
        if (wholeError != null && streamError == null && streamed.length == 0 && wholeError.getMessage().contains("empty dataset")) {
            throw wholeError; // a header without rows: the loader refuses it, the stream has no rows
        }
        if (wholeError != null || streamError != null) {
            assertThat(streamError == null ? null : streamError.getMessage()).as("the streaming reader's error")
                    .isEqualTo(wholeError == null ? null : wholeError.getMessage());
            throw wholeError;
        }
        assertThat(streamed).as("the streaming reader's values").containsExactly(whole.values());
    }

    /** Reads a CSV the way anomaly score does, with a tiny buffer and chunks of 2 rows; returns all values. */
    private static float[] streamed(Path file, String label, int bufferSize) {
        try (CsvChunkReader rd = CsvChunkReader.open(file, label, true, bufferSize)) {
            int d = rd.columns();
            float[] v = new float[2 * d];
            int[] l = new int[2];
            float[] all = new float[0];
            int n;
            while ((n = rd.read(v, l, 2)) > 0) {
                int at = all.length;
                all = Arrays.copyOf(all, at + n * d);
                System.arraycopy(v, 0, all, at, n * d);
                rd.integerLabels();
            }
            return all;
        }
    }

    /** What every verb assumes of a loaded dataset. */
    private static Dataset consistent(Dataset d) {
        long per = 1;
        for (int s : d.exampleShape()) {
            assertThat(s).as("a dimension of " + d.name()).isPositive();
            per *= s;
        }
        assertThat(d.size()).isPositive();
        assertThat((long) d.values().length).isEqualTo(per * d.size());
        if (d.labels() != null) {
            assertThat(d.labels()).hasSize(d.size());
        }
        for (float v : d.values()) {
            assertThat(Float.isFinite(v)).as("finite values in " + d.name()).isTrue();
        }
        return d;
    }

    @Test
    void pngFolders() throws IOException {
        Path folder = tmp.resolve("photos");
        Path good = folder.resolve("cats/a.png");
        Path bad = folder.resolve("dogs/b.png");
        BufferedImage gray = new BufferedImage(6, 5, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage rgb = new BufferedImage(6, 5, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 6; x++) {
                gray.getRaster().setSample(x, y, 0, x * 40 + y);
                rgb.setRGB(x, y, (x * 40) << 16 | (y * 50) << 8 | 99);
            }
        }
        Files.createDirectories(good.getParent());
        Files.createDirectories(bad.getParent());
        ImageIO.write(gray, "png", good.toFile());
        byte[] grayPng = Files.readAllBytes(good);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(rgb, "png", b);
        Random r = new Random(SEED + 3);
        int[] calls = {0};
        fuzz("png folder", b.toByteArray(), 300, r, bad,
                f -> consistent(ImageFolderLoader.load(folder, calls[0]++ % 2 == 0 ? null : new int[] {4, 4})));
        Files.delete(bad);
        fuzz("png gray", grayPng, 200, r, good, f -> consistent(ImageFolderLoader.load(folder, null)));
    }

    @Test
    void modelDirectories() throws IOException {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        ModelConfig c = ModelConfig.builder().arch("mlp").inputShape(3).hidden(4).latent(2).output("none").build();
        byte[] params;
        try (Autoencoder ae = Autoencoder.create(c, 1)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ae.saveParameters(out);
            params = out.toByteArray();
        }
        Manifest m = new Manifest(Manifest.FORMAT, Manifest.COMPLETE, "test", "now", c, 30, null,
                new Manifest.InputSpec("table", new int[] {3}, new InputScaling("standard", null, new float[] {0, 1, 2},
                        new float[] {1, 2, 3}), "csv:t.csv", null, 0.1, "label", null, List.of("x", "y"), List.of("a", "b", "c")),
                new Manifest.TrainingInfo(new TrainConfig(2, 8, 1e-3, 7), 2, 1.5, 2, null, 90),
                new java.util.TreeMap<>(Map.of("mse", 0.5, "psnr", "Infinity", "n", 10))); // a fixed order: the same bytes every run
        ObjectNode manifest = Json.MAPPER.valueToTree(m);
        ObjectNode anomaly = Json.MAPPER.valueToTree(new AnomalySettings(1, "mse", null, null, 0.01, 2.5, "ok", "label",
                List.of("a", "b", "c"), 90, new AnomalySettings.ScoreSummary(0.1, 0.5, 0.6, 2.5, 3)));
        ObjectNode standardizer = Json.MAPPER.valueToTree(new Standardizer(List.of("a", "b", "c"), new float[] {0, 1, 2},
                new float[] {1, 2, 3}));
        Path manifestFile = dir.resolve(ModelDirectory.MANIFEST);
        Random r = new Random(SEED + 4);

        Parse readManifest = f -> useLikeTheVerbs(ModelDirectory.open(dir).manifest());
        fuzz("model.json", Json.pretty(manifest).getBytes(StandardCharsets.UTF_8), 300, r, manifestFile, readManifest);
        fuzzJson("model.json tree", manifest, 500, r, manifestFile, readManifest);
        Files.writeString(manifestFile, Json.pretty(manifest));

        Path anomalyFile = dir.resolve(AnomalySettings.FILE);
        Parse readAnomaly = f -> {
            AnomalySettings s = AnomalySettings.read(dir);
            // no silent defaults: what was read is what the file says
            JsonNode t = Json.MAPPER.readTree(f.toFile());
            assertThat(t.get("threshold").isNumber()).as("threshold in the file").isTrue();
            assertThat(s.threshold()).isEqualTo(t.get("threshold").doubleValue());
            assertThat(t.get("contamination").isNumber()).as("contamination in the file").isTrue();
            s.anomalyScore(m.input().scaling());
        };
        fuzz("anomaly.json", Json.pretty(anomaly).getBytes(StandardCharsets.UTF_8), 150, r, anomalyFile, readAnomaly);
        fuzzJson("anomaly.json tree", anomaly, 300, r, anomalyFile, readAnomaly);

        Path stFile = dir.resolve(Standardizer.FILE);
        fuzz("standardizer", Json.pretty(standardizer).getBytes(StandardCharsets.UTF_8), 100, r, stFile, Standardizer::read);
        fuzzJson("standardizer tree", standardizer, 150, r, stFile, Standardizer::read);

        ModelDirectory md = ModelDirectory.at(dir);
        md.writeMetricsLog(List.of(new EpochResult(1, 0.5, Map.of("recon_mse", 0.5), 0.4, Map.of("recon_mse", 0.4), 1.5, 0.1, 1000, 300),
                new EpochResult(2, 0.3, Map.of("recon_mse", 0.3), null, null, 1.4, 0.0, 1100, 301)));
        byte[] log = Files.readAllBytes(dir.resolve(ModelDirectory.METRICS_LOG));
        fuzz("metrics.jsonl", log, 200, r, dir.resolve(ModelDirectory.METRICS_LOG), f -> {
            for (EpochResult e : md.readMetricsLog()) {
                assertThat(e.epoch()).isPositive(); // train --resume keeps the epochs it has done
            }
        });

        // weights without a recorded checksum: only truncations (a flipped size could ask the
        // allocator for anything; with the checksum, every change is caught before parsing)
        Path paramsFile = dir.resolve(ModelDirectory.PARAMS);
        int[] tally = tally("model.params");
        for (int i = 0; i < 40; i++) {
            int cut = i == 0 ? 0 : r.nextInt(params.length);
            Files.write(paramsFile, Arrays.copyOf(params, cut));
            check("model.params", i, "truncated to " + cut + " bytes", Arrays.copyOf(params, cut), tally, () -> {
                try (Autoencoder ae = ModelDirectory.open(dir).loadModel()) {
                    ae.parameterCount();
                }
            });
        }
    }

    /** Reads the manifest's fields the way info, eval, encode, resume and the anomaly verbs do. */
    private static void useLikeTheVerbs(Manifest m) {
        ModelConfig c = m.model();
        dev.bottleneck.model.Architectures.get(c.arch()).describe(c);
        c.modelType().description();
        int size = c.inputSize();
        Manifest.InputSpec in = m.input();
        assertThat(in.shape()).as("input.shape").containsExactly(c.inputShape());
        InputScaling sc = in.scaling();
        sc.isPixelScale();
        sc.outputActivation();
        if (sc.type().equals("standard")) {
            assertThat(sc.mean()).hasSize(size);
            sc.standardizer(in.columnNames());
        }
        if (in.testData() != null) {
            DataSpec.parse(in.testData());
        } else {
            double holdout = in.holdout(); // LoadedModel unboxes it
            assertThat(holdout).isBetween(0.0, 1.0);
        }
        DataSpec.parse(in.data());
        if (in.resize() != null) {
            ImageFolderLoader.parseSize(in.resize());
        }
        if (in.columnNames() != null) {
            assertThat(in.columnNames()).hasSize(size); // decode writes them as the CSV header
        }
        TrainConfig t = m.training().config();
        assertThat(t.epochs()).isPositive();
        assertThat(m.training().epochsCompleted()).isNotNegative();
        if (m.metrics() != null) {
            for (String k : List.of("mse", "psnr", "pca_mse", "elbo", "nll")) {
                Object v = m.metrics().get(k);
                assertThat(v == null || v instanceof Number || List.of("NaN", "Infinity", "-Infinity").contains(v))
                        .as("metric " + k + " = " + v).isTrue();
            }
        }
    }

    // ------------------------------------------------------------------ the engine

    private void fuzz(String format, byte[] valid, int cases, Random r, Path file, Parse parse) throws IOException {
        int[] tally = tally(format);
        Files.write(file, valid);
        check(format, -1, "unchanged", valid, tally, () -> parse.run(file));
        assertThat(tally[0]).as(format + ": the unmutated file parses").isEqualTo(1);
        for (int i = 0; i < cases; i++) {
            StringBuilder how = new StringBuilder();
            byte[] input = mutate(valid, r, how);
            Files.write(file, input);
            check(format, i, how.toString(), input, tally, () -> parse.run(file));
        }
        Files.write(file, valid);
    }

    private void fuzzJson(String format, ObjectNode valid, int cases, Random r, Path file, Parse parse) throws IOException {
        int[] tally = tally(format);
        for (int i = 0; i < cases; i++) {
            ObjectNode copy = valid.deepCopy();
            StringBuilder how = new StringBuilder();
            int edits = 1 + r.nextInt(2);
            for (int e = 0; e < edits; e++) {
                editTree(copy, r, how);
            }
            byte[] input = Json.pretty(copy).getBytes(StandardCharsets.UTF_8);
            Files.write(file, input);
            check(format, i, how.toString(), input, tally, () -> parse.run(file));
        }
        Files.writeString(file, Json.pretty(valid));
    }

    private static int[] tally(String format) {
        synchronized (TALLY) {
            return TALLY.computeIfAbsent(format, k -> new int[2]);
        }
    }

    /** Runs one parse under a timeout; anything but success or a BottleneckException fails the test. */
    private static void check(String format, int index, String how, byte[] input, int[] tally, ThrowingAction action) {
        String what = format + " case " + index + " (" + how + ")";
        Throwable t = assertTimeoutPreemptively(TIMEOUT, () -> {
            try {
                action.run();
                return null;
            } catch (Throwable e) {
                return e;
            }
        }, () -> what + ": no answer within " + TIMEOUT + "; input (Base64) " + Base64.getEncoder().encodeToString(input));
        if (t == null) {
            tally[0]++;
            return;
        }
        if (t instanceof BottleneckException) {
            assertThat(t.getMessage()).as(what).doesNotContain("\n").isNotBlank();
            tally[1]++;
            return;
        }
        String problem = t instanceof AssertionError ? "parsed, but breaks what the verbs assume: " + t.getMessage()
                : t + " escaped (the CLI would call it an internal error)";
        fail(what + ": " + problem + "; input (Base64) " + Base64.getEncoder().encodeToString(input), t);
    }

    /** A parse that may throw anything. */
    @FunctionalInterface
    interface ThrowingAction {
        void run() throws Exception;
    }

    // ------------------------------------------------------------------ mutations

    private static final byte[] INTERESTING = {0, (byte) 0xFF, 0x7F, (byte) 0x80, 1, '\n', '\r', ',', ';', '"', '\'', '{', '}',
        '[', ']', '(', ')', ':', '-', '+', '.', 'e', '9', '0', ' ', '\t', 'N', (byte) 0xEF, (byte) 0xC3};

    static byte[] mutate(byte[] in, Random r, StringBuilder how) {
        byte[] b = in;
        int n = 1 + (r.nextInt(4) == 0 ? r.nextInt(4) : 0);
        for (int k = 0; k < n; k++) {
            if (how.length() > 0) {
                how.append(", ");
            }
            int op = r.nextInt(7);
            int at = b.length == 0 ? 0 : r.nextInt(b.length);
            switch (op) {
                case 0 -> {
                    if (b.length > 0) {
                        b = b.clone();
                        int bit = r.nextInt(8);
                        b[at] ^= (byte) (1 << bit);
                        how.append("flip bit ").append(bit).append(" of byte ").append(at);
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b = b.clone();
                        byte v = r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : (byte) r.nextInt(256);
                        b[at] = v;
                        how.append("byte ").append(at).append(" = ").append(v & 0xFF);
                    }
                }
                case 2 -> {
                    int cut = r.nextInt(b.length + 1);
                    b = Arrays.copyOf(b, cut);
                    how.append("truncate to ").append(cut);
                }
                case 3 -> {
                    int len = 1 + r.nextInt(8);
                    byte[] ins = new byte[len];
                    for (int i = 0; i < len; i++) {
                        ins[i] = r.nextBoolean() ? INTERESTING[r.nextInt(INTERESTING.length)] : (byte) r.nextInt(256);
                    }
                    b = splice(b, at, 0, ins);
                    how.append("insert ").append(len).append(" at ").append(at);
                }
                case 4 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    b = splice(b, at, len, new byte[0]);
                    how.append("delete ").append(len).append(" at ").append(at);
                }
                case 5 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(32));
                    byte[] run = Arrays.copyOfRange(b, at, at + len);
                    int to = r.nextInt(b.length + 1);
                    b = splice(b, to, 0, run);
                    how.append("copy ").append(len).append(" from ").append(at).append(" to ").append(to);
                }
                default -> {
                    // overwrite four bytes with a big-endian or little-endian extreme int (sizes, counts)
                    if (b.length >= 4) {
                        b = b.clone();
                        int p = r.nextInt(b.length - 3);
                        int[] extremes = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 24, 65535, 100000};
                        int v = extremes[r.nextInt(extremes.length)];
                        boolean big = r.nextBoolean();
                        for (int i = 0; i < 4; i++) {
                            b[p + i] = (byte) (big ? v >>> (24 - 8 * i) : v >>> (8 * i));
                        }
                        how.append("int ").append(v).append(big ? " (BE)" : " (LE)").append(" at ").append(p);
                    }
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    /** Removes, nulls or retypes one field anywhere in the tree. */
    static void editTree(ObjectNode root, Random r, StringBuilder how) {
        List<String> paths = new ArrayList<>();
        List<JsonNode> parents = new ArrayList<>();
        List<Object> keys = new ArrayList<>();
        collect(root, "", paths, parents, keys);
        int i = r.nextInt(paths.size());
        JsonNode parent = parents.get(i);
        Object key = keys.get(i);
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode[] values = {f.nullNode(), f.textNode("x"), f.textNode(""), f.numberNode(-1), f.numberNode(0), f.numberNode(2.5),
            f.numberNode(1e300), f.numberNode(Long.MAX_VALUE), f.numberNode(Integer.MAX_VALUE), f.booleanNode(true), f.arrayNode(),
            f.objectNode(), f.arrayNode().add(f.nullNode()), f.textNode("NaN"), f.textNode("\u0000\u001b[2J")};
        if (how.length() > 0) {
            how.append(", ");
        }
        if (r.nextInt(4) == 0 && parent instanceof ObjectNode o) {
            o.remove((String) key);
            how.append("remove ").append(paths.get(i));
            return;
        }
        JsonNode v = values[r.nextInt(values.length)];
        if (parent instanceof ObjectNode o) {
            o.set((String) key, v);
        } else {
            ((ArrayNode) parent).set((Integer) key, v);
        }
        how.append(paths.get(i)).append(" = ").append(v);
    }

    private static void collect(JsonNode node, String path, List<String> paths, List<JsonNode> parents, List<Object> keys) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(k -> {
                paths.add(path + "/" + k);
                parents.add(node);
                keys.add(k);
                collect(node.get(k), path + "/" + k, paths, parents, keys);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                paths.add(path + "/" + i);
                parents.add(node);
                keys.add(i);
                collect(node.get(i), path + "/" + i, paths, parents, keys);
            }
        }
    }

    private static byte[] gzip(byte[] b) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(b);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
