package dev.bottleneck.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.nn.Activations;
import dev.bottleneck.nn.Conv2d;
import dev.bottleneck.nn.Reshape;
import dev.bottleneck.nn.Upsample2d;

import java.util.Arrays;

/**
 * Convolutional encoder and resize-convolution decoder for images {@code (N, C, H, W)}.
 *
 * <p>Encoder: for each configured channel count {@code c_i}: Conv 3x3, stride 2, padding 1 (which
 * halves H and W, rounding up) and the hidden activation; then flatten and Linear(outputSize).
 * Decoder: Linear to the last feature map, reshape, then for each level in reverse: nearest
 * upsampling back to that level's size (see {@link Upsample2d}), Conv 3x3 padding 1, activation
 * (none after the last conv; the reconstruction loss applies the output activation).
 *
 * <p>With channels {@code [16, 32]} on MNIST this is layer for layer the {@code conv-up} model of
 * the PyTorch peer script: Conv(1,16,3,s2,p1) ReLU Conv(16,32,3,s2,p1) ReLU Linear(1568,K) |
 * Linear(K,1568) Up Conv(32,16,3,p1) ReLU Up Conv(16,1,3,p1).
 */
public final class ConvArchitecture implements Architecture {

    @Override
    public String name() {
        return "conv";
    }

    @Override
    public void validate(int[] inputShape, int[] channels) {
        if (inputShape.length != 3) {
            throw new InvalidInputException("--arch conv needs images (C, H, W), but the input shape is "
                    + Arrays.toString(inputShape) + "; use --arch mlp for vectors");
        }
        if (channels.length == 0) {
            throw new InvalidInputException("--arch conv needs at least one entry in --channels");
        }
    }

    /**
     * Spatial sizes at each encoder level: level 0 is the input {@code (H, W)}, level {@code i+1}
     * is {@code ceil(level i / 2)}.
     *
     * @param config the model config
     * @return {@code sizes[level] = {h, w}}, {@code channels.length + 1} levels
     */
    static int[][] levelSizes(ModelConfig config) {
        int levels = config.channels().length;
        int[][] sizes = new int[levels + 1][];
        sizes[0] = new int[] {config.inputShape()[1], config.inputShape()[2]};
        for (int i = 1; i <= levels; i++) {
            sizes[i] = new int[] {(sizes[i - 1][0] + 1) / 2, (sizes[i - 1][1] + 1) / 2};
        }
        return sizes;
    }

    /** A 3x3 convolution, padding 1; padded to 16 output channels in training (see {@link Conv2d}). */
    private static Conv2d conv(int filters, int stride) {
        return Conv2d.of(filters, 3, stride, 1);
    }

    @Override
    public Block encoder(ModelConfig config, int outputSize) {
        SequentialBlock b = new SequentialBlock();
        for (int c : config.channels()) {
            b.add(conv(c, 2));
            if (config.batchNorm()) {
                b.add(ai.djl.nn.norm.BatchNorm.builder().build());
            }
            b.add(Activations.block(config.activation()));
        }
        int[][] sizes = levelSizes(config);
        int[] last = sizes[sizes.length - 1];
        int[] ch = config.channels();
        b.add(new Reshape((long) ch[ch.length - 1] * last[0] * last[1]));
        b.add(Linear.builder().setUnits(outputSize).build());
        return b;
    }

    @Override
    public Block decoder(ModelConfig config, Block encoder) {
        int[] ch = config.channels();
        int[][] sizes = levelSizes(config);
        int levels = ch.length;
        int[] last = sizes[levels];
        SequentialBlock b = new SequentialBlock();
        b.add(Linear.builder().setUnits((long) ch[levels - 1] * last[0] * last[1]).build());
        b.add(new Reshape(ch[levels - 1], last[0], last[1]));
        for (int i = levels - 1; i >= 0; i--) {
            b.add(new Upsample2d(sizes[i][0], sizes[i][1]));
            int out = i > 0 ? ch[i - 1] : config.inputShape()[0];
            b.add(conv(out, 1));
            if (i > 0) {
                b.add(Activations.block(config.activation()));
            }
        }
        return b;
    }

    @Override
    public String describe(ModelConfig config) {
        int[][] sizes = levelSizes(config);
        StringBuilder s = new StringBuilder("Conv ");
        int[] in = config.inputShape();
        s.append(in[0]).append('x').append(in[1]).append('x').append(in[2]);
        for (int i = 0; i < config.channels().length; i++) {
            s.append(" -> ").append(config.channels()[i]).append('x').append(sizes[i + 1][0]).append('x').append(sizes[i + 1][1]);
        }
        s.append(" -> [").append(config.latent()).append("] -> mirror with nearest upsampling + conv3x3 (")
                .append(config.activation()).append(config.batchNorm() ? ", batch norm in the encoder" : "").append(')');
        return s.toString();
    }
}
