package dev.bottleneck.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.nn.Activations;
import dev.bottleneck.nn.Conv2d;
import dev.bottleneck.nn.GridInput;
import dev.bottleneck.nn.Upsample2d;

/**
 * The convolutional autoencoder of {@link ConvArchitecture} without its fully connected layers:
 * the code is a spatial grid of vectors, one per position of the last feature map, as in VQ-VAE
 * (van den Oord et al. 2017, section 4.1: a 32x32x1 grid of indices for 128x128 images). For
 * MNIST with channels {@code [16, 32]} the grid is 7x7 and a quantizer gives 49 indices per image.
 *
 * <p>Encoder: for each {@code c_i}: Conv 3x3 stride 2 padding 1 and the activation, then a 1x1
 * convolution to {@code D = K / (H' W')} channels: {@code (N, C, H, W) -> (N, D, H', W')}.
 * Decoder: {@code (N, K)} or {@code (N, D, H', W')} reshaped to the grid, a 3x3 convolution to
 * {@code c_last} channels and the activation, then the upsampling path of {@link
 * ConvArchitecture}. The code size {@code K} must be a multiple of {@code H' W'}. Only latent
 * layers that read grids take it ({@link dev.bottleneck.latent.LatentLayer#readsGrids()}: the
 * vector quantizer, FSQ and the codec's scalar quantizer).
 *
 * <p>When every level halves its input exactly (training sides multiples of {@code 2^L}) the
 * model is fully convolutional ({@link #downsampling}): the decoder doubles instead of resizing
 * to fixed sizes and takes a grid of any size, so a codec trained on crops codes whole photos.
 */
public final class ConvGridArchitecture implements Architecture {

    private final ConvArchitecture conv = new ConvArchitecture();

    @Override
    public String name() {
        return "conv-grid";
    }

    @Override
    public void validate(int[] inputShape, int[] channels) {
        conv.validate(inputShape, channels);
    }

    /**
     * @param config the model config
     * @return {@code {H', W'}}, the grid of the last feature map
     */
    @Override
    public int[] codeGrid(ModelConfig config) {
        int[][] sizes = ConvArchitecture.levelSizes(config);
        return sizes[sizes.length - 1];
    }

    /**
     * @param config the model config
     * @return {@code 2^L} for {@code L} levels when every level halves its input exactly (training
     *     sides multiples of {@code 2^L}, e.g. 28 with two levels): the model then codes images of
     *     any size whose sides are multiples of {@code 2^L}; {@code 0} otherwise
     */
    @Override
    public int downsampling(ModelConfig config) {
        int[][] sizes = ConvArchitecture.levelSizes(config);
        for (int i = 0; i + 1 < sizes.length; i++) {
            if (sizes[i][0] != 2 * sizes[i + 1][0] || sizes[i][1] != 2 * sizes[i + 1][1]) {
                return 0;
            }
        }
        return 1 << (sizes.length - 1);
    }

    /**
     * @param config the model config (its input shape and channels give the grid)
     * @param width the number of values of the grid, {@code K} (the code size, or the encoder's
     *     output width)
     * @return {@code D = K / (H' W')}, the channels of each grid position
     * @throws InvalidInputException if {@code K} is not a multiple of {@code H' W'}
     */
    static int depth(ModelConfig config, int width) {
        int[] g = ConvArchitecture.levelSizes(config)[config.channels().length];
        int cells = g[0] * g[1];
        if (width % cells != 0) {
            throw new InvalidInputException("--arch conv-grid makes a " + g[0] + "x" + g[1] + " grid of vectors: --latent must be a multiple of "
                    + cells + " (e.g. --latent " + 16 * cells + " for 16 values per position), got " + width);
        }
        return width / cells;
    }

    @Override
    public Block encoder(ModelConfig config, int outputSize) {
        SequentialBlock b = new SequentialBlock();
        for (int c : config.channels()) {
            b.add(Conv2d.of(c, 3, 2, 1));
            if (config.batchNorm()) {
                b.add(ai.djl.nn.norm.BatchNorm.builder().build());
            }
            b.add(Activations.block(config.activation()));
        }
        b.add(Conv2d.of(depth(config, outputSize), 1, 1, 0));
        return b;
    }

    @Override
    public Block decoder(ModelConfig config, Block encoder) {
        int[] ch = config.channels();
        int[][] sizes = ConvArchitecture.levelSizes(config);
        int levels = ch.length;
        int[] last = sizes[levels];
        SequentialBlock b = new SequentialBlock();
        boolean anySize = downsampling(config) > 0;
        b.add(new GridInput(depth(config, config.latent()), last[0], last[1]));
        b.add(Conv2d.of(ch[levels - 1], 3, 1, 1));
        b.add(Activations.block(config.activation()));
        for (int i = levels - 1; i >= 0; i--) {
            b.add(anySize ? Upsample2d.doubling() : new Upsample2d(sizes[i][0], sizes[i][1]));
            int out = i > 0 ? ch[i - 1] : config.inputShape()[0];
            b.add(Conv2d.of(out, 3, 1, 1));
            if (i > 0) {
                b.add(Activations.block(config.activation()));
            }
        }
        return b;
    }

    @Override
    public String describe(ModelConfig config) {
        int[][] sizes = ConvArchitecture.levelSizes(config);
        int[] in = config.inputShape();
        StringBuilder s = new StringBuilder("Conv ").append(in[0]).append('x').append(in[1]).append('x').append(in[2]);
        for (int i = 0; i < config.channels().length; i++) {
            s.append(" -> ").append(config.channels()[i]).append('x').append(sizes[i + 1][0]).append('x').append(sizes[i + 1][1]);
        }
        int[] g = sizes[sizes.length - 1];
        s.append(" -> [grid ").append(depth(config, config.latent())).append('x').append(g[0]).append('x').append(g[1])
                .append("] -> mirror with nearest upsampling + conv3x3 (").append(config.activation())
                .append(config.batchNorm() ? ", batch norm in the encoder" : "").append(')');
        return s.toString();
    }
}
