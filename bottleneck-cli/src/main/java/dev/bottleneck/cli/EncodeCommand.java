package dev.bottleneck.cli;

import dev.bottleneck.app.Codes;
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

/** {@code bottleneck encode}: latent codes of a dataset to a file. */
@Command(
        name = "encode",
        description = {
            "Encode data to latent codes (.npy or .csv).",
            "",
            "Writes codes (N, K): .npy (float32) or .csv (header z0..z(K-1), plus a label column",
            "when the data has labels).",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck encode runs/quickstart --data mnist:test --out codes.npy",
            "  ./bottleneck encode runs/quickstart --data mnist:test --out codes.csv",
            "  ./bottleneck encode runs/vq --data mnist:test --out indices.npy     # int32 codebook indices",
        })
final class EncodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelDataOptions input;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "codes.npy or codes.csv")
    Path out;

    @Option(names = "--float", description = "Discrete models: write the continuous code the decoder reads (N, K) instead of "
            + "the integer codes (N, W): bits, categories or codebook indices, int32 in .npy.")
    boolean floatCodes;

    @Override
    public Integer call() {
        common.apply();
        OutputPaths.requireExtension(out, "--out", List.of(".npy", ".csv"));
        OutputPaths.requireWritableFile(out);
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        try (LoadedModel lm = LoadedModel.open(input.modelDir)) {
            Dataset d = input.load(lm, console);
            int k = lm.manifest().model().latent();
            if (lm.manifest().model().modelType().capabilities().discreteCodes() && !floatCodes) {
                int w = lm.model().codeWidth();
                int[] idx = Codes.encodeIndices(lm.model(), d, lm.manifest().input().scaling());
                Codes.writeIndices(out, idx, w, d.labels());
                console.info("wrote " + out + ": " + d.size() + " integer codes of " + w + " indices each (" + lm.manifest().model().type()
                        + ") from " + d.name());
                return Main.OK;
            }
            float[] codes = Codes.encode(lm.model(), d, lm.manifest().input().scaling(), null);
            Codes.write(out, codes, k, d.labels());
            console.info("wrote " + out + ": " + d.size() + " codes of size " + k + " from " + d.name());
        }
        return Main.OK;
    }
}
