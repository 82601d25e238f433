package dev.bottleneck.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A fully connected layer whose weight is the transpose of another layer's: {@code y = x W^T_src^T +
 * b = x W_src + b}, for tied-weight autoencoders (decoder weights = encoder weights transposed).
 * It owns only its bias {@code (units)}; the shared weight belongs to the source layer, receives
 * the gradients of both uses, and is saved once, with the source.
 *
 * <p>Shapes: input {@code (N, out_src)}, output {@code (N, in_src)} where the source maps {@code
 * (N, in_src) -> (N, out_src)} with weight {@code (out_src, in_src)}.
 */
public final class TiedLinear extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Linear source;
    private final long units;
    private final Parameter bias;

    /**
     * @param source the layer whose weight is shared (an encoder layer)
     * @param units the output size, the source's input size {@code in_src}
     */
    public TiedLinear(Linear source, long units) {
        super(VERSION);
        this.source = source;
        this.units = units;
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        bias.setShape(new Shape(units));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        // (out_src, in_src), as a view in the batch's manager so that its transpose is freed with the batch
        NDArray w = Weights.inBatch(ps.getValue(source.getDirectParameters().get("weight"), x.getDevice(), training), x.getManager());
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return x.getNDArrayInternal().linear(x, w.transpose(), b);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), units)};
    }

    @Override
    public String toString() {
        return "TiedLinear(" + units + ")";
    }
}
