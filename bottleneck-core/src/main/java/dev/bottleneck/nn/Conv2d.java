package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 2-D convolution {@code (N, C_in, H, W) -> (N, C_out, H', W')} whose gradients are right on
 * CPUs where libtorch's oneDNN kernels compute the input gradient of few-output-channel
 * convolutions wrongly (see {@link ConvRoute}).
 *
 * <p>Same parameters ({@code weight (C_out, C_in, kH, kW)}, {@code bias (C_out)}), same
 * initialisation and the same saved form as DJL's {@link ai.djl.nn.convolutional.Conv2d}, whose
 * simple class name it keeps on purpose: a {@code SequentialBlock} names its children after it,
 * so parameter names ({@code decoder_05Conv2d_weight}) and with them model files and optimizer
 * checkpoints written before this class existed load unchanged. While autograd records (inside a gradient collector) and the
 * route is {@link ConvRoute#PADDED}, a layer with {@code C_out} not a multiple of 16 convolves
 * with the weight extended by zero filters to {@code ceil(C_out / 16) * 16} output channels and
 * keeps the first {@code C_out} channels of the result: the same numbers in float32 up to
 * summation order (here: exactly the same, the kernels compute each output channel alone), and
 * gradients that match a float64 reference (tested by {@code GradientCheckTest}).
 */
public final class Conv2d extends ai.djl.nn.convolutional.Conv2d {

    private Conv2d(ai.djl.nn.convolutional.Conv2d.Builder builder) {
        super(builder);
    }

    /**
     * A 3x3-style convolution as the architectures use it.
     *
     * @param filters output channels {@code C_out >= 1}
     * @param kernel kernel size {@code k} (square)
     * @param stride stride in pixels
     * @param padding zero padding in pixels on each side
     * @return the block
     * @throws IllegalArgumentException if a size is not positive (padding: negative)
     */
    public static Conv2d of(int filters, int kernel, int stride, int padding) {
        if (filters < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("bad convolution: filters " + filters + ", kernel " + kernel + ", stride " + stride
                    + ", padding " + padding);
        }
        return new Conv2d(ai.djl.nn.convolutional.Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .setFilters(filters)
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding)));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray b = bias == null ? null : parameterStore.getValue(bias, x.getDevice(), training);
        return new NDList(convolution(x, w, b, stride, padding, dilation, groups));
    }

    /**
     * The convolution of {@code x} with {@code w} and {@code b}, padded to a multiple of 16 output
     * channels when gradients are recorded and the route is {@link ConvRoute#PADDED}.
     *
     * @param x input {@code (N, C_in, H, W)}
     * @param w weight {@code (C_out, C_in / groups, kH, kW)}
     * @param b bias {@code (C_out)}, or null
     * @param stride stride {@code (sH, sW)}
     * @param padding padding {@code (pH, pW)}
     * @param dilation dilation {@code (dH, dW)}
     * @param groups groups (the padding is used only with 1)
     * @return output {@code (N, C_out, H', W')}
     */
    public static NDArray convolution(NDArray x, NDArray w, NDArray b, Shape stride, Shape padding, Shape dilation, int groups) {
        long out = w.getShape().get(0);
        if (groups == 1 && out % ConvRoute.BLOCK != 0 && ConvRoute.current() == ConvRoute.PADDED && JniUtils.isGradMode()) {
            long extra = ConvRoute.padded(out) - out;
            Shape ws = w.getShape();
            NDArray wp = w.concat(w.getManager().zeros(new Shape(extra, ws.get(1), ws.get(2), ws.get(3)), w.getDataType()), 0);
            NDArray bp = b == null ? null : b.concat(b.getManager().zeros(new Shape(extra), b.getDataType()), 0);
            NDArray y = x.getNDArrayInternal().convolution(x, wp, bp, stride, padding, dilation, 1).singletonOrThrow();
            return y.get(new NDIndex(":, 0:" + out));
        }
        return x.getNDArrayInternal().convolution(x, w, b, stride, padding, dilation, groups).singletonOrThrow();
    }

    @Override
    public String toString() {
        return "Conv2d(" + getFilters() + " filters, kernel " + getKernelShape() + ", stride " + getStride() + ")";
    }
}
