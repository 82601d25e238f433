package dev.bottleneck.model;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;

/**
 * The options of one model type (a VAE's beta and warm-up, a quantizer's codebook size, ...): an
 * immutable record, validated at construction, saved in {@code model.json} as the model config's
 * {@code "options"} object with a {@code "kind"} naming the type. Jackson finds the record class
 * through the registry ({@link ModelTypes}), so a type registered by a library user round-trips
 * like a built-in one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonTypeIdResolver(ModelTypes.OptionsIdResolver.class)
public interface TypeOptions {

    /**
     * @param config the model config these options belong to
     * @return a one-line description for {@code info}, e.g. {@code "Bernoulli decoder, beta 1, ELBO objective"}
     */
    String describe(ModelConfig config);
}
