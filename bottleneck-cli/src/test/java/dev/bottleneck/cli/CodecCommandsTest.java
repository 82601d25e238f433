package dev.bottleneck.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code train --model codec}, {@code compress} and {@code decompress} on tiny 8x8 images: files
 * per image, PNGs back, the size reported, and one-line errors with nothing written for files of
 * another model or damaged ones.
 */
class CodecCommandsTest {

    @TempDir
    static Path shared;

    static Path images;
    static Path codec;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainTinyCodec() {
        images = shared.resolve("images8");
        Cli.imageFolder(images, 20, 8, 3);
        codec = shared.resolve("codec");
        run("train", "--data", "folder:" + images, "--model", "codec", "--arch", "conv-grid", "--channels", "4,8", "--latent", "16",
                "--codec-lambda", "0.05", "--epochs", "2", "--batch", "8", "--no-pictures", "--quiet", "--out", codec).ok();
    }

    @Test
    void codecTrainingClipsTheGradientNormByDefault() throws Exception {
        var manifest = new com.fasterxml.jackson.databind.ObjectMapper().readTree(codec.resolve("model.json").toFile());
        assertThat(manifest.at("/training/config/clip_norm").asDouble()).isEqualTo(1.0);
        String last = Cli.lines(codec.resolve("metrics.jsonl")).get(1);
        assertThat(last).contains("\"clipped_steps\"").contains("\"grad_norm_max\"");
    }

    @Test
    void compressWritesOneFilePerImageAndDecompressGivesPngsBack() throws Exception {
        Path btl = tmp.resolve("btl");
        String report = run("compress", codec, "--data", "folder:" + images, "--out", btl).ok().err();
        assertThat(report).contains("bits per pixel").contains("images/s");
        try (var s = Files.list(btl)) {
            assertThat(s.filter(p -> p.toString().endsWith(".btl")).count()).isGreaterThanOrEqualTo(20);
        }
        Path png = tmp.resolve("png");
        run("decompress", codec, btl, "--out", png).ok();
        assertThat(Cli.readPng(png.resolve("00000.png")).getWidth()).isEqualTo(8);
        Path one = tmp.resolve("one.png");
        run("decompress", codec, btl.resolve("00003.btl"), "--out", one).ok();
        assertThat(Files.readAllBytes(one)).isEqualTo(Files.readAllBytes(png.resolve("00003.png")));
        // compressing again gives the same bytes
        Path again = tmp.resolve("again");
        run("compress", codec, "--data", "folder:" + images, "--out", again, "--quiet").ok();
        assertThat(Files.readAllBytes(again.resolve("00005.btl"))).isEqualTo(Files.readAllBytes(btl.resolve("00005.btl")));
    }

