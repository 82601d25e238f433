package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.latent.GaussianLatent;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.vae.VaeObjective;

import java.util.Random;

/**
 * A VAE's reconstruction probability as anomaly score (An &amp; Cho, "Variational Autoencoder
 * based Anomaly Detection using Reconstruction Probability", SNU Data Mining Center, 2015): the
 * Monte-Carlo estimate
 *
 * <pre>
 *   score(x) = -(1/L) sum_l log p(x | z_l),   z_l = mu(x) + exp(logvar(x) / 2) * eps_l ~ q(z|x)
 * </pre>
 *
 * of {@code -E_q(z|x)[log p(x|z)]}, in <b>nats per row</b> (higher = more anomalous). {@code log
 * p(x|z)} is the model's own decoder likelihood ({@link dev.bottleneck.loss.DecoderLikelihood}:
 * Bernoulli for {@code --loss bce}, Gaussian with the trained or fixed sigma for {@code --loss
 * mse}), summed over the row's values in model units. The paper's probability {@code (1/L) sum_l
 * p(x|z_l)} is thresholded the other way round; its negative log-average ranks like this score
 * when the posterior is narrow, and the mean of logs is numerically safe for any {@code D}.
 *
 * <p>Sampling: the {@code L} noise vectors {@code eps_l ~ N(0, I_K)} are drawn once from {@code
 * seed} ({@link #noise}) and shared by every row (common random numbers): each row's {@code z_l}
 * are still draws from its own posterior, but a row's score does not depend on how rows are
 * batched or on the engine's random state, so {@code anomaly score} reproduces the scores the
 * threshold was set on, and differences between rows carry less sampling noise.
 *
 * <p>Cost: one encoder pass, then the {@code L} samples of up to {@link #DECODER_ROWS} {@code / L}
 * rows are decoded in one call, {@code (L * n, K)}. No gradient.
 *
 * <p>Per-feature form ({@code --per-feature}): the squared error of the posterior-mean
 * reconstruction, exactly as {@link ReconstructionError} gives it (metric scale); their mean is
 * then <em>not</em> this score ({@link #perFeatureAveragesToScore()} is false).
 */
public final class ReconstructionProbability implements AnomalyScore {

    /** The name in {@code anomaly.json} and {@code --score}. */
    public static final String NAME = "recon-prob";

    /** Default {@code L}, posterior samples per row. */
    public static final int DEFAULT_SAMPLES = 10;

    /** Decoder rows per call (about 4 MB of output for 784 values at float32 per 1,000 rows). */
    public static final int DECODER_ROWS = 8_192;

    private final int samples;
    private final long seed;
    private final ReconstructionError perFeature;

    /**
     * @param scaling the model's input scaling (for the per-feature squared errors only)
     * @param samples {@code L >= 1}, posterior samples per row
     * @param seed seeds the noise vectors
     * @throws InvalidInputException if {@code samples < 1}
     */
    public ReconstructionProbability(InputScaling scaling, int samples, long seed) {
        if (samples < 1) {
            throw new InvalidInputException("--score-samples must be at least 1, got " + samples);
        }
        this.samples = samples;
        this.seed = seed;
        this.perFeature = new ReconstructionError(scaling);
    }

    /** @return {@code L}, samples per row */
    public int samples() {
        return samples;
    }

    /** @return the noise seed */
    public long seed() {
        return seed;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "reconstruction probability, -mean log p(x|z) over " + samples + " posterior samples, nats per row";
    }

    /**
     * The noise vectors every row shares: {@code L} draws of {@code N(0, I_K)} from {@code
     * java.util.Random(seed)}, row-major {@code (L, K)}.
     *
     * @param seed the seed
     * @param samples {@code L}
     * @param latent {@code K}
     * @return {@code L * K} standard normal values
     */
    public static float[] noise(long seed, int samples, int latent) {
        Random r = new Random(seed);
        float[] e = new float[samples * latent];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) r.nextGaussian();
        }
        return e;
    }

    /**
     * Scores a batch.
     *
     * @param model a trained VAE ({@code --model vae})
     * @param x {@code (N, D)} or {@code (N, C, H, W)} in the model's input scale
     * @return {@code (N)} float32 scores, nats per row, higher = more anomalous
     * @throws InvalidInputException if the model is not a VAE
     */
    @Override
    public NDArray score(Autoencoder model, NDArray x) {
        VaeObjective vae = objective(model);
        long n = x.getShape().get(0);
        int k = model.config().latent();
        NDArray eps = x.getManager().create(noise(seed, samples, k), new Shape(samples, 1, k));
        NDArray flat = x.reshape(n, -1);
        NDList p = GaussianLatent.split(model.encoderOutput(x, false));
        int per = (int) Math.max(1, DECODER_ROWS / samples);
        NDList parts = new NDList();
        for (long from = 0; from < n; from += per) {
            long to = Math.min(n, from + per);
            NDIndex rows = new NDIndex().addSliceDim(from, to);
            NDArray mu = p.get(0).get(rows);
            NDArray z = GaussianLatent.sample(mu, p.get(1).get(rows), eps); // (L, b, K)
            long b = to - from;
            NDArray out = model.decoderOutput(z.reshape(samples * b, k), false);
            NDArray logPx = vae.logLikelihood(model, out.reshape(samples, b, -1), flat.get(rows), false); // (L, b)
            parts.add(logPx.mean(new int[] {0}).neg());
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
    }

    /**
     * The squared errors of the posterior-mean reconstruction ({@link ReconstructionError}); their
     * row mean is not this score.
     *
     * @param model a trained VAE
     * @param x {@code (N, ...inputShape)} in model scale
     * @return {@code (N, F)} in the metric scale
     */
    @Override
    public NDArray perFeature(Autoencoder model, NDArray x) {
        objective(model);
        return perFeature.perFeature(model, x);
    }

    @Override
    public boolean perFeatureAveragesToScore() {
        return false;
    }

    private static VaeObjective objective(Autoencoder model) {
        if (!(model.objective() instanceof VaeObjective v)) {
            throw new InvalidInputException("--score " + NAME + " needs --model vae (got " + model.config().type() + ")");
        }
        return v;
    }
}
