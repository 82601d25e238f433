package dev.bottleneck.codec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.nn.Weights;

import java.util.ArrayList;
import java.util.List;

/**
 * A learned, factorized density of quantized latents, one univariate density per channel: the
 * entropy model of Ballé, Minnen, Singh, Hwang and Johnston, "Variational image compression with
 * a scale hyperprior" (ICLR 2018), appendix 6.1 (the "factorized prior"; CompressAI's {@code
 * EntropyBottleneck}). Each channel's cumulative distribution is {@code c(y) = sigmoid(f(y))},
 * {@code f} a small network {@code R -> R} made monotone by construction: layers {@code x ->
 * softplus(H_k) x + b_k} with, between them, {@code x -> x + tanh(a_k) tanh(x)}, widths {@code 1,
 * 3, 3, 3, 1}. The probability of an integer {@code y} (or of {@code y} plus uniform noise in
 * training) is the mass of the unit bin around it: {@code p(y) = c(y + 1/2) - c(y - 1/2)}, computed
 * on the side of the median where the sigmoids do not saturate.
 *
 * <p>As a block: {@code (N, C, ...) -> (N, C, ...)}, the information content {@code -log2 p(y)}
 * of each latent in <b>bits</b> (probabilities floored at {@code 2^-30}, as the rate of an
 * impossible value must stay finite; in training the floor lets the gradient through, as
 * CompressAI's {@code LowerBound}, so latents beyond it are still pulled back). The rate of an
 * image is the sum over its latents.
 */
