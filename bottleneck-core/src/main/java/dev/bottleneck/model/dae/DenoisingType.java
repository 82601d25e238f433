package dev.bottleneck.model.dae;

import dev.bottleneck.latent.DeterministicLatent;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.model.Capabilities;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelType;

/**
 * {@code dae}: the denoising autoencoder (Vincent et al., "Extracting and Composing Robust Features
 * with Denoising Autoencoders", ICML 2008): trains on corrupted inputs against the clean ones;
 * default corruption {@code mask:0.25} ({@link dev.bottleneck.data.Corruption}).
 */
public final class DenoisingType implements ModelType {

    @Override
    public String name() {
        return "dae";
    }

    @Override
    public String description() {
        return "denoising autoencoder: corrupted input, clean target (Vincent et al. 2008)";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.DETERMINISTIC;
    }

    @Override
    public String defaultNoise() {
        return "mask:0.25";
    }

    @Override
    public LatentLayer latent(ModelConfig config) {
        return new DeterministicLatent(config.latentActivation());
    }
}
