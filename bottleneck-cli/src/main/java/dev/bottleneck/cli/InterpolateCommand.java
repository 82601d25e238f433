package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.Generation;
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

/** {@code bottleneck interpolate}: walk between two examples in latent space, beside a pixel cross-fade. */
@Command(
        name = "interpolate",
        description = {
            "Interpolate between two examples: the latent path decoded (first row; codes are posterior means",
            "for a VAE; linear, or spherical with --slerp) above the pixel-space cross-fade of the same two",
            "images (second row). The ends of the first row are reconstructions, of the second the inputs.",
            "For a discrete code (binary, categorical, vq, fsq) the path runs between the encoder outputs and",
            "each point is quantized, so the first row walks through codes the model can produce.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck interpolate runs/vae --data mnist:test --from 0 --to 1 --steps 10 --out path.png",
            "  ./bottleneck interpolate runs/vae --data mnist:test --from 3 --to 7 --steps 12 --slerp --out slerp.png",
        })
final class InterpolateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelDataOptions input;

    @Option(names = "--from", paramLabel = "I", required = true, description = "Index of the first example in the data.")
    int from;

    @Option(names = "--to", paramLabel = "J", required = true, description = "Index of the second example.")
    int to;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "10", description = "Images per row, both ends included (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--slerp", description = "Spherical interpolation between the codes (keeps a Gaussian prior's typical norm).")
    boolean slerp;

    @Option(names = "--out", paramLabel = "FILE.png", required = true, description = "The picture to write.")
    Path out;

    @Override
    public Integer call() {
        common.apply();
        if (steps < 2) {
            throw new InvalidInputException("--steps must be at least 2 (both ends), got " + steps);
        }
        if (from < 0 || to < 0) {
            throw new InvalidInputException("--from and --to must be example indices >= 0");
        }
        OutputPaths.requireExtension(out, "--out", List.of(".png"));
        OutputPaths.requireWritableFile(out);
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        try (LoadedModel lm = LoadedModel.open(input.modelDir)) {
            Commands.requireImages(lm, input.modelDir, "interpolate");
            Dataset d = input.load(lm, console);
            Generation.Interpolation r = Generation.interpolate(lm.model(), d, lm.manifest().input().scaling(), from, to, steps, slerp);
            Generation.writeRows(List.of(r.latent(), r.pixels()), List.of(slerp ? "latent (slerp)" : "latent", "pixels"), steps,
                    lm.manifest().model().inputShape(), lm.manifest().input().scaling(), out);
            console.info("wrote " + out + " (" + d.name() + " examples " + from + " -> " + to + ", " + steps + " steps: "
                    + (slerp ? "spherical" : "linear") + (lm.manifest().model().modelType().capabilities().discreteCodes()
                    ? " path between encoder outputs, quantized," : " latent path") + " above the pixel cross-fade)");
        }
        return Main.OK;
    }
}
