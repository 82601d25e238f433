package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.Generation;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.app.Pictures;
import dev.bottleneck.io.OutputPaths;
import dev.bottleneck.sample.LatentSampler;
import dev.bottleneck.sample.Samplers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bottleneck sample}: decode codes drawn from a distribution, the decoder as a generator. */
@Command(
        name = "sample",
        description = {
            "Draw codes from a distribution and decode them into new images (image models only).",
            "",
            "A VAE samples its prior N(0, I) (--sampler prior, its default). Any model can sample a density",
            "fitted to the codes of its training data: --sampler gaussian (one full-covariance Gaussian, the",
            "default for non-VAE models) or gmm:N (a mixture of N Gaussians fitted by EM). Comparing a plain",
            "autoencoder's samples with a VAE's shows why the VAE's regularized latent space generates better.",
            "A discrete model (binary, categorical, vq, fsq) draws integer codes from the histogram of its",
            "training codes, each position on its own (--sampler codes, its default; a one-hot model then shows",
            "its classes' prototypes in proportion to their size).",
            "Images are decoded means (pixel probabilities for a Bernoulli decoder).",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck sample runs/vae --count 64 --out samples.png",
            "  ./bottleneck sample runs/vae --count 64 --temperature 0.7 --out cool.png",
            "  ./bottleneck sample runs/ae --sampler gmm:10 --count 64 --out ae-gmm.png",
            "  ./bottleneck sample runs/vq --count 64 --out vq-samples.png",
        })
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "The model directory (written by train).")
    Path modelDir;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--count", paramLabel = "N", defaultValue = "64", description = "How many samples (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1",
            description = "Scale of the codes' spread around the mean: 1 samples the distribution, below 1 gives more typical "
                    + "images; for --sampler codes each index's probability p becomes p^(1/T), 0 takes the most frequent "
                    + "(default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--sampler", paramLabel = "S",
            description = "prior (VAE), gaussian or gmm:N (fitted to the training codes), codes (discrete models: the histogram of "
                    + "their integer codes). Default: prior for a VAE, codes for a discrete model, else gaussian.")
    String sampler;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--columns", paramLabel = "C", defaultValue = "16", description = "Images per row (default: ${DEFAULT-VALUE}).")
    int columns;

    @Option(names = "--out", paramLabel = "FILE.png", required = true, description = "The picture to write.")
    Path out;

    @Override
    public Integer call() {
        common.apply();
        if (count < 1 || columns < 1) {
            throw new InvalidInputException("--count and --columns must be at least 1");
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new InvalidInputException("--temperature must be a finite number >= 0, got " + temperature);
        }
        Samplers.Spec s = sampler == null ? null : Samplers.parse(sampler);
        OutputPaths.requireExtension(out, "--out", List.of(".png"));
        OutputPaths.requireWritableFile(out);
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        try (LoadedModel lm = LoadedModel.open(modelDir)) {
            Commands.requireImages(lm, modelDir, "sample");
            LatentSampler ls = Generation.sampler(lm, s, dataOptions.toOptions(console.fetchProgress()), seed, console, null);
            float[] x = Generation.sample(lm.model(), ls, count, temperature, seed);
            Pictures.grid(x, count, lm.manifest().model().inputShape(), lm.manifest().input().scaling(), columns, out);
            console.info(String.format(Locale.ROOT, "wrote %s (%d samples, sampler %s, temperature %s)", out, count, ls.name(),
                    java.math.BigDecimal.valueOf(temperature).stripTrailingZeros().toPlainString()));
        }
        return Main.OK;
    }
}
