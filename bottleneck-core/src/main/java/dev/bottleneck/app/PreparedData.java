package dev.bottleneck.app;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;

import java.util.Arrays;

/**
 * A dataset scaled to model inputs and held as one native array {@code (N, ...shape)}, as the
 * trainer and the evaluators want it (minibatches are slices of it, no per-batch copy from Java).
 */
public final class PreparedData {

    private PreparedData() {}

    /**
     * Scales a dataset and copies it into native memory.
     *
     * @param data the dataset in raw units
     * @param scaling the model's input scaling
     * @param manager owns the returned array
     * @return {@code (N, ...exampleShape)} in model scale, float32
     */
    public static NDArray toArray(Dataset data, InputScaling scaling, NDManager manager) {
        // Scale straight into native memory: no second float[] of the whole dataset on the heap.
        long bytes = (long) data.values().length * Float.BYTES;
        if (bytes > Integer.MAX_VALUE) {
            throw new InvalidInputException(data.name() + ": " + data.values().length
                    + " values (" + (bytes >> 20) + " MiB) do not fit one native buffer (2 GiB at most); use a smaller dataset or --resize");
        }
        java.nio.ByteBuffer buf;
        try {
            buf = manager.allocateDirect((int) bytes);
        } catch (OutOfMemoryError | RuntimeException e) {
            throw dev.bottleneck.OutOfMemory.rethrow("the " + data.size() + " examples of " + data.name() + " in native memory", bytes, e);
        }
        scaling.applyInto(data, buf.asFloatBuffer());
        return manager.create(buf, new Shape(data.batchShape()), ai.djl.ndarray.types.DataType.FLOAT32);
    }

    /**
     * Checks that a dataset has the shape a model was trained on.
     *
     * @param data the dataset
     * @param modelShape the model's example shape
     * @param modelName the model directory, for the message
     * @throws InvalidInputException naming both shapes when they differ
     */
    public static void requireShape(Dataset data, int[] modelShape, String modelName) {
        if (!Arrays.equals(data.exampleShape(), modelShape)) {
            throw new InvalidInputException(data.name() + ": examples have shape " + Arrays.toString(data.exampleShape())
                    + " but the model " + modelName + " takes " + Arrays.toString(modelShape)
                    + (data.kind() == Dataset.Kind.IMAGE && modelShape.length == 3 ? " (for image folders, --resize " + modelShape[1] + "x" + modelShape[2] + " may help)" : ""));
        }
    }
}
