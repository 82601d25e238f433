package dev.bottleneck.codec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.model.Autoencoder;

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
 */
public final class ImageCodec {

    /** The precision of the frequency tables, bits. */
    public static final int PRECISION = 16;

    private final Autoencoder model;
    private final QuantizedLatent latent;
    private final byte[] fingerprint;

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
    }

    /** @return the bytes that mark this model's files */
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    /**
     * Compresses a batch.
     *
     * @param x images {@code (N, C, H, W)} in model scale ([0, 1])
     * @return one file per image
     */
    public List<byte[]> compress(NDArray x) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray y = latent.code(model.encoderOutput(x, false));
            y.attach(m);
            Shape s = y.getShape();
            int n = (int) s.get(0);
            int per = (int) (s.size() / n);
            float[] all = y.toFloatArray();
            int[] image = {(int) x.getShape().get(1), (int) x.getShape().get(2), (int) x.getShape().get(3)};
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
                FrequencyTable[] tables = latent.density().tables(new ParameterStore(m, false), m, lo, hi, PRECISION);
                int[] symbols = new int[per];
                int[] table = new int[per];
                for (int j = 0; j < per; j++) {
                    symbols[j] = v[j] - lo;
                    table[j] = j / cells;
                }
                out.add(new BtlFile(fingerprint, image, lat, lo, hi, Rans.encode(symbols, table, tables)).toBytes());
            }
            return out;
        }
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
        BtlFile f = BtlFile.parse(bytes, source);
        if (!Arrays.equals(f.fingerprint(), fingerprint)) {
            throw new InvalidInputException(source, "was compressed by another model (its weights' fingerprint differs)");
        }
        int[] want = model.config().inputShape();
        if (!Arrays.equals(f.imageShape(), want)) {
            throw new InvalidInputException(source, "holds a " + f.imageShape()[0] + "x" + f.imageShape()[1] + "x" + f.imageShape()[2]
                    + " image; this model codes " + want[0] + "x" + want[1] + "x" + want[2]);
        }
        int cells = f.latentShape()[1] * f.latentShape()[2];
        int per = f.latentShape()[0] * cells;
        if ((long) per != model.config().latent()) {
            throw new InvalidInputException(source, "declares " + per + " latents; this model has " + model.config().latent());
        }
        try (NDManager m = model.manager().newSubManager()) {
            FrequencyTable[] tables = latent.density().tables(new ParameterStore(m, false), m, f.lo(), f.hi(), PRECISION);
            int[] table = new int[per];
            for (int j = 0; j < per; j++) {
                table[j] = j / cells;
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
            NDArray z = m.create(y, new Shape(1, per));
            NDArray out = model.decode(z);
            out.attach(manager);
            return out;
        }
    }
}
