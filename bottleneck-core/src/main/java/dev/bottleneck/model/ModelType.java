package dev.bottleneck.model;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.LatentLayer;

import java.util.List;
import java.util.Map;

/**
 * One model type: everything the rest of the library and the command line need to know about it,
 * in one place (issue 10; DESIGN.md §1 "Model types are plug-ins", §6 items 1 and 12). A type
 * lives in its own package ({@code model/vae/}, {@code model/vq/}, ...) and is one line in
 * {@link ModelTypes}; a library user adds one with {@link ModelTypes#register}.
 *
 * <p>What a type provides: its name and description, its {@link Capabilities}, its options (a
 * {@link TypeOptions} record, with the command-line options that set it), the defaults of the
 * shared pluggable parts (code activation, corruption, penalty), the validation of a whole config,
 * the latent layer and, for types whose loss is not the default reconstruction objective, an
 * {@link Objective}. The trainer and the verbs never ask a type's name.
 */
public interface ModelType {

    /** @return the name used in configs and on the command line, e.g. {@code "vae"} */
    String name();

    /** @return one line for {@code info}, e.g. {@code "variational autoencoder: ..."} */
    String description();

    /** @return what the type can do */
    Capabilities capabilities();

    /**
     * A command-line option of a type: a string the type parses itself in {@link #options(Map)}.
     *
     * @param name e.g. {@code "--beta"}
     * @param label the value's label in the help, e.g. {@code "B"}
     * @param description the help text, starting with the type's name
     */
    record CliOption(String name, String label, String description) {}

    /**
     * @return the architectures this type can be built on, or {@code null} for any (the default);
     *     the gradient checks and the memory test build each type on these
     */
    default List<String> architectures() {
        return null;
    }

    /**
     * The decoder's output activation for data whose scaling asks for {@code fromScaling}.
     *
     * @param fromScaling {@code sigmoid}, {@code tanh} or {@code none}, from the input scaling
     * @return the activation to use; {@code fromScaling} by default
     */
    default String outputActivation(String fromScaling) {
        return fromScaling;
    }

    /**
     * @return whether PCA with the code's size is the baseline to report beside this type's
     *     reconstructions ({@code true} by default); a codec is compared by its rate instead
     */
    default boolean pcaBaseline() {
        return true;
    }

    /** @return the type's command-line options (none by default) */
    default List<CliOption> cliOptions() {
        return List.of();
    }

    /**
     * Builds the type's options from the command-line values given.
     *
     * @param given option name to value, only those the user gave (may be empty)
     * @param loss the model's reconstruction loss, for options that depend on it
     * @return the options, or null for a type without options
     * @throws InvalidInputException naming the option whose value is bad
     */
    default TypeOptions options(Map<String, String> given, String loss) {
        return null;
    }

    /**
     * Options for a small model with a code of {@code latent} values, as the gradient checks and
     * memory tests build for every registered type ({@link dev.bottleneck.check.GradientChecks}).
     *
     * @param latent the code size of the small model (6)
     * @return options that fit it, or null for the type's defaults
     */
    default TypeOptions exampleOptions(int latent) {
        return null;
    }

    /** @return the record class of the options, or null for a type without options */
    default Class<? extends TypeOptions> optionsClass() {
        return null;
    }

    /** @return the code activation when the user sets none, e.g. {@code "sigmoid"} */
    default String defaultLatentActivation() {
        return "none";
    }

    /** @return the training corruption when the user sets none, or null */
    default String defaultNoise() {
        return null;
    }

    /** @return the penalty when the user sets none, or null */
    default String defaultPenalty() {
        return null;
    }

    /**
     * @return the gradient-norm clipping threshold when the user sets none ({@code train
     *     --clip-norm}), or null for no clipping
     */
    default Double defaultClipNorm() {
        return null;
    }

    /**
     * Checks a whole config of this type (its options, and the shared fields it constrains).
     * Called once, when the config is built or read.
     *
     * @param config the config, with this type
     * @return the options to keep (the defaults filled in), possibly {@code config.options()}
     * @throws InvalidInputException naming the option that does not fit
     */
    default TypeOptions validate(ModelConfig config) {
        if (config.options() != null) {
            String owner = "another model type";
            for (ModelType t : ModelTypes.all()) {
                if (config.options().getClass().equals(t.optionsClass())) {
                    owner = "--model " + t.name();
                }
            }
            throw new InvalidInputException("--model " + name() + " takes no type options; these are options of " + owner);
        }
        return null;
    }

