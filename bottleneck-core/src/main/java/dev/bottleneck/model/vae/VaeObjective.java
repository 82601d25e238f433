package dev.bottleneck.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.bottleneck.data.Binarization;
import dev.bottleneck.latent.GaussianLatent;
import dev.bottleneck.loss.DecoderLikelihood;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ForwardOutput;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.Objective;
import dev.bottleneck.nn.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variational autoencoder's objective (Kingma and Welling, "Auto-Encoding Variational Bayes",
 * ICLR 2014), computed in the model's forward pass so that training and evaluation report it the
 * same way. Per image, in nats:
 *
 * <pre>
 *   recon = -log p(x|z),  z = mu + sigma * eps ~ q(z|x)      (one sample)
 *   kl    = KL(q(z|x) || N(0, I))                             (closed form)
 *   elbo  = -(recon + kl)                                     (a lower bound on log p(x))
 *   loss  = recon + w * kl'                                   (minimised)
 * </pre>
 *
 * where {@code w = beta * min(1, epoch / warmup)} (beta-VAE, Higgins et al. 2017; KL annealing,
 * Bowman et al. 2016) and {@code kl' = sum_j max(freeBits, mean_batch KL_j)} with free bits
 * (Kingma et al. 2016), else {@code kl}. With {@code iwSamples = S > 1} the loss is minus the
 * importance-weighted bound (IWAE, Burda et al. 2016) {@code iw_elbo = log (1/S) sum_s w_s}, {@code
 * log w_s = log p(x|z_s) + w (log p(z_s) - log q(z_s|x))}, computed with a stable log-sum-exp.
 *
 * <p>Logged terms (batch means, nats per image): {@code recon}, {@code kl}, {@code elbo}, and
 * {@code iw_elbo} for IWAE. The {@code kl} and {@code elbo} terms are the true ones, whatever beta,
 * warm-up or free bits do to the loss.
 *
 * <p>Dynamic binarization ({@link VaeConfig#binarize()}): each training batch is replaced by a
 * Bernoulli draw of its pixels, used as input and target.
 */
public final class VaeObjective implements Objective {

    private final VaeConfig config;
    private final DecoderLikelihood likelihood;
    private final int latent;
    private double klWeight;

    /**
     * @param model the model config (type {@code vae})
     * @param likelihood the decoder distribution
     */
    public VaeObjective(ModelConfig model, DecoderLikelihood likelihood) {
        this.config = model.options(VaeConfig.class) != null ? model.options(VaeConfig.class) : VaeConfig.DEFAULT;
        this.likelihood = likelihood;
        this.latent = model.latent();
        this.klWeight = config.klWeight(Integer.MAX_VALUE);
    }

    /** @return the VAE options */
    public VaeConfig config() {
        return config;
    }

    /** @return the decoder distribution */
    public DecoderLikelihood likelihood() {
        return likelihood;
    }

    /** @return the KL weight in use now ({@code beta} times the warm-up factor of the current epoch) */
    public double klWeight() {
        return klWeight;
    }

    /**
     * Sets the KL weight for the epoch (the warm-up schedule).
     *
     * @param epoch the epoch about to run, 1-based
     */
    @Override
    public void beginEpoch(int epoch) {
        klWeight = config.klWeight(epoch);
    }

    @Override
    public Block parameterBlock() {
        return likelihood.hasParameters() ? likelihood : null;
    }

    /**
     * @param model the model
     * @param input {@code (N, ...inputShape)}
     * @param target {@code (N, ...inputShape)}; with dynamic binarization in training, a Bernoulli
     *     draw of it becomes both input and target
     * @param training training pass (binarizes dynamically; both modes sample {@code z})
     * @return loss and terms in nats per image; {@code z} and the decoder output of the first
     *     sample
     */
    @Override
    public ForwardOutput forward(Autoencoder model, NDArray input, NDArray target, boolean training) {
        NDArray x = target;
        if (training && config.binarize().equals("dynamic")) {
            boolean same = input == target;
            x = Binarization.sample(target);
            input = same ? x : Binarization.sample(input);
        }
        long n = x.getShape().get(0);
        NDList posterior = GaussianLatent.split(model.encoderOutput(input, training));
        NDArray mu = posterior.get(0);
        NDArray logVar = posterior.get(1);
        NDArray xFlat = x.reshape(n, -1);
        int s = config.iwSamples();
        NDArray klDims = GaussianLatent.klPerDimension(mu, logVar);
        NDArray kl = Scalars.div(klDims.sum(), n);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        if (s == 1) {
            NDArray eps = x.getManager().randomNormal(mu.getShape());
            NDArray z = GaussianLatent.sample(mu, logVar, eps);
            NDArray out = model.decoderOutput(z, training);
            NDArray logPx = logLikelihood(model, out.reshape(n, -1), xFlat, training);
            NDArray recon = Scalars.div(logPx.sum(), -n);
            NDArray klLoss = kl;
            if (config.freeBits() > 0) {
                klLoss = Scalars.maximum(Scalars.div(klDims.sum(new int[] {0}), n), config.freeBits()).sum();
            }
            NDArray loss = klWeight == 1 ? recon.add(klLoss) : recon.add(Scalars.mul(klLoss, klWeight));
            terms.put("recon", recon);
            terms.put("kl", kl);
            terms.put("elbo", recon.add(kl).neg());
            return new ForwardOutput(loss, terms, z, out, model.reconstructionLoss());
        }
        NDArray eps = x.getManager().randomNormal(new Shape(s, n, latent));
        NDArray z = GaussianLatent.sample(mu, logVar, eps); // (S, N, K)
        NDArray out = model.decoderOutput(z.reshape(s * n, latent), training);
        NDArray logPx = logLikelihood(model, out.reshape(s, n, -1), xFlat, training); // (S, N)
        // log p(z) - log q(z|x) = (-|z|^2 + |eps|^2 + sum logvar) / 2; the log(2 pi) terms cancel
        NDArray priorRatio = Scalars.mul(eps.square().sub(z.square()).sum(new int[] {2}).add(logVar.sum(new int[] {1})), 0.5);
        NDArray logW = klWeight == 1 ? logPx.add(priorRatio) : logPx.add(Scalars.mul(priorRatio, klWeight));
        NDArray iw = logMeanExp(logW, 0); // (N)
        NDArray bound = Scalars.div(iw.sum(), n);
        NDArray recon = Scalars.div(logPx.sum(), -(double) n * s);
        terms.put("recon", recon);
        terms.put("kl", kl);
        terms.put("elbo", recon.add(kl).neg());
        terms.put("iw_elbo", bound);
        NDArray first = out.get(new NDIndex().addSliceDim(0, n)).reshape(model.batchShape(n));
        NDArray z0 = z.get(0);
        return new ForwardOutput(bound.neg(), terms, z0, first, model.reconstructionLoss());
    }

    /**
     * The decoder's log-likelihood {@code log p(x|z)} of targets under decoder outputs.
     *
     * @param model the model (its parameter store holds a learned variance)
     * @param decoderOutput {@code (..., D)} flattened decoder outputs
     * @param target {@code (..., D)} flattened targets, leading dimensions broadcast
     * @param training training pass
     * @return {@code (...)} in nats
     */
    public NDArray logLikelihood(Autoencoder model, NDArray decoderOutput, NDArray target, boolean training) {
        return model.forwardBlock(likelihood, new NDList(decoderOutput, target), training).singletonOrThrow();
    }

    /**
     * Importance weights for estimating {@code log p(x)} with the posterior as proposal: {@code log
     * w_s = log p(x|z_s) + log p(z_s) - log q(z_s|x)}, {@code z_s ~ q(z|x)}, no gradient.
     *
     * @param model the model
     * @param mu posterior means {@code (N, K)}
     * @param logVar posterior log-variances {@code (N, K)}
     * @param target flattened targets {@code (N, D)}
     * @param samples {@code S}, samples per example
     * @return {@code (S, N)} log weights in nats
     */
    public NDArray logWeights(Autoencoder model, NDArray mu, NDArray logVar, NDArray target, int samples) {
        return logWeights(model, mu, logVar, target, null, samples);
    }

    /**
     * {@link #logWeights(Autoencoder, NDArray, NDArray, NDArray, int)} with a faster Bernoulli
     * likelihood for binary targets: {@code log p(x|z) = -sum_d softplus(s_d l_d)} with {@code s = 1
     * - 2x}, three passes over the decoder output instead of four.
     *
     * @param model the model
     * @param mu posterior means {@code (N, K)}
     * @param logVar posterior log-variances {@code (N, K)}
     * @param target flattened targets {@code (N, D)}
     * @param signs {@code 1 - 2 x} {@code (N, D)} for binary targets and a Bernoulli decoder, or
     *     {@code null} to use the decoder likelihood as it is
     * @param samples {@code S}
     * @return {@code (S, N)} log weights in nats
     */
    public NDArray logWeights(Autoencoder model, NDArray mu, NDArray logVar, NDArray target, NDArray signs, int samples) {
        long n = mu.getShape().get(0);
        NDArray eps = mu.getManager().randomNormal(new Shape(samples, n, latent));
        NDArray z = GaussianLatent.sample(mu, logVar, eps);
        NDArray out = model.decoderOutput(z.reshape(samples * n, latent), false);
        NDArray logPx = signs != null && likelihood.bernoulli()
                ? ai.djl.nn.Activation.softPlus(out.reshape(samples, n, -1).mul(signs)).sum(new int[] {2}).neg()
                : logLikelihood(model, out.reshape(samples, n, -1), target, false);
        NDArray ratio = Scalars.mul(eps.square().sub(z.square()).sum(new int[] {2}).add(logVar.sum(new int[] {1})), 0.5);
        return logPx.add(ratio);
    }

    /**
     * Numerically stable {@code log mean exp} along an axis: {@code m + log(mean(exp(a - m)))} with
     * {@code m} the (gradient-stopped) maximum, so that no {@code exp} overflows and the largest
     * term is exactly 1.
     *
     * @param a values, e.g. log weights {@code (S, N)}
     * @param axis the axis to reduce
     * @return {@code a} without {@code axis}
     */
    public static NDArray logMeanExp(NDArray a, int axis) {
        long count = a.getShape().get(axis);
        NDArray m = a.max(new int[] {axis}, true).stopGradient();
        return Scalars.div(a.sub(m).exp().sum(new int[] {axis}), count).log().add(m.squeeze(axis));
    }

    @Override
    public String toString() {
        return "VAE objective (" + likelihood + ", " + config.describe(likelihood.bernoulli() ? "bce" : "mse") + ")";
    }
}
