package dev.bottleneck.app;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.bottleneck.codec.ClassicalCodecs;
import dev.bottleneck.codec.ImageCodec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.eval.ReconstructionMetrics;
import dev.bottleneck.io.ImageGrid;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Rate-distortion points of codecs on the same images: a trained {@code codec} model through its
 * {@code .btl} files, JPEG (whole files, and abbreviated streams without tables) at a set of
 * qualities, and PNG (lossless). Rate: bits per pixel counting every byte of every file, over all
 * images ({@code 8 bytes / (N H W)}). Distortion: the mean over images of each image's PSNR (dB,
 * 8-bit pixels as [0, 1] values, as CompressAI reports) and SSIM, all against the same 8-bit
 * originals.
 */
public final class RateDistortion {

    private RateDistortion() {}

    /**
     * One point.
     *
     * @param method e.g. {@code "codec runs/c1"}, {@code "JPEG"}, {@code "JPEG, no tables"}
     * @param setting e.g. {@code "lambda 0.01"}, {@code "quality 50"}
     * @param bpp bits per pixel, every byte of the files
     * @param psnr mean PSNR over the images, dB ({@code Infinity} for lossless)
     * @param ssim mean SSIM over the images ({@link dev.bottleneck.eval.Ssim}; 1 for lossless; NaN
     *     for images smaller than its 11x11 window)
     * @param msssim mean MS-SSIM over the images ({@link dev.bottleneck.eval.Ssim#multiScale}; 1 for
     *     lossless; NaN unless every image has at least 176 pixels a side)
     */
    public record Point(String method, String setting, double bpp, double psnr, double ssim, double msssim) {}

