package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.bottleneck.nn.Scalars;

import java.util.Map;

/**
 * The variational autoencoder's code: a diagonal Gaussian posterior {@code q(z|x) = N(mu,
 * diag(exp(logvar)))} read from the encoder output {@code h (N, 2K)} as {@code mu = h[:, :K]},
 * {@code logvar = h[:, K:]}, sampled with the reparameterization trick {@code z = mu + exp(logvar /
 * 2) * eps}, {@code eps ~ N(0, I)} (Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR
 * 2014), against the prior {@code p(z) = N(0, I)}.
 *
 * <p>The KL divergence has the closed form {@code KL_j = (mu_j^2 + exp(logvar_j) - 1 - logvar_j) /
 * 2} nats per dimension. The deterministic code ({@link #code}) is the posterior mean {@code mu}.
 * The full objective (with beta, warm-up, free bits, importance weighting) is computed by {@link
 * dev.bottleneck.model.vae.VaeObjective}; {@link #forward} alone gives one sample and the plain KL.
 */
public final class GaussianLatent implements LatentLayer {

    /** {@code log(2 pi)}. */
    public static final double LOG_2PI = Math.log(2 * Math.PI);

    @Override
    public String name() {
        return "gaussian";
    }

    @Override
    public int encoderOutputSize(int latent) {
        return 2 * latent;
    }

    /**
     * One reparameterized sample and the KL term (mean over the batch, nats per example). Samples in
     * training and in evaluation alike: the ELBO is an expectation over {@code q}.
     *
     * @param encoderOutput {@code (N, 2K)}
     * @param training unused: a VAE samples in both modes
     * @return {@code z (N, K)} and the term {@code "kl"}
     */
    @Override
    public LatentOutput forward(NDArray encoderOutput, boolean training) {
        NDList p = split(encoderOutput);
        NDArray mu = p.get(0);
        NDArray logVar = p.get(1);
        NDArray eps = mu.getManager().randomNormal(mu.getShape());
        NDArray z = sample(mu, logVar, eps);
        NDArray kl = Scalars.div(klPerDimension(mu, logVar).sum(), mu.getShape().get(0));
        return new LatentOutput(z, Map.of("kl", kl));
    }

    /**
     * @param encoderOutput {@code (N, 2K)}
     * @return the posterior mean {@code mu (N, K)}
     */
    @Override
    public NDArray code(NDArray encoderOutput) {
        return split(encoderOutput).get(0);
    }

    /**
     * Splits the encoder output into mean and log-variance.
     *
     * @param encoderOutput {@code (N, 2K)}
     * @return {@code [mu (N, K), logvar (N, K)]}
     */
    public static NDList split(NDArray encoderOutput) {
        return encoderOutput.split(2, 1);
    }

    /**
     * The reparameterization {@code z = mu + exp(logvar / 2) * eps}; {@code eps} may carry extra
     * leading sample dimensions, e.g. {@code (S, N, K)}, and then {@code z} has its shape.
     *
     * @param mu {@code (N, K)}
     * @param logVar {@code (N, K)}
     * @param eps standard normal noise {@code (..., N, K)}
     * @return {@code z}, the shape of {@code eps}
     */
    public static NDArray sample(NDArray mu, NDArray logVar, NDArray eps) {
        return Scalars.mul(logVar, 0.5).exp().mul(eps).add(mu);
    }

    /**
     * The closed-form {@code KL(N(mu, exp(logvar)) || N(0, 1))} of each dimension, in nats.
     *
     * @param mu {@code (N, K)}
     * @param logVar {@code (N, K)}
     * @return {@code (N, K)}: {@code (mu^2 + exp(logvar) - 1 - logvar) / 2}
     */
    public static NDArray klPerDimension(NDArray mu, NDArray logVar) {
        return Scalars.mul(mu.square().add(logVar.exp()).sub(logVar).sub(1f), 0.5);
    }

    /**
     * The log density of a diagonal Gaussian, summed over the last axis.
     *
     * @param z points {@code (..., K)}
     * @param mu means, broadcastable to {@code z}, or {@code null} for 0
     * @param logVar log-variances, broadcastable, or {@code null} for 0 (the standard normal)
     * @return {@code (...)} log densities in nats
     */
    public static NDArray logDensity(NDArray z, NDArray mu, NDArray logVar) {
        long k = z.getShape().get(z.getShape().dimension() - 1);
        NDArray d = mu == null ? z : z.sub(mu);
        NDArray sq = logVar == null ? d.square() : d.square().mul(logVar.neg().exp()).add(logVar);
        return Scalars.mul(sq.sum(new int[] {-1}).add((float) (k * LOG_2PI)), -0.5);
    }

    @Override
    public String toString() {
        return "Gaussian code (mean and log-variance)";
    }
}
