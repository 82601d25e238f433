package dev.bottleneck.model.vae;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;

import java.util.List;
import java.util.Locale;

/**
 * The options of a variational autoencoder ({@code --model vae}), immutable and validated at
 * construction; saved as the {@code "options"} object (kind {@code "vae"}) of the model config in
 * {@code model.json} (files written before issue 10 have it as {@code "vae"}, read the same).
 *
 * <p>The objective per image {@code x} is the evidence lower bound (Kingma and Welling 2014)
 * {@code ELBO = E_q[log p(x|z)] - KL(q(z|x) || N(0, I))}, in nats, with these changes for training:
 *
 * <ul>
 *   <li>{@code beta}: the KL term is weighted by {@code beta} (beta-VAE, Higgins et al. 2017);
 *       {@code 1} is the plain ELBO.
 *   <li>{@code klWarmup}: the KL weight rises linearly over the first {@code klWarmup} epochs,
 *       {@code min(1, epoch / klWarmup) * beta} (KL annealing, Bowman et al. 2016); {@code 0} = off.
 *   <li>{@code freeBits}: each latent dimension's KL, averaged over the minibatch, counts at least
 *       {@code freeBits} nats ({@code sum_j max(freeBits, E_x[KL_j])}, Kingma et al. 2016, one group
 *       per dimension); {@code 0} = off.
 *   <li>{@code iwSamples}: with {@code K > 1} the training objective is the importance-weighted
 *       bound {@code log (1/K) sum_k p(x, z_k) / q(z_k|x)} (IWAE, Burda et al. 2016).
 *   <li>{@code binarize}: {@code none} keeps the inputs as they are; {@code static} replaces the
 *       training and test images once by a fixed Bernoulli draw of their pixels (seeded);
 *       {@code dynamic} draws a new Bernoulli image every time a training image is seen and
 *       evaluates on a fixed (seeded) binarization of the test images.
 *   <li>{@code sigma} / {@code learnSigma}: the Gaussian decoder's ({@code --loss mse}) standard
 *       deviation in model units, fixed, or one shared value learned with the weights.
 * </ul>
 *
 * @param beta weight of the KL term, {@code >= 0}
 * @param klWarmup epochs of linear KL annealing, {@code >= 0}
 * @param freeBits minimum KL per latent dimension in nats, {@code >= 0}
 * @param iwSamples importance samples per image in the training objective, {@code >= 1}
 * @param binarize {@code none}, {@code static} or {@code dynamic}
 * @param sigma the Gaussian decoder's fixed standard deviation ({@code > 0}, model units), or
 *     {@code null} for a Bernoulli decoder or a learned one
 * @param learnSigma the Gaussian decoder learns one shared standard deviation (initially 1)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VaeConfig(
        @JsonProperty("beta") double beta,
        @JsonProperty("kl_warmup") int klWarmup,
        @JsonProperty("free_bits") double freeBits,
        @JsonProperty("iw_samples") int iwSamples,
        @JsonProperty("binarize") String binarize,
        @JsonProperty("sigma") Double sigma,
        @JsonProperty("learn_sigma") boolean learnSigma) implements dev.bottleneck.model.TypeOptions {

    /** Accepted binarization modes. */
    public static final List<String> BINARIZE = List.of("none", "static", "dynamic");

    /** The Gaussian decoder's default fixed standard deviation: 0.1 in model units. */
    public static final double DEFAULT_SIGMA = 0.1;

    /** The plain VAE: beta 1, no warm-up, no free bits, one sample, no binarization. */
    public static final VaeConfig DEFAULT = new VaeConfig(1, 0, 0, 1, "none", null, false);

    /**
     * Validates the options.
     *
     * @throws InvalidInputException naming the option whose value is out of range
     */
    public VaeConfig {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new InvalidInputException("--beta must be a finite number >= 0, got " + beta);
        }
        if (klWarmup < 0) {
            throw new InvalidInputException("--kl-warmup must be >= 0 epochs, got " + klWarmup);
        }
        if (!(freeBits >= 0) || Double.isInfinite(freeBits)) {
            throw new InvalidInputException("--free-bits must be a finite number >= 0 (nats per latent dimension), got " + freeBits);
        }
        if (iwSamples < 1) {
            throw new InvalidInputException("--iw-samples must be at least 1, got " + iwSamples);
        }
        if (iwSamples > 1 && freeBits > 0) {
            throw new InvalidInputException("--free-bits applies to the ELBO; it does not combine with --iw-samples > 1");
        }
        binarize = binarize == null ? "none" : binarize.trim().toLowerCase(Locale.ROOT);
        if (!BINARIZE.contains(binarize)) {
            throw new InvalidInputException("unknown --binarize '" + binarize + "' (known: " + String.join(", ", BINARIZE) + ")");
        }
        if (sigma != null && (!(sigma > 0) || sigma.isInfinite())) {
            throw new InvalidInputException("--sigma must be a positive number or 'learned', got " + sigma);
        }
        if (sigma != null && learnSigma) {
            throw new InvalidInputException("--sigma is either a fixed number or 'learned', not both");
        }
    }

    /**
     * The KL weight of an epoch: {@code beta * min(1, epoch / klWarmup)}, or {@code beta} without
     * warm-up (Bowman et al. 2016).
     *
     * @param epoch the epoch, 1-based; {@code <= 0} or {@link Integer#MAX_VALUE} mean "after
     *     training" (full weight)
     * @return the weight, in {@code [0, beta]}
     */
    public double klWeight(int epoch) {
        if (klWarmup == 0 || epoch <= 0 || epoch >= klWarmup) {
            return beta;
        }
        return beta * epoch / (double) klWarmup;
    }

    /**
     * The Gaussian decoder's fixed standard deviation, with the default filled in.
     *
     * @return {@code sigma}, or {@link #DEFAULT_SIGMA} when none was set
     */
    public double fixedSigma() {
        return sigma != null ? sigma : DEFAULT_SIGMA;
    }

    /**
     * @param loss the model's reconstruction loss
     * @return a one-line description, e.g. {@code "Bernoulli decoder, beta 1, 1 sample, binarize dynamic"}
     */
    public String describe(String loss) {
        StringBuilder s = new StringBuilder();
        s.append(loss.equals("bce") ? "Bernoulli decoder" : learnSigma ? "Gaussian decoder (learned sigma)"
                : "Gaussian decoder (sigma " + fmt(fixedSigma()) + ")");
        s.append(", beta ").append(fmt(beta));
        if (klWarmup > 0) {
            s.append(", KL warm-up ").append(klWarmup).append(" epochs");
        }
        if (freeBits > 0) {
            s.append(", free bits ").append(fmt(freeBits)).append(" nats/dim");
        }
        s.append(iwSamples > 1 ? ", IWAE objective with " + iwSamples + " samples" : ", ELBO objective");
        s.append(", binarize ").append(binarize);
        return s.toString();
    }

    @Override
    public String describe(dev.bottleneck.model.ModelConfig config) {
        return describe(config.loss());
    }

    private static String fmt(double x) {
        return java.math.BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
    }
}
