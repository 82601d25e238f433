package dev.bottleneck.model;

import ai.djl.nn.Block;
import dev.bottleneck.InvalidInputException;

/**
 * Builds the encoder and decoder networks of one architecture family. An architecture is
 * stateless; it reads what it needs from the {@link ModelConfig}.
 *
 * <p>Contract: the encoder maps {@code (N, ...inputShape)} to {@code (N, encoderOutputSize)}; the
 * decoder maps {@code (N, K)} to {@code (N, ...inputShape)} <em>before</em> the output activation
 * (the reconstruction loss applies it, so that BCE can work on logits).
 */
public interface Architecture {

    /** @return the name used in configs and on the command line */
    String name();

    /**
     * Checks that this architecture can take inputs of this shape.
     *
     * @param inputShape one example's shape
     * @param channels the configured convolution channels (ignored by non-convolutional ones)
     * @throws InvalidInputException with a message that says what shape is needed
     */
    void validate(int[] inputShape, int[] channels);

    /**
     * @param config the model config
     * @param outputSize the encoder's output width (the latent layer's input), e.g. {@code K} for
     *     a plain code, {@code 2K} for a Gaussian (mean and log-variance)
     * @return the encoder, {@code (N, ...inputShape) -> (N, outputSize)}
     */
    Block encoder(ModelConfig config, int outputSize);

    /**
     * @param config the model config
     * @param encoder the encoder built by {@link #encoder} (tied weights share its layers)
     * @return the decoder, {@code (N, K) -> (N, ...inputShape)}, without output activation
     */
    Block decoder(ModelConfig config, Block encoder);

    /**
     * The spatial grid of the code, for architectures whose encoder ends in a feature map
     * {@code (N, D, H', W')} instead of a vector.
     *
     * @param config the model config
     * @return {@code {H', W'}}, or {@code null} for a flat code {@code (N, K)} (the default)
     */
    default int[] codeGrid(ModelConfig config) {
        return null;
    }

    /**
     * Whether the model is fully convolutional, and by how much its encoder shrinks each side: a
     * model with factor {@code f > 0} encodes an image {@code (C, H, W)} of any size whose sides
     * are multiples of {@code f} to a grid {@code (D, H/f, W/f)}, and decodes such a grid back to
     * {@code (C, H, W)}. Codecs pad other sizes up to a multiple.
     *
     * @param config the model config
     * @return {@code f}, or {@code 0} when the model takes only its training size (the default)
     */
    default int downsampling(ModelConfig config) {
        return 0;
    }

    /**
     * A one-line human description, e.g. {@code "784 -> 512 -> 256 -> 16 -> 256 -> 512 -> 784"}.
     *
     * @param config the model config
     * @return the description
     */
    String describe(ModelConfig config);
}
