package dev.bottleneck.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.loss.ReconstructionLoss;

/**
 * The whole autoencoder as one DJL block, so that its parameters save and load as one DJL
 * parameter stream and a Java user can run it like any other block: {@code (N, ...inputShape) ->
 * (N, ...inputShape)}, input to reconstruction in model scale. Children, in this order: {@code
 * encoder}, the latent layer's parameter block if it has one ({@code latent}), {@code decoder}, and
 * the objective's parameter block if it has one ({@code objective}, e.g. a VAE decoder's learned
 * variance).
 */
final class AutoencoderBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block encoder;
    private final Block decoder;
    private final LatentLayer latent;
    private final ReconstructionLoss reconstructionLoss;
    private final int latentSize;
    private final Block objective;

    AutoencoderBlock(Block encoder, LatentLayer latent, Block decoder, ReconstructionLoss rl, int latentSize) {
        this(encoder, latent, decoder, rl, latentSize, null);
    }

    AutoencoderBlock(Block encoder, LatentLayer latent, Block decoder, ReconstructionLoss rl, int latentSize, Block objective) {
        super(VERSION);
        this.encoder = addChildBlock("encoder", encoder);
        this.latent = latent;
        if (latent.parameterBlock() != null) {
            addChildBlock("latent", latent.parameterBlock());
        }
        this.decoder = addChildBlock("decoder", decoder);
        this.reconstructionLoss = rl;
        this.latentSize = latentSize;
        this.objective = objective == null ? null : addChildBlock("objective", objective);
    }

    Block encoder() {
        return encoder;
    }

    Block decoder() {
        return decoder;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList h = encoder.forward(ps, inputs, training);
        NDList z = new NDList(latent.code(h.singletonOrThrow()));
        NDList out = decoder.forward(ps, z, training);
        return new NDList(reconstructionLoss.reconstruct(out.singletonOrThrow()));
    }

    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        Shape code = new Shape(inputShapes[0].get(0), latentSize);
        if (latent.parameterBlock() != null) {
            latent.parameterBlock().initialize(manager, dataType, encoder.getOutputShapes(inputShapes));
        }
        decoder.initialize(manager, dataType, code);
        if (objective != null) {
            objective.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