    /**
     * The images as 8-bit pictures.
     *
     * @param data images in raw units
     * @return one picture per example
     */
    public static List<BufferedImage> originals(Dataset data) {
        float[] px = data.values();
        int[] s = data.exampleShape();
        ImageGrid.Shape shape = new ImageGrid.Shape(s[0], s[1], s[2]);
        float scale = 1f / data.rawMax();
        float[] unit = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            unit[i] = px[i] * scale;
        }
        List<BufferedImage> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            out.add(ImageGrid.image(unit, i, shape));
        }
        return out;
    }

    /**
     * JPEG at each quality, whole files and abbreviated streams, and PNG.
     *
     * @param images 8-bit pictures
     * @param qualities JPEG qualities in {@code [1, 100]}
     * @return the points: per quality one "JPEG" and one "JPEG, no tables", then one "PNG"
     */
    public static List<Point> classical(List<BufferedImage> images, int[] qualities) {
        long pixels = pixels(images);
        List<Point> out = new ArrayList<>();
        for (int q : qualities) {
            long whole = 0;
            long abbreviated = 0;
            double psnr = 0;
            double ssim = 0;
            double msssim = 0;
            for (BufferedImage img : images) {
                ClassicalCodecs.Jpeg j = ClassicalCodecs.jpeg(img, q);
                whole += j.file().length;
                abbreviated += ClassicalCodecs.jpegWithoutTables(j.file());
                psnr += ReconstructionMetrics.psnr(Math.max(ClassicalCodecs.mse(img, j.decoded()), 1e-10));
                ssim += ssim(img, j.decoded());
                msssim += msssim(img, j.decoded());
            }
            out.add(new Point("JPEG", "quality " + q, whole * 8.0 / pixels, psnr / images.size(), ssim / images.size(),
                    msssim / images.size()));
            out.add(new Point("JPEG, no tables", "quality " + q, abbreviated * 8.0 / pixels, psnr / images.size(), ssim / images.size(),
                    msssim / images.size()));
        }
        long png = 0;
        for (BufferedImage img : images) {
            png += ClassicalCodecs.png(img);
        }
        out.add(new Point("PNG", "lossless", png * 8.0 / pixels, Double.POSITIVE_INFINITY, 1.0,
                images.stream().allMatch(RateDistortion::multiScaleFits) ? 1.0 : Double.NaN));
        return out;
    }

    /**
     * A codec model's point: compress, decompress, compare with the 8-bit originals.
     *
     * @param name the method's name
     * @param setting the model's setting, for the table
     * @param codec the codec
     * @param x the images {@code (N, C, H, W)}, model scale
     * @param toPixels maps model-scale values to [0, 1] pixels in place
     * @param images the same images as 8-bit pictures
     * @return the point
     */
    public static Point codec(String name, String setting, ImageCodec codec, NDArray x, java.util.function.Consumer<float[]> toPixels,
                              List<BufferedImage> images) {
        int n = (int) x.getShape().get(0);
        ImageGrid.Shape shape = new ImageGrid.Shape((int) x.getShape().get(1), (int) x.getShape().get(2), (int) x.getShape().get(3));
        long bytes = 0;
        double psnr = 0;
        double ssim = 0;
        double msssim = 0;
        for (int from = 0; from < n; from += 500) {
            int to = Math.min(n, from + 500);
            try (NDManager m = x.getManager().newSubManager()) {
                NDArray xb = x.get(new NDIndex().addSliceDim(from, to));
                xb.attach(m);
                List<byte[]> files = codec.compress(xb);
                for (int i = 0; i < files.size(); i++) {
                    bytes += files.get(i).length;
                    float[] px = codec.decompress(files.get(i), java.nio.file.Path.of(String.format("%05d.btl", from + i)), m).toFloatArray();
                    toPixels.accept(px);
                    BufferedImage back = ImageGrid.image(px, 0, shape);
                    psnr += ReconstructionMetrics.psnr(Math.max(ClassicalCodecs.mse(images.get(from + i), back), 1e-10));
                    ssim += ssim(images.get(from + i), back);
                    msssim += msssim(images.get(from + i), back);
                }
            }
        }
        return new Point(name, setting, bytes * 8.0 / pixels(images), psnr / n, ssim / n, msssim / n);
    }

    /**
     * Classical transform coding with the same entropy coder (the baseline that isolates the gain
     * of a non-linear transform): the images' KLT (PCA, {@code k} components fitted on training
     * images), each coefficient uniformly quantized with step {@code delta} and rANS-coded under the
     * histogram of that component's quantized training coefficients (plus one count per value, so
     * every value in the training range can be coded; values outside it are clipped to it). Each
     * image is charged the rANS payload plus the 20 header bytes a {@code .btl} file of the same
     * image has, so both coders pay the same container.
     *
     * @param train training images {@code (N, C, H, W)} in [0, 1]
     * @param test the test images, same shape convention
     * @param k components, the latent size of the codec it is compared with
     * @param steps quantization steps, one point each
     * @param images the test images as 8-bit pictures (the originals)
     * @param seed seeds the PCA solver
     * @return one point per step, method {@code "KLT + rANS"}
     */
    public static List<Point> klt(NDArray train, NDArray test, int k, double[] steps, List<BufferedImage> images, long seed) {
        int d = (int) (train.getShape().size() / train.getShape().get(0));
        int kk = Math.min(k, d);
        dev.bottleneck.eval.PcaBaseline pca = dev.bottleneck.eval.PcaBaseline.fit(train, kk, seed);
        int[] s = {(int) test.getShape().get(1), (int) test.getShape().get(2), (int) test.getShape().get(3)};
        ImageGrid.Shape shape = new ImageGrid.Shape(s[0], s[1], s[2]);
        float[] trainCoef;
        float[] testCoef;
        try (NDManager m = train.getManager().newSubManager()) {
            NDArray a = pca.encode(train);
            NDArray b = pca.encode(test);
            trainCoef = a.toFloatArray();
            testCoef = b.toFloatArray();
            a.close();
            b.close();
        }
        float[] mean = pca.mean();
        float[] v = pca.componentMatrix();
        int nTrain = trainCoef.length / kk;
        int nTest = testCoef.length / kk;
        List<Point> out = new ArrayList<>();
        for (double delta : steps) {
            int[] lo = new int[kk];
            int[] hi = new int[kk];
            java.util.Arrays.fill(lo, Integer.MAX_VALUE);
            java.util.Arrays.fill(hi, Integer.MIN_VALUE);
            for (int i = 0; i < nTrain; i++) {
                for (int j = 0; j < kk; j++) {
                    int q = (int) Math.round(trainCoef[i * kk + j] / delta);
                    lo[j] = Math.min(lo[j], q);
                    hi[j] = Math.max(hi[j], q);
                }
            }
            FrequencyTableCounts counts = new FrequencyTableCounts(lo, hi);
            for (int i = 0; i < nTrain; i++) {
                for (int j = 0; j < kk; j++) {
                    counts.add(j, (int) Math.round(trainCoef[i * kk + j] / delta));
                }
            }
            dev.bottleneck.codec.FrequencyTable[] tables = counts.tables();
            long bytes = 0;
            double psnr = 0;
            double ssim = 0;
            double msssim = 0;
            int[] table = new int[kk];
            for (int j = 0; j < kk; j++) {
                table[j] = j;
            }
            float[] deq = new float[nTest * kk];
            for (int i = 0; i < nTest; i++) {
                int[] sym = new int[kk];
                for (int j = 0; j < kk; j++) {
                    int q = Math.max(lo[j], Math.min(hi[j], (int) Math.round(testCoef[i * kk + j] / delta)));
                    sym[j] = q - lo[j];
                    deq[i * kk + j] = (float) (q * delta);
                }
                bytes += dev.bottleneck.codec.Rans.encode(sym, table, tables).length + KLT_HEADER_BYTES;
            }
            float[] px;
            try (NDManager m = test.getManager().newSubManager()) {
                NDArray rec = m.create(deq, new ai.djl.ndarray.types.Shape(nTest, kk)).matMul(m.create(v, new ai.djl.ndarray.types.Shape(kk, d)))
                        .add(m.create(mean, new ai.djl.ndarray.types.Shape(1, d)));
                px = rec.toFloatArray();
            }
            for (int i = 0; i < nTest; i++) {
                BufferedImage back = ImageGrid.image(px, i, shape);
                psnr += ReconstructionMetrics.psnr(Math.max(ClassicalCodecs.mse(images.get(i), back), 1e-10));
                ssim += ssim(images.get(i), back);
                msssim += msssim(images.get(i), back);
            }
            out.add(new Point("KLT + rANS", String.format(java.util.Locale.ROOT, "step %.3g", delta), bytes * 8.0 / pixels(images),
                    psnr / nTest, ssim / nTest, msssim / nTest));
        }
        return out;
    }

    /** The container bytes a {@code .btl} file of a 28x28 image has besides its payload. */
    private static final int KLT_HEADER_BYTES = 20;

    /** Histograms of quantized coefficients, one per component, with one extra count per value. */
    private static final class FrequencyTableCounts {
        private final int[] lo;
        private final double[][] counts;

        FrequencyTableCounts(int[] lo, int[] hi) {
            this.lo = lo;
            this.counts = new double[lo.length][];
            for (int j = 0; j < lo.length; j++) {
                counts[j] = new double[Math.min(hi[j] - lo[j] + 1, 1 << 16)];
                java.util.Arrays.fill(counts[j], 1);
                hi[j] = lo[j] + counts[j].length - 1; // the coded range
            }
        }

        void add(int j, int q) {
            int i = q - lo[j];
            if (i >= 0 && i < counts[j].length) {
                counts[j][i]++;
            }
        }

        dev.bottleneck.codec.FrequencyTable[] tables() {
            dev.bottleneck.codec.FrequencyTable[] t = new dev.bottleneck.codec.FrequencyTable[counts.length];
            for (int j = 0; j < counts.length; j++) {
                t[j] = dev.bottleneck.codec.FrequencyTable.of(counts[j], 16);
            }
            return t;
        }
    }

    /** SSIM, or NaN for images smaller than its window. */
    private static double ssim(BufferedImage a, BufferedImage b) {
        return a.getWidth() < 11 || a.getHeight() < 11 ? Double.NaN : dev.bottleneck.eval.Ssim.of(a, b);
    }

    private static boolean multiScaleFits(BufferedImage a) {
        return a.getWidth() >= dev.bottleneck.eval.Ssim.MS_SSIM_MIN_SIDE && a.getHeight() >= dev.bottleneck.eval.Ssim.MS_SSIM_MIN_SIDE;
    }

    /** MS-SSIM, or NaN for images too small for it (so a mean over a set with one is NaN too). */
    private static double msssim(BufferedImage a, BufferedImage b) {
        return multiScaleFits(a) ? dev.bottleneck.eval.Ssim.multiScale(a, b) : Double.NaN;
    }

    private static long pixels(List<BufferedImage> images) {
        long p = 0;
        for (BufferedImage img : images) {
            p += (long) img.getWidth() * img.getHeight();
        }
        return p;
    }
}
