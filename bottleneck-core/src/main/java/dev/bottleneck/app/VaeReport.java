package dev.bottleneck.app;

import ai.djl.ndarray.NDArray;
import dev.bottleneck.data.Binarization;
import dev.bottleneck.eval.MarginalLikelihood;
import dev.bottleneck.eval.VaeMetrics;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.vae.VaeConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The likelihood figures of a variational autoencoder as {@code train} and {@code eval} report
 * them, and the binarization rules of its data: the ELBO with its two parts and the active units
 * ({@link VaeMetrics}), optionally the importance-sampled {@code -log p(x)} ({@link
 * MarginalLikelihood}).
 *
 * <p>Binarization ({@link VaeConfig#binarize()}): a {@code static} model trains on one fixed
 * binarization of its training data; {@code static} and {@code dynamic} models are evaluated on one
 * fixed binarization of the evaluation data (seed {@link Binarization#TEST_SEED}), the same for
 * every run, so that their figures compare.
 */
public final class VaeReport {

    private VaeReport() {}

    /**
     * The training array as the model trains on it.
     *
     * @param config the model config
     * @param train {@code (N, ...)} model scale; closed and replaced when binarized statically
     * @return {@code train}, or its fixed binarization for {@code --binarize static}
     */
    public static NDArray forTraining(ModelConfig config, NDArray train) {
        if (config.options(dev.bottleneck.model.vae.VaeConfig.class) == null || !config.options(dev.bottleneck.model.vae.VaeConfig.class).binarize().equals("static")) {
            return train;
        }
        NDArray b = Binarization.fixed(train, Binarization.TRAIN_SEED);
        train.close();
        return b;
    }

    /**
     * The evaluation array as the model is evaluated on it.
     *
     * @param config the model config
     * @param data {@code (N, ...)} model scale; closed and replaced when binarized
     * @return {@code data}, or its fixed binarization for {@code --binarize static|dynamic}
     */
    public static NDArray forEvaluation(ModelConfig config, NDArray data) {
        if (config.options(dev.bottleneck.model.vae.VaeConfig.class) == null || config.options(dev.bottleneck.model.vae.VaeConfig.class).binarize().equals("none")) {
            return data;
        }
        NDArray b = Binarization.fixed(data, Binarization.TEST_SEED);
        data.close();
        return b;
    }

    /**
     * @param config the model config
     * @param dataName the evaluation data, e.g. {@code mnist:test}
     * @return how the evaluation data were binarized, in words, or {@code null} for a model without
     *     binarization
     */
    public static String binarizationNote(ModelConfig config, String dataName) {
        if (config.options(dev.bottleneck.model.vae.VaeConfig.class) == null) {
            return null;
        }
        switch (config.options(dev.bottleneck.model.vae.VaeConfig.class).binarize()) {
            case "dynamic":
                return "trained with dynamic binarization; evaluated on one fixed binarization of " + dataName + " (seed "
                        + Binarization.TEST_SEED + ")";
            case "static":
                return "trained on one fixed binarization of its training data (seed " + Binarization.TRAIN_SEED
                        + "); evaluated on one fixed binarization of " + dataName + " (seed " + Binarization.TEST_SEED + ")";
            default:
                return config.loss().equals("bce") ? "no binarization: a Bernoulli likelihood of grey levels is not a normalised density; "
                        + "compare only with runs on the same data" : null;
        }
    }

    /**
     * The VAE figures on a dataset.
     *
     * @param model a VAE
     * @param data {@code (N, ...)}, model scale, as returned by {@link #forEvaluation}
     * @param dataName its name, for the binarization note
     * @param seed seeds the sampling
     * @param nllSamples importance samples for {@code -log p(x)}, or {@code null} to skip it
     * @param nllProgress called with the examples done by the NLL estimate (may be null)
     * @return keys {@code elbo, recon, kl} (nats per example), {@code active_units, latent}, and
     *     with {@code nllSamples}: {@code nll, nll_samples, nll_standard_error, nll_seconds}; plus
     *     {@code binarization} when the data were binarized
     */
    public static Map<String, Object> metrics(Autoencoder model, NDArray data, String dataName, long seed, Integer nllSamples,
                                              IntConsumer nllProgress) {
        VaeMetrics v = VaeMetrics.evaluate(model, data, seed, null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("elbo", v.elbo());
        m.put("recon", v.recon());
        m.put("kl", v.kl());
        m.put("active_units", v.activeUnits());
        m.put("latent", v.latent());
        if (nllSamples != null) {
            MarginalLikelihood nll = MarginalLikelihood.estimate(model, data, nllSamples, seed, MarginalLikelihood.DEFAULT_ROWS, nllProgress);
            m.put("nll", nll.nll());
            m.put("nll_samples", nll.samples());
            m.put("nll_standard_error", nll.standardError());
            m.put("nll_seconds", nll.seconds());
        }
        String note = binarizationNote(model.config(), dataName);
        if (note != null) {
            m.put("binarization", note);
        }
        return m;
    }
}
