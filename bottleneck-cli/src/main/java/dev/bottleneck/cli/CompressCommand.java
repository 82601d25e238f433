package dev.bottleneck.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.app.PreparedData;
import dev.bottleneck.codec.ImageCodec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.ImageFolderLoader;
import dev.bottleneck.io.AtomicFiles;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code bottleneck compress}: images to {@code .btl} files with a trained codec. */
@Command(
        name = "compress",
        description = {
            "Compress images with a trained codec (--model codec): each image becomes one .btl file, its",
            "rounded latents entropy-coded (rANS) under the model's learned density.",
            "",
            "Input: PNG/JPEG files or folders of them (IN), or a dataset (--data; default: the model's test",
            "data). A codec trained with --arch conv-grid on sides that halve exactly (e.g. 28, 64) and the",
            "default --codec-density channel codes images of any size; others code their training size.",
            "Images of one size are encoded together in batches (--batch).",
            "",
            "Reports the size in bits per pixel counting every byte of the files (about 20 bytes of header",
            "and checksum each) and the speed in images/s. decompress turns the files back into PNG images.",
            "Nothing is written unless every input image was read and coded.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck compress runs/codec --data mnist:test --out compressed/",
            "  ./bottleneck compress runs/photo-codec photos/ --out compressed/",
            "  ./bottleneck compress runs/photo-codec garden.png --out garden.btl",
        })
final class CompressCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelDataOptions input;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "IN", description = "PNG or JPEG files, or folders of them (instead of --data).")
    List<Path> images = new ArrayList<>();

    @Option(names = "--out", paramLabel = "OUT", required = true,
            description = "A folder for the .btl files (named after the images, or 00000.btl, 00001.btl, ... for --data); FILE.btl for one image.")
    Path out;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "Images encoded per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
        common.apply();
        if (batch < 1) {
            throw new InvalidInputException("--batch must be at least 1, got " + batch);
        }
        if (!images.isEmpty() && input.data != null) {
            throw new InvalidInputException("give images (IN) or --data, not both");
        }
        List<Path> files = imageFiles();
        boolean oneFile = files.size() == 1 && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".btl");
        if (!oneFile && Files.exists(out) && !Files.isDirectory(out)) {
            throw new InvalidInputException(out, "is a file; --out takes a folder for the .btl files (or FILE.btl for one image)");
        }
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        try (LoadedModel lm = LoadedModel.open(input.modelDir)) {
            Commands.requireImages(lm, input.modelDir, "compress");
            ImageCodec codec = new ImageCodec(lm.model(), lm.manifest().paramsSha256());
            List<byte[]> coded = new ArrayList<>();
            List<String> names = new ArrayList<>();
            long pixels = 0;
            String from;
            long t0;
            double seconds;
            try (NDManager m = NDManager.newBaseManager()) {
                if (files.isEmpty()) {
                    Dataset d = input.load(lm, console);
                    from = d.name();
                    t0 = System.nanoTime();
                    NDArray x = PreparedData.toArray(d, lm.manifest().input().scaling(), m);
                    for (int start = 0; start < d.size(); start += batch) {
                        int end = Math.min(d.size(), start + batch);
                        try (NDManager bm = m.newSubManager()) {
                            NDArray xb = x.get(new NDIndex().addSliceDim(start, end));
                            xb.attach(bm);
                            coded.addAll(codec.compress(xb));
                        }
                    }
                    for (int i = 0; i < coded.size(); i++) {
                        names.add(String.format(Locale.ROOT, "%05d.btl", i));
                    }
                    int[] s = lm.manifest().model().inputShape();
                    pixels = (long) coded.size() * s[1] * s[2];
                } else {
                    from = files.size() == 1 ? files.get(0).toString() : files.size() + " images";
                    t0 = System.nanoTime();
                    // read and check every image first; then code the images of one size together
                    Map<String, List<Integer>> bySize = new LinkedHashMap<>();
                    List<NDArray> arrays = new ArrayList<>();
                    for (int i = 0; i < files.size(); i++) {
                        Path f = files.get(i);
                        Dataset d = ImageFolderLoader.loadFile(f);
                        int[] shape = d.exampleShape();
                        try {
                            codec.requireCodable(shape);
                        } catch (InvalidInputException e) {
                            throw new InvalidInputException(f, e.getMessage(), e);
                        }
                        arrays.add(PreparedData.toArray(d, lm.manifest().input().scaling(), m));
                        bySize.computeIfAbsent(Arrays.toString(shape), k -> new ArrayList<>()).add(i);
                        pixels += (long) shape[1] * shape[2];
                    }
                    byte[][] result = new byte[files.size()][];
                    for (List<Integer> group : bySize.values()) {
                        for (int start = 0; start < group.size(); start += batch) {
                            List<Integer> part = group.subList(start, Math.min(group.size(), start + batch));
                            try (NDManager bm = m.newSubManager()) {
                                NDList parts = new NDList();
                                for (int i : part) {
                                    parts.add(arrays.get(i));
                                }
                                NDArray xb = NDArrays.concat(parts);
                                xb.attach(bm);
                                List<byte[]> b = codec.compress(xb);
                                for (int k = 0; k < part.size(); k++) {
                                    result[part.get(k)] = b.get(k);
                                }
                            }
                        }
                    }
                    coded.addAll(Arrays.asList(result));
                    for (Path f : files) {
                        String name = f.getFileName().toString().replaceFirst("(?i)\\.(png|jpe?g)$", "") + ".btl";
                        if (!oneFile && names.contains(name)) {
                            throw new InvalidInputException(f, "would be written to " + out.resolve(name)
                                    + " as another input image is; rename one of them");
                        }
                        names.add(name);
                    }
                }
                seconds = (System.nanoTime() - t0) / 1e9;
            }
            long bytes = 0;
            for (int i = 0; i < coded.size(); i++) {
                byte[] f = coded.get(i);
                bytes += f.length;
                AtomicFiles.write(oneFile ? out : out.resolve(names.get(i)), o -> o.write(f));
            }
            double bpp = bytes * 8.0 / pixels;
            console.info(String.format(Locale.ROOT, "compressed %d image(s) from %s into %s: %,d bytes, %.4f bits per pixel "
                    + "(every byte of the files), %.0f images/s", coded.size(), from, out, bytes, bpp, coded.size() / seconds));
        }
        return Main.OK;
    }

    /** The image files named by IN, folders expanded (their .png/.jpg/.jpeg files, sorted by name); none for --data. */
    private List<Path> imageFiles() {
        List<Path> files = new ArrayList<>();
        for (Path p : images) {
            if (!Files.exists(p)) {
                throw new InvalidInputException(p, "no such file or folder");
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    List<Path> l = s.filter(f -> Files.isRegularFile(f) && ImageFolderLoader.isImageName(f)
                            && !f.getFileName().toString().startsWith(".")).sorted().toList();
                    if (l.isEmpty()) {
                        throw new InvalidInputException(p, "holds no .png, .jpg or .jpeg images");
                    }
                    files.addAll(l);
                } catch (IOException e) {
                    throw new InvalidInputException(p, "cannot list (" + AtomicFiles.describe(e) + ")", e);
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }
}
