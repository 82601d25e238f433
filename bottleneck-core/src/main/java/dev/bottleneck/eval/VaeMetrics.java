package dev.bottleneck.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.GaussianLatent;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.vae.VaeObjective;

import java.util.function.IntConsumer;

/**
 * The evidence lower bound of a variational autoencoder on a dataset and its number of active
 * latent units.
 *
 * <p>ELBO per example (Kingma and Welling 2014), in nats: {@code elbo = -(recon + kl)} with {@code
 * recon = -log p(x|z)} for one sample {@code z ~ q(z|x)} and {@code kl = KL(q(z|x) || N(0, I))} in
 * closed form; the figures are means over the examples. It is the plain bound (beta 1, no free
 * bits), whatever the model was trained with.
 *
 * <p>Active units (Burda, Grosse and Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016,
 * section 5.2): latent dimension {@code u} is active when {@code Cov_x(E_q(z|x)[z_u]) > 0.01}, the
 * variance over the dataset of its posterior mean.
 *
 * @param n number of examples
 * @param elbo mean ELBO, nats per example (a lower bound on {@code log p(x)}; negative for binary
 *     images)
 * @param recon mean reconstruction term {@code -log p(x|z)}, nats per example
 * @param kl mean KL term, nats per example
 * @param activeUnits number of latent dimensions with posterior-mean variance above {@value
 *     #ACTIVE_THRESHOLD}
 * @param latent the code size {@code K}
 * @param unitVariance the posterior-mean variance of each dimension, {@code (K)}
 */
public record VaeMetrics(
        @JsonProperty("n") int n,
        @JsonProperty("elbo") double elbo,
        @JsonProperty("recon") double recon,
        @JsonProperty("kl") double kl,
        @JsonProperty("active_units") int activeUnits,
        @JsonProperty("latent") int latent,
        @JsonProperty("unit_variance") double[] unitVariance) {

    /** The activity threshold of Burda et al. 2016: {@code Cov_x(E_q[z_u]) > 0.01}. */
    public static final double ACTIVE_THRESHOLD = 0.01;

    private static final int BATCH = 1000;

    /**
     * Evaluates a VAE on a dataset in batches of 1,000, no gradient; the sampling is seeded.
     *
     * @param model a model with a {@link VaeObjective}
     * @param data {@code (N, ...inputShape)}, model scale, already binarized if the model expects
     *     binary data (see {@link dev.bottleneck.data.Binarization})
     * @param seed seeds the engine's generator for the one sample of {@code z} per example
     * @param progress called with the number of examples done (may be null)
     * @return the figures
     * @throws InvalidInputException if the model is not a VAE or the data are empty
     */
    public static VaeMetrics evaluate(Autoencoder model, NDArray data, long seed, IntConsumer progress) {
        VaeObjective vae = objective(model);
        int m = (int) data.getShape().get(0);
        if (m < 1) {
            throw new InvalidInputException("no examples to evaluate");
        }
        int k = model.config().latent();
        Engine.getInstance().setRandomSeed((int) seed);
        double recon = 0;
        double kl = 0;
        float[] means = new float[m * k];
        for (int from = 0; from < m; from += BATCH) {
            int to = Math.min(m, from + BATCH);
            try (NDManager bm = model.manager().newSubManager()) {
                NDArray x = data.get(new NDIndex().addSliceDim(from, to));
                x.attach(bm);
                int b = to - from;
                NDList p = GaussianLatent.split(model.encoderOutput(x, false));
                NDArray mu = p.get(0);
                NDArray logVar = p.get(1);
                NDArray z = GaussianLatent.sample(mu, logVar, bm.randomNormal(mu.getShape()));
                NDArray out = model.decoderOutput(z, false).reshape(b, -1);
                recon -= vae.logLikelihood(model, out, x.reshape(b, -1), false).sum().getFloat();
                kl += GaussianLatent.klPerDimension(mu, logVar).sum().getFloat();
                System.arraycopy(mu.toFloatArray(), 0, means, from * k, b * k);
            }
            if (progress != null) {
                progress.accept(to);
            }
        }
        double[] var = columnVariance(means, m, k);
        int active = 0;
        for (double v : var) {
            if (v > ACTIVE_THRESHOLD) {
                active++;
            }
        }
        return new VaeMetrics(m, -(recon + kl) / m, recon / m, kl / m, active, k, var);
    }

    /**
     * The variance of each column, two-pass in double precision (population variance, divisor
     * {@code n}).
     *
     * @param v {@code (n, k)} row-major
     * @param n rows
     * @param k columns
     * @return {@code (k)}
     */
    static double[] columnVariance(float[] v, int n, int k) {
        double[] mean = new double[k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                mean[j] += v[i * k + j];
            }
        }
        for (int j = 0; j < k; j++) {
            mean[j] /= n;
        }
        double[] var = new double[k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double d = v[i * k + j] - mean[j];
                var[j] += d * d;
            }
        }
        for (int j = 0; j < k; j++) {
            var[j] /= n;
        }
        return var;
    }

    static VaeObjective objective(Autoencoder model) {
        if (!(model.objective() instanceof VaeObjective)) {
            throw new InvalidInputException("this is a '" + model.config().type() + "' model; ELBO and likelihood figures are for --model vae");
        }
        return (VaeObjective) model.objective();
    }
}
