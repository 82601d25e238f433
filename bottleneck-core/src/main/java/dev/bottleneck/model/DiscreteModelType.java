package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;

import java.util.Map;

/**
 * A model type whose code is made of integers (bits, categories, codebook entries): it gives
 * discrete codes, and its evaluation reports the code usage on the test data ({@link
 * DiscreteCodes#usageOn}). The four built-in discrete types ({@code binary}, {@code categorical},
 * {@code vq}, {@code fsq}) implement it; a user's discrete type gets the same behaviour.
 */
public interface DiscreteModelType extends ModelType {

    @Override
    default Capabilities capabilities() {
        return Capabilities.DISCRETE;
    }

    @Override
    default Map<String, Object> evaluationMetrics(Autoencoder model, NDArray test, String testName, long seed) {
        return DiscreteCodes.usageOn(model, test);
    }
}
