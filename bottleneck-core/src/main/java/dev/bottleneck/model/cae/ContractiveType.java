package dev.bottleneck.model.cae;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.DeterministicLatent;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.loss.ContractivePenalty;
import dev.bottleneck.loss.Penalty;
import dev.bottleneck.model.Capabilities;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelType;
import dev.bottleneck.model.TypeOptions;

/**
 * {@code cae}: the contractive autoencoder (Rifai et al., "Contractive Auto-Encoders", ICML 2011):
 * the penalty {@code lambda ||dh/dx||_F^2} ({@link ContractivePenalty}), a sigmoid code; default
 * {@code contractive:0.05}.
 */
public final class ContractiveType implements ModelType {

    @Override
    public String name() {
        return "cae";
    }

    @Override
    public String description() {
        return "contractive autoencoder: + lambda ||dh/dx||_F^2 (Rifai et al. 2011)";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.DETERMINISTIC;
    }

    @Override
    public String defaultLatentActivation() {
        return "sigmoid";
    }

    @Override
    public String defaultPenalty() {
        return "contractive:0.05";
    }

    @Override
    public TypeOptions validate(ModelConfig config) {
        ModelType.super.validate(config);
        if (config.penalty() == null) {
            throw new InvalidInputException("--model cae needs its penalty");
        }
        if (!(Penalty.parse(config.penalty()) instanceof ContractivePenalty)) {
            throw new InvalidInputException("--model cae cannot take the penalty " + config.penalty());
        }
        return null;
    }

    @Override
    public LatentLayer latent(ModelConfig config) {
        return new DeterministicLatent(config.latentActivation());
    }
}
