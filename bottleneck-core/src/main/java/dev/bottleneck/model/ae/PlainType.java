package dev.bottleneck.model.ae;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.DeterministicLatent;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.model.Capabilities;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelType;

/** {@code ae}: the plain autoencoder, a deterministic code (linear unless {@code --latent-activation}). */
public final class PlainType implements ModelType {

    @Override
    public String name() {
        return "ae";
    }

    @Override
    public String description() {
        return "plain autoencoder (deterministic code)";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.DETERMINISTIC;
    }

    @Override
    public void requireNoiseAllowed(String noise) {
        if (noise != null) {
            throw new InvalidInputException("--noise trains a denoising autoencoder, which is --model dae: use --model dae --noise "
                    + noise + " (--model ae takes no noise)");
        }
    }

    @Override
    public LatentLayer latent(ModelConfig config) {
        return new DeterministicLatent(config.latentActivation());
    }
}
