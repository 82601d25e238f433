package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant that is safe inside a gradient computation.
 *
 * <p>DJL's {@code NDArray.mul(Number)}, {@code div(Number)} and {@code maximum(Number)} wrap the
 * constant in a temporary 0-d array whose memory is a Java direct buffer ({@code torch::from_blob},
 * no ownership) and close it right after the operation. PyTorch's autograd keeps that operand for
 * the backward pass ({@code grad * c}, {@code grad / c}, the mask of {@code maximum}); once the
 * buffer is garbage-collected, which any collection between forward and backward can trigger,
 * backward reads freed memory and the gradient is garbage (measured: {@code 0}, {@code -2e-35} or
 * {@code Infinity} instead of {@code 0.5}). Adam then shrinks or wrecks the steps of every
 * parameter behind that term for thousands of steps: training is slower or diverges, at random.
 *
 * <p>These helpers make the constant with {@code torch::full}, whose memory torch owns, so the
 * saved operand lives as long as the graph needs it. ({@code add}/{@code sub} with a number are
 * safe: their backward does not read the constant.) Shapes: {@code a} any, result the shape of
 * {@code a}.
 */
public final class Scalars {

    private Scalars() {}

    /**
     * @param a an array, any shape
     * @param v the constant
     * @return a native 0-d array holding {@code v}, of {@code a}'s type, in {@code a}'s manager
     */
    public static NDArray constant(NDArray a, double v) {
        return a.getManager().full(new Shape(), (float) v, a.getDataType());
    }

    /**
     * @param a an array
     * @param v the factor
     * @return {@code a * v}
     */
    public static NDArray mul(NDArray a, double v) {
        return a.mul(constant(a, v));
    }

    /**
     * @param a an array
     * @param v the divisor
     * @return {@code a / v}
     */
    public static NDArray div(NDArray a, double v) {
        return a.div(constant(a, v));
    }

    /**
     * @param a an array
     * @param v the floor
     * @return {@code max(a, v)} element-wise
     */
    public static NDArray maximum(NDArray a, double v) {
        return a.maximum(constant(a, v));
    }
}
