package dev.bottleneck.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.app.PreparedData;
import dev.bottleneck.app.RateDistortion;
import dev.bottleneck.codec.ImageCodec;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.io.Json;
import dev.bottleneck.io.RateDistortionPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bottleneck codec-bench}: rate-distortion of trained codecs beside JPEG and PNG. */
@Command(
        name = "codec-bench",
        description = {
            "Rate-distortion of one or more trained codecs (--model codec, e.g. one per --codec-lambda) beside",
            "JPEG (ImageIO, qualities 5..95) as whole files and as abbreviated streams without tables,",
            "lossless PNG, and the KLT transform coder with the same rANS coder (PCA of the codec's latent",
            "size, uniform quantization), on the same images. Rate: bits per pixel counting every byte.",
            "Distortion: PSNR in dB, SSIM (11x11 Gaussian window) and, for images of at least 176 pixels a side, MS-SSIM (5 scales), means over",
            "images, against the same 8-bit originals.",
            "",
            "Writes rd.json and rd.png (PSNR against bits per pixel) into --out.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck codec-bench runs/codec-0.003 runs/codec-0.01 runs/codec-0.05 --data mnist:test --out rd/",
        })
final class CodecBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "CODEC_DIR", description = "Model directories of trained codecs.")
    List<Path> codecs;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--data", paramLabel = "SPEC", description = "The images. Default: the first codec's test data.")
    String data;

    @Option(names = "--limit", paramLabel = "N", description = "Use the first N images only (default: all).")
    Integer limit;

    @Option(names = "--qualities", paramLabel = "Q,...", split = ",", defaultValue = "5,10,20,30,40,50,60,70,80,90,95",
            description = "JPEG qualities (default: ${DEFAULT-VALUE}).")
    int[] qualities;

    @Option(names = "--klt-steps", paramLabel = "D,...", split = ",", defaultValue = "0.1,0.2,0.4,0.8,1.6",
            description = "Quantization steps of the KLT transform coder (PCA of the first codec's latent size, fitted on its "
                    + "training images, rANS under the training histograms; default: ${DEFAULT-VALUE}). Give 0 to leave it out.")
    double[] kltSteps;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for rd.json and rd.png.")
    Path out;

    @Option(names = "--json", description = "Print the points as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        common.apply();
        for (int q : qualities) {
            if (q < 1 || q > 100) {
                throw new InvalidInputException("--qualities must be in 1..100, got " + q);
            }
        }
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        List<RateDistortion.Point> points = new ArrayList<>();
        Dataset d = null;
        List<RateDistortion.Point> kltPoints = null;
        List<BufferedImage> images = null;
        String dataName = null;
        List<String> coderChecks = new ArrayList<>();
        boolean wantKlt = !(kltSteps.length == 1 && kltSteps[0] == 0);
        for (Path dir : codecs) {
            try (LoadedModel lm = LoadedModel.open(dir); NDManager m = NDManager.newBaseManager()) {
                Commands.requireImages(lm, dir, "codec-bench");
                ImageCodec codec = new ImageCodec(lm.model(), lm.manifest().paramsSha256());
                if (d == null) {
                    DataSpec spec0 = data != null ? DataSpec.parse(data) : DataSpec.parse(lm.manifest().input().testData());
                    console.step("loading " + spec0);
                    d = DataSources.load(spec0, dataOptions.toOptions(console.fetchProgress()));
                    if (limit != null) {
                        if (limit < 1) {
                            throw new InvalidInputException("--limit must be at least 1, got " + limit);
                        }
                        d = d.head(Math.min(limit, d.size()));
                    }
                    dataName = d.name();
                    images = RateDistortion.originals(d);
                }
                try {
                    codec.requireCodable(d.exampleShape());
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(dir + ": cannot code " + dataName + ": " + e.getMessage(), e);
                }
                NDArray x = PreparedData.toArray(d, lm.manifest().input().scaling(), m);
                boolean trainingSize = java.util.Arrays.equals(d.exampleShape(), lm.manifest().model().inputShape());
                if (wantKlt && !trainingSize) {
                    console.info("KLT left out: it transforms whole images of the training size ("
                            + java.util.Arrays.toString(lm.manifest().model().inputShape()) + "), and these are " + java.util.Arrays.toString(d.exampleShape()));
                    wantKlt = false;
                }
                if (wantKlt && kltPoints == null) {
                    for (double step : kltSteps) {
                        if (!(step > 0) || Double.isInfinite(step)) {
                            throw new InvalidInputException("--klt-steps must be positive numbers (or 0 alone to leave the KLT out), got " + step);
                        }
                    }
                    console.step("fitting the KLT (PCA-" + lm.manifest().model().latent() + ") on the training images of " + dir);
                    Dataset train = lm.loadTrainingData(dataOptions.toOptions(console.fetchProgress()));
                    NDArray t = PreparedData.toArray(train, lm.manifest().input().scaling(), m);
                    kltPoints = RateDistortion.klt(t, x, lm.manifest().model().latent(), kltSteps, images, 0);
                }
                console.step("compressing and decompressing " + d.size() + " images with " + dir);
                var scaling = lm.manifest().input().scaling();
                RateDistortion.Point point = RateDistortion.codec("Bottleneck codec", lm.manifest().model().options().describe(lm.manifest().model())
                        .replaceAll(" \\(loss.*", ""), codec, x, scaling::toMetricScale, images);
                points.add(point);
                // the entropy coder against the density's own estimate, in streams of 500 images
                double estimate = 0;
                long stream = 0;
                int n = (int) x.getShape().get(0);
                for (int from = 0; from < n; from += 500) {
                    try (NDManager cm = m.newSubManager()) {
                        NDArray chunk = x.get(new ai.djl.ndarray.index.NDIndex().addSliceDim(from, Math.min(n, from + 500)));
                        chunk.attach(cm);
                        estimate += java.util.Arrays.stream(codec.estimateBits(chunk)).sum();
                        stream += codec.streamBytes(chunk);
                    }
                }
                double files = point.bpp() * images.stream().mapToLong(i -> (long) i.getWidth() * i.getHeight()).sum() / n;
                coderChecks.add(String.format(Locale.ROOT, "  %s: the density's estimate %.1f bits per image; rANS in streams of 500 "
                        + "images %.1f (%+.2f%%); files %.1f (every byte: the 32-bit coder state and the container included)",
                        dir, estimate / n, stream * 8.0 / n, 100 * (stream * 8.0 - estimate) / estimate, files));
            }
        }
        console.step("JPEG at " + qualities.length + " qualities and PNG on the same images");
        points.addAll(RateDistortion.classical(images, qualities));
        if (kltPoints != null) {
            points.addAll(kltPoints);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("data", dataName);
        o.put("coder", coderChecks.stream().map(String::strip).toList());
        o.put("images", images.size());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RateDistortion.Point p : points) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("method", p.method());
            r.put("setting", p.setting());
            r.put("bpp", p.bpp());
            r.put("psnr", Double.isInfinite(p.psnr()) ? "lossless" : p.psnr());
            r.put("ssim", Double.isNaN(p.ssim()) ? null : p.ssim());
            r.put("ms_ssim", Double.isNaN(p.msssim()) ? null : p.msssim());
            rows.add(r);
        }
        o.put("points", rows);
        Json.write(out.resolve("rd.json"), o);
        RateDistortionPlot.write(out.resolve("rd.png"), points, "Rate-distortion on " + dataName + " (" + images.size() + " images)");
        if (json) {
            spec.commandLine().getOut().println(Json.compact(o));
        } else {
            var w = spec.commandLine().getOut();
            boolean multiScale = points.stream().anyMatch(p -> !Double.isNaN(p.msssim()));
            w.printf(Locale.ROOT, "rate-distortion on %s (%d images): bits per pixel (every byte of the files), PSNR (dB), SSIM%s "
                    + "(means over images)%n", dataName, images.size(),
                    multiScale ? " and MS-SSIM" : " (MS-SSIM needs " + dev.bottleneck.eval.Ssim.MS_SSIM_MIN_SIDE + " pixels a side)");
            for (RateDistortion.Point p : points) {
                w.printf(Locale.ROOT, "  %-18s %-22s %8.4f bpp  %s  SSIM %s%s%n", p.method(), p.setting(), p.bpp(),
                        Double.isInfinite(p.psnr()) ? "lossless" : String.format(Locale.ROOT, "%6.2f dB", p.psnr()),
                        Double.isNaN(p.ssim()) ? "n/a (image below 11x11)" : String.format(Locale.ROOT, "%.4f", p.ssim()),
                        multiScale ? String.format(Locale.ROOT, "  MS-SSIM %.4f", p.msssim()) : "");
            }
            w.println("entropy coding against each codec's own rate estimate:");
            coderChecks.forEach(w::println);
            w.println("wrote " + out.resolve("rd.json") + ", " + out.resolve("rd.png"));
        }
        return Main.OK;
    }
}
