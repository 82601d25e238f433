package dev.bottleneck.codec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.model.Architectures;
import dev.bottleneck.model.Autoencoder;
import ai.djl.ndarray.index.NDIndex;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A trained {@code codec} model as a compressor: {@link #compress} encodes images, rounds the
 * latents and entropy-codes them under the model's density into {@link BtlFile}s;
 * {@link #decompress} reads a file back to the model's reconstruction. The round trip is exact at
 * the latents: {@code decompress(compress(x))} is {@code decode(round(encode(x)))} bit for bit.
 *
 * <p>The frequency tables of a file cover the integers from its lowest to its highest latent
 * (16-bit precision), so no latent is ever clipped; the decoder rebuilds the same tables from the
 * header and the same weights (integer arithmetic from there on).
 *
 * <p>Sizes: a model codes its training size; a fully convolutional one ({@link
 * dev.bottleneck.model.Architecture#downsampling} {@code f > 0}) codes any size: the image is
 * padded to multiples of {@code f} by repeating its last row and column, the file records the
 * image's own size and the latent grid's, and the decoder crops its output back.
 */
public final class ImageCodec {

    /** The precision of the frequency tables, bits. */
    public static final int PRECISION = 16;

    private final Autoencoder model;
    private final QuantizedLatent latent;
    private final byte[] fingerprint;
    private final int factor;
    private final int[] trainingShape;

    /**
     * @param model a trained {@code codec} model
     * @param weightsSha256 the SHA-256 of its weights file (hex), whose first bytes mark its files
     * @throws InvalidInputException if the model is not a codec
     */
    public ImageCodec(Autoencoder model, String weightsSha256) {
        if (!(model.latent() instanceof QuantizedLatent q)) {
            throw new InvalidInputException("a " + model.config().type() + " model is not a codec: train one with --model codec");
        }
        this.model = model;
        this.latent = q;
        this.fingerprint = Arrays.copyOf(HexFormat.of().parseHex(weightsSha256), BtlFile.FINGERPRINT);
        this.factor = q.perPosition() ? 0 : Architectures.get(model.config().arch()).downsampling(model.config());
        this.trainingShape = model.config().inputShape().clone();
    }

    /**
     * @return whether the model codes images of any size ({@code false}: only {@link
     *     #trainingShape()})
     */
    public boolean anySize() {
        return factor > 0;
    }

    /** @return {@code (C, H, W)} of the training images */
    public int[] trainingShape() {
        return trainingShape.clone();
    }

    /**
     * Checks that this model can code an image of a shape.
     *
     * @param shape {@code (C, H, W)}
     * @throws InvalidInputException if the channels differ from the model's, or the size differs
     *     and the model is not fully convolutional, or a side is 0 or above {@link BtlFile#MAX_SIDE}
     */
    public void requireCodable(int[] shape) {
        if (shape[0] != trainingShape[0]) {
            throw new InvalidInputException("the image has " + shape[0] + " channel(s); this codec codes " + trainingShape[0]);
        }
        if (shape[1] < 1 || shape[2] < 1 || shape[1] > BtlFile.MAX_SIDE || shape[2] > BtlFile.MAX_SIDE) {
            throw new InvalidInputException("an image of " + shape[1] + "x" + shape[2] + " pixels cannot be coded (sides 1 to "
                    + BtlFile.MAX_SIDE + ")");
        }
        if (factor == 0 && (shape[1] != trainingShape[1] || shape[2] != trainingShape[2])) {
            throw new InvalidInputException("the image is " + shape[1] + "x" + shape[2] + "; this codec codes only "
                    + trainingShape[1] + "x" + trainingShape[2] + (latent.perPosition() ? " (its density is per grid position)"
                    : " (train it with --arch conv-grid on sides that halve exactly to code any size)"));
        }
    }

    /** @return the bytes that mark this model's files */
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    /**
     * Compresses a batch of images of one size.
     *
     * @param x images {@code (N, C, H, W)} in model scale ([0, 1]); any {@code H, W} for a fully
     *     convolutional model
     * @return one file per image
     * @throws InvalidInputException if the model cannot code this shape ({@link #requireCodable})
     */
    public List<byte[]> compress(NDArray x) {
        int[] image = {(int) x.getShape().get(1), (int) x.getShape().get(2), (int) x.getShape().get(3)};
        try (NDManager m = model.manager().newSubManager()) {
            NDArray y = roundedLatents(x, m);
            Shape s = y.getShape();
            int n = (int) s.get(0);
            int per = (int) (s.size() / n);
            float[] all = y.toFloatArray();
            int[] lat = {(int) s.get(1), (int) s.get(2), (int) s.get(3)};
            int cells = lat[1] * lat[2];
            List<byte[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int lo = Integer.MAX_VALUE;
                int hi = Integer.MIN_VALUE;
                int[] v = new int[per];
                for (int j = 0; j < per; j++) {
                    v[j] = Math.round(all[i * per + j]);
                    lo = Math.min(lo, v[j]);
                    hi = Math.max(hi, v[j]);
                }
                if ((long) hi - lo + 1 > BtlFile.MAX_RANGE) {
                    throw new InvalidInputException("image " + i + " has latents from " + lo + " to " + hi + ", more than "
                            + BtlFile.MAX_RANGE + " values: the model is not a trained codec");
                }
                FrequencyTable[] tables = tables(lo, hi, m);
                int[] symbols = new int[per];
                int[] table = new int[per];
                for (int j = 0; j < per; j++) {
                    symbols[j] = v[j] - lo;
                    table[j] = latent.tableOf(j, cells);
                }
                out.add(new BtlFile(fingerprint, image, lat, lo, hi, Rans.encode(symbols, table, tables)).toBytes());
            }
            return out;
        }
    }

    /**
     * The density's own estimate of the images' rate: the information content {@code -log2 p} of
     * their rounded latents under the model's density (float arithmetic, before the tables are
     * quantized), what training minimizes and {@code eval} reports.
     *
     * @param x images {@code (N, C, H, W)}, model scale, a shape the model codes
     * @return bits per image, {@code N} values
     * @throws InvalidInputException if the model cannot code this shape
     */
    public double[] estimateBits(NDArray x) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray y = roundedLatents(x, m);
            float[] b = latent.bitsPerImage(y, false).toFloatArray();
            double[] out = new double[b.length];
            for (int i = 0; i < b.length; i++) {
                out[i] = b[i];
            }
            return out;
        }
    }

    /**
     * The entropy coder's length on these images' latents coded as one rANS stream under one table
     * range (the lowest to the highest latent of all): the coder's cost without the 4-byte state
     * every file ends with, to compare with {@link #estimateBits}.
     *
     * @param x images {@code (N, C, H, W)}, model scale, a shape the model codes
     * @return the stream's length, bytes
     * @throws InvalidInputException if the model cannot code this shape, or the latents span more
     *     than {@link BtlFile#MAX_RANGE} values
     */
    public long streamBytes(NDArray x) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray y = roundedLatents(x, m);
            Shape s = y.getShape();
            int per = (int) (s.size() / s.get(0));
            int cells = (int) (s.get(2) * s.get(3));
            float[] all = y.toFloatArray();
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            for (float v : all) {
                lo = Math.min(lo, Math.round(v));
                hi = Math.max(hi, Math.round(v));
            }
            if ((long) hi - lo + 1 > BtlFile.MAX_RANGE) {
                throw new InvalidInputException("the latents span " + lo + " to " + hi + ", more than " + BtlFile.MAX_RANGE + " values");
            }
            int[] symbols = new int[all.length];
            int[] table = new int[all.length];
            for (int i = 0; i < all.length; i++) {
                symbols[i] = Math.round(all[i]) - lo;
                table[i] = latent.tableOf(i % per, cells);
            }
            return Rans.encode(symbols, table, tables(lo, hi, m)).length;
        }
    }

    /**
     * The rounded latents of images the model can code (padded first for a fully convolutional one).
     *
     * @param x images {@code (N, C, H, W)}, model scale
     * @param m owns the result
     * @return {@code (N, D, H', W')} integers as floats
     * @throws InvalidInputException if the model cannot code this shape ({@link #requireCodable})
     */
    private NDArray roundedLatents(NDArray x, NDManager m) {
        requireCodable(new int[] {(int) x.getShape().get(1), (int) x.getShape().get(2), (int) x.getShape().get(3)});
        NDArray y = latent.code(model.encoderOutput(pad(x), false));
        y.attach(m);
        return y;
    }

    /**
     * The density's tables over {@code [lo, hi]}, kept for the next images with the same range (64 ranges)
     * (most images of a set share a few ranges; a per-position density has one table per latent).
     */
    private FrequencyTable[] tables(int lo, int hi, NDManager m) {
        long key = ((long) lo << 32) | (hi & 0xffffffffL);
        synchronized (tableCache) {
            FrequencyTable[] t = tableCache.get(key);
            if (t == null) {
                t = latent.density().tables(new ParameterStore(m, false), m, lo, hi, PRECISION);
                tableCache.put(key, t);
            }
            return t;
        }
    }

    /** Tables by range, the 64 most recent (a few MB even for a per-position density). */
    private final java.util.Map<Long, FrequencyTable[]> tableCache = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Long, FrequencyTable[]> eldest) {
            return size() > 64;
        }
    };

    /** Pads {@code (N, C, H, W)} to sides that are multiples of the model's factor, repeating the last row and column. */
    private NDArray pad(NDArray x) {
        if (factor == 0) {
            return x;
        }
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        long ph = (factor - h % factor) % factor;
        long pw = (factor - w % factor) % factor;
        if (ph > 0) {
            x = x.concat(x.get(new NDIndex(":, :, {}:{}", h - 1, h)).repeat(2, ph), 2);
        }
        if (pw > 0) {
            x = x.concat(x.get(new NDIndex(":, :, :, {}:{}", w - 1, w)).repeat(3, pw), 3);
        }
        return x;
    }

    /**
     * Decompresses one file.
     *
     * @param bytes the file's content
     * @param source the file, for messages
     * @param manager owns the result
     * @return the reconstruction {@code (1, C, H, W)}, model scale (not clipped)
     * @throws InvalidInputException naming {@code source} if the file is not a valid {@code .btl}
     *     file of this model
     */
    public NDArray decompress(byte[] bytes, Path source, NDManager manager) {
        return decompressAll(List.of(bytes), List.of(source), manager, 1).get(0);
    }

    /**
     * Decompresses files, decoding those of one size together in batches: every file is parsed,
     * checked and entropy-decoded first, so a bad file fails before any decoding. The latents are
     * exact whatever the batch; the decoder's floats can differ in their last bits between batch
     * sizes (libtorch picks its convolution kernels by shape), so {@code batch = 1} is the form
     * that equals {@code decode(round(encode(x)))} of one image bit for bit.
     *
     * @param files the files' contents
     * @param sources the files, for messages (same order)
     * @param manager owns the results
     * @param batch the most latent grids decoded in one pass, {@code >= 1}
     * @return one reconstruction {@code (1, C, H, W)} per file, model scale (not clipped), in order
     * @throws InvalidInputException naming the file if one is not a valid {@code .btl} file of this model
     */
    public List<NDArray> decompressAll(List<byte[]> files, List<Path> sources, NDManager manager, int batch) {
        if (batch < 1) {
            throw new InvalidInputException("the batch must be at least 1, got " + batch);
        }
        int n = files.size();
        BtlFile[] parsed = new BtlFile[n];
        float[][] grids = new float[n][];
        try (NDManager m = model.manager().newSubManager()) {
            for (int i = 0; i < n; i++) {
                parsed[i] = check(BtlFile.parse(files.get(i), sources.get(i)), sources.get(i));
                grids[i] = symbols(parsed[i], sources.get(i), m);
            }
            NDArray[] out = new NDArray[n];
            // files of one image and latent shape, in order, decoded batch by batch
            java.util.Map<String, List<Integer>> byShape = new java.util.LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                byShape.computeIfAbsent(Arrays.toString(parsed[i].imageShape()) + Arrays.toString(parsed[i].latentShape()),
                        k -> new ArrayList<>()).add(i);
            }
            List<List<Integer>> groups = new ArrayList<>();
            for (List<Integer> same : byShape.values()) {
                for (int from = 0; from < same.size(); from += batch) {
                    groups.add(same.subList(from, Math.min(same.size(), from + batch)));
                }
            }
            for (List<Integer> group : groups) {
                int i = group.get(0);
                int[] lat = parsed[i].latentShape();
                int per = lat[0] * lat[1] * lat[2];
                float[] y = new float[group.size() * per];
                for (int k = 0; k < group.size(); k++) {
                    System.arraycopy(grids[group.get(k)], 0, y, k * per, per);
                }
                try (NDManager bm = m.newSubManager()) {
                    NDArray z = bm.create(y, new Shape(group.size(), lat[0], lat[1], lat[2]));
                    NDArray r = model.decodeGrid(z);
                    int[] img = parsed[i].imageShape();
                    r = r.get(new NDIndex(":, :, :{}, :{}", img[1], img[2]));
                    for (int k = 0; k < group.size(); k++) {
                        NDArray one = r.get(new NDIndex("{}:{}", k, k + 1)).duplicate();
                        one.attach(manager);
                        out[group.get(k)] = one;
                    }
                }
            }
            return Arrays.asList(out);
        }
    }

    /** The checks of a parsed file against this model. */
    private BtlFile check(BtlFile f, Path source) {
        if (!Arrays.equals(f.fingerprint(), fingerprint)) {
            throw new InvalidInputException(source, "was compressed by another model (its weights' fingerprint differs)");
        }
        int[] img = f.imageShape();
        try {
            requireCodable(img);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source, "holds a " + img[0] + "x" + img[1] + "x" + img[2] + " image: " + e.getMessage());
        }
        int[] want = latentShape(img);
        if (!Arrays.equals(f.latentShape(), want)) {
            throw new InvalidInputException(source, "declares a " + f.latentShape()[0] + "x" + f.latentShape()[1] + "x" + f.latentShape()[2]
                    + " latent grid; this model codes a " + img[1] + "x" + img[2] + " image as " + want[0] + "x" + want[1] + "x" + want[2]);
        }
        return f;
    }

    /**
     * @param image {@code (C, H, W)} that the model can code
     * @return the latent grid {@code (D, H', W')} the model makes of it
     */
    public int[] latentShape(int[] image) {
        int[] g = Architectures.get(model.config().arch()).codeGrid(model.config());
        int depth = model.config().latent() / (g[0] * g[1]);
        if (factor == 0) {
            return new int[] {depth, g[0], g[1]};
        }
        return new int[] {depth, (image[1] + factor - 1) / factor, (image[2] + factor - 1) / factor};
    }

    /** Entropy-decodes a checked file's latents, {@code (D H' W')} floats in row-major order. */
    private float[] symbols(BtlFile f, Path source, NDManager m) {
        int cells = f.latentShape()[1] * f.latentShape()[2];
        int per = f.latentShape()[0] * cells;
        FrequencyTable[] tables = tables(f.lo(), f.hi(), m);
        int[] table = new int[per];
        for (int j = 0; j < per; j++) {
            table[j] = latent.tableOf(j, cells);
        }
        int[] symbols;
        try {
            symbols = Rans.decode(f.payload(), table, tables);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source, e.getMessage(), e);
        }
        float[] y = new float[per];
        for (int j = 0; j < per; j++) {
            y[j] = symbols[j] + f.lo();
        }
        return y;
    }
}
