package dev.bottleneck.server;

import dev.bottleneck.app.TrainingRun;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.TrainConfig;
import dev.bottleneck.train.TrainingListener;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Builds the tests' data and models: a folder of 28x28 grayscale PNGs in three classes (a
 * horizontal bar, a vertical bar, a square ring, each jittered), and small models trained on it in
 * a few seconds through the library, as {@code bottleneck train} would.
 */
final class TinyModel {

    /** Image side, pixels. */
    static final int SIDE = 28;

    private TinyModel() {}

    /**
     * Writes {@code perClass} images per class under {@code dir/CLASS/NNN.png}.
     *
     * @param dir the folder to fill
     * @param perClass images per class
     * @param seed jitter seed
     * @return {@code dir}
     */
    static Path imageFolder(Path dir, int perClass, long seed) {
        Random r = new Random(seed);
        String[] classes = {"hbar", "ring", "vbar"};
        try {
            for (int c = 0; c < classes.length; c++) {
                Path d = Files.createDirectories(dir.resolve(classes[c]));
                for (int i = 0; i < perClass; i++) {
                    ImageIO.write(draw(c, r), "png", d.resolve(String.format("%03d.png", i)).toFile());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * @param kind 0 horizontal bar, 1 ring, 2 vertical bar
     * @param r jitter
     * @return one 28x28 grayscale image, white shape on black
     */
    static BufferedImage draw(int kind, Random r) {
        BufferedImage img = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        int o = r.nextInt(7) - 3;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                boolean on = switch (kind) {
                    case 0 -> y >= 12 + o && y < 16 + o && x >= 5 && x < 23;
                    case 2 -> x >= 12 + o && x < 16 + o && y >= 5 && y < 23;
                    default -> {
                        int ax = Math.abs(x - 14 - o / 2);
                        int ay = Math.abs(y - 14);
                        int m = Math.max(ax, ay);
                        yield m >= 6 && m < 9;
                    }
                };
                img.getRaster().setSample(x, y, 0, on ? 200 + r.nextInt(56) : r.nextInt(20));
            }
        }
        return img;
    }

    /**
     * Trains a small model on an image folder (a fifth held out as its test set).
     *
     * @param folder the image folder
     * @param type the model type, e.g. {@code "ae"} or {@code "vae"}
     * @param out the model directory
     * @return {@code out}
     */
    static Path train(Path folder, String type, Path out) {
        ModelConfig.Builder b = ModelConfig.builder().type(type).arch("mlp").hidden(64).latent(4).loss("bce");
        TrainingRun.Request req = new TrainingRun.Request(DataSpec.parse("folder:" + folder), null, 0.2, DataSources.Options.defaults(),
                b, "unit", new TrainConfig(25, 32, 3e-3, 7), out, false, null, null, null, true, false);
        TrainingRun.run(req, new TrainingListener() {}, m -> { });
        return out;
    }

    /**
     * Fits an anomaly detector ({@code anomaly fit}): a small model trained on one class of the
     * image folder, threshold at the 95th percentile of its training scores.
     *
     * @param folder the image folder
     * @param normal the normal class (a subfolder name)
     * @param out the model directory (gets {@code anomaly.json})
     * @return {@code out}
     */
    static Path fitAnomaly(Path folder, String normal, Path out) {
        ModelConfig.Builder b = ModelConfig.builder().type("ae").arch("mlp").hidden(64).latent(4).loss("bce");
        TrainingRun.Request req = new TrainingRun.Request(DataSpec.parse("folder:" + folder), null, 0.2,
                DataSources.Options.defaults().keeping(normal), b, "unit", new TrainConfig(25, 32, 3e-3, 7), out, false, null, null, null, true,
                false);
        dev.bottleneck.anomaly.AnomalyFit.run(req, 0.05, "mse", new TrainingListener() {}, m -> { });
        return out;
    }

    /**
     * Trains a small table model on a CSV of four numeric columns (no labels), a fifth held out.
     *
     * @param dir where to write {@code rows.csv}
     * @param out the model directory
     * @return {@code out}
     */
    static Path trainTable(Path dir, Path out) {
        Random r = new Random(3);
        StringBuilder sb = new StringBuilder("a,b,c,d\n");
        for (int i = 0; i < 200; i++) {
            double t = r.nextGaussian();
            sb.append(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f,%.4f%n", t, 2 * t + 0.1 * r.nextGaussian(), r.nextGaussian(),
                    -t + 5));
        }
        Path csv = dir.resolve("rows.csv");
        try {
            Files.createDirectories(dir);
            Files.writeString(csv, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelConfig.Builder b = ModelConfig.builder().type("ae").arch("mlp").hidden(8).latent(2).loss("mse");
        TrainingRun.Request req = new TrainingRun.Request(DataSpec.parse("csv:" + csv), null, 0.2, DataSources.Options.defaults(),
                b, null, new TrainConfig(10, 32, 3e-3, 7), out, false, null, null, null, true, false);
        TrainingRun.run(req, new TrainingListener() {}, m -> { });
        return out;
    }
}
