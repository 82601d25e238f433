package dev.bottleneck.latent.fsq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.CodeIndices;
import dev.bottleneck.latent.CodeUsage;
import dev.bottleneck.latent.DiscreteLatent;
import dev.bottleneck.latent.LatentOutput;
import dev.bottleneck.latent.VectorLayout;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finite scalar quantization (Mentzer, Minnen, Agustsson and Tschannen, "Finite Scalar
 * Quantization: VQ-VAE Made Simple", ICLR 2024, arXiv:2309.15505): each dimension {@code i} of a
 * {@code d}-dimensional code vector is bounded to {@code L_i} values and rounded, so the codebook
 * is the implicit grid of {@code prod L_i} points; nothing is learned, there is no codebook or
 * commitment loss, and no codebook can collapse.
 *
 * <p>Per dimension, as in the paper's appendix A.1: {@code bound(z) = tanh(z + s) * h - o} with
 * {@code h = (L - 1)(1 - 1e-3) / 2}, offset {@code o = 0.5} for even {@code L} (so that an even
 * number of integers fits symmetrically: {@code -L/2 .. L/2 - 1}) and {@code 0} for odd {@code L}
 * ({@code -(L-1)/2 .. (L-1)/2}), and shift {@code s = tan(o / h)} (the paper's listing; {@code
 * atanh} would centre {@code bound(0)} at exactly 0, and differs from {@code tan} by under
 * {@code 1e-5} here). Then {@code zhat = round_ste(bound(z)) / floor(L/2)}: values in {@code [-1,
 * 1]}, the rounding straight-through ({@code round(b) + (b - sg(b))}, so the gradient of the code
 * is the derivative of {@code bound} divided by {@code floor(L/2)}).
 *
 * <p>Index of a code vector: mixed radix, {@code k = sum_i (zhat_i floor(L_i/2) + floor(L_i/2))
 * * prod_{j<i} L_j}, in {@code [0, prod L_i)}; {@link #embed} inverts it.
 *
 * <p>Shapes (see {@link VectorLayout}): flat {@code (N, d*M)} encoder output, indices {@code (N,
 * M)}; conv grid {@code (N, d, H', W')}, indices {@code (N, H', W')}; the code has the encoder
 * output's shape. Health: like the VQ layer, batch metrics {@code "perplexity"} and {@code
 * "codes_used_fraction"} and the epoch accumulator {@link #usage()}.
 */
public final class FiniteScalarQuantizer implements DiscreteLatent {

    private static final double EPS = 1e-3;

    private final FsqConfig config;
    private final int[] levels;
    private final double[] halfL;
    private final double[] offset;
    private final double[] shift;
    private final double[] halfWidth;
    private final double[] basis;
    private final CodeUsage usage;
    private final double rangePenalty;

    /**
     * @param config the levels
     */
    public FiniteScalarQuantizer(FsqConfig config) {
        this(config, 0);
    }

    /**
     * A quantizer with a penalty {@code lambda * mean(h^2)} on the encoder's values {@code h}
     * before the bound, the loss term {@code range_penalty}. Not in the paper: measured here, an
     * MLP encoder trained with Adam drifts within 40 steps to values of 8-18, where the tanh bound
     * is flat, its straight-through gradient vanishes and every image gets the same code (test MSE
     * 0.066, the mean image); with {@code lambda = 0.01} the values stay within about 2 and the loss
     * keeps falling (0.032 after 400 steps; issue 10, docs/benchmarks.md).
     *
     * @param config the levels
     * @param rangePenalty {@code lambda >= 0}; 0 for none
     * @throws dev.bottleneck.InvalidInputException if {@code lambda} is negative or not finite
     */
    public FiniteScalarQuantizer(FsqConfig config, double rangePenalty) {
        if (!(rangePenalty >= 0) || Double.isInfinite(rangePenalty)) {
            throw new dev.bottleneck.InvalidInputException("--fsq-range-penalty must be a finite number >= 0, got " + rangePenalty);
        }
        this.rangePenalty = rangePenalty;
        this.config = config;
        this.levels = config.levels();
        int d = levels.length;
        halfL = new double[d];
        offset = new double[d];
        shift = new double[d];
        halfWidth = new double[d];
        basis = new double[d];
        double b = 1;
        for (int i = 0; i < d; i++) {
            halfL[i] = (levels[i] - 1) * (1 - EPS) / 2;
            offset[i] = levels[i] % 2 == 0 ? 0.5 : 0.0;
            shift[i] = Math.tan(offset[i] / halfL[i]);
            halfWidth[i] = levels[i] / 2;
            basis[i] = b;
            b *= levels[i];
        }
        this.usage = new CodeUsage(config.codebookSize());
    }

    /** @return the levels */
    public FsqConfig config() {
        return config;
    }

    /** @return {@code true}: a grid {@code (N, D, H', W')} is read as one vector per position */
    @Override
    public boolean readsGrids() {
        return true;
    }

    @Override
    public String name() {
        return "fsq";
    }

    /**
     * @param latent the code size {@code d*M} the decoder reads
     * @return {@code latent}
     * @throws InvalidInputException if it is not a positive multiple of {@code d}
     */
    @Override
    public int encoderOutputSize(int latent) {
        if (latent < 1 || latent % levels.length != 0) {
            throw new InvalidInputException("a code of size " + latent + " cannot be split into FSQ vectors of dimension "
                    + levels.length + " (levels " + Arrays.toString(levels) + ")");
        }
        return latent;
    }

    /**
     * The bounding function, before rounding.
     *
     * @param x vectors {@code (P, d)}
     * @return {@code tanh(x + s) * h - o}, {@code (P, d)}, differentiable
     */
    public NDArray bound(NDArray x) {
        NDManager m = x.getManager();
        DataType t = x.getDataType();
        return x.add(constant(m, shift, t)).tanh().mul(constant(m, halfL, t)).sub(constant(m, offset, t));
    }

    /**
     * Quantizes vectors with the straight-through rounding.
     *
     * @param x vectors {@code (P, d)}
     * @return {@code zhat (P, d)} in {@code [-1, 1]}: value {@code round(bound(x)) / floor(L/2)},
     *     gradient that of {@code bound(x) / floor(L/2)}
     */
    public NDArray quantize(NDArray x) {
        NDArray b = bound(x);
        NDArray r = b.stopGradient().round().add(b.sub(b.stopGradient()));
        return r.div(constant(x.getManager(), halfWidth, x.getDataType()));
    }

    /**
     * @param zhat quantized vectors {@code (P, d)} (values on the grid)
     * @return their indices {@code (P)}, INT64
     */
    public NDArray indices(NDArray zhat) {
        NDManager m = zhat.getManager();
        NDArray z = zhat.stopGradient().toType(DataType.FLOAT64, false);
        NDArray hw = constant(m, halfWidth, DataType.FLOAT64);
        NDArray digits = z.mul(hw).add(hw).round();
        return digits.mul(constant(m, basis, DataType.FLOAT64)).sum(new int[] {1}).toType(DataType.INT64, false);
    }

    /**
     * @param indices {@code (P)} in {@code [0, prod L)}, INT64
     * @param type the floating type of the result
     * @return the code vectors {@code (P, d)} in {@code [-1, 1]}
     */
    public NDArray vectors(NDArray indices, DataType type) {
        NDManager m = indices.getManager();
        NDArray k = indices.toType(DataType.FLOAT64, false).expandDims(1);
        NDArray digits = k.div(constant(m, basis, DataType.FLOAT64)).floor().mod(constant(m, toDouble(levels), DataType.FLOAT64));
        NDArray hw = constant(m, halfWidth, DataType.FLOAT64);
        return digits.sub(hw).div(hw).toType(type, false);
    }

    /**
     * @param encoderOutput {@code (N, d*M)} or {@code (N, d, H', W')}
     * @param training whether to count the codes in {@link #usage()}
     * @return {@code zhat} of the same shape, no loss terms, batch metrics {@code "perplexity"}
     *     and {@code "codes_used_fraction"}
     */
    @Override
    public LatentOutput forward(NDArray encoderOutput, boolean training) {
        VectorLayout layout = VectorLayout.of(encoderOutput.getShape(), levels.length);
        NDArray zhat = quantize(layout.toVectors(encoderOutput));
        NDArray idx = indices(zhat);
        long[] codes = idx.toLongArray();
        if (training) {
            usage.add(idx);
        }
        Map<String, NDArray> terms = rangePenalty == 0 ? Map.of()
                : Map.of("range_penalty", dev.bottleneck.nn.Scalars.mul(encoderOutput.square().mean(), rangePenalty));
        return new LatentOutput(layout.fromVectors(zhat), terms, batchMetrics(encoderOutput.getManager(), codes));
    }

    /**
     * @param encoderOutput {@code (N, d*M)} or {@code (N, d, H', W')}
     * @return {@code zhat} of the same shape
     */
    @Override
    public NDArray code(NDArray encoderOutput) {
        VectorLayout layout = VectorLayout.of(encoderOutput.getShape(), levels.length);
        return layout.fromVectors(quantize(layout.toVectors(encoderOutput.stopGradient())));
    }

    /**
     * @param encoderOutput {@code (N, d*M)} or {@code (N, d, H', W')}
     * @return INT64 indices {@code (N, M)} or {@code (N, H', W')}
     */
    @Override
    public NDArray codes(NDArray encoderOutput) {
        VectorLayout layout = VectorLayout.of(encoderOutput.getShape(), levels.length);
        return indices(quantize(layout.toVectors(encoderOutput.stopGradient()))).reshape(layout.indexShape());
    }

    /**
     * @param codes {@code (N, M)} or {@code (N, H', W')} indices in {@code [0, prod L)}
     * @return {@code zhat}, {@code (N, d*M)} or {@code (N, d, H', W')}, float32
     * @throws InvalidInputException if an index is out of range or not whole, or the rank is
     *     neither
     */
    @Override
    public NDArray embed(NDArray codes) {
        VectorLayout layout = VectorLayout.ofIndices(codes.getShape(), levels.length);
        NDArray idx = CodeIndices.check(codes, config.codebookSize()).reshape(-1);
        return layout.fromVectors(vectors(idx, DataType.FLOAT32));
    }

    @Override
    public long codebookSize() {
        return config.codebookSize();
    }

    @Override
    public CodeUsage newUsage() {
        return new CodeUsage(config.codebookSize());
    }

    @Override
    public CodeUsage usage() {
        return usage;
    }

    /**
     * Starts the epoch's usage accumulator afresh.
     *
     * @param epoch the epoch about to run, 1-based
     */
    @Override
    public void beginEpoch(int epoch) {
        usage.clear();
    }

    private static Map<String, NDArray> batchMetrics(NDManager m, long[] codes, long size) {
        long[] sorted = codes.clone();
        Arrays.sort(sorted);
        long[] counts = new long[sorted.length];
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                distinct++;
            }
            counts[distinct - 1]++;
        }
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("perplexity", m.create((float) CodeUsage.perplexity(Arrays.copyOf(counts, distinct))));
        metrics.put("codes_used_fraction", m.create((float) ((double) distinct / size)));
        return metrics;
    }

    private Map<String, NDArray> batchMetrics(NDManager m, long[] codes) {
        return batchMetrics(m, codes, config.codebookSize());
    }

    private static NDArray constant(NDManager m, double[] v, DataType type) {
        return m.create(v).toType(type, false);
    }

    private static double[] toDouble(int[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Override
    public String toString() {
        return "finite scalar quantizer (levels " + Arrays.toString(levels) + ", " + config.codebookSize() + " codes)";
    }
}
