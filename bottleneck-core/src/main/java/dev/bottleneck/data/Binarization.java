package dev.bottleneck.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Binarization of grey-level images in [0, 1] for Bernoulli models (as in the MNIST likelihood
 * literature, e.g. Burda et al. 2016): each pixel becomes 1 with probability equal to its value.
 *
 * <ul>
 *   <li>{@link #sample}: a fresh draw with the engine's random generator, for dynamic
 *       binarization (a new binary image every time an image is seen in training).
 *   <li>{@link #fixed}: one draw from a seeded Java generator, the same on every machine and
 *       thread count: the static binarization of a dataset, and the fixed binarization of a test
 *       set on which a dynamically binarized model is evaluated.
 * </ul>
 */
public final class Binarization {

    /** Seed of the fixed binarization of the training split ({@code --binarize static}). */
    public static final long TRAIN_SEED = 1;
    /** Seed of the fixed binarization of every evaluation set (static and dynamic models). */
    public static final long TEST_SEED = 2;

    private Binarization() {}

    /**
     * A Bernoulli draw of each value: {@code 1} where {@code u < x}, {@code u ~ U[0, 1)}.
     *
     * @param x probabilities {@code (N, ...)} in [0, 1]
     * @return binary float32 values of the same shape, in the manager of {@code x}
     */
    public static NDArray sample(NDArray x) {
        return x.getManager().randomUniform(0f, 1f, x.getShape()).lt(x).toType(DataType.FLOAT32, false);
    }

    /**
     * A fixed Bernoulli draw of each value, from {@code SplittableRandom(seed)} in row-major order.
     *
     * @param x probabilities {@code (N, ...)} in [0, 1], float32
     * @param seed the seed
     * @return a new binary array of the same shape, in the manager of {@code x}
     */
    public static NDArray fixed(NDArray x, long seed) {
        float[] v = x.toFloatArray();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() < v[i] ? 1f : 0f;
        }
        java.nio.ByteBuffer buf = x.getManager().allocateDirect(v.length * Float.BYTES);
        FloatBuffer fb = buf.asFloatBuffer();
        fb.put(v);
        return x.getManager().create(buf, x.getShape(), DataType.FLOAT32);
    }

    /**
     * @param x values
     * @return whether every value is 0 or 1
     */
    public static boolean isBinary(float[] x) {
        for (float f : x) {
            if (f != 0f && f != 1f) {
                return false;
            }
        }
        return true;
    }
}
