package dev.bottleneck.latent.vq;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The parameters and state of a {@link VectorQuantizer} as one DJL block, so they save, load and
 * train with the model ({@link dev.bottleneck.latent.LatentLayer#parameterBlock()}).
 *
 * <p>Parameters, in save order:
 *
 * <ul>
 *   <li>{@code codebook (K, D)}: the entries {@code e_k}; initially uniform in {@code [-1/K, 1/K]}
 *       (as the reference PyTorch VQ-VAE and the peer script); learned by gradient, or, with EMA,
 *       frozen for the optimizer and set by the quantizer's {@code afterStep}.
 *   <li>{@code ema_count (K)} and {@code ema_sum (K, D)} (EMA only): the moving cluster sizes
 *       {@code N_k} and sums {@code m_k}; initially 1 and the initial codebook, so an entry never
 *       used stays where it is.
 *   <li>{@code usage (K)} (dead-code reset only): the moving share of use {@code u_k}, initially
 *       {@code 1/K}.
 * </ul>
 *
 * State parameters are not trained ({@code requiresGradient() == false}; the trainer's optimizer
 * skips them). The block's metadata (format version 1) adds one flag: whether the codebook has
 * been initialized from data (k-means), so a loaded or resumed model is not re-initialized.
 *
 * <p>As a block: {@code (N, D*M)} or {@code (N, D, H', W')} encoder output to the quantized code
 * of the same shape ({@link VectorQuantizer#code}).
 */
public final class CodebookBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final VectorQuantizer quantizer;
    private final int k;
    private final int d;
    private final Parameter codebook;
    private final Parameter emaCount;
    private final Parameter emaSum;
    private final Parameter usage;
    private boolean dataInitialized;

    CodebookBlock(VectorQuantizer quantizer, VqConfig config) {
        super(VERSION);
        this.quantizer = quantizer;
        this.k = config.codebookSize();
        this.d = config.dim();
        float bound = 1f / k;
        this.codebook = addParameter(Parameter.builder().setName("codebook").setType(Parameter.Type.OTHER)
                .optShape(new Shape(k, d)).optRequiresGrad(!config.usesEma())
                .optInitializer((m, shape, type) -> m.randomUniform(-bound, bound, shape, DataType.FLOAT32).toType(type, false))
                .build());
        if (config.usesEma()) {
            this.emaCount = addParameter(Parameter.builder().setName("ema_count").setType(Parameter.Type.OTHER)
                    .optShape(new Shape(k)).optRequiresGrad(false)
                    .optInitializer((m, shape, type) -> m.ones(shape, type)).build());
            this.emaSum = addParameter(Parameter.builder().setName("ema_sum").setType(Parameter.Type.OTHER)
                    .optShape(new Shape(k, d)).optRequiresGrad(false)
                    .optInitializer((m, shape, type) -> m.zeros(shape, type)).build());
        } else {
            this.emaCount = null;
            this.emaSum = null;
        }
        this.usage = config.deadCodeReset() == null ? null
                : addParameter(Parameter.builder().setName("usage").setType(Parameter.Type.OTHER)
                        .optShape(new Shape(k)).optRequiresGrad(false)
                        .optInitializer((m, shape, type) -> m.full(shape, 1f / k, type)).build());
        this.dataInitialized = config.kmeansInit() == null;
    }

    /**
     * @return the codebook {@code (K, D)} (the live parameter array; read it fresh after a load)
     * @throws IllegalStateException before the block is initialized
     */
    public NDArray codebook() {
        if (!codebook.isInitialized()) {
            throw new IllegalStateException("the VQ codebook is not initialized: the quantizer's parameterBlock() must be part of a model"
                    + " (or initialized) before it is used");
        }
        return codebook.getArray();
    }

    /** @return the EMA cluster sizes {@code (K)}, or {@code null} without EMA */
    public NDArray emaCount() {
        return emaCount == null ? null : emaCount.getArray();
    }

    /** @return the EMA sums {@code (K, D)}, or {@code null} without EMA */
    public NDArray emaSum() {
        return emaSum == null ? null : emaSum.getArray();
    }

    /** @return the moving usage shares {@code (K)}, or {@code null} without dead-code reset */
    public NDArray usage() {
        return usage == null ? null : usage.getArray();
    }

    /** @return whether the codebook has been initialized from data (always true without k-means) */
    public boolean dataInitialized() {
        return dataInitialized;
    }

    void markDataInitialized() {
        dataInitialized = true;
    }

    /**
     * Replaces a parameter's values without autograd seeing an in-place write (the codebook may
     * be a leaf that requires a gradient, inside a gradient collector): the parameter's array
     * takes over the native tensor of {@code value}, which is closed.
     */
    void replace(String name, NDArray value) {
        Parameter p = switch (name) {
            case "codebook" -> codebook;
            case "ema_count" -> emaCount;
            case "ema_sum" -> emaSum;
            case "usage" -> usage;
            default -> throw new IllegalArgumentException(name);
        };
        NDArray target = p.getArray();
        NDArray v = value.toType(target.getDataType(), true);
        target.intern(v);
        if (p.requiresGradient()) {
            target.setRequiresGradient(true);
        }
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        boolean fresh = !isInitialized();
        super.initialize(manager, dataType, inputShapes);
        if (fresh && emaSum != null) {
            try (NDArray copy = codebook.getArray().duplicate()) {
                replace("ema_sum", copy);
            }
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(quantizer.code(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeBoolean(dataInitialized);
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("codebook format version " + loadVersion + ", this library reads " + VERSION);
        }
        readInputShapes(is);
        dataInitialized = is.readBoolean();
    }

    @Override
    public void loadParameters(NDManager manager, DataInputStream is) throws IOException, MalformedModelException {
        super.loadParameters(manager, is);
        Shape got = codebook.getArray().getShape();
        if (!got.equals(new Shape(k, d))) {
            throw new MalformedModelException("the codebook in the file is " + got.get(0) + " x " + (got.dimension() > 1 ? got.get(1) : 1)
                    + ", this quantizer has " + k + " x " + d);
        }
        if (codebook.requiresGradient()) {
            codebook.getArray().setRequiresGradient(true);
        }
    }

    @Override
    public String toString() {
        return "Codebook(" + k + " x " + d + ")";
    }
}
