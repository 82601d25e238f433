package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;
import dev.bottleneck.loss.ReconstructionLoss;

import java.util.Map;

/**
 * One forward pass of an {@link Autoencoder}: the loss with its named terms, the code and the
 * decoder's output. The loss lives with the model, so training and evaluation compute it the same
 * way.
 *
 * <p>All arrays belong to the manager of the input batch; close that manager to free them.
 */
public final class ForwardOutput {

    private final NDArray loss;
    private final Map<String, NDArray> terms;
    private final NDArray z;
    private final NDArray decoderOutput;
    private final ReconstructionLoss reconstructionLoss;
    private NDArray reconstruction;

    /**
     * @param loss the scalar objective
     * @param terms named scalar terms, in log order
     * @param z the code fed to the decoder {@code (N, K)}
     * @param decoderOutput the decoder output before the output activation {@code (N, ...inputShape)}
     * @param rl the reconstruction loss, for its output activation
     */
    public ForwardOutput(NDArray loss, Map<String, NDArray> terms, NDArray z, NDArray decoderOutput, ReconstructionLoss rl) {
        this.loss = loss;
        this.terms = terms;
        this.z = z;
        this.decoderOutput = decoderOutput;
        this.reconstructionLoss = rl;
    }

    /**
     * @return the scalar training objective (the sum of the terms for the default objective; for a
     *     VAE the weighted negative bound, see {@link dev.bottleneck.model.vae.VaeObjective})
     */
    public NDArray loss() {
        return loss;
    }

    /**
     * @return every named loss term as a scalar, in a stable order, e.g. {@code recon_mse}; the
     *     reconstruction term is per value (pixel), see {@link ReconstructionLoss}
     */
    public Map<String, NDArray> terms() {
        return terms;
    }

    /** @return the code fed to the decoder, {@code (N, K)} */
    public NDArray z() {
        return z;
    }

    /** @return the decoder's output before the output activation, {@code (N, ...inputShape)} */
    public NDArray decoderOutput() {
        return decoderOutput;
    }

    /**
     * The reconstruction in model input scale (computed on first call).
     *
     * @return {@code (N, ...inputShape)}
     */
    public NDArray reconstruction() {
        if (reconstruction == null) {
            reconstruction = reconstructionLoss.reconstruct(decoderOutput);
        }
        return reconstruction;
    }
}
