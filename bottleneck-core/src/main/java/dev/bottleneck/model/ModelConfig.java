package dev.bottleneck.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.model.vae.VaeConfig;
import dev.bottleneck.nn.Activations;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The architecture of an autoencoder, immutable and validated at construction; saved as the
 * {@code "model"} object of {@code model.json} so that a model directory describes itself (DJL's
 * {@code .params} stores weights, not architecture).
 *
 * @param version format version of this record (currently {@value #VERSION})
 * @param type model type from {@link ModelTypes}, e.g. {@code "ae"}
 * @param arch architecture from {@link Architectures}: {@code "mlp"} or {@code "conv"}
 * @param inputShape one example's shape: {@code (C, H, W)} for images, {@code (D)} for vectors
 * @param latent size {@code K} of the latent code (the bottleneck), codes are {@code (N, K)}
 * @param hidden MLP hidden layer widths from input to code, e.g. {@code [512, 256]}; may be empty
 * @param channels convolution channels from input to code, each layer halves H and W, e.g. {@code
 *     [16, 32]}
 * @param activation hidden-layer activation, a name from {@link Activations#NAMES}
 * @param latentActivation activation applied to the code ({@code "none"} for a linear code)
 * @param loss reconstruction loss: {@code "mse"} or {@code "bce"} (BCE needs inputs in [0,1])
 * @param output decoder output activation: {@code "sigmoid"} (inputs in [0,1]), {@code "tanh"}
 *     (inputs in [-1,1]) or {@code "none"} (standardized or unbounded inputs)
 * @param noise input corruption while training, a {@link dev.bottleneck.data.Corruption} spec
 *     such as {@code "mask:0.5"}, or {@code null} (denoising autoencoders set one)
 * @param penalty a {@link dev.bottleneck.loss.Penalty} spec such as {@code "contractive:0.1"} or
 *     {@code "kl:0.05:0.1"}, or {@code null}
 * @param tied MLP decoder weights are the transposed encoder weights
 * @param batchNorm batch normalization (Ioffe and Szegedy, ICML 2015) after each hidden layer of
 *     the encoder, before its activation: batch statistics in training, running averages
 *     (momentum 0.1, as PyTorch) in evaluation; the decoder has none
 * @param options the model type's own options ({@link TypeOptions}: a VAE's {@link VaeConfig}, a
 *     quantizer's codebook), or {@code null} for types without options; saved with a {@code "kind"}
 *     naming the type. The type checks them ({@link ModelType#validate}) in {@link #checked()}, which
 *     the builder and the JSON reader call.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelConfig(
        @JsonProperty("version") int version,
        @JsonProperty("type") String type,
        @JsonProperty("arch") String arch,
        @JsonProperty("input_shape") int[] inputShape,
        @JsonProperty("latent") int latent,
        @JsonProperty("hidden") int[] hidden,
        @JsonProperty("channels") int[] channels,
        @JsonProperty("activation") String activation,
        @JsonProperty("latent_activation") String latentActivation,
        @JsonProperty("loss") String loss,
        @JsonProperty("output") String output,
        @JsonProperty("noise") String noise,
        @JsonProperty("penalty") String penalty,
        @JsonProperty("tied") boolean tied,
        @JsonProperty("batch_norm") boolean batchNorm,
        @JsonProperty("options") @JsonInclude(JsonInclude.Include.NON_NULL) TypeOptions options) {

    /** Current format version of the config record. */
    public static final int VERSION = 1;

    private static final com.fasterxml.jackson.databind.ObjectMapper LEGACY_READER = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Reads a config from {@code model.json}: the record's fields, and {@code "vae"} of files
     * written before model types had their own options (issue 10), read as the options of a VAE.
     * The type checks the result ({@link #checked()}).
     *
     * @return the validated config
     * @throws InvalidInputException for a value out of range or an option the type refuses
     */
    @com.fasterxml.jackson.annotation.JsonCreator
    static ModelConfig fromJson(
            @JsonProperty("version") int version,
            @JsonProperty("type") String type,
            @JsonProperty("arch") String arch,
            @JsonProperty("input_shape") int[] inputShape,
            @JsonProperty("latent") int latent,
            @JsonProperty("hidden") int[] hidden,
            @JsonProperty("channels") int[] channels,
            @JsonProperty("activation") String activation,
            @JsonProperty("latent_activation") String latentActivation,
            @JsonProperty("loss") String loss,
            @JsonProperty("output") String output,
            @JsonProperty("noise") String noise,
            @JsonProperty("penalty") String penalty,
            @JsonProperty("tied") boolean tied,
            @JsonProperty("batch_norm") boolean batchNorm,
            @JsonProperty("options") TypeOptions options,
            @JsonProperty("vae") com.fasterxml.jackson.databind.JsonNode legacyVae) {
        TypeOptions o = options;
        if (o == null && legacyVae != null && legacyVae.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode n = legacyVae.deepCopy();
            n.put("kind", "vae");
            try {
                o = LEGACY_READER.treeToValue(n, TypeOptions.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
                throw new InvalidInputException("the model's 'vae' section is not valid: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
            }
        }
        return new ModelConfig(version, type, arch, inputShape, latent, hidden, channels, activation, latentActivation, loss, output,
                noise, penalty, tied, batchNorm, o).checked();
    }

    /**
     * The type's check of this config ({@link ModelType#validate}): its options and the shared
     * fields it constrains, with the type's default options filled in.
     *
     * @return this config, or a copy with the options the type keeps
     * @throws InvalidInputException naming the option that does not fit
     */
    public ModelConfig checked() {
        TypeOptions o = ModelTypes.get(type).validate(this);
        if (Architectures.get(arch).codeGrid(this) != null) {
            ConvGridArchitecture.depth(this, latent);
            ModelConfig typed = o == options ? this : new ModelConfig(version, type, arch, inputShape, latent, hidden, channels, activation,
                    latentActivation, loss, output, noise, penalty, tied, batchNorm, o);
            if (!ModelTypes.get(type).latent(typed).readsGrids()) {
                throw new InvalidInputException("--arch " + arch + " gives a grid of vectors, which --model " + type
                        + " cannot read; use --model vq or --model fsq (or --arch conv for a flat code)");
            }
        }
        return o == options ? this : new ModelConfig(version, type, arch, inputShape, latent, hidden, channels, activation,
                latentActivation, loss, output, noise, penalty, tied, batchNorm, o);
    }

    /**
     * @param o new type options
     * @return a checked copy of this config with them
     * @throws InvalidInputException if the type refuses them
     */
    public ModelConfig withOptions(TypeOptions o) {
        return new ModelConfig(version, type, arch, inputShape, latent, hidden, channels, activation, latentActivation, loss, output,
                noise, penalty, tied, batchNorm, o).checked();
    }

    /**
     * @param kind the record class of a type's options
     * @param <T> that class
     * @return the options if they are of that class, else null
     */
    public <T extends TypeOptions> T options(Class<T> kind) {
        return kind.isInstance(options) ? kind.cast(options) : null;
    }

    /** @return the model type of this config, from the registry */
    public ModelType modelType() {
        return ModelTypes.get(type);
    }

    /** Accepted reconstruction losses. */
    public static final List<String> LOSSES = List.of("mse", "bce");

    /** Accepted decoder output activations. */
    public static final List<String> OUTPUTS = List.of("sigmoid", "tanh", "none");

    /**
     * Validates the config.
     *
     * @throws InvalidInputException naming the option when a value is out of range or unknown
     */
    public ModelConfig {
        if (version < 1 || version > VERSION) {
            throw new InvalidInputException("model config version " + version + " is not supported (this build reads 1.." + VERSION + ")");
        }
        type = lower(type, "model type");
        ModelTypes.get(type);
        arch = lower(arch, "architecture");
        Architectures.require(arch);
        if (inputShape == null || inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(s -> s < 1)) {
            throw new InvalidInputException("input shape must have positive dimensions, got " + Arrays.toString(inputShape));
        }
        inputShape = inputShape.clone();
        if (latent < 1) {
            throw new InvalidInputException("--latent must be at least 1, got " + latent);
        }
        hidden = hidden == null ? new int[0] : hidden.clone();
        channels = channels == null ? new int[0] : channels.clone();
        for (int h : hidden) {
            if (h < 1) {
                throw new InvalidInputException("--hidden sizes must be at least 1, got " + Arrays.toString(hidden));
            }
        }
        for (int c : channels) {
            if (c < 1) {
                throw new InvalidInputException("--channels must be at least 1, got " + Arrays.toString(channels));
            }
        }
        activation = Activations.validate(activation, "--activation");
        latentActivation = Activations.validate(latentActivation, "--latent-activation");
        loss = lower(loss, "--loss");
        if (!LOSSES.contains(loss)) {
            throw new InvalidInputException("unknown --loss '" + loss + "' (known: " + String.join(", ", LOSSES) + ")");
        }
        output = lower(output, "output activation");
        if (!OUTPUTS.contains(output)) {
            throw new InvalidInputException("unknown output activation '" + output + "' (known: " + String.join(", ", OUTPUTS) + ")");
        }
        if (loss.equals("bce") && !output.equals("sigmoid")) {
            throw new InvalidInputException("--loss bce needs inputs scaled to [0,1] (sigmoid output); this model's output is " + output);
        }
        Architectures.get(arch).validate(inputShape, channels);
        if (noise != null) {
            float[] range = dev.bottleneck.data.Corruption.rangeFor(output);
            noise = dev.bottleneck.data.Corruption.parse(noise, range[0], range[1]).spec();
            if (noise.contains("block") && inputShape.length != 3) {
                throw new InvalidInputException("--noise block:SIZE is for images; this model's input is " + Arrays.toString(inputShape));
            }
        }
        if (penalty != null) {
            dev.bottleneck.loss.Penalty pen = dev.bottleneck.loss.Penalty.parse(penalty);
            penalty = pen.spec();
            if (pen instanceof dev.bottleneck.loss.SparsityPenalty.Kl && !latentActivation.equals("sigmoid")) {
                throw new InvalidInputException("the KL sparsity penalty needs codes in (0, 1): use --latent-activation sigmoid (got "
                        + latentActivation + "), or --sparsity l1");
            }
        }
        if (tied && !arch.equals("mlp")) {
            throw new InvalidInputException("--tied is for --arch mlp (the conv decoder has no transposed layers to share)");
        }
    }

    private static String lower(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new InvalidInputException(what + " is missing");
        }
        return s.trim().toLowerCase(Locale.ROOT);
    }

    /** @return the number of values in one example, {@code prod(inputShape)} */
    public int inputSize() {
        int p = 1;
        for (int s : inputShape) {
            p *= s;
        }
        return p;
    }

    /** @return whether the code is smaller than the input ({@code K < prod(inputShape)}) */
    public boolean undercomplete() {
        return latent < inputSize();
    }

    /**
     * A builder with the defaults of {@code bottleneck train}: type {@code ae}, no arch (set one,
     * or {@link Builder#defaultArch}), latent 16, hidden {@code [512, 256]}, channels {@code [16, 32]},
     * relu, MSE, sigmoid output; the code activation, noise and penalty default to the model
     * type's (see {@link ModelType}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ModelConfig)) {
            return false;
        }
        ModelConfig c = (ModelConfig) o;
        return version == c.version && latent == c.latent && type.equals(c.type) && arch.equals(c.arch)
                && Arrays.equals(inputShape, c.inputShape) && Arrays.equals(hidden, c.hidden)
                && Arrays.equals(channels, c.channels) && activation.equals(c.activation)
                && latentActivation.equals(c.latentActivation) && loss.equals(c.loss) && output.equals(c.output)
                && java.util.Objects.equals(noise, c.noise) && java.util.Objects.equals(penalty, c.penalty) && tied == c.tied
                && batchNorm == c.batchNorm && java.util.Objects.equals(options, c.options);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(type, arch, Arrays.hashCode(inputShape), latent, Arrays.hashCode(hidden),
                Arrays.hashCode(channels), activation, latentActivation, loss, output, noise, penalty, tied, batchNorm, options);
    }

    @Override
    public String toString() {
        return "ModelConfig[type=" + type + ", arch=" + arch + ", input=" + Arrays.toString(inputShape)
                + ", latent=" + latent + ", hidden=" + Arrays.toString(hidden) + ", channels=" + Arrays.toString(channels)
                + ", activation=" + activation + ", latent_activation=" + latentActivation + ", loss=" + loss
                + ", output=" + output + (noise == null ? "" : ", noise=" + noise) + (penalty == null ? "" : ", penalty=" + penalty)
                + (tied ? ", tied" : "") + (batchNorm ? ", batch_norm" : "") + (options == null ? "" : ", options=" + options) + "]";
    }

    /** Mutable builder for {@link ModelConfig}; {@link #build()} validates. */
    public static final class Builder {
        private String type = "ae";
        private String arch;
        private int[] inputShape;
        private int latent = 16;
        private int[] hidden = {512, 256};
        private int[] channels = {16, 32};
        private String activation = "relu";
        private String latentActivation;
        private String loss = "mse";
        private String output = "sigmoid";
        private String noise;
        private String penalty;
        private boolean tied;
        private boolean batchNorm;
        private TypeOptions options;

        private Builder() {}

        /**
         * @param v the VAE options ({@code --model vae} only), or null for the defaults
         * @return this
         */
        public Builder vae(VaeConfig v) {
            options = v;
            return this;
        }

        /**
         * @param v the model type's options ({@link ModelType#optionsClass()}), or null for the
         *     type's defaults
         * @return this
         */
        public Builder options(TypeOptions v) {
            options = v;
            return this;
        }

        /**
         * @param v a corruption spec (see {@link dev.bottleneck.data.Corruption}), or null for the
         *     model type's default
         * @return this
         */
        public Builder noise(String v) {
            noise = v;
            return this;
        }

        /**
         * @param v a penalty spec (see {@link dev.bottleneck.loss.Penalty}), or null for the model
         *     type's default
         * @return this
         */
        public Builder penalty(String v) {
            penalty = v;
            return this;
        }

        /**
         * @param v share the encoder's weights (transposed) in the decoder (MLP only)
         * @return this
         */
        public Builder tied(boolean v) {
            tied = v;
            return this;
        }

        /**
         * @param v batch normalization after each hidden encoder layer
         * @return this
         */
        public Builder batchNorm(boolean v) {
            batchNorm = v;
            return this;
        }

        /**
         * @param v model type, e.g. {@code "ae"}
         * @return this
         */
        public Builder type(String v) {
            type = v;
            return this;
        }

        /** @return the model type set so far, e.g. {@code "ae"} */
        public String type() {
            return type;
        }

        /**
         * @param v {@code "mlp"} or {@code "conv"}
         * @return this
         */
        public Builder arch(String v) {
            arch = v;
            return this;
        }

        /**
         * Sets the architecture only if none was chosen.
         *
         * @param v {@code "mlp"} or {@code "conv"}
         * @return this
         */
        public Builder defaultArch(String v) {
            if (arch == null) {
                arch = v;
            }
            return this;
        }

        /**
         * @param v one example's shape {@code (C, H, W)} or {@code (D)}
         * @return this
         */
        public Builder inputShape(int... v) {
            inputShape = v.clone();
            return this;
        }

        /**
         * @param v code size K
         * @return this
         */
        public Builder latent(int v) {
            latent = v;
            return this;
        }

        /**
         * @param v MLP hidden widths, input side first
         * @return this
         */
        public Builder hidden(int... v) {
            hidden = v.clone();
            return this;
        }

        /**
         * @param v conv channels, input side first
         * @return this
         */
        public Builder channels(int... v) {
            channels = v.clone();
            return this;
        }

        /**
         * @param v hidden activation name
         * @return this
         */
        public Builder activation(String v) {
            activation = v;
            return this;
        }

        /**
         * @param v code activation name ({@code "none"} = linear)
         * @return this
         */
        public Builder latentActivation(String v) {
            latentActivation = v;
            return this;
        }

        /**
         * @param v {@code "mse"} or {@code "bce"}
         * @return this
         */
        public Builder loss(String v) {
            loss = v;
            return this;
        }

        /**
         * @param v output activation: sigmoid, tanh or none
         * @return this
         */
        public Builder output(String v) {
            output = v;
            return this;
        }

        /**
         * @return the validated config
         * @throws InvalidInputException if a value is out of range or unknown, the type refuses an
         *     option, or noise is set on a type that takes none ({@link ModelType#requireNoiseAllowed})
         */
        public ModelConfig build() {
            ModelType t = ModelTypes.get(type);
            t.requireNoiseAllowed(noise);
            return new ModelConfig(VERSION, type, arch, inputShape, latent, hidden, channels, activation,
                    latentActivation != null ? latentActivation : t.defaultLatentActivation(), loss, t.outputActivation(output),
                    noise != null ? noise : t.defaultNoise(), penalty != null ? penalty : t.defaultPenalty(), tied, batchNorm, options).checked();
        }
    }
}