public final class FactorizedDensity extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final int[] WIDTHS = {1, 3, 3, 3, 1};
    /** The smallest probability a bin gets, so its rate stays finite (30 bits). */
    static final double MIN_PROBABILITY = Math.pow(2, -30);

    private final int channels;
    private final List<Parameter> matrices = new ArrayList<>();
    private final List<Parameter> biases = new ArrayList<>();
    private final List<Parameter> factors = new ArrayList<>();

    /**
     * @param channels {@code C}, the latent channels, {@code >= 1}
     * @throws InvalidInputException if {@code channels < 1}
     */
    public FactorizedDensity(int channels) {
        super(VERSION);
        if (channels < 1) {
            throw new InvalidInputException("a factorized density needs at least 1 channel, got " + channels);
        }
        this.channels = channels;
        // CompressAI's initialization: with init_scale 10 the density starts wide (scale about 10)
        double scale = Math.pow(10.0, 1.0 / (WIDTHS.length - 1));
        for (int k = 0; k + 1 < WIDTHS.length; k++) {
            int in = WIDTHS[k];
            int out = WIDTHS[k + 1];
            float init = (float) Math.log(Math.expm1(1 / scale / out));
            matrices.add(addParameter(Parameter.builder().setName("matrix" + k).setType(Parameter.Type.OTHER)
                    .optShape(new Shape(channels, out, in))
                    .optInitializer((m, shape, type) -> m.full(shape, init, type)).build()));
            biases.add(addParameter(Parameter.builder().setName("bias" + k).setType(Parameter.Type.OTHER)
                    .optShape(new Shape(channels, out, 1))
                    .optInitializer((m, shape, type) -> m.randomUniform(-0.5f, 0.5f, shape, DataType.FLOAT32).toType(type, false)).build()));
            if (k + 2 < WIDTHS.length) {
                factors.add(addParameter(Parameter.builder().setName("factor" + k).setType(Parameter.Type.OTHER)
                        .optShape(new Shape(channels, out, 1))
                        .optInitializer((m, shape, type) -> m.zeros(shape, type)).build()));
            }
        }
    }

    /** @return {@code C} */
    public int channels() {
        return channels;
    }

    /**
     * {@code f(x)}, the logit of each channel's cumulative distribution.
     *
     * @param ps the parameter store
     * @param x {@code (C, 1, M)} values per channel
     * @param training whether gradients flow to the parameters
     * @return {@code (C, 1, M)}
     */
    private NDArray logitsCumulative(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = x;
        for (int k = 0; k < matrices.size(); k++) {
            // views owned by the batch, so nothing computed from the weights stays in the model's manager
            NDArray m = Activation.softPlus(Weights.inBatch(ps.getValue(matrices.get(k), x.getDevice(), training), x.getManager()));
            h = m.matMul(h).add(Weights.inBatch(ps.getValue(biases.get(k), x.getDevice(), training), x.getManager()));
            if (k < factors.size()) {
                NDArray a = Weights.inBatch(ps.getValue(factors.get(k), x.getDevice(), training), x.getManager()).tanh();
                h = h.add(a.mul(h.tanh()));
            }
        }
        return h;
    }

    /**
     * The probability of each latent's unit bin.
     *
     * @param ps the parameter store
     * @param y {@code (N, C, ...)} latents (integers, or integers plus noise in training)
     * @param training whether gradients flow to the parameters
     * @return {@code (N, C, ...)} probabilities in {@code [2^-30, 1]}
     * @throws InvalidInputException if {@code y}'s second dimension is not {@code C}
     */
    public NDArray likelihood(ParameterStore ps, NDArray y, boolean training) {
        Shape s = y.getShape();
        if (s.dimension() < 2 || s.get(1) != channels) {
            throw new InvalidInputException("latents of shape " + s + " do not fit a density of " + channels + " channels");
        }
        // (N, C, ...) -> (C, 1, N * ...)
        int[] perm = new int[s.dimension()];
        perm[0] = 1;
        perm[1] = 0;
        for (int i = 2; i < perm.length; i++) {
            perm[i] = i;
        }
        NDArray v = y.transpose(perm).reshape(channels, 1, -1);
        NDArray lower = logitsCumulative(ps, v.sub(0.5f), training);
        NDArray upper = logitsCumulative(ps, v.add(0.5f), training);
        // evaluate on the side of the median where the sigmoids are not saturated
        NDArray sign = lower.add(upper).sign().neg().stopGradient();
        NDArray raw = Activation.sigmoid(sign.mul(upper)).sub(Activation.sigmoid(sign.mul(lower))).abs();
        NDArray floored = raw.maximum((float) MIN_PROBABILITY);
        // In training the floor passes the gradient through (CompressAI's LowerBound does the same
        // where the gradient would raise the value, and the rate only ever asks for a higher
        // probability): with a plain maximum, latents pushed far into the tails by one bad step get
        // no gradient back and the rate stays at 30 bits per latent for good.
        NDArray p = training ? raw.add(floored.sub(raw).stopGradient()) : floored;
        Shape moved = new Shape(channels, s.get(0)).addAll(s.slice(2));
        return p.reshape(moved).transpose(perm);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray p = likelihood(ps, inputs.singletonOrThrow(), training);
        return new NDList(p.log().div((float) -Math.log(2)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /**
     * The coding tables: each channel's probabilities of the integers {@code lo..hi}, quantized.
     * Values outside are clamped by the caller.
     *
     * @param ps the parameter store
     * @param manager for the temporary arrays
     * @param lo the lowest symbol value
     * @param hi the highest, {@code > lo}
     * @param precision the tables' precision in bits ({@link FrequencyTable#of})
     * @return one table per channel; symbol {@code i} is the value {@code lo + i}
     */
    public FrequencyTable[] tables(ParameterStore ps, NDManager manager, int lo, int hi, int precision) {
        int n = hi - lo + 1;
        float[] grid = new float[channels * n];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < n; i++) {
                grid[c * n + i] = lo + i;
            }
        }
        try (NDManager m = manager.newSubManager()) {
            NDArray y = m.create(grid, new Shape(1, channels, n));
            double[] p = likelihood(ps, y, false).toType(DataType.FLOAT64, false).toDoubleArray();
            FrequencyTable[] out = new FrequencyTable[channels];
            for (int c = 0; c < channels; c++) {
                out[c] = FrequencyTable.of(java.util.Arrays.copyOfRange(p, c * n, (c + 1) * n), precision);
            }
            return out;
        }
    }
}
