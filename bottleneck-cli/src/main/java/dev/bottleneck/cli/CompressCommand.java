package dev.bottleneck.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.app.PreparedData;
import dev.bottleneck.codec.ImageCodec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bottleneck compress}: images to {@code .btl} files with a trained codec. */
@Command(
        name = "compress",
        description = {
            "Compress images with a trained codec (--model codec): each image becomes one .btl file, its",
            "rounded latents entropy-coded (rANS) under the model's learned density.",
            "",
            "Reports the size as bits per pixel counting every byte of the files (48 bytes of header and",
            "checksum each) and the speed in images/s. decompress turns the files back into PNG images.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck compress runs/codec --data mnist:test --out compressed/",
            "  ./bottleneck compress runs/codec --data folder:photos/ --out compressed/",
        })
final class CompressCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelDataOptions input;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the .btl files (00000.btl, 00001.btl, ...).")
    Path out;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "Images encoded per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        common.apply();
        if (batch < 1) {
            throw new InvalidInputException("--batch must be at least 1, got " + batch);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InvalidInputException(out, "is a file; --out takes a folder for the .btl files");
        }
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        try (LoadedModel lm = LoadedModel.open(input.modelDir)) {
            Commands.requireImages(lm, input.modelDir, "compress");
            ImageCodec codec = new ImageCodec(lm.model(), lm.manifest().paramsSha256());
            Dataset d = input.load(lm, console);
            List<byte[]> files = new ArrayList<>(d.size());
            long t0 = System.nanoTime();
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = PreparedData.toArray(d, lm.manifest().input().scaling(), m);
                for (int from = 0; from < d.size(); from += batch) {
                    int to = Math.min(d.size(), from + batch);
                    try (NDManager bm = m.newSubManager()) {
                        NDArray xb = x.get(new NDIndex().addSliceDim(from, to));
                        xb.attach(bm);
                        files.addAll(codec.compress(xb));
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long bytes = 0;
            for (int i = 0; i < files.size(); i++) {
                byte[] f = files.get(i);
                bytes += f.length;
                AtomicFiles.write(out.resolve(String.format(Locale.ROOT, "%05d.btl", i)), o -> o.write(f));
            }
            int[] s = lm.manifest().model().inputShape();
            double bpp = bytes * 8.0 / ((double) files.size() * s[1] * s[2]);
            console.info(String.format(Locale.ROOT, "compressed %d images from %s into %s: %,d bytes, %.4f bits per pixel "
                    + "(every byte of the files), %.0f images/s", files.size(), d.name(), out, bytes, bpp, files.size() / seconds));
        }
        return Main.OK;
    }
}
