package dev.bottleneck.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.bottleneck.nn.Activations;
import dev.bottleneck.nn.Reshape;
import dev.bottleneck.nn.TiedLinear;

import java.util.StringJoiner;

/**
 * Fully connected encoder and decoder (multi-layer perceptron).
 *
 * <p>Encoder: flatten {@code (N, ...) -> (N, D)}, then for each hidden width {@code h}: Linear(h)
 * and the hidden activation, then Linear(outputSize). Decoder: the mirror image, Linear layers
 * through the hidden widths in reverse, Linear(D), reshape to {@code (N, ...inputShape)}. With no
 * hidden layers and tanh activations this is the NYU Deep Learning course autoencoder
 * (784 -> 30 -> 784). With tied weights ({@code --tied}) each decoder layer uses the transpose of
 * the mirror encoder layer's weight ({@link TiedLinear}) and has its own bias; a linear tied
 * autoencoder trained with MSE spans the PCA subspace.
 */
public final class MlpArchitecture implements Architecture {

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public void validate(int[] inputShape, int[] channels) {
        // any shape works: it is flattened
    }

    @Override
    public Block encoder(ModelConfig config, int outputSize) {
        SequentialBlock b = new SequentialBlock();
        b.add(new Reshape(config.inputSize()));
        for (int h : config.hidden()) {
            b.add(Linear.builder().setUnits(h).build());
            if (config.batchNorm()) {
                b.add(ai.djl.nn.norm.BatchNorm.builder().build());
            }
            b.add(Activations.block(config.activation()));
        }
        b.add(Linear.builder().setUnits(outputSize).build());
        return b;
    }

    @Override
    public Block decoder(ModelConfig config, Block encoder) {
        SequentialBlock b = new SequentialBlock();
        int[] hidden = config.hidden();
        if (config.tied()) {
            // decoder layer i uses the transpose of encoder layer (L-1-i); biases are its own
            java.util.List<Linear> layers = new java.util.ArrayList<>();
            for (ai.djl.util.Pair<String, ai.djl.nn.Block> c : encoder.getChildren()) {
                if (c.getValue() instanceof Linear) {
                    layers.add((Linear) c.getValue());
                }
            }
            for (int i = layers.size() - 1; i >= 0; i--) {
                long units = i == 0 ? config.inputSize() : hidden[i - 1];
                b.add(new TiedLinear(layers.get(i), units));
                if (i > 0) {
                    b.add(Activations.block(config.activation()));
                }
            }
        } else {
            for (int i = hidden.length - 1; i >= 0; i--) {
                b.add(Linear.builder().setUnits(hidden[i]).build());
                b.add(Activations.block(config.activation()));
            }
            b.add(Linear.builder().setUnits(config.inputSize()).build());
        }
        long[] shape = new long[config.inputShape().length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = config.inputShape()[i];
        }
        b.add(new Reshape(shape));
        return b;
    }

    @Override
    public String describe(ModelConfig config) {
        StringJoiner j = new StringJoiner(" -> ");
        j.add(String.valueOf(config.inputSize()));
        for (int h : config.hidden()) {
            j.add(String.valueOf(h));
        }
        j.add("[" + config.latent() + "]");
        int[] hidden = config.hidden();
        for (int i = hidden.length - 1; i >= 0; i--) {
            j.add(String.valueOf(hidden[i]));
        }
        j.add(String.valueOf(config.inputSize()));
        return "MLP " + j + " (" + config.activation() + (config.tied() ? ", tied weights" : "") + (config.batchNorm() ? ", batch norm in the encoder" : "") + ")";
    }
}
