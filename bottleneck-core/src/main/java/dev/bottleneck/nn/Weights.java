package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Using a weight inside a forward pass without leaking memory into the model.
 *
 * <p>A DJL operation puts its result in the manager of the array it is called on. Called on a
 * weight (which lives in the model's manager) it leaves the result there until the model is
 * closed: native memory lost at every training step, and a manager whose bookkeeping grows and
 * slows every later step. {@link #inBatch} gives a view of the weight that belongs to the batch's
 * manager instead; gradients flow through it to the weight as usual. {@code ModelMemoryTest}
 * checks every model configuration for such leaks.
 */
public final class Weights {

    private Weights() {}

    /**
     * A differentiable view of a weight, owned by the batch's manager.
     *
     * @param weight a weight as the parameter store returns it, any shape
     * @param batch the manager of the current batch (closed after the step)
     * @return a view of {@code weight} with the same shape, attached to {@code batch}
     */
    public static NDArray inBatch(NDArray weight, NDManager batch) {
        NDArray v = weight.reshape(weight.getShape());
        v.attach(batch);
        return v;
    }
}
