package dev.bottleneck.latent.binary;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.CodeIndices;
import dev.bottleneck.latent.CodeUsage;
import dev.bottleneck.latent.DiscreteLatent;
import dev.bottleneck.latent.LatentOutput;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A binary code: {@code K} bits, each a yes/no attribute (semantic hashing: Salakhutdinov and
 * Hinton, "Semantic Hashing", 2009). The encoder gives logits {@code h (N, K)}; {@code p =
 * sigmoid(h)} is each bit's probability of being 1.
 *
 * <ul>
 *   <li>{@link Mode#STOCHASTIC} (default): in training each bit is a Bernoulli sample {@code b ~
 *       Bernoulli(p)} (a float32 uniform draw {@code u}, {@code b = [u < p]}), passed with the
 *       straight-through estimator {@code z = b + (p - sg(p))}: the value is exactly {@code b}, the
 *       gradient that of {@code p}, i.e. {@code dz/dh = p (1 - p)} (Bengio, Léonard and
 *       Courville, "Estimating or Propagating Gradients Through Stochastic Neurons for Conditional
 *       Computation", 2013, the "straight-through" variant through the sigmoid; the sampling noise
 *       pushes {@code p} towards 0 or 1). In evaluation the bit is the deterministic threshold
 *       {@code b = [p > 0.5]}.
 *   <li>{@link Mode#DETERMINISTIC}: the threshold {@code [p > 0.5]} with the same straight-through
 *       gradient in training and evaluation alike.
 * </ul>
 *
 * <p>Shapes: encoder output {@code (N, K)}, code {@code z (N, K)} in {0, 1}, indices ({@link
 * #codes}) {@code (N, K)} INT64 bits. Loss terms only when weighted (see {@link #BinaryLatent(int,
 * Mode, double, double)}). Health: the batch metrics {@code
 * "bits_on_fraction"} (mean of the bits), {@code "perplexity"} and {@code "codes_used_fraction"}
 * of the {@code 2K} (bit, value) slots ({@link CodeUsage}: a constant bit leaves a slot unused),
 * and the epoch accumulator {@link #usage()}.
 */
public final class BinaryLatent implements DiscreteLatent, dev.bottleneck.latent.CodeDistribution {

    /** How the bits are made in training. */
    public enum Mode {
        /** Bernoulli samples in training, threshold in evaluation. */
        STOCHASTIC,
        /** Threshold throughout. */
        DETERMINISTIC;

        /**
         * @param name {@code stochastic} or {@code deterministic}, case-insensitive
         * @return the mode
         * @throws InvalidInputException for another name
         */
        public static Mode parse(String name) {
            String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
            return switch (n) {
                case "stochastic" -> STOCHASTIC;
                case "deterministic" -> DETERMINISTIC;
                default -> throw new InvalidInputException("unknown binary code mode '" + name + "' (known: stochastic, deterministic)");
            };
        }
    }

    private final int bits;
    private final Mode mode;
    private final double balanceWeight;
    private final double entropyWeight;
    private final CodeUsage usage;

    /**
     * A binary code without information terms.
     *
     * @param bits {@code K}, the number of bits, {@code >= 1}
     * @param mode how bits are made in training
     * @throws InvalidInputException if {@code bits < 1}
     */
    public BinaryLatent(int bits, Mode mode) {
        this(bits, mode, 0, 0);
    }

    /**
     * A binary code with the information terms of IMSAT's hashing (Hu et al. 2017, section 4.3),
     * each added to the loss only when its weight is positive, in nats per example: {@code
     * "bit_balance"} {@code = balanceWeight * sum_k (log 2 - H(mean_n p_nk))}, 0 when every bit
     * is on for half the batch, and {@code "conditional_entropy"} {@code = entropyWeight * mean_n
     * sum_k H(p_nk)}, 0 when every bit is certain.
     *
     * @param bits {@code K}, the number of bits, {@code >= 1}
     * @param mode how bits are made in training
     * @param balanceWeight weight of the bit-balance term, {@code >= 0}
     * @param entropyWeight weight of the conditional-entropy term, {@code >= 0}
     * @throws InvalidInputException if {@code bits < 1} or a weight is negative or not finite
     */
    public BinaryLatent(int bits, Mode mode, double balanceWeight, double entropyWeight) {
        if (bits < 1) {
            throw new InvalidInputException("a binary code needs at least 1 bit, got " + bits);
        }
        if (!(balanceWeight >= 0) || Double.isInfinite(balanceWeight)) {
            throw new InvalidInputException("--balance-weight must be a finite number >= 0, got " + balanceWeight);
        }
        if (!(entropyWeight >= 0) || Double.isInfinite(entropyWeight)) {
            throw new InvalidInputException("--entropy-weight must be a finite number >= 0, got " + entropyWeight);
        }
        this.bits = bits;
        this.balanceWeight = balanceWeight;
        this.entropyWeight = entropyWeight;
        this.mode = mode == null ? Mode.STOCHASTIC : mode;
        this.usage = newUsage();
    }

    /** @return {@code K} */
    public int bits() {
        return bits;
    }

    /** @return the training mode */
    public Mode mode() {
        return mode;
    }

    @Override
    public String name() {
        return "binary";
    }

    /**
     * @param latent {@code K}
     * @return {@code K}: one logit per bit
     * @throws InvalidInputException if {@code latent} differs from this layer's bit count
     */
    @Override
    public int encoderOutputSize(int latent) {
        if (latent != bits) {
            throw new InvalidInputException("this binary code has " + bits + " bits, the model asks for a code of " + latent);
        }
        return latent;
    }

    /**
     * @param encoderOutput logits {@code (N, K)}
     * @param training whether to sample (stochastic mode) and count the codes in {@link #usage()}
     * @return {@code z (N, K)}, no loss terms, the batch metrics
     */
    @Override
    public LatentOutput forward(NDArray encoderOutput, boolean training) {
        NDArray h = requireShape(encoderOutput);
        NDArray p = Activation.sigmoid(h);
        NDArray b;
        if (training && mode == Mode.STOCHASTIC) {
            NDArray u = h.getManager().randomUniform(0f, 1f, h.getShape(), DataType.FLOAT32).toType(h.getDataType(), false);
            b = u.lt(p.stopGradient()).toType(h.getDataType(), false);
        } else {
            b = h.stopGradient().gt(0f).toType(h.getDataType(), false);
        }
        NDArray z = b.add(p.sub(p.stopGradient()));
        NDArray codes = b.toType(DataType.INT64, false);
        CodeUsage batch = newUsage();
        batch.add(codes);
        if (training) {
            usage.add(codes);
        }
        NDManager m = h.getManager();
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("bits_on_fraction", m.create((float) bitsOn(batch)));
        metrics.put("perplexity", m.create((float) batch.perplexity()));
        metrics.put("codes_used_fraction", m.create((float) batch.usedFraction()));
        Map<String, NDArray> terms = new LinkedHashMap<>();
        long n = h.getShape().get(0);
        if (balanceWeight > 0) {
            NDArray pm = p.mean(new int[] {0});
            NDArray qm = pm.neg().add(1f);
            NDArray marginal = pm.mul(pm.add(1e-12f).log()).add(qm.mul(qm.add(1e-12f).log())).sum().neg();
            terms.put("bit_balance", dev.bottleneck.nn.Scalars.mul(marginal.neg().add((float) (bits * Math.log(2))), balanceWeight));
        }
        if (entropyWeight > 0) {
            NDArray logP = Activation.softPlus(h.neg()).neg();
            NDArray log1mP = Activation.softPlus(h).neg();
            NDArray ent = p.mul(logP).add(p.neg().add(1f).mul(log1mP)).sum().neg();
            terms.put("conditional_entropy", dev.bottleneck.nn.Scalars.mul(dev.bottleneck.nn.Scalars.div(ent, n), entropyWeight));
        }
        return new LatentOutput(z, terms, metrics);
    }

    /**
     * @param encoderOutput logits {@code (N, K)}
     * @return the thresholded bits {@code [p > 0.5]} as float {@code (N, K)}
     */
    @Override
    public NDArray code(NDArray encoderOutput) {
        NDArray h = requireShape(encoderOutput);
        return h.stopGradient().gt(0f).toType(h.getDataType(), false);
    }

    /**
     * @param encoderOutput logits {@code (N, K)}
     * @return the bits {@code (N, K)} INT64
     */
    @Override
    public NDArray codes(NDArray encoderOutput) {
        return requireShape(encoderOutput).stopGradient().gt(0f).toType(DataType.INT64, false);
    }

    /**
     * @param codes bits {@code (N, K)}, 0 or 1
     * @return {@code z (N, K)} float32
     * @throws InvalidInputException if a value is not 0 or 1, or the shape is not {@code (N, K)}
     */
    @Override
    public NDArray embed(NDArray codes) {
        if (codes.getShape().dimension() != 2 || codes.getShape().get(1) != bits) {
            throw new InvalidInputException("binary codes of shape " + codes.getShape() + " do not fit this layer, which reads (N, " + bits + ") bits");
        }
        return CodeIndices.check(codes, 2).toType(DataType.FLOAT32, false);
    }

    /**
     * {@code mean_n sum_k KL(Bernoulli(sigmoid(t_nk)) || Bernoulli(sigmoid(h_nk)))}, nats per
     * example, with {@code log sigmoid(v) = -softplus(-v)} so saturated logits stay finite.
     *
     * @param target logits {@code (N, K)}, detached by the caller
     * @param h logits {@code (N, K)}
     * @return a scalar
     */
    @Override
    public NDArray divergence(NDArray target, NDArray h) {
        NDArray t = requireShape(target);
        NDArray v = requireShape(h);
        NDArray p = Activation.sigmoid(t);
        NDArray logP = Activation.softPlus(t.neg()).neg();
        NDArray log1mP = Activation.softPlus(t).neg();
        NDArray logQ = Activation.softPlus(v.neg()).neg();
        NDArray log1mQ = Activation.softPlus(v).neg();
        NDArray kl = p.mul(logP.sub(logQ)).add(p.neg().add(1f).mul(log1mP.sub(log1mQ)));
        return dev.bottleneck.nn.Scalars.div(kl.sum(), v.getShape().get(0));
    }

    @Override
    public long codebookSize() {
        return 2;
    }

    /** @return an accumulator of {@code 2K} (bit, value) slots */
    @Override
    public CodeUsage newUsage() {
        return new CodeUsage(2, bits);
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

    /**
     * @param u an accumulator of this layer's codes
     * @return the share of bits that were 1
     */
    public static double bitsOn(CodeUsage u) {
        long[] c = u.counts();
        long on = 0;
        for (int i = 1; i < c.length; i += 2) {
            on += c[i];
        }
        return u.total() == 0 ? 0 : (double) on / u.total();
    }

    private NDArray requireShape(NDArray h) {
        if (h.getShape().dimension() != 2 || h.getShape().get(1) != bits) {
            throw new InvalidInputException("an encoder output of shape " + h.getShape() + " does not fit a binary code of " + bits + " bits (N, " + bits + ")");
        }
        return h;
    }

    @Override
    public String toString() {
        return "binary code (" + bits + " bits, " + mode.name().toLowerCase(Locale.ROOT) + ")";
    }
}
