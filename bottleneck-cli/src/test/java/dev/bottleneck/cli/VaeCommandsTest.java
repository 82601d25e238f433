package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.assertNothingWritten;
import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generative models on the command line (issue 4) with tiny models on 8x8 images: a VAE trained,
 * saved and loaded by eval (ELBO, active units, NLL), info, the picture verbs sample, interpolate,
 * manifold and latent-map, samplers fitted to a plain autoencoder's codes, and the errors for bad
 * arguments.
 */
class VaeCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INVALID = Main.INVALID_INPUT;

    @TempDir
    static Path shared;

    static Path images;
    /** VAE 64 -> 16 -> [2], Bernoulli decoder, dynamic binarization. */
    static Path vae2;
    /** Plain autoencoder 64 -> 16 -> [4]. */
    static Path ae4;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainTinyModels() {
        images = shared.resolve("images8");
        Cli.imageFolder(images, 30, 8, 3);
        vae2 = shared.resolve("vae2");
        run("train", "--data", "folder:" + images, "--model", "vae", "--arch", "mlp", "--hidden", "16", "--latent", "2",
                "--loss", "bce", "--binarize", "dynamic", "--kl-warmup", "2", "--epochs", "6", "--batch", "8", "--lr", "3e-3",
                "--no-pictures", "--quiet", "--out", vae2).ok();
        ae4 = shared.resolve("ae4");
        run("train", "--data", "folder:" + images, "--arch", "mlp", "--hidden", "16", "--latent", "4",
                "--epochs", "3", "--batch", "8", "--no-pictures", "--quiet", "--out", ae4).ok();
    }

    @Test
    void trainLogsTheTermsAndEvalReportsTheLikelihood() throws IOException {
        List<String> log = Cli.lines(vae2.resolve("metrics.jsonl"));
        assertThat(log).hasSize(6);
        JsonNode first = JSON.readTree(log.get(0));
        JsonNode last = JSON.readTree(log.get(5));
        for (String term : List.of("recon", "kl", "elbo")) {
            assertThat(last.at("/train_terms/" + term).isNumber()).as(term).isTrue();
            assertThat(last.at("/test_terms/" + term).isNumber()).as(term).isTrue();
        }
        assertThat(last.at("/test_terms/elbo").asDouble()).as("the ELBO rises").isGreaterThan(first.at("/test_terms/elbo").asDouble());
        JsonNode manifest = JSON.readTree(vae2.resolve("model.json").toFile());
        assertThat(manifest.at("/model/type").asText()).isEqualTo("vae");
        assertThat(manifest.at("/model/options/kind").asText()).isEqualTo("vae");
        assertThat(manifest.at("/model/options/binarize").asText()).isEqualTo("dynamic");
        assertThat(manifest.at("/model/options/kl_warmup").asInt()).isEqualTo(2);
        assertThat(manifest.at("/metrics/elbo").isNumber()).isTrue();
        assertThat(manifest.at("/metrics/active_units").isInt()).isTrue();

        Cli.Result ev = run("eval", vae2, "--json", "--no-pca", "--nll-samples", "200").ok();
        assertThat(ev.outLines()).hasSize(1);
        JsonNode e = JSON.readTree(ev.outLines().get(0));
        double elbo = e.get("elbo").asDouble();
        assertThat(elbo).isNegative();
        assertThat(elbo).isCloseTo(-(e.get("recon").asDouble() + e.get("kl").asDouble()), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(e.get("elbo").asDouble()).as("eval reads the figures train wrote").isEqualTo(manifest.at("/metrics/elbo").asDouble());
        assertThat(e.get("active_units").asInt()).isBetween(0, 2);
        assertThat(e.get("latent").asInt()).isEqualTo(2);
        assertThat(e.get("nll_samples").asInt()).isEqualTo(200);
        assertThat(e.get("nll").asDouble()).as("200 importance samples bound log p(x) more tightly than the ELBO")
                .isLessThan(-elbo + 0.5).isPositive();
        assertThat(e.get("binarization").asText()).contains("fixed binarization").contains("seed");
        assertThat(ev.err()).as("progress of the NLL estimate on stderr").contains("-log p(x), 200 samples per image: 100%");

        Cli.Result text = run("eval", vae2, "--no-pca").ok();
        assertThat(text.out()).contains("ELBO").contains("active units");

        Cli.Result info = run("info", vae2).ok();
        assertThat(info.out()).contains("vae: variational autoencoder").contains("Bernoulli decoder").contains("binarize dynamic")
                .contains("KL warm-up 2 epochs").contains("ELBO");
    }

    @Test
    void picturesOfTheGenerator() {
        Path s = tmp.resolve("pics/samples.png");
        Cli.Result r = run("sample", vae2, "--count", "12", "--columns", "6", "--temperature", "0.8", "--out", s).ok();
        assertThat(r.err()).contains("12 samples, sampler prior, temperature 0.8");
        BufferedImage img = Cli.readPng(s);
        // 6 columns x 2 rows of 8x8 images magnified 3x with 3-pixel gaps
        assertThat(img.getWidth()).isEqualTo(6 * 27 + 3);
        assertThat(img.getHeight()).isEqualTo(2 * 27 + 3);

        Path i = tmp.resolve("interp.png");
        run("interpolate", vae2, "--data", "folder:" + images, "--from", "0", "--to", "40", "--steps", "7", "--slerp", "--quiet",
                "--out", i).ok();
        assertThat(Cli.readPng(i).getHeight()).as("two rows").isEqualTo(2 * 27 + 3);

        Path m = tmp.resolve("manifold.png");
        run("manifold", vae2, "--size", "5", "--quiet", "--out", m).ok();
        BufferedImage mi = Cli.readPng(m);
        assertThat(mi.getWidth()).isEqualTo(5 * 27 + 3);
        assertThat(mi.getHeight()).isEqualTo(5 * 27 + 3);

        Path map = tmp.resolve("map.png");
        Cli.Result lm = run("latent-map", vae2, "--data", "folder:" + images, "--out", map).ok();
        assertThat(lm.err()).contains("60 codes").contains("coloured by label");
        assertThat(Cli.readPng(map).getWidth()).isEqualTo(900);
        Path map4 = tmp.resolve("map4.png");
        Cli.Result lm4 = run("latent-map", ae4, "--data", "folder:" + images, "--count", "20", "--out", map4).ok();
        assertThat(lm4.err()).contains("20 codes").contains("PCA to 2-D");
        assertThat(Cli.tempFiles(tmp)).isEmpty();
    }

    @Test
    void aPlainAutoencoderSamplesAFittedDensity() {
        Path g = tmp.resolve("ae-gauss.png");
        Cli.Result r = run("sample", ae4, "--count", "8", "--out", g).ok();
        assertThat(r.err()).contains("sampler gaussian").contains("encoding the training data");
        Path m = tmp.resolve("ae-gmm.png");
        assertThat(run("sample", ae4, "--count", "8", "--sampler", "gmm:2", "--out", m).ok().err()).contains("sampler gmm:2");
        assertThat(Files.exists(g) && Files.exists(m)).isTrue();
        // a 2-D VAE can also be sampled from a density fitted to its codes
        run("sample", vae2, "--count", "4", "--sampler", "gaussian", "--quiet", "--out", tmp.resolve("v.png")).ok();
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        Path out = tmp.resolve("run");
        run("train", "--data", "folder:" + images, "--model", "vae", "--beta", "-1", "--out", out).fails(INVALID, "--beta", ">= 0");
        assertNothingWritten(out, tmp);
        run("train", "--data", "folder:" + images, "--model", "vae", "--free-bits", "0.5", "--iw-samples", "5", "--out", out)
                .fails(INVALID, "--free-bits", "--iw-samples");
        run("train", "--data", "folder:" + images, "--model", "vae", "--iw-samples", "0", "--out", out).fails(INVALID, "--iw-samples");
        run("train", "--data", "folder:" + images, "--model", "vae", "--binarize", "dynamic", "--out", out)
                .fails(INVALID, "--binarize", "--loss bce");
        run("train", "--data", "folder:" + images, "--model", "vae", "--binarize", "often", "--loss", "bce", "--out", out)
                .fails(INVALID, "--binarize", "often");
        run("train", "--data", "folder:" + images, "--model", "vae", "--sigma", "learned", "--loss", "bce", "--out", out)
                .fails(INVALID, "--sigma", "Gaussian");
        run("train", "--data", "folder:" + images, "--model", "ae", "--beta", "2", "--out", out).fails(INVALID, "--beta", "--model vae");
        run("train", "--data", "folder:" + images, "--max-minutes", "0", "--out", out).fails(INVALID, "--max-minutes");
        assertNothingWritten(out, tmp);

        run("eval", vae2, "--nll-samples", "0").fails(INVALID, "--nll-samples", "at least 1");
        run("eval", ae4, "--nll-samples", "10").fails(INVALID, "ae4", "--nll-samples", "vae");

        Path png = tmp.resolve("x.png");
        run("manifold", ae4, "--out", png).fails(INVALID, "ae4", "4-dimensional", "2-D");
        run("sample", ae4, "--sampler", "prior", "--out", png).fails(INVALID, "no prior", "gmm:N");
        run("sample", vae2, "--sampler", "gmm:0", "--out", png).fails(INVALID, "gmm:N", "N >= 1");
        run("sample", vae2, "--temperature", "-1", "--out", png).fails(INVALID, "--temperature");
        run("sample", vae2, "--out", tmp.resolve("x.jpg")).fails(INVALID, ".png");
        run("interpolate", vae2, "--data", "folder:" + images, "--from", "0", "--to", "999", "--out", png)
                .fails(INVALID, "60 examples", "999");
        run("interpolate", vae2, "--data", "folder:" + images, "--from", "0", "--to", "1", "--steps", "1", "--out", png)
                .fails(INVALID, "--steps");
        assertNothingWritten(png, tmp);
    }
}
