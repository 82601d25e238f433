package dev.bottleneck.io;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.EpochResult;
import dev.bottleneck.train.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelDirectoryTest {

    private static Manifest manifest(ModelConfig c, long params, String sha) {
        return new Manifest(Manifest.FORMAT, Manifest.COMPLETE, "test", "now", c, params, sha,
                new Manifest.InputSpec("image", c.inputShape(), new InputScaling("unit", 255f, null, null), "mnist", "mnist:test",
                        null, null, null, null, null),
                new Manifest.TrainingInfo(new TrainConfig(1, 8, 1e-3, 0), 1, 1.0, 2, null, 10), Map.of("mse", 0.01));
    }

    @Test
    void roundTripsAndDetectsCorruptWeights(@TempDir Path tmp) throws Exception {
        ModelConfig c = ModelConfig.builder().arch("conv").inputShape(1, 8, 8).channels(2).latent(3).build();
        ModelDirectory dir = ModelDirectory.at(tmp.resolve("run"));
        float[] before;
        try (Autoencoder ae = Autoencoder.create(c, 1); NDManager m = NDManager.newBaseManager()) {
            String sha = dir.writeParams(ae);
            dir.writeManifest(manifest(c, ae.parameterCount(), sha));
            before = ae.reconstruct(m.ones(new Shape(1, 1, 8, 8))).toFloatArray();
        }
        ModelDirectory opened = ModelDirectory.open(tmp.resolve("run"));
        assertThat(opened.manifest().model()).isEqualTo(c);
        assertThat(opened.manifest().input().scaling().type()).isEqualTo("unit");
        try (Autoencoder ae = opened.loadModel(); NDManager m = NDManager.newBaseManager()) {
            assertThat(ae.reconstruct(m.ones(new Shape(1, 1, 8, 8))).toFloatArray()).containsExactly(before);
        }
        // flip one byte in the middle of the weights
        Path params = tmp.resolve("run/model.params");
        byte[] b = Files.readAllBytes(params);
        b[b.length / 2] ^= 0x40;
        Files.write(params, b);
        assertThatThrownBy(opened::loadModel).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(params.toString()).hasMessageContaining("SHA-256 does not match");
        Files.delete(params);
        assertThatThrownBy(opened::loadModel).isInstanceOf(InvalidInputException.class).hasMessageContaining("no such file");
    }

    @Test
    void openingSomethingElseIsAClearError(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> ModelDirectory.open(tmp.resolve("nope"))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no such model directory");
        assertThatThrownBy(() -> ModelDirectory.open(tmp)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a model directory");
        Files.writeString(tmp.resolve("model.json"), "{ \"format\": 1, \"model\": ");
        assertThatThrownBy(() -> ModelDirectory.open(tmp).manifest()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.json").hasMessageContaining("not valid JSON");
    }

    @Test
    void metricsLogRoundTrips(@TempDir Path tmp) {
        ModelDirectory dir = ModelDirectory.at(tmp);
        List<EpochResult> epochs = List.of(
                new EpochResult(1, 0.5, Map.of("recon_mse", 0.5), 0.4, Map.of("recon_mse", 0.4), 1.5, 0.1, 1000, 300),
                new EpochResult(2, 0.3, Map.of("recon_mse", 0.3), null, null, 1.4, 0.0, 1100, 301));
        dir.writeMetricsLog(epochs);
        assertThat(dir.readMetricsLog()).isEqualTo(epochs);
    }

    @Test
    void atomicWriteLeavesTheOldFileWhenTheWriterFails(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("out.txt");
        AtomicFiles.writeString(f, "old");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("partial".getBytes());
            throw new java.io.IOException("disk full");
        })).isInstanceOf(BottleneckException.class).hasMessageContaining("out.txt").hasMessageContaining("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("out.txt");
        }
        Path underFile = f.resolve("x.txt");
        assertThatThrownBy(() -> AtomicFiles.writeString(underFile, "x")).isInstanceOf(BottleneckException.class)
                .hasMessageStartingWith(underFile.toString());
    }

    @Test
    void staleTemporaryFilesAreThoseOfWritersThatAreGone(@TempDir Path tmp) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long gone = p.pid();
        long live = ProcessHandle.current().parent().orElseThrow().pid();
        long self = ProcessHandle.current().pid();
        Path dead = Files.writeString(tmp.resolve(".scores.csv.tmp-" + gone + "-abc"), "half");
        Path alive = Files.writeString(tmp.resolve(".scores.csv.tmp-" + live + "-abc"), "in progress");
        Path mine = Files.writeString(tmp.resolve(".model.json.tmp-" + self + "-abc"), "in progress");
        Path legacyOld = Files.writeString(tmp.resolve(".model.json.tmp-abc"), "old");
        Files.setLastModifiedTime(legacyOld, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
        Path legacyNew = Files.writeString(tmp.resolve(".model.json.tmp-xyz"), "new");
        Path plain = Files.writeString(tmp.resolve("scores.csv"), "index,score,flag\n");
        assertThat(AtomicFiles.isStale(dead)).isTrue();
        assertThat(AtomicFiles.isStale(alive)).as("a live writer's file").isFalse();
        assertThat(AtomicFiles.isStale(mine)).as("this process's file").isFalse();
        assertThat(AtomicFiles.isStale(legacyOld)).as("no pid, older than this process").isTrue();
        assertThat(AtomicFiles.isStale(legacyNew)).as("no pid, newer than this process").isFalse();
        assertThat(AtomicFiles.isStale(plain)).isFalse();

        // this process's first write into the folder removes every stale temporary file there, not the others
        AtomicFiles.writeString(tmp.resolve("scores.csv"), "new");
        assertThat(dead).doesNotExist();
        assertThat(legacyOld).doesNotExist();
        assertThat(alive).exists();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(alive.getFileName().toString(),
                    mine.getFileName().toString(), legacyNew.getFileName().toString(), "scores.csv");
        }
        // later writes into it do not list the folder again; an explicit sweep still does
        Path later = Files.writeString(tmp.resolve(".codes.npy.tmp-" + gone + "-def"), "half");
        AtomicFiles.writeString(tmp.resolve("other.csv"), "x");
        assertThat(later).exists();
        assertThat(AtomicFiles.cleanStale(tmp)).isEqualTo(1);
        assertThat(later).doesNotExist();
    }

    @Test
    void anUnfinishedRunIsDescribedAndNotLoaded(@TempDir Path tmp) throws Exception {
        ModelConfig c = ModelConfig.builder().arch("mlp").inputShape(1, 2, 2).hidden().latent(2).build();
        ModelDirectory dir = ModelDirectory.at(tmp.resolve("run"));
        try (Autoencoder ae = Autoencoder.create(c, 1)) {
            String sha = dir.writeParams(ae);
            Manifest done = manifest(c, ae.parameterCount(), sha);
            dir.writeManifest(done.withStatus(Manifest.TRAINING, done.training()));
            assertThat(dir.manifest().paramsSha256()).as("an unfinished run names no weights").isNull();
            assertThat(dir.manifest().metrics()).isNull();
            assertThatThrownBy(dir::loadModel).isInstanceOf(InvalidInputException.class)
                    .hasMessage(dir.path() + ": unfinished run (no epoch saved yet); finish it with: bottleneck train --resume --out "
                            + dir.path());
            dir.writeManifest(done.withStatus(Manifest.EVALUATING, done.training()));
            assertThatThrownBy(dir::loadModel).isInstanceOf(InvalidInputException.class).hasMessageContaining("the final evaluation is not");
            dir.writeManifest(done.withStatus(Manifest.COMPLETE, done.training()));
            assertThat(dir.manifest().complete()).isTrue();
            dir.loadModel().close();
        }
        // a manifest without status (written before the field existed) is a finished model
        String json = Files.readString(dir.path().resolve(ModelDirectory.MANIFEST)).replace("\"status\" : \"complete\",", "");
        assertThat(json).doesNotContain("status");
        Files.writeString(dir.path().resolve(ModelDirectory.MANIFEST), json);
        assertThat(dir.manifest().complete()).isTrue();
        dir.loadModel().close();
    }

    @Test
    void picturesHaveTheExpectedLayout(@TempDir Path tmp) throws Exception {
        float[] px = new float[4 * 2 * 3];
        px[0] = 1f; // top-left pixel of image 0 white
        Path f = tmp.resolve("g.png");
        ImageGrid.writePng(f, ImageGrid.grid(px, 4, new ImageGrid.Shape(1, 2, 3), 2, 2));
        BufferedImage img = ImageIO.read(f.toFile());
        int pad = 2;
        assertThat(img.getWidth()).isEqualTo(2 * (3 * 2 + pad) + pad);
        assertThat(img.getHeight()).isEqualTo(2 * (2 * 2 + pad) + pad);
        assertThat(img.getRGB(pad, pad) & 0xffffff).isEqualTo(0xffffff);
        assertThat(img.getRGB(pad + 2, pad) & 0xffffff).isZero();
        Path plot = tmp.resolve("loss.png");
        LossPlot.write(plot, List.of(new EpochResult(1, 0.5, Map.of(), 0.4, Map.of(), 1, 0, 1, 1),
                new EpochResult(2, 0.3, Map.of(), 0.35, Map.of(), 1, 0, 1, 1)), "t", "loss");
        assertThat(ImageIO.read(plot.toFile()).getWidth()).isEqualTo(800);
    }
}
