package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.Codes;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.app.Pictures;
import dev.bottleneck.data.CsvLoader;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.data.NpyFiles;
import dev.bottleneck.io.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bottleneck decode}: decode latent codes to images or rows. */
@Command(
        name = "decode",
        description = {
            "Decode latent codes to images or rows.",
            "",
            "Reads codes (N, K) from .npy or .csv. Image models: --out FILE.png draws a grid, --out DIR",
            "writes one PNG per code at the model's image size (readable back as folder:DIR). Any model:",
            "--out FILE.npy or FILE.csv writes the decoded values in raw units (pixels 0..255 for 8-bit",
            "images, original column units for tables).",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck encode runs/quickstart --data mnist:test --out codes.npy",
            "  ./bottleneck decode runs/quickstart --codes codes.npy --out decoded.png",
            "  ./bottleneck decode runs/quickstart --codes codes.npy --out decoded/",
        })
final class DecodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "The model directory.")
    Path modelDir;

    @Option(names = "--codes", paramLabel = "FILE", required = true, description = "Codes from encode: .npy or .csv.")
    Path codesFile;

    @Option(names = "--out", paramLabel = "OUT", required = true, description = "FILE.png, a folder, FILE.npy or FILE.csv.")
    Path out;

    @Option(names = "--float", description = "Discrete models: the codes are the continuous code (N, K), not integer codes.")
    boolean floatCodes;

    @Option(names = "--columns", paramLabel = "C", defaultValue = "16", description = "Images per row for a .png grid (default: ${DEFAULT-VALUE}).")
    int columns;

    @Override
    public Integer call() {
        common.apply();
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = name.endsWith(".png");
        boolean array = name.endsWith(".npy") || name.endsWith(".csv");
        if (png || array) {
            OutputPaths.requireWritableFile(out);
        } else {
            OutputPaths.requireWritableDir(out);
        }
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        try (LoadedModel lm = LoadedModel.open(modelDir)) {
            boolean image = "image".equals(lm.manifest().input().kind());
            if (!image && !array) {
                throw new InvalidInputException(out, "this model decodes table rows: --out must be a .npy or .csv file");
            }
            int k = lm.manifest().model().latent();
            float[] x;
            int n;
            if (lm.manifest().model().modelType().capabilities().discreteCodes() && !floatCodes) {
                int w = lm.model().codeWidth();
                Map.Entry<float[], Integer> c = Codes.readAnyWidth(codesFile);
                if (c.getValue() != w) {
                    throw new InvalidInputException(codesFile, "rows have " + c.getValue() + " values, but this " + lm.manifest().model().type()
                            + " model's integer codes have " + w + (c.getValue() == k ? " (for its continuous code use --float)" : "")
                            + " (made by another model?)");
                }
                n = c.getKey().length / w;
                if (n == 0) {
                    throw new InvalidInputException(codesFile, "holds no codes");
                }
                x = Codes.decodeIndices(lm.model(), c.getKey(), codesFile);
            } else {
                float[] codes = Codes.read(codesFile, k);
                n = codes.length / k;
                if (n == 0) {
                    throw new InvalidInputException(codesFile, "holds no codes");
                }
                x = Codes.decode(lm.model(), codes);
            }
            int[] shape = lm.manifest().model().inputShape();
            InputScaling scaling = lm.manifest().input().scaling();
            if (png) {
                Pictures.grid(x, n, shape, scaling, columns, out);
                console.info("wrote " + out + " (" + n + " decoded images)");
            } else if (array) {
                scaling.toRaw(x, lm.manifest().model().inputSize());
                if (name.endsWith(".npy")) {
                    long[] s = new long[shape.length + 1];
                    s[0] = n;
                    for (int i = 0; i < shape.length; i++) {
                        s[i + 1] = shape[i];
                    }
                    NpyFiles.write(out, x, s);
                } else {
                    CsvLoader.write(out, x, lm.manifest().model().inputSize(), lm.manifest().input().columnNames());
                }
                console.info("wrote " + out + " (" + n + " decoded rows of shape " + Arrays.toString(shape) + ", raw units)");
            } else {
                int digits = Math.max(5, String.valueOf(n - 1).length());
                for (int i = 0; i < n; i++) {
                    Pictures.image(x, i, shape, scaling, out.resolve(String.format("%0" + digits + "d.png", i)));
                }
                console.info("wrote " + n + " PNG files to " + out + "/");
            }
        }
        return Main.OK;
    }
}