    /**
     * The options of a config for this type, or the type's defaults when it has none: the first
     * step of {@link #validate} for types with options.
     *
     * @param config the config
     * @param kind the options record class of this type
     * @param defaults the defaults
     * @param <T> that class
     * @return the options
     * @throws InvalidInputException if the config holds the options of another type
     */
    default <T extends TypeOptions> T optionsOrDefault(ModelConfig config, Class<T> kind, T defaults) {
        if (config.options() == null) {
            return defaults;
        }
        T o = config.options(kind);
        if (o == null) {
            throw new InvalidInputException("--model " + name() + " cannot take the options " + config.options().describe(config));
        }
        return o;
    }

    /**
     * Refuses a training corruption the type cannot take (a plain autoencoder trained on corrupted
     * inputs is a denoising one).
     *
     * @param noise the corruption spec the user gave, or null
     * @throws InvalidInputException if the type takes no corruption
     */
    default void requireNoiseAllowed(String noise) {}

    /**
     * @param config a validated config of this type
     * @return a new latent layer
     */
    LatentLayer latent(ModelConfig config);

    /**
     * @param config a validated config of this type
     * @return the objective, or null for the default (reconstruction + latent terms + penalty)
     */
    default Objective objective(ModelConfig config) {
        return null;
    }

    /**
     * Binds settings that depend on the training data, once it is known and before the model is
     * built (a new run only; a resumed one keeps its config): for example the virtual adversarial
     * radius set from the data's nearest-neighbour distances ({@code --vat-epsilon auto}).
     *
     * @param config a validated config of this type
     * @param train gives the training inputs {@code (N, ...inputShape)}, model scale, when called
     *     (a copy is made only for a type that asks; it is freed after the binding)
     * @param seed seeds any sampling
     * @return the config to train: by default, for options that carry a self-augmentation term
     *     ({@link SelfAugmentedOptions}) with an "auto" radius, a copy with the radius set; else
     *     {@code config} itself
     */
    default ModelConfig bindToData(ModelConfig config, java.util.function.Supplier<ai.djl.ndarray.NDArray> train, long seed) {
        return SelfAugmentedOptions.bindRadius(config, train, seed);
    }

    /**
     * Self-augmented training of the code (IMSAT): a term that keeps each example's code
     * distribution where its input moves by a virtual adversarial perturbation. Only types whose
     * latent layer is a {@link dev.bottleneck.latent.CodeDistribution} can have one; the default
     * objective adds it to training passes as the term {@code "self_augmentation"}.
     *
     * @param config a validated config of this type
     * @return the term's settings when the options carry one ({@link SelfAugmentedOptions} with a
     *     positive weight), else null (the default for other options)
     */
    default dev.bottleneck.latent.VirtualAdversarialTraining selfAugmentation(ModelConfig config) {
        return SelfAugmentedOptions.term(config);
    }

    /**
     * What the type adds to a model's evaluation on test data ({@code train}'s final evaluation
     * and {@code eval}): a VAE's ELBO and active units, a quantizer's perplexity and code usage.
     *
     * @param model the trained model
     * @param test the test inputs {@code (N, ...inputShape)}, model scale
     * @param testName the test data's name, for messages
     * @param seed seeds any sampling
     * @return metrics by name (units in the names), empty by default
     */
    default Map<String, Object> evaluationMetrics(Autoencoder model, ai.djl.ndarray.NDArray test, String testName, long seed) {
        return Map.of();
    }

    /**
     * @param config a validated config of this type
     * @return what the training loss is, for the loss plot and the epoch lines
     */
    default String lossLabel(ModelConfig config) {
        return config.loss().equals("bce") ? "BCE, nats per pixel" : "MSE per value (model scale)";
    }

    /**
     * @param config a validated config of this type
     * @return what the code is, for {@code info}, e.g. {@code "linear"} or {@code "Gaussian (mean and log-variance)"}
     */
    default String describeCode(ModelConfig config) {
        return config.latentActivation().equals("none") ? "linear" : config.latentActivation();
    }
}
