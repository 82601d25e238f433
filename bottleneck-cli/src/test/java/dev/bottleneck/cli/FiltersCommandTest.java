package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bottleneck filters} on tiny trained models: picture sizes, options and errors. */
class FiltersCommandTest {

    @TempDir
    static Path shared;

    /** MLP 64 -> 20 -> [4] on 8x8 grayscale images. */
    static Path mlp;
    /** Conv with 4 then 8 channels on the same images. */
    static Path conv;
    /** MLP 6 -> 8 -> [2] on table rows. */
    static Path table;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainTinyModels() {
        Path images = shared.resolve("images8");
        Cli.imageFolder(images, 10, 8, 5);
        mlp = shared.resolve("mlp");
        run("train", "--data", "folder:" + images, "--arch", "mlp", "--hidden", "20", "--latent", "4",
                "--epochs", "1", "--batch", "8", "--no-pictures", "--quiet", "--out", mlp).ok();
        conv = shared.resolve("conv");
        run("train", "--data", "folder:" + images, "--arch", "conv", "--channels", "4,8", "--latent", "4",
                "--epochs", "1", "--batch", "8", "--no-pictures", "--quiet", "--out", conv).ok();
        Path csv = shared.resolve("table.csv");
        Cli.planeCsv(csv, 100, 6, 1);
        table = shared.resolve("table");
        run("train", "--data", "csv:" + csv, "--label-column", "label", "--arch", "mlp", "--hidden", "8", "--latent", "2",
                "--epochs", "1", "--batch", "32", "--no-pictures", "--quiet", "--out", table).ok();
    }

    @Test
    void mlpUnitsAreDrawnAsImagesInASquareGrid() {
        Path png = tmp.resolve("pics/filters.png");
        Cli.Result r = run("filters", mlp, "--out", png).ok();
        assertThat(r.err()).contains("wrote " + png).contains("20 of 20 filters").contains("1x8x8 each").contains("5 per row");
        assertThat(r.out()).as("nothing on stdout").isBlank();
        BufferedImage img = Cli.readPng(png);
        // 5 columns x 4 rows of 8x8 filters magnified 10x with 10-pixel gaps
        assertThat(img.getWidth()).isEqualTo(5 * 90 + 10);
        assertThat(img.getHeight()).isEqualTo(4 * 90 + 10);
        assertThat(Cli.tempFiles(tmp)).isEmpty();

        Path some = tmp.resolve("some.png");
        run("filters", mlp, "--count", "3", "--columns", "2", "--quiet", "--out", some).ok();
        BufferedImage s = Cli.readPng(some);
        assertThat(s.getWidth()).isEqualTo(2 * 90 + 10);
        assertThat(s.getHeight()).isEqualTo(2 * 90 + 10);
    }

    @Test
    void convKernelsAreMagnified() {
        Path png = tmp.resolve("kernels.png");
        Cli.Result r = run("filters", conv, "--out", png).ok();
        assertThat(r.err()).contains("4 of 4 filters").contains("01encoder_01Conv2d_weight").contains("1x3x3 each");
        BufferedImage img = Cli.readPng(png);
        // 2 x 2 kernels of 3x3 magnified 16x (48 pixels) with 16-pixel gaps
        assertThat(img.getWidth()).isEqualTo(2 * 64 + 16);
        assertThat(img.getHeight()).isEqualTo(2 * 64 + 16);
    }

    @Test
    void tableModelsGetOneStripPerUnit() {
        Path png = tmp.resolve("table.png");
        Cli.Result r = run("filters", table, "--out", png).ok();
        assertThat(r.err()).contains("8 of 8 filters").contains("1x6 strips");
        BufferedImage img = Cli.readPng(png);
        // 6 weights of 14x14 pixels per strip, one strip per row
        assertThat(img.getWidth()).isEqualTo(6 * 14 + 2 * 14);
        assertThat(img.getHeight()).isEqualTo(8 * 28 + 14);
    }

    @Test
    void badOutputsAndOptionsAreOneLineErrors() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        run("filters", mlp, "--out", file.resolve("f.png")).fails(2, "plain-file", "cannot write", "is not a folder");
        Files.createDirectories(tmp.resolve("folder.png"));
        run("filters", mlp, "--out", tmp.resolve("folder.png")).fails(2, "folder.png", "is a folder");
        run("filters", mlp, "--out", tmp.resolve("f.jpg")).fails(2, "f.jpg", "--out must end with .png");
        run("filters", mlp, "--count", "0", "--out", tmp.resolve("f.png")).fails(2, "--count must be at least 1");
        run("filters", mlp, "--columns", "-1", "--out", tmp.resolve("f.png")).fails(2, "--columns must be at least 1");
        run("filters", tmp.resolve("no-such-run"), "--out", tmp.resolve("f.png")).fails(2, "no-such-run");
        // a usage error is one line too, the --help hint on it
        run("filters", mlp).fails(2, "Missing required option: '--out=FILE.png'; see 'bottleneck filters --help'");
        assertThat(tmp.resolve("f.png")).doesNotExist();
        assertThat(Cli.tempFiles(tmp)).isEmpty();
    }

    @Test
    void helpHasAnExample() {
        Cli.Result r = run("filters", "--help").ok();
        assertThat(r.out()).contains("./bottleneck filters runs/").contains("--count").contains("--columns").contains("mid-grey");
        assertThat(run("--help").ok().out()).contains("filters");
    }
}
