package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.Codes;
import dev.bottleneck.app.Generation;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.app.Pictures;
import dev.bottleneck.io.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bottleneck manifold}: decode a grid over a 2-D latent space. */
@Command(
        name = "manifold",
        description = {
            "Decode a grid of codes over a 2-D latent space (models trained with --latent 2): the learned",
            "data manifold, as in Kingma and Welling (2014), figure 4. The grid is evenly spaced in",
            "probability: its coordinates are the quantiles (c + 0.5) / N of the prior N(0, 1) for a VAE, or",
            "of a Gaussian fitted to each dimension of the training codes for other models. z0 runs left to",
            "right, z1 bottom to top.",
        },
        sortOptions = false,
        footer = {
            "",
            "Example:",
            "  ./bottleneck train --data mnist --model vae --arch mlp --hidden 512 --latent 2 --loss bce --out runs/vae2",
            "  ./bottleneck manifold runs/vae2 --size 20 --out manifold.png",
        })
final class ManifoldCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "The model directory (written by train).")
    Path modelDir;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--size", paramLabel = "N", defaultValue = "20", description = "Grid side: N x N images (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--out", paramLabel = "FILE.png", required = true, description = "The picture to write.")
    Path out;

    @Override
    public Integer call() {
        common.apply();
        if (size < 2) {
            throw new InvalidInputException("--size must be at least 2, got " + size);
        }
        OutputPaths.requireExtension(out, "--out", List.of(".png"));
        OutputPaths.requireWritableFile(out);
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        try (LoadedModel lm = LoadedModel.open(modelDir)) {
            Commands.requireImages(lm, modelDir, "manifold");
            double[][] frame = Generation.manifoldFrame(lm, dataOptions.toOptions(console.fetchProgress()), console);
            float[] z = Generation.manifoldCodes(size, frame[0], frame[1], lm.model().manager());
            float[] x = Codes.decode(lm.model(), z);
            Pictures.grid(x, size * size, lm.manifest().model().inputShape(), lm.manifest().input().scaling(), size, out);
            console.info("wrote " + out + " (" + size + " x " + size + " decoded codes over the "
                    + (frame[1][0] == 1 && frame[0][0] == 0 ? "prior's" : "training codes' Gaussian") + " quantiles)");
        }
        return Main.OK;
    }
}
