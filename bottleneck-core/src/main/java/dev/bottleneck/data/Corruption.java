package dev.bottleneck.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Input corruption for denoising autoencoders and for the denoising and inpainting tools
 * (Vincent, Larochelle, Bengio and Manzagol, "Extracting and Composing Robust Features with
 * Denoising Autoencoders", ICML 2008). A spec is written as on the command line:
 *
 * <ul>
 *   <li>{@code gaussian:SIGMA} — add N(0, SIGMA²) noise to every value, then clip to the value
 *       range (for bounded scalings);
 *   <li>{@code mask:P} — each value is set to 0 with probability P (masking noise: a plain 0/1
 *       mask);
 *   <li>{@code dropout:P} — as {@code mask:P}, and the kept values are multiplied by 1/(1-P), as
 *       {@code torch.nn.Dropout} does (the expected value is unchanged);
 *   <li>{@code saltpepper:P} — each value is set to the range minimum or maximum (half each) with
 *       probability P (bounded scalings only);
 *   <li>{@code block:SIZE} — one random SIZE x SIZE square per image set to 0, the same square in
 *       every channel (images only); the square lies inside the central box that leaves a margin
 *       of H/7 and W/7 (the central 20x20 of a 28x28 digit), when it fits there, so that it hides
 *       part of the object rather than empty border — the placement of the reference measurement
 *       of OpenCV inpainting on MNIST;
 *   <li>{@code A,B,...} — a mixture: each minibatch draws one of the listed corruptions uniformly.
 * </ul>
 *
 * <p>Values are in model scale, {@code (N, ...)}; 0 is black for pixels in [0, 1] and mid-grey for
 * pixels in [-1, 1] (as the PyTorch peer's dropout corruption). All randomness comes from the
 * engine's generator (seeded by the trainer) except the mixture choice, which uses the given seed.
 */
public final class Corruption {

    /** The corruption kinds, as written in specs. */
    public static final List<String> KINDS = List.of("gaussian", "mask", "dropout", "saltpepper", "block");

    private final List<Part> parts;
    private final float lo;
    private final float hi;
    private final Random mixture;
    /** The training masks' bytes (see {@link #trainingKeepMask}); seeded from the engine at first use. */
    private SplittableRandom bits;
    private byte[] maskBytes;

    /**
     * The result of corrupting a batch.
     *
     * @param input the corrupted batch, same shape as the input
     * @param keep 1 where a value was kept unchanged, 0 where it was replaced, same shape; {@code
     *     null} for additive noise (every value changed)
     */
    public record Corrupted(NDArray input, NDArray keep) {}

    private record Part(String kind, double p, int size) {
        String spec() {
            if (kind.equals("block")) {
                return "block:" + size;
            }
            return kind + ":" + (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p));
        }
    }

    private Corruption(List<Part> parts, float lo, float hi, long seed) {
        this.parts = parts;
        this.lo = lo;
        this.hi = hi;
        this.mixture = new Random(seed);
    }

    /**
     * Parses a spec.
     *
     * @param spec e.g. {@code "mask:0.5"}, {@code "gaussian:0.3"}, {@code "mask:0.5,block:10"}
     * @param lo smallest valid value in model scale ({@code -inf} if unbounded)
     * @param hi largest valid value in model scale ({@code +inf} if unbounded)
     * @return the corruption
     * @throws InvalidInputException naming the spec for an unknown kind, a probability outside [0,
     *     1), a negative sigma, a block size below 1, or salt-and-pepper on unbounded values
     */
    public static Corruption parse(String spec, float lo, float hi) {
        if (spec == null || spec.isBlank()) {
            throw new InvalidInputException("--noise is empty (use e.g. mask:0.5, dropout:0.5, gaussian:0.3, saltpepper:0.1, block:10)");
        }
        List<Part> parts = new ArrayList<>();
        for (String one : spec.split(",")) {
            String t = one.trim().toLowerCase(Locale.ROOT);
            int colon = t.indexOf(':');
            String kind = colon < 0 ? t : t.substring(0, colon);
            if (!KINDS.contains(kind)) {
                throw new InvalidInputException("unknown --noise '" + one.trim() + "' (known: gaussian:SIGMA, mask:P, dropout:P, saltpepper:P, block:SIZE)");
            }
            if (colon < 0) {
                throw new InvalidInputException("--noise " + kind + " needs a value, e.g. " + kind + (kind.equals("block") ? ":10" : kind.equals("gaussian") ? ":0.3" : ":0.5"));
            }
            String v = t.substring(colon + 1);
            double x;
            try {
                x = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new InvalidInputException("--noise " + one.trim() + ": '" + v + "' is not a number");
            }
            switch (kind) {
                case "gaussian":
                    if (!(x >= 0) || Double.isInfinite(x)) {
                        throw new InvalidInputException("--noise " + one.trim() + ": sigma must be a finite number >= 0");
                    }
                    parts.add(new Part(kind, x, 0));
                    break;
                case "block":
                    if (x != Math.rint(x) || x < 1) {
                        throw new InvalidInputException("--noise " + one.trim() + ": the block size must be a whole number of pixels >= 1");
                    }
                    parts.add(new Part(kind, 0, (int) x));
                    break;
                default:
                    if (!(x >= 0 && x < 1)) {
                        throw new InvalidInputException("--noise " + one.trim() + ": the probability must be in [0, 1)");
                    }
                    if (kind.equals("saltpepper") && (Float.isInfinite(lo) || Float.isInfinite(hi))) {
                        throw new InvalidInputException("--noise saltpepper needs bounded inputs (images scaled to [0,1] or [-1,1])");
                    }
                    parts.add(new Part(kind, x, 0));
            }
        }
        return new Corruption(parts, lo, hi, 0);
    }

    /**
     * The value range of a model's inputs, from its output activation.
     *
     * @param output {@code sigmoid} ([0, 1]), {@code tanh} ([-1, 1]) or {@code none} (unbounded)
     * @return {@code {lo, hi}}
     */
    public static float[] rangeFor(String output) {
        switch (output) {
            case "sigmoid":
                return new float[] {0f, 1f};
            case "tanh":
                return new float[] {-1f, 1f};
            default:
                return new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        }
    }

    /**
     * A copy whose mixture choice is seeded (for reproducible denoising and inpainting reports).
     *
     * @param seed the seed
     * @return the same corruption with a seeded mixture choice
     */
    public Corruption withSeed(long seed) {
        return new Corruption(parts, lo, hi, seed);
    }

    /** @return the canonical spec, e.g. {@code "mask:0.5,block:10"} */
    public String spec() {
        StringBuilder s = new StringBuilder();
        for (Part p : parts) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(p.spec());
        }
        return s.toString();
    }

    /**
     * Corrupts a batch for training: the same distribution as {@link #apply}, without returning the
     * mask of kept values. {@code dropout} and {@code mask} draw a uniform array and compare it with
     * {@code p}: measured on this project's 2-core machine, torch's fused {@code dropout} kernel
     * (a Bernoulli draw per element) was 2.5 ms slower per 256 x 784 batch (49k vs 77k samples/s
     * for the MLP {@code dae} of {@code bench/speed.sh}).
     *
     * @param x a batch in model scale, {@code (N, ...)}
     * @return the corrupted batch, in {@code x}'s manager
     */
    public NDArray corruptInput(NDArray x) {
        Part p = parts.size() == 1 ? parts.get(0) : parts.get(mixture.nextInt(parts.size()));
        if (p.kind().equals("dropout") || p.kind().equals("mask")) {
            if (p.p() == 0) {
                return x;
            }
            NDArray keep = trainingKeepMask(x.getManager(), x.getShape(), p.p()).toType(DataType.FLOAT32, false);
            NDArray y = x.mul(keep);
            return p.kind().equals("dropout") ? y.div((float) (1 - p.p())) : y;
        }
        return apply(x, p).input();
    }

    /**
     * The mask of kept values for training, {@code P(keep) = 1 - p} per element, as a boolean
     * array of {@code shape}.
     *
     * <p>Where {@code p} is a multiple of 1/256 (0.5, 0.25, ...: every default and the benchmarks'),
     * the draw is one random byte per element from a {@link SplittableRandom}, copied to native
     * memory and compared with {@code 256 p}: exact for such {@code p}. libtorch's CPU
     * {@code uniform_} draws one Mersenne-twister number per element on one thread: 0.48 ms of
     * the 0.78 ms a 256 x 784 mask took; the byte path takes 0.56 ms (issue 9, {@code dae} speed).
     * The generator is seeded from the engine's generator at first use, so a run's masks follow
     * its {@code --seed}. Other {@code p} take the engine's uniform draw.
     *
     * @param m the batch's manager
     * @param shape the batch shape
     * @param p the probability of dropping a value, in [0, 1)
     * @return a boolean array, true where the value is kept
     */
    private NDArray trainingKeepMask(NDManager m, Shape shape, double p) {
        double scaled = p * 256;
        int k = (int) Math.round(scaled);
        long n = shape.size();
        if (Math.abs(scaled - k) > 1e-9 || k < 1 || k > 255 || n > Integer.MAX_VALUE - 8) {
            return m.randomUniform(0f, 1f, shape).gte((float) p);
        }
        if (bits == null) {
            bits = new SplittableRandom(m.randomInteger(0, Long.MAX_VALUE, new Shape(1), DataType.INT64).toLongArray()[0]);
        }
        if (maskBytes == null || maskBytes.length != n) {
            maskBytes = new byte[(int) n];
        }
        byte[] b = maskBytes;
        int i = 0;
        for (; i + 8 <= b.length; i += 8) {
            long r = bits.nextLong();
            b[i] = (byte) r;
            b[i + 1] = (byte) (r >>> 8);
            b[i + 2] = (byte) (r >>> 16);
            b[i + 3] = (byte) (r >>> 24);
            b[i + 4] = (byte) (r >>> 32);
            b[i + 5] = (byte) (r >>> 40);
            b[i + 6] = (byte) (r >>> 48);
            b[i + 7] = (byte) (r >>> 56);
        }
        for (long r = bits.nextLong(); i < b.length; i++, r >>>= 8) {
            b[i] = (byte) r;
        }
        return m.create(java.nio.ByteBuffer.wrap(b), shape, DataType.UINT8).gte(k);
    }

    /**
     * Corrupts a batch. The new arrays belong to {@code x}'s manager.
     *
     * @param x a batch in model scale, {@code (N, ...)}; {@code block} needs {@code (N, C, H, W)}
     * @return the corrupted batch and the mask of kept values
     * @throws InvalidInputException if {@code block} is used on non-image data or is larger than
     *     the image
     */
    public Corrupted apply(NDArray x) {
        return apply(x, parts.size() == 1 ? parts.get(0) : parts.get(mixture.nextInt(parts.size())));
    }

    private Corrupted apply(NDArray x, Part p) {
        NDManager m = x.getManager();
        Shape s = x.getShape();
        switch (p.kind()) {
            case "gaussian": {
                NDArray y = x.add(m.randomNormal(0f, (float) p.p(), s, DataType.FLOAT32));
                if (!Float.isInfinite(lo)) {
                    y = y.clip(lo, hi);
                }
                return new Corrupted(y, null);
            }
            case "mask":
            case "dropout": {
                NDArray keep = m.randomUniform(0f, 1f, s).gte((float) p.p()).toType(DataType.FLOAT32, false);
                NDArray y = x.mul(keep);
                if (p.kind().equals("dropout") && p.p() > 0) {
                    y = y.div((float) (1 - p.p()));
                }
                return new Corrupted(y, keep);
            }
            case "saltpepper": {
                NDArray u = m.randomUniform(0f, 1f, s);
                NDArray hit = u.lt((float) p.p());
                NDArray salt = u.lt((float) (p.p() / 2));
                NDArray value = salt.toType(DataType.FLOAT32, false).mul(hi - lo).add(lo);
                NDArray keep = hit.logicalNot().toType(DataType.FLOAT32, false);
                return new Corrupted(x.mul(keep).add(value.mul(keep.neg().add(1f))), keep);
            }
            default: {
                if (s.dimension() != 4) {
                    throw new InvalidInputException("--noise block:" + p.size() + " is for images (N, C, H, W); the data have shape " + s);
                }
                long n = s.get(0);
                long h = s.get(2);
                long w = s.get(3);
                int size = p.size();
                if (size > h || size > w) {
                    throw new InvalidInputException("--noise block:" + size + " is larger than the " + h + "x" + w + " images");
                }
                // the square lies in the central box (a margin of H/7, W/7: 4 pixels on 28x28), so
                // that it covers the object rather than an empty border
                long my = h - 2 * (h / 7) >= size ? h / 7 : 0;
                long mx = w - 2 * (w / 7) >= size ? w / 7 : 0;
                NDArray y0 = m.randomInteger(my, h - my - size + 1, new Shape(n, 1, 1, 1), DataType.INT64);
                NDArray x0 = m.randomInteger(mx, w - mx - size + 1, new Shape(n, 1, 1, 1), DataType.INT64);
                NDArray rows = m.arange(0, (int) h, 1, DataType.INT64).reshape(1, 1, h, 1);
                NDArray cols = m.arange(0, (int) w, 1, DataType.INT64).reshape(1, 1, 1, w);
                NDArray inRows = rows.gte(y0).logicalAnd(rows.lt(y0.add(size)));
                NDArray inCols = cols.gte(x0).logicalAnd(cols.lt(x0.add(size)));
                NDArray hole = inRows.logicalAnd(inCols); // (N, 1, H, W)
                NDArray keep = hole.logicalNot().toType(DataType.FLOAT32, false).broadcast(s);
                return new Corrupted(x.mul(keep), keep);
            }
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
