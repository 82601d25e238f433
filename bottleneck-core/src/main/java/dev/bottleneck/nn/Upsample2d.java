package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Nearest-neighbour upsampling of a batch of feature maps to a fixed spatial size: {@code (N, C,
 * h, w) -> (N, C, H, W)}. With {@code H = 2h, W = 2w} this is PyTorch's {@code
 * nn.Upsample(scale_factor=2, mode="nearest")}.
 *
 * <p>Decoders use "upsample, then 3x3 convolution" instead of a transposed convolution: DJL's
 * {@code Conv2dTranspose} is missing on the PyTorch engine, and resize-convolution avoids
 * checkerboard artefacts (Odena, Dumoulin and Olah, "Deconvolution and Checkerboard Artifacts",
 * Distill 2016). A fixed output size (rather than a factor) lets a decoder return exactly to odd
 * encoder sizes such as 7 -> 14 -> 28 or 5 -> 9.
 *
 * <p>{@link #doubling()} makes the size-free form, {@code (N, C, h, w) -> (N, C, 2h, 2w)} for any
 * {@code h, w}, which fully convolutional models (the codec of {@code --arch conv-grid}) use so
 * that one model decodes latent grids of any size.
 *
 * <p>Runs as one native op ({@code torch.nn.functional.interpolate}, mode nearest) with autograd.
 * No parameters.
 */
public final class Upsample2d extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int height;
    private final int width;
    /** Whether the output is twice the input's size, whatever it is ({@code height, width} unused). */
    private final boolean doubling;

    /**
     * @param height output height {@code H} in pixels, {@code >= 1}
     * @param width output width {@code W} in pixels, {@code >= 1}
     * @throws IllegalArgumentException if a size is not positive
     */
    public Upsample2d(int height, int width) {
        super(VERSION);
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("upsample size must be positive, got " + height + "x" + width);
        }
        this.height = height;
        this.width = width;
        this.doubling = false;
    }

    private Upsample2d() {
        super(VERSION);
        this.height = 0;
        this.width = 0;
        this.doubling = true;
    }

    /**
     * @return a block that doubles both sides of any input: {@code (N, C, h, w) -> (N, C, 2h, 2w)}
     */
    public static Upsample2d doubling() {
        return new Upsample2d();
    }

    /** @return output height {@code H} ({@code 0} for the {@link #doubling()} form) */
    public int height() {
        return height;
    }

    /** @return output width {@code W} ({@code 0} for the {@link #doubling()} form) */
    public int width() {
        return width;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        // mode 0 = nearest in DJL's PyTorch engine
        long[] size = doubling ? new long[] {2 * x.getShape().get(2), 2 * x.getShape().get(3)} : new long[] {height, width};
        return new NDList(x.getNDArrayInternal().interpolation(size, 0, false));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        if (doubling) {
            return new Shape[] {new Shape(in.get(0), in.get(1), 2 * in.get(2), 2 * in.get(3))};
        }
        return new Shape[] {new Shape(in.get(0), in.get(1), height, width)};
    }

    @Override
    public String toString() {
        return doubling ? "Upsample2d(x2, nearest)" : "Upsample2d(" + height + "x" + width + ", nearest)";
    }
}
