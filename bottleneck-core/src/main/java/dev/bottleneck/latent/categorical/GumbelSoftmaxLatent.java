package dev.bottleneck.latent.categorical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.CodeIndices;
import dev.bottleneck.latent.CodeUsage;
import dev.bottleneck.latent.DiscreteLatent;
import dev.bottleneck.latent.GaussianLatent;
import dev.bottleneck.latent.LatentOutput;
import dev.bottleneck.nn.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A categorical (one-hot) code trained with the Gumbel-softmax, or concrete, relaxation (Jang, Gu
 * and Poole, "Categorical Reparameterization with Gumbel-Softmax", ICLR 2017; Maddison, Mnih and
 * Teh, "The Concrete Distribution", ICLR 2017): {@code G} groups of {@code C} categories, each
 * group one categorical variable; with one group of {@code C} classes the code is an unsupervised
 * classifier (each example picks a class).
 *
 * <p>The encoder output {@code h (N, G*C [+ continuous])} begins with the logits {@code l (N, G,
 * C)}. In training each group's sample is {@code y = softmax((l + g) / tau)} with Gumbel noise
 * {@code g = -ln(-ln u)}, {@code u} a float32 uniform draw (so a float64 reference sees the same
 * draws); soft, or hard: {@code y = onehot(argmax y) + (y - sg(y))}, a one-hot value with the soft
 * sample's gradient (the straight-through Gumbel-softmax of Jang et al., section 2.2). In
 * evaluation and in {@link #code} the code is {@code onehot(argmax l)}. The temperature {@code tau}
 * follows a {@link TemperatureSchedule}, advanced by the hooks ({@link #beginEpoch} or {@link
 * #afterStep}).
 *
 * <p>Optionally a continuous part follows the one-hot one, as in JointVAE (Dupont, NeurIPS 2018):
 * the "class" and the "style" ({@link CategoricalConfig.Continuous}). Shapes: {@code z (N, G*C +
 * d)}: the flattened one-hot groups, then the continuous dimensions; indices ({@link #codes})
 * {@code (N, G)}.
 *
 * <p>Loss terms, only when {@code klWeight > 0} (already weighted, nats per example): {@code
 * "kl_categorical"} {@code = klWeight * sum_g KL(softmax(l_g) || U(C))} and, with a Gaussian
 * continuous part, {@code "kl_continuous"} {@code = klWeight * KL(N(mu, sigma^2) || N(0, I))};
 * {@code "usage_penalty"} {@code = usageWeight * sum_g (log C - H(mean_n softmax(l_g)))} and
 * {@code "conditional_entropy"} {@code = entropyWeight * mean_n sum_g H(softmax(l_g))}, the two
 * information terms of IMSAT (Hu et al. 2017), only when weighted.
 * Metrics: {@code "temperature"}, and the batch's {@code "perplexity"} and {@code
 * "codes_used_fraction"} over the {@code G*C} (group, category) slots ({@link CodeUsage}).
 */
public final class GumbelSoftmaxLatent implements DiscreteLatent, dev.bottleneck.latent.CodeDistribution {

    /** The smallest uniform draw used, so that {@code -ln(-ln u)} is finite. */
    private static final float MIN_UNIFORM = 1e-20f;

    private final CategoricalConfig config;
    private final CodeUsage usage;
    private double tau;

    /**
     * @param config the options (validated when built)
     */
    public GumbelSoftmaxLatent(CategoricalConfig config) {
        this.config = config;
        this.usage = newUsage();
        this.tau = config.temperature().at(0);
    }

    /** @return the options */
    public CategoricalConfig config() {
        return config;
    }

    /** @return the temperature the next training pass uses */
    public double temperature() {
        return tau;
    }

    @Override
    public String name() {
        return "categorical";
    }

    /**
     * @param latent the code size the decoder reads, which must be {@code G*C + d}
     * @return {@code G*C} plus the continuous part's width ({@code 2d} for a Gaussian)
     * @throws InvalidInputException if {@code latent} differs from the configured code size
     */
    @Override
    public int encoderOutputSize(int latent) {
        if (latent != config.codeSize()) {
            throw new InvalidInputException("this categorical code is " + config.groups() + " x " + config.categories()
                    + (config.continuous() == null ? "" : " + " + config.continuous().dims() + " continuous")
                    + " = " + config.codeSize() + " wide, the model asks for " + latent);
        }
        return config.encoderWidth();
    }

    /**
     * A Gumbel-softmax sample, drawn with the engine's generator.
     *
     * @param logits {@code (..., C)}, unnormalized log-probabilities
     * @param tau the temperature, {@code > 0}
     * @param hard whether to return the straight-through one-hot sample
     * @return {@code (..., C)}: {@code softmax((logits + g) / tau)}, or its one-hot argmax with
     *     that gradient
     * @throws InvalidInputException if {@code tau <= 0}
     */
    public static NDArray gumbelSoftmax(NDArray logits, double tau, boolean hard) {
        if (!(tau > 0)) {
            throw new InvalidInputException("the Gumbel-softmax temperature must be positive, got " + tau);
        }
        NDManager m = logits.getManager();
        int last = logits.getShape().dimension() - 1;
        NDArray u = m.randomUniform(0f, 1f, logits.getShape(), DataType.FLOAT32).maximum(MIN_UNIFORM).toType(logits.getDataType(), false);
        NDArray g = u.log().neg().log().neg();
        NDArray y = Scalars.div(logits.add(g), tau).softmax(last);
        if (!hard) {
            return y;
        }
        int c = (int) logits.getShape().get(last);
        NDArray oneHot = y.stopGradient().argMax(last).oneHot(c, logits.getDataType());
        return oneHot.add(y.sub(y.stopGradient()));
    }

    /**
     * @param encoderOutput {@code (N, G*C [+ d or 2d])}
     * @param training sample (and count the codes in {@link #usage()}) or take the argmax
     * @return {@code z (N, G*C + d)}, the KL terms when weighted, the metrics
     */
    @Override
    public LatentOutput forward(NDArray encoderOutput, boolean training) {
        Parts p = parts(encoderOutput);
        long n = encoderOutput.getShape().get(0);
        NDArray y = training ? gumbelSoftmax(p.logits, tau, config.hard()) : oneHot(argMax(p.logits), encoderOutput.getDataType());
        NDArray zc = null;
        if (p.continuous != null) {
            if (!config.continuous().gaussian()) {
                zc = p.continuous;
            } else if (training) {
                NDArray eps = encoderOutput.getManager().randomNormal(0f, 1f, p.mu().getShape(), DataType.FLOAT32).toType(encoderOutput.getDataType(), false);
                zc = GaussianLatent.sample(p.mu(), p.logVar(), eps);
            } else {
                zc = p.mu();
            }
        }
        NDArray z = join(y.reshape(n, config.oneHotSize()), zc);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        if (config.klWeight() > 0) {
            NDArray logQ = p.logits.logSoftmax(2);
            NDArray kl = logQ.exp().mul(logQ).sum().add((float) (n * config.groups() * Math.log(config.categories())));
            terms.put("kl_categorical", Scalars.mul(Scalars.div(kl, n), config.klWeight()));
            if (p.continuous != null && config.continuous().gaussian()) {
                NDArray klc = Scalars.div(GaussianLatent.klPerDimension(p.mu(), p.logVar()).sum(), n);
                terms.put("kl_continuous", Scalars.mul(klc, config.klWeight()));
            }
        }
        if (config.usageWeight() > 0) {
            // log C - H(mean over the batch of q(y|x)), per group, summed over groups
            NDArray pbar = p.logits.softmax(2).mean(new int[] {0});
            NDArray entropy = pbar.mul(pbar.add(1e-12f).log()).sum().neg();
            terms.put("usage_penalty", Scalars.mul(entropy.neg().add((float) (config.groups() * Math.log(config.categories()))),
                    config.usageWeight()));
        }
        if (config.entropyWeight() > 0) {
            // H(Y|X): mean over the batch of each group's entropy, summed over groups
            NDArray logQ = p.logits.logSoftmax(2);
            NDArray h = Scalars.div(logQ.exp().mul(logQ).sum().neg(), n);
            terms.put("conditional_entropy", Scalars.mul(h, config.entropyWeight()));
        }
        NDArray codes = argMax(p.logits);
        CodeUsage batch = newUsage();
        batch.add(codes);
        if (training) {
            usage.add(codes);
        }
        NDManager m = encoderOutput.getManager();
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("temperature", m.create((float) tau));
        metrics.put("perplexity", m.create((float) batch.perplexity()));
        metrics.put("codes_used_fraction", m.create((float) batch.usedFraction()));
        return new LatentOutput(z, terms, metrics);
    }

    /**
     * @param encoderOutput {@code (N, G*C [+ d or 2d])}
     * @return {@code (N, G*C + d)}: the one-hot argmax of each group, then the continuous part
     *     (its mean when Gaussian)
     */
    @Override
    public NDArray code(NDArray encoderOutput) {
        Parts p = parts(encoderOutput.stopGradient());
        long n = encoderOutput.getShape().get(0);
        NDArray y = oneHot(argMax(p.logits), encoderOutput.getDataType()).reshape(n, config.oneHotSize());
        return join(y, p.continuous == null ? null : config.continuous().gaussian() ? p.mu() : p.continuous);
    }

    /**
     * @param encoderOutput {@code (N, G*C [+ d or 2d])}
     * @return the category of each group, {@code (N, G)} INT64
     */
    @Override
    public NDArray codes(NDArray encoderOutput) {
        return argMax(parts(encoderOutput.stopGradient()).logits);
    }

    /**
     * The code of given categories, with the continuous part at the prior's mean (0).
     *
     * @param codes categories {@code (N, G)}, or {@code (N)} when {@code G = 1}, in {@code [0, C)}
     * @return {@code z (N, G*C + d)} float32
     * @throws InvalidInputException if a category is out of range or not whole, or the shape
     *     does not fit
     */
    @Override
    public NDArray embed(NDArray codes) {
        NDArray c = checkCodes(codes);
        NDArray zc = config.continuous() == null ? null : codes.getManager().zeros(new Shape(c.getShape().get(0), config.continuous().dims()));
        return embedWith(c, zc);
    }

    /**
     * The code of given categories and continuous values (a joint code's class and style).
     *
     * @param codes categories {@code (N, G)} or {@code (N)} when {@code G = 1}
     * @param continuous the continuous part {@code (N, d)}
     * @return {@code z (N, G*C + d)} float32
     * @throws InvalidInputException if the codes do not fit, or this code has no continuous part
     *     of that width
     */
    public NDArray embed(NDArray codes, NDArray continuous) {
        if (config.continuous() == null) {
            throw new InvalidInputException("this categorical code has no continuous part");
        }
        NDArray c = checkCodes(codes);
        Shape want = new Shape(c.getShape().get(0), config.continuous().dims());
        if (!continuous.getShape().equals(want)) {
            throw new InvalidInputException("a continuous part of shape " + continuous.getShape() + " does not fit, this code needs " + want);
        }
        return embedWith(c, continuous.toType(DataType.FLOAT32, false));
    }

    /**
     * {@code mean_n sum_g KL(softmax(target_g) || softmax(h_g))}, nats per example; the continuous
     * part is left out.
     *
     * @param target encoder outputs {@code (N, G*C [+ d or 2d])}, detached by the caller
     * @param h encoder outputs of the same shape
     * @return a scalar
     */
    @Override
    public NDArray divergence(NDArray target, NDArray h) {
        NDArray lt = parts(target).logits.logSoftmax(2);
        NDArray lh = parts(h).logits.logSoftmax(2);
        return Scalars.div(lt.exp().mul(lt.sub(lh)).sum(), h.getShape().get(0));
    }

    @Override
    public long codebookSize() {
        return config.categories();
    }

    /** @return an accumulator of {@code G*C} (group, category) slots */
    @Override
    public CodeUsage newUsage() {
        return new CodeUsage(config.categories(), config.groups());
    }

    @Override
    public CodeUsage usage() {
        return usage;
    }

    /**
     * Starts the epoch: clears {@link #usage()} and, with a per-epoch schedule, sets {@code tau =
     * schedule(epoch - 1)}.
     *
     * @param epoch the epoch about to run, 1-based
     */
    @Override
    public void beginEpoch(int epoch) {
        usage.clear();
        if (config.temperature().unit() == TemperatureSchedule.Unit.EPOCH) {
            tau = config.temperature().at(epoch - 1L);
        }
    }

    /**
     * With a per-step schedule, sets {@code tau = schedule(step)} for the next step.
     *
     * @param step optimizer steps done, 1-based
     */
    @Override
    public void afterStep(long step) {
        if (config.temperature().unit() == TemperatureSchedule.Unit.STEP) {
            tau = config.temperature().at(step);
        }
    }

    private NDArray embedWith(NDArray codes, NDArray continuous) {
        long n = codes.getShape().get(0);
        return join(oneHot(codes, DataType.FLOAT32).reshape(n, config.oneHotSize()), continuous);
    }

    private NDArray checkCodes(NDArray codes) {
        Shape s = codes.getShape();
        boolean flat = s.dimension() == 1 && config.groups() == 1;
        if (!flat && (s.dimension() != 2 || s.get(1) != config.groups())) {
            throw new InvalidInputException("categorical codes of shape " + s + " do not fit this layer, which reads (N, " + config.groups() + ")"
                    + (config.groups() == 1 ? " or (N)" : "") + " categories");
        }
        NDArray c = CodeIndices.check(codes, config.categories());
        return flat ? c.reshape(s.get(0), 1) : c;
    }

    private NDArray oneHot(NDArray codes, DataType type) {
        return codes.oneHot(config.categories(), type);
    }

    private static NDArray argMax(NDArray logits) {
        return logits.stopGradient().argMax(2);
    }

    private static NDArray join(NDArray oneHot, NDArray continuous) {
        return continuous == null ? oneHot : oneHot.concat(continuous, 1);
    }

    /** The encoder output split into logits {@code (N, G, C)} and the continuous values. */
    private record Parts(NDArray logits, NDArray continuous, int dims) {
        NDArray mu() {
            return continuous.split(new long[] {dims}, 1).get(0);
        }

        NDArray logVar() {
            return continuous.split(new long[] {dims}, 1).get(1);
        }
    }

    private Parts parts(NDArray h) {
        Shape s = h.getShape();
        if (s.dimension() != 2 || s.get(1) != config.encoderWidth()) {
            throw new InvalidInputException("an encoder output of shape " + s + " does not fit this categorical code, which reads (N, "
                    + config.encoderWidth() + ")");
        }
        long n = s.get(0);
        int k = config.oneHotSize();
        if (config.continuous() == null) {
            return new Parts(h.reshape(n, config.groups(), config.categories()), null, 0);
        }
        NDList split = h.split(new long[] {k}, 1);
        return new Parts(split.get(0).reshape(n, config.groups(), config.categories()), split.get(1), config.continuous().dims());
    }

    @Override
    public String toString() {
        return "categorical code (" + config.groups() + " x " + config.categories() + (config.hard() ? ", hard" : ", soft")
                + (config.continuous() == null ? "" : ", " + config.continuous().dims() + " continuous") + ")";
    }
}
