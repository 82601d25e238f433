package dev.bottleneck.model;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.DeterministicLatent;
import dev.bottleneck.latent.GaussianLatent;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.loss.DecoderLikelihood;
import dev.bottleneck.loss.Penalty;
import dev.bottleneck.loss.ReconstructionLoss;
import dev.bottleneck.model.vae.VaeConfig;
import dev.bottleneck.model.vae.VaeObjective;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The one registry of model types. A type is a latent layer plus defaults for the pluggable parts
 * (input corruption, penalty, code activation); the training loop is the same for all. Adding a
 * model means one latent layer or penalty class and one entry here.
 *
 * <ul>
 *   <li>{@code ae}: plain autoencoder, linear code.
 *   <li>{@code dae}: denoising autoencoder (Vincent et al. 2008): trains on corrupted inputs
 *       against clean targets; default corruption {@code mask:0.25}.
 *   <li>{@code cae}: contractive autoencoder (Rifai et al. 2011): penalty {@code lambda
 *       ||dh/dx||_F^2}, sigmoid code; default {@code contractive:0.05}.
 *   <li>{@code sparse}: sparse autoencoder: KL divergence of each code unit's mean activation to a
 *       target rho (or an L1 penalty), sigmoid code; default {@code kl:0.05:0.05}.
 *   <li>{@code vae}: variational autoencoder (Kingma and Welling 2014): Gaussian code {@link
 *       GaussianLatent}, objective {@link VaeObjective} (negative ELBO or IWAE bound, with the
 *       options of {@link dev.bottleneck.model.vae.VaeConfig}).
 * </ul>
 *
 * <p>A type whose loss is not the default reconstruction objective also registers an {@link
 * Objective} factory ({@link #objectiveFor}).
 */
public final class ModelRegistry {

    /**
     * A model type's defaults for what the user did not set.
     *
     * @param latentActivation the code activation
     * @param noise the training corruption, or null
     * @param penalty the penalty spec, or null
     * @param needsPenalty whether the type is meaningless without a penalty
     * @param description one line for {@code info}
     * @param latent builds the latent layer
     */
    public record Defaults(String latentActivation, String noise, String penalty, boolean needsPenalty, String description,
                           Function<ModelConfig, LatentLayer> latent) {}

    private static final Map<String, Defaults> TYPES = new LinkedHashMap<>();
    private static final Map<String, Function<ModelConfig, Objective>> OBJECTIVES = new LinkedHashMap<>();

    static {
        Function<ModelConfig, LatentLayer> deterministic = c -> new DeterministicLatent(c.latentActivation());
        TYPES.put("ae", new Defaults("none", null, null, false, "plain autoencoder (deterministic code)", deterministic));
        TYPES.put("dae", new Defaults("none", "mask:0.25", null, false,
                "denoising autoencoder: corrupted input, clean target (Vincent et al. 2008)", deterministic));
        TYPES.put("cae", new Defaults("sigmoid", null, "contractive:0.05", true,
                "contractive autoencoder: + lambda ||dh/dx||_F^2 (Rifai et al. 2011)", deterministic));
        TYPES.put("sparse", new Defaults("sigmoid", null, "kl:0.05:0.05", true,
                "sparse autoencoder: + KL(rho || mean activation) or L1 on the code", deterministic));
        TYPES.put("vae", new Defaults("none", null, null, false,
                "variational autoencoder: Gaussian q(z|x), N(0, I) prior, ELBO (Kingma & Welling 2014)", c -> new GaussianLatent()));
        OBJECTIVES.put("vae", c -> {
            VaeConfig v = c.vae() != null ? c.vae() : VaeConfig.DEFAULT;
            return new VaeObjective(c, DecoderLikelihood.of(new ReconstructionLoss(c.loss(), c.output()), v.fixedSigma(), v.learnSigma()));
        });
    }

    private ModelRegistry() {}

    /** @return the known model types */
    public static Set<String> types() {
        return TYPES.keySet();
    }

    /**
     * @param type a model type
     * @return its defaults
     * @throws InvalidInputException if the type is unknown
     */
    public static Defaults defaults(String type) {
        require(type == null ? "" : type.trim().toLowerCase(java.util.Locale.ROOT));
        return TYPES.get(type.trim().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * @param type a model type
     * @return its one-line description
     * @throws InvalidInputException if the type is unknown
     */
    public static String describe(String type) {
        return defaults(type).description();
    }

    /**
     * @param type a model type
     * @throws InvalidInputException if it is unknown, listing the known ones
     */
    public static void require(String type) {
        if (!TYPES.containsKey(type)) {
            throw new InvalidInputException("unknown --model '" + type + "' (known: " + String.join(", ", types()) + ")");
        }
    }

    /**
     * Checks the combination of type and pluggable parts.
     *
     * @param type a known model type
     * @param penalty the penalty spec, or null
     * @throws InvalidInputException for a type that needs a penalty it does not have, or a contractive
     *     penalty on a sparse model and the like
     */
    static void validate(String type, String penalty) {
        Defaults d = defaults(type);
        if (d.needsPenalty() && penalty == null) {
            throw new InvalidInputException("--model " + type + " needs its penalty");
        }
        if (penalty != null) {
            Penalty p = Penalty.parse(penalty);
            boolean contractive = p instanceof dev.bottleneck.loss.ContractivePenalty;
            if (type.equals("sparse") && contractive || type.equals("cae") && !contractive) {
                throw new InvalidInputException("--model " + type + " cannot take the penalty " + penalty);
            }
        }
    }

    /**
     * Checks that a new model of this type may train on corrupted inputs. A plain autoencoder
     * ({@code ae}) trained on corrupted inputs against clean targets is a denoising autoencoder,
     * so {@code --model ae --noise ...} is refused with a pointer to {@code --model dae} rather
     * than saved as an {@code ae} that silently denoises. (Manifests written before this check
     * still load: the config record itself accepts them.)
     *
     * @param type a model type, any case
     * @param noise the corruption spec, or null
     * @throws InvalidInputException for noise on an {@code ae}
     */
    public static void requireNoiseAllowed(String type, String noise) {
        if (noise != null && type != null && type.trim().equalsIgnoreCase("ae")) {
            throw new InvalidInputException("--noise trains a denoising autoencoder, which is --model dae: use --model dae --noise "
                    + noise + " (--model ae takes no noise)");
        }
    }

    /**
     * @param config a validated config
     * @return a new latent layer for its type
     */
    static LatentLayer latentFor(ModelConfig config) {
        return defaults(config.type()).latent().apply(config);
    }

    /**
     * @param config a validated config
     * @return a new objective for its type, or {@code null} for the default reconstruction
     *     objective
     */
    static Objective objectiveFor(ModelConfig config) {
        Function<ModelConfig, Objective> f = OBJECTIVES.get(config.type());
        return f == null ? null : f.apply(config);
    }

    /**
     * @param type a model type
     * @return whether it is a generative model with a prior to sample from (a VAE)
     */
    public static boolean hasPrior(String type) {
        return "vae".equals(type);
    }
}
