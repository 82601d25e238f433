package dev.bottleneck.model.sparse;

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
 * {@code sparse}: the sparse autoencoder: the KL divergence of each code unit's mean activation to
 * a target {@code rho}, or an L1 penalty, on a sigmoid code (Ng, "Sparse autoencoder", CS294A
 * notes, 2011); default {@code kl:0.05:0.05} ({@link dev.bottleneck.loss.SparsityPenalty}).
 */
public final class SparseType implements ModelType {

    @Override
    public String name() {
        return "sparse";
    }

    @Override
    public String description() {
        return "sparse autoencoder: + KL(rho || mean activation) or L1 on the code";
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
        return "kl:0.05:0.05";
    }

    @Override
    public TypeOptions validate(ModelConfig config) {
        ModelType.super.validate(config);
        if (config.penalty() == null) {
            throw new InvalidInputException("--model sparse needs its penalty");
        }
        if (Penalty.parse(config.penalty()) instanceof ContractivePenalty) {
            throw new InvalidInputException("--model sparse cannot take the penalty " + config.penalty());
        }
        return null;
    }

    @Override
    public LatentLayer latent(ModelConfig config) {
        return new DeterministicLatent(config.latentActivation());
    }
}