    /** A PNG of random pixels: greyscale, or RGB. */
    private static void png(Path file, int h, int w, boolean rgb, long seed) throws Exception {
        java.util.Random r = new java.util.Random(seed);
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h,
                rgb ? java.awt.image.BufferedImage.TYPE_INT_RGB : java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = r.nextInt(256);
                img.setRGB(x, y, rgb ? r.nextInt(1 << 24) : (v << 16) | (v << 8) | v);
            }
        }
        Files.createDirectories(file.getParent());
        javax.imageio.ImageIO.write(img, "png", file.toFile());
    }

    @Test
    void imagesOfAnySizeAreCompressedFromFilesAndFoldersAndComeBackAtTheirSize() throws Exception {
        Path in = tmp.resolve("in");
        png(in.resolve("a.png"), 13, 21, false, 1);
        png(in.resolve("b.png"), 8, 8, false, 2);
        png(in.resolve("c.png"), 13, 21, false, 3);
        Path btl = tmp.resolve("btl");
        String report = run("compress", codec, in, "--out", btl).ok().err();
        assertThat(report).contains("compressed 3 image(s)").contains("bits per pixel");
        Path png = tmp.resolve("png");
        run("decompress", codec, btl, "--out", png, "--batch", "2").ok();
        java.awt.image.BufferedImage a = Cli.readPng(png.resolve("a.png"));
        assertThat(a.getHeight()).isEqualTo(13);
        assertThat(a.getWidth()).isEqualTo(21);
        assertThat(Cli.readPng(png.resolve("b.png")).getWidth()).isEqualTo(8);
        // one file in, one file out; batched and one-at-a-time decompression agree on the PNG
        Path one = tmp.resolve("one.btl");
        run("compress", codec, in.resolve("a.png"), "--out", one, "--quiet").ok();
        assertThat(Files.readAllBytes(one)).isEqualTo(Files.readAllBytes(btl.resolve("a.btl")));
        Path onePng = tmp.resolve("one.png");
        run("decompress", codec, one, "--out", onePng, "--batch", "1").ok();
        assertThat(Files.readAllBytes(onePng)).isEqualTo(Files.readAllBytes(png.resolve("a.png")));
        // codec-bench on images of another size than the training images: the codec's point and JPEG's, no KLT
        Path same = tmp.resolve("same");
        png(same.resolve("a.png"), 13, 21, false, 1);
        png(same.resolve("c.png"), 13, 21, false, 3);
        Cli.Result rd = run("codec-bench", codec, "--data", "folder:" + same, "--qualities", "50", "--out", tmp.resolve("rd")).ok();
        assertThat(rd.err() + rd.out()).contains("KLT left out").contains("Bottleneck codec").contains("JPEG").doesNotContain("KLT + rANS");
        // a colour image for a greyscale codec: one line naming it, nothing written
        png(in.resolve("d.png"), 8, 8, true, 4);
        Path none = tmp.resolve("none");
        Cli.Result r = run("compress", codec, in, "--out", none);
        assertThat(r.code()).isEqualTo(Main.INVALID_INPUT);
        assertThat(r.err()).contains("d.png").contains("3 channel(s); this codec codes 1").doesNotContain("Exception");
        assertThat(none).doesNotExist();
    }

    @Test
    void filesOfAnotherModelOrDamagedOnesAreOneLineErrorsWithNothingWritten() throws Exception {
        Path btl = tmp.resolve("btl");
        run("compress", codec, "--data", "folder:" + images, "--out", btl, "--quiet").ok();
        Path other = tmp.resolve("other");
        run("train", "--data", "folder:" + images, "--model", "codec", "--arch", "conv-grid", "--channels", "4,8", "--latent", "16",
                "--epochs", "1", "--batch", "8", "--seed", "9", "--no-pictures", "--quiet", "--out", other).ok();
        Path out = tmp.resolve("out");
        Cli.Result r = run("decompress", other, btl, "--out", out);
        assertThat(r.code()).isEqualTo(Main.INVALID_INPUT);
        assertThat(r.err()).contains("00000.btl").contains("another model");
        assertThat(out).doesNotExist();
        byte[] good = Files.readAllBytes(btl.resolve("00002.btl"));
        Files.write(btl.resolve("00002.btl"), Arrays.copyOf(good, good.length - 2));
        Cli.Result t = run("decompress", codec, btl, "--out", out);
        assertThat(t.code()).isEqualTo(Main.INVALID_INPUT);
        assertThat(t.err()).contains("00002.btl").doesNotContain("Exception");
        assertThat(out).doesNotExist();
        Cli.Result notCodec = run("compress", codec.resolveSibling("nonexistent"), "--data", "folder:" + images, "--out", out);
        assertThat(notCodec.code()).isEqualTo(Main.INVALID_INPUT);
    }

    @Test
    void codecBenchPutsTheCodecBesideJpegAndPngOnTheSameImages() throws Exception {
        Path rd = tmp.resolve("rd");
        String out = run("codec-bench", codec, "--data", "folder:" + images, "--qualities", "10,90", "--out", rd, "--json").ok().out();
        com.fasterxml.jackson.databind.JsonNode o = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        assertThat(o.get("images").asInt()).isGreaterThanOrEqualTo(20);
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> by = new java.util.LinkedHashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode p : o.get("points")) {
            by.put(p.get("method").asText() + " " + p.get("setting").asText(), p);
            assertThat(p.get("bpp").asDouble()).isPositive();
        }
        assertThat(by).containsKeys("JPEG quality 10", "JPEG, no tables quality 10", "JPEG quality 90", "PNG lossless");
        // the tables are most of a tiny JPEG file; a higher quality costs more bits for less error
        assertThat(by.get("JPEG, no tables quality 10").get("bpp").asDouble()).isLessThan(by.get("JPEG quality 10").get("bpp").asDouble());
        assertThat(by.get("JPEG quality 90").get("psnr").asDouble()).isGreaterThan(by.get("JPEG quality 10").get("psnr").asDouble());
        assertThat(by.keySet()).anyMatch(k -> k.startsWith("Bottleneck codec"));
        // the KLT coder: a coarser step spends fewer bits for more error
        double[] fine = {by.get("KLT + rANS step 0.100").get("bpp").asDouble(), by.get("KLT + rANS step 0.100").get("psnr").asDouble()};
        double[] coarse = {by.get("KLT + rANS step 1.60").get("bpp").asDouble(), by.get("KLT + rANS step 1.60").get("psnr").asDouble()};
        assertThat(coarse[0]).isLessThan(fine[0]);
        assertThat(coarse[1]).isLessThan(fine[1]);
        assertThat(Cli.readPng(rd.resolve("rd.png")).getWidth()).isPositive();
        Cli.Result bad = run("codec-bench", codec, "--qualities", "0", "--out", rd);
        assertThat(bad.code()).isEqualTo(Main.INVALID_INPUT);
    }
}
