package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The input of a grid decoder: a flat code {@code (N, D h w)} is reshaped to the grid {@code (N,
 * D, h, w)} of the training size; a grid {@code (N, D, h', w')} of any size passes unchanged. The
 * second form lets a fully convolutional decoder ({@code --arch conv-grid}) decode the latent
 * grid of an image of another size than the training images (the codec reads {@code h', w'} from
 * the file). No parameters.
 */
public final class GridInput extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int depth;
    private final int height;
    private final int width;

    /**
     * @param depth {@code D}, the channels of each grid position
     * @param height {@code h}, the training grid's height
     * @param width {@code w}, the training grid's width
     * @throws IllegalArgumentException if a size is not positive
     */
    public GridInput(int depth, int height, int width) {
        super(VERSION);
        if (depth < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("grid sizes must be positive, got " + depth + "x" + height + "x" + width);
        }
        this.depth = depth;
        this.height = height;
        this.width = width;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.singletonOrThrow();
        if (z.getShape().dimension() == 4) {
            if (z.getShape().get(1) != depth) {
                throw new IllegalArgumentException("a latent grid needs " + depth + " channels, got shape " + z.getShape());
            }
            return new NDList(z);
        }
        return new NDList(z.reshape(-1, depth, height, width));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        if (in.dimension() == 4) {
            return new Shape[] {in};
        }
        return new Shape[] {new Shape(in.get(0), depth, height, width)};
    }

    @Override
    public String toString() {
        return "GridInput(N, " + depth + ", " + height + ", " + width + ")";
    }
}
