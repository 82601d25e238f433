package dev.bottleneck.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.codec.ImageCodec;
import dev.bottleneck.io.ImageGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code bottleneck decompress}: {@code .btl} files back to PNG images. */
@Command(
        name = "decompress",
        description = {
            "Decompress .btl files made by compress with the same model: each becomes an 8-bit PNG. Every",
            "file is read and checked before anything is written; a file of another model, a truncated or",
            "damaged one is a one-line error.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck decompress runs/codec compressed/ --out restored/",
            "  ./bottleneck decompress runs/codec compressed/00000.btl --out first.png",
        })
final class DecompressCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "The codec's model directory (written by train).")
    Path modelDir;

    @Parameters(index = "1", paramLabel = "IN", description = "A .btl file, or a folder of them.")
    Path in;

    @Option(names = "--out", paramLabel = "OUT", required = true, description = "FILE.png for one file, a folder for a folder.")
    Path out;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "16",
            description = "Files of one image size decoded together (default: ${DEFAULT-VALUE}; 1 decodes each alone). "
                    + "Larger batches are not faster: on MNIST 16 decoded 1.5x the images/s of 256, whose activations "
                    + "outgrow the CPU's cache.")
    int batch;

    @Override
    public Integer call() {
        common.apply();
        if (batch < 1) {
            throw new InvalidInputException("--batch must be at least 1, got " + batch);
        }
        List<Path> files = inputs();
        boolean one = !Files.isDirectory(in);
        if (one && !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new InvalidInputException(out, "--out for one .btl file must be a .png file");
        }
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        try (LoadedModel lm = LoadedModel.open(modelDir); NDManager m = NDManager.newBaseManager()) {
            ImageCodec codec = new ImageCodec(lm.model(), lm.manifest().paramsSha256());
            long t0 = System.nanoTime();
            List<byte[]> contents = new ArrayList<>();
            for (Path f : files) {
                try {
                    contents.add(Files.readAllBytes(f));
                } catch (IOException e) {
                    throw new InvalidInputException(f, "cannot read (" + dev.bottleneck.io.AtomicFiles.describe(e) + ")", e);
                }
            }
            List<NDArray> decoded = codec.decompressAll(contents, files, m, batch);
            List<float[]> images = new ArrayList<>();
            List<ImageGrid.Shape> shapes = new ArrayList<>();
            for (NDArray d : decoded) {
                float[] px = d.toFloatArray();
                lm.manifest().input().scaling().toMetricScale(px); // [0, 1] pixels; the PNG writer rounds and clips
                images.add(px);
                shapes.add(new ImageGrid.Shape((int) d.getShape().get(1), (int) d.getShape().get(2), (int) d.getShape().get(3)));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (int i = 0; i < files.size(); i++) {
                String name = files.get(i).getFileName().toString().replaceFirst("(?i)\\.btl$", "") + ".png";
                ImageGrid.writePng(one ? out : out.resolve(name), ImageGrid.image(images.get(i), 0, shapes.get(i)));
            }
            console.info(String.format(Locale.ROOT, "decompressed %d file(s) into %s, %.0f images/s", files.size(), out,
                    files.size() / seconds));
        }
        return Main.OK;
    }

    private List<Path> inputs() {
        if (!Files.exists(in)) {
            throw new InvalidInputException(in, "no such file or folder");
        }
        if (!Files.isDirectory(in)) {
            return List.of(in);
        }
        try (Stream<Path> s = Files.list(in)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".btl")).sorted().toList();
            if (l.isEmpty()) {
                throw new InvalidInputException(in, "holds no .btl files");
            }
            return l;
        } catch (IOException e) {
            throw new InvalidInputException(in, "cannot list (" + dev.bottleneck.io.AtomicFiles.describe(e) + ")", e);
        }
    }
}
