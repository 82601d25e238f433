package dev.bottleneck.cli;

import dev.bottleneck.app.LatentMap;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.io.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bottleneck latent-map}: a scatter plot of the codes coloured by label. */
@Command(
        name = "latent-map",
        description = {
            "Scatter plot of a dataset's codes (posterior means for a VAE), coloured by label: the first two",
            "code dimensions for a 2-D latent, else the first two principal components of the codes",
            "(their share of the code variance is on the axes).",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck latent-map runs/vae2 --data mnist:test --out map.png",
            "  ./bottleneck latent-map runs/vae --data mnist:test --count 5000 --out map-pca.png",
        })
final class LatentMapCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelDataOptions input;

    @Option(names = "--count", paramLabel = "N", description = "Plot the first N examples only. Default: all.")
    Integer count;

    @Option(names = "--out", paramLabel = "FILE.png", required = true, description = "The picture to write.")
    Path out;

    @Override
    public Integer call() {
        common.apply();
        if (count != null && count < 2) {
            throw new dev.bottleneck.InvalidInputException("--count must be at least 2, got " + count);
        }
        OutputPaths.requireExtension(out, "--out", List.of(".png"));
        OutputPaths.requireWritableFile(out);
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        try (LoadedModel lm = LoadedModel.open(input.modelDir)) {
            Dataset d = input.load(lm, console);
            if (count != null) {
                d = d.head(count);
            }
            LatentMap.Points p = LatentMap.compute(lm.model(), d, lm.manifest().input().scaling(), lm.manifest().training().config().seed(), null);
            String title = input.modelDir.getFileName() + ": " + lm.manifest().model().type() + " codes of " + d.name()
                    + " (K = " + lm.manifest().model().latent() + (p.pca() ? ", first two principal components)" : ")");
            LatentMap.write(p, d, title, out);
            console.info("wrote " + out + " (" + d.size() + " codes of " + d.name() + (p.pca() ? ", PCA to 2-D" : "")
                    + (p.labels() == null ? ", no labels" : ", coloured by label") + ")");
        }
        return Main.OK;
    }
}
