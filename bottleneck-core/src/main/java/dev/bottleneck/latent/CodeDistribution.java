package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;

/**
 * A discrete code whose encoder output defines a distribution over codes, {@code q(y|x)}: the
 * softmax of a categorical code's logits, the independent Bernoulli bits of a binary code. It
 * gives the terms of information-maximizing training (Hu et al., "Learning Discrete
 * Representations via Information Maximizing Self-Augmented Training", ICML 2017): the divergence
 * between the code distributions of two inputs (the self-augmentation term, see {@link
 * VirtualAdversarialTraining}).
 */
public interface CodeDistribution {

    /**
     * The divergence between the code distributions of two encoder outputs, averaged over the
     * batch: {@code mean_n KL(q(.|target_n) || q(.|h_n))} in nats, summed over the code's
     * independent parts (groups of categories, bits). A continuous part of the code is left out.
     *
     * @param target the encoder output of the reference inputs {@code (N, E)}; its gradient is
     *     not followed (the caller passes it detached)
     * @param h the encoder output of the perturbed inputs {@code (N, E)}
     * @return a scalar, nats per example, {@code >= 0}
     */
    NDArray divergence(NDArray target, NDArray h);
}
