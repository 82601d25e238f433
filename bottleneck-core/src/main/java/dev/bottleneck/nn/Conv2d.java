package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
            // The weight and bias belong to the model's manager; what is made from them here belongs
            // to the batch's (x's), which the caller closes after the step.
            NDManager m = x.getManager();
            NDArray wp = w.concat(m.zeros(new Shape(extra, ws.get(1), ws.get(2), ws.get(3)), w.getDataType()), 0);
            wp.attach(m);
            NDArray bp = null;
            if (b != null) {
                bp = b.concat(m.zeros(new Shape(extra), b.getDataType()), 0);
                bp.attach(m);
            }
            NDArray y = x.getNDArrayInternal().convolution(x, wp, bp, stride, padding, dilation, 1).singletonOrThrow();
            return firstChannels(y, out);
        }
        return x.getNDArrayInternal().convolution(x, w, b, stride, padding, dilation, groups).singletonOrThrow();
    }

    /**
     * The first {@code c} channels of a padded output whose other channels are exactly zero (zero
     * filters, zero bias). Measured here (conv 1 <- 16, 28x28, batch 256, forward and backward): a
     * slice costs 40-50% over the unpadded convolution, because its backward writes a zero tensor
     * of all channels and copies the gradient into it; a sum over the channels ({@code c = 1}) or a
     * product with a fixed selection matrix {@code (c, C)} has a backward that writes the padded
     * gradient in one pass, and costs 0-20%. Both give exactly the first channels (adding zeros is
     * exact).
     *
     * @param y {@code (N, C, H, W)} with channels {@code c..C-1} all zero
     * @param c channels to keep
     * @return {@code (N, c, H, W)}
     */
    static NDArray firstChannels(NDArray y, long c) {
        if (c == 1) {
            return y.sum(new int[] {1}, true);
        }
        Shape s = y.getShape();
        long channels = s.get(1);
        NDArray select = y.getManager().eye((int) c, (int) channels, 0, y.getDataType());
        return select.matMul(y.reshape(s.get(0), channels, s.get(2) * s.get(3))).reshape(s.get(0), c, s.get(2), s.get(3));
    }

    @Override
    public String toString() {
        return "Conv2d(" + getFilters() + " filters, kernel " + getKernelShape() + ", stride " + getStride() + ")";
    }
}
