package dev.bottleneck.loss;

import dev.bottleneck.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.bottleneck.InvalidInputException;

/**
 * Reconstruction loss together with the decoder's output activation, so that binary cross-entropy
 * can be computed from logits (numerically stable) while mean squared error sees the activated
 * output.
 *
 * <ul>
 *   <li>{@code mse} + {@code sigmoid|tanh|none}: {@code mean((f(out) - x)^2)} over all values,
 *       in squared input units per value (per pixel for images).
 *   <li>{@code bce} (sigmoid): {@code mean(softplus(l) - l*x)} over all values with {@code l} the
 *       logits, in nats per value; equals {@code -[x log p + (1-x) log(1-p)]} with {@code p =
 *       sigmoid(l)}, for targets {@code x} in [0, 1].
 * </ul>
 *
 * <p>Shapes: {@code decoderOutput} and {@code target} are {@code (N, ...)} of the same shape.
 */
public final class ReconstructionLoss {

    private final String loss;
    private final String output;

    /**
     * @param loss {@code "mse"} or {@code "bce"}
     * @param output {@code "sigmoid"}, {@code "tanh"} or {@code "none"}; BCE requires sigmoid
     * @throws InvalidInputException for an unknown loss or BCE without sigmoid output
     */
    public ReconstructionLoss(String loss, String output) {
        if (!loss.equals("mse") && !loss.equals("bce")) {
            throw new InvalidInputException("unknown --loss '" + loss + "' (known: mse, bce)");
        }
        if (loss.equals("bce") && !output.equals("sigmoid")) {
            throw new InvalidInputException("--loss bce needs a sigmoid output (inputs in [0,1])");
        }
        if (!output.equals("sigmoid") && !output.equals("tanh") && !output.equals("none")) {
            throw new InvalidInputException("unknown output activation '" + output + "'");
        }
        this.loss = loss;
        this.output = output;
    }

    /** @return {@code "mse"} or {@code "bce"} */
    public String loss() {
        return loss;
    }

    /** @return the name of the loss term in logs: {@code "recon_mse"} or {@code "recon_bce"} */
    public String termName() {
        return "recon_" + loss;
    }

    /**
     * Applies the output activation.
     *
     * @param decoderOutput {@code (N, ...)}, logits for sigmoid/BCE
     * @return the reconstruction in model input scale, {@code (N, ...)}
     */
    public NDArray reconstruct(NDArray decoderOutput) {
        switch (output) {
            case "sigmoid":
                return Activation.sigmoid(decoderOutput);
            case "tanh":
                return Activation.tanh(decoderOutput);
            default:
                return decoderOutput;
        }
    }

    /**
     * The loss averaged over every value of the batch (the training objective).
     *
     * @param decoderOutput {@code (N, ...)}
     * @param target {@code (N, ...)} in model input scale
     * @return a scalar: squared units per value (MSE) or nats per value (BCE)
     */
    public NDArray mean(NDArray decoderOutput, NDArray target) {
        NDArray e = elementwise(decoderOutput, target);
        // sum then a scalar division rather than mean(): mean's backward materialises the
        // expanded gradient divided by n (one more full-size kernel per step), sum's is a view.
        return Scalars.div(e.sum(), e.size());
    }

    /**
     * The loss summed over each example's values.
     *
     * @param decoderOutput {@code (N, ...)}
     * @param target {@code (N, ...)}
     * @return {@code (N)}: squared units per example (MSE) or nats per example (BCE)
     */
    public NDArray perExample(NDArray decoderOutput, NDArray target) {
        NDArray e = elementwise(decoderOutput, target);
        return e.reshape(e.getShape().get(0), -1).sum(new int[] {1});
    }

    private NDArray elementwise(NDArray decoderOutput, NDArray target) {
        if (loss.equals("bce")) {
            // softplus(l) - l*x == -[x log sigmoid(l) + (1-x) log(1 - sigmoid(l))], stable for large |l|
            return Activation.softPlus(decoderOutput).sub(decoderOutput.mul(target));
        }
        return reconstruct(decoderOutput).sub(target).square();
    }

    @Override
    public String toString() {
        return loss + " (" + output + " output)";
    }
}
