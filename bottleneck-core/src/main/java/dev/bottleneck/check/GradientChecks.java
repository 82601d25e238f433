package dev.bottleneck.check;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.loss.ReconstructionLoss;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelTypes;
import dev.bottleneck.model.vae.VaeConfig;
import dev.bottleneck.nn.Activations;
import dev.bottleneck.nn.Conv2d;
import dev.bottleneck.nn.TiedLinear;
import dev.bottleneck.nn.Upsample2d;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The catalogue of gradient checks ({@link GradientCheck}, float32 against float64) that the test
 * suite runs in full and {@code bottleneck doctor} runs in part: every building block the models
 * use, every reconstruction loss, and every registered model type end to end on every
 * architecture and loss. A model type registered in {@link ModelTypes} is checked without a
 * new test: {@link #models()} enumerates the registry.
 */
public final class GradientChecks {

    private GradientChecks() {}

    /**
     * One named check, run on demand.
     *
     * @param group {@code block}, {@code loss} or {@code model}
     * @param name what is checked, e.g. {@code "conv 1<-16, 28x28, stride 1"}
     * @param run computes the report (creates and frees its own native memory)
     */
    public record Case(String group, String name, Supplier<GradientCheck.Report> run) {}

    /**
     * The convolutions of the decoders and encoders, with the output-channel counts where
     * oneDNN's AVX-512 kernels have been seen to fail (1, 3) and one where they are right (16),
     * at stride 1 and 2, in the layers' real sizes (the quickstart's last layer is {@code 1 <- 16}
     * on 28x28).
     *
     * @return the convolution checks
     */
    public static List<Case> convolutions() {
        return convolutions(1);
    }

    /**
     * {@link #convolutions()} with several random draws each: the fault seen on AVX-512 machines
     * hit 7 to 20 of 20 random trials, so the test suite repeats each shape.
     *
     * @param trials draws per shape and stride, {@code >= 1}
     * @return the convolution checks
     */
    public static List<Case> convolutions(int trials) {
        List<Case> cases = new ArrayList<>();
        int[][] shapes = { // out, in, size, batch
            {1, 16, 28, 16}, {3, 32, 16, 16}, {16, 8, 14, 16}, {4, 16, 12, 16},
        };
        for (int[] s : shapes) {
            for (int stride : new int[] {1, 2}) {
                for (int t = 0; t < trials; t++) {
                    String name = String.format("conv %d<-%d, %dx%d, stride %d", s[0], s[1], s[2], s[2], stride)
                            + (trials > 1 ? " #" + (t + 1) : "");
                    long seed = 11 + 100L * t;
                    cases.add(new Case("block", name, () -> GradientCheck.checkBlock(name, () -> Conv2d.of(s[0], 3, stride, 1),
                            new Shape(s[3], s[1], s[2], s[2]), true, seed)));
                }
            }
        }
        return cases;
    }

    /**
     * Every block: convolutions ({@link #convolutions()}), nearest upsampling, linear, tied linear
     * and each activation.
     *
     * @return the block checks
     */
    public static List<Case> blocks() {
        List<Case> cases = new ArrayList<>(convolutions());
        cases.add(new Case("block", "upsample 7x7 -> 14x14", () -> GradientCheck.checkBlock("upsample 7x7 -> 14x14",
                () -> new Upsample2d(14, 14), new Shape(8, 32, 7, 7), true, 12)));
        cases.add(new Case("block", "upsample 14x14 -> 28x28", () -> GradientCheck.checkBlock("upsample 14x14 -> 28x28",
                () -> new Upsample2d(28, 28), new Shape(8, 16, 14, 14), true, 13)));
        cases.add(new Case("block", "factorized density, 4 channels", () -> GradientCheck.checkBlock("factorized density, 4 channels",
                () -> new dev.bottleneck.codec.FactorizedDensity(4), new Shape(8, 4, 3, 3), true, 15)));
        cases.add(new Case("block", "linear 784 -> 64", () -> GradientCheck.checkBlock("linear 784 -> 64",
                () -> Linear.builder().setUnits(64).build(), new Shape(32, 784), true, 14)));
        cases.add(new Case("block", "tied linear 64 -> 16 -> 64", () -> GradientCheck.checkBlock("tied linear 64 -> 16 -> 64", () -> {
            Linear enc = Linear.builder().setUnits(16).build();
            SequentialBlock b = new SequentialBlock();
            b.add(enc);
            b.add(Activations.block("tanh"));
            b.add(new TiedLinear(enc, 64));
            return b;
        }, new Shape(32, 64), true, 15)));
        for (String a : Activations.NAMES) {
            if (Activations.block(a) == null) {
                continue; // "none": no block
            }
            String name = "activation " + a;
            cases.add(new Case("block", name, () -> GradientCheck.checkBlock(name, () -> Activations.block(a), new Shape(32, 64), true, 16)));
        }
        return cases;
    }

    /**
     * Each reconstruction loss with each output activation it accepts, as a function of the
     * decoder output.
     *
     * @return the loss checks
     */
    public static List<Case> losses() {
        List<Case> cases = new ArrayList<>();
        for (String loss : ModelConfig.LOSSES) {
            for (String output : ModelConfig.OUTPUTS) {
                if (loss.equals("bce") && !output.equals("sigmoid")) {
                    continue; // BCE works on logits: sigmoid output only
                }
                String name = "loss " + loss + " (" + output + " output)";
                cases.add(new Case("loss", name, () -> {
                    try (NDManager m = NDManager.newBaseManager()) {
                        Engine.getInstance().setRandomSeed(17);
                        NDArray out = m.randomNormal(new Shape(16, 64));
                        NDArray target = m.randomUniform(output.equals("tanh") ? -1f : 0f, 1f, new Shape(16, 64));
                        ReconstructionLoss rl = new ReconstructionLoss(loss, output);
                        return GradientCheck.checkFunction(name, new NDList(out, target), List.of("decoder output", "target"),
                                in -> rl.mean(in.get(0), in.get(1)), 17);
                    }
                }));
            }
        }
        return cases;
    }

    /**
     * Every registered model type on each architecture and loss, plus the variants whose loss
     * terms differ: tied weights, the contractive penalty's exact (one-layer) and stochastic
     * (deeper) forms, the L1 sparsity penalty, and the VAE's importance-weighted bound, Gaussian
     * decoder with learned sigma, free bits and beta.
     *
     * @return the model checks
     */
    public static List<Case> models() {
        List<Case> cases = new ArrayList<>();
        for (java.util.Map.Entry<String, ModelConfig.Builder> e : modelConfigs().entrySet()) {
            cases.add(model(e.getKey(), e.getValue()));
        }
        return cases;
    }

    /**
     * The model configurations of {@link #models()} by name: every registered type on each
     * architecture and loss, plus the variants whose loss terms differ. Also used to check that
     * training steps leave nothing behind in a model's memory.
     *
     * @return builders by check name, in a stable order
     */
    public static java.util.Map<String, ModelConfig.Builder> modelConfigs() {
        java.util.Map<String, ModelConfig.Builder> m = new java.util.LinkedHashMap<>();
        for (String type : ModelTypes.names()) {
            List<String> archs = ModelTypes.get(type).architectures();
            for (String arch : archs == null ? List.of("mlp", "conv") : archs) {
                for (String loss : ModelConfig.LOSSES) {
                    ModelConfig.Builder b = base(type, arch).loss(loss).options(ModelTypes.get(type).exampleOptions(6));
                    try {
                        b.build();
                    } catch (InvalidInputException e) {
                        if (archs != null) {
                            continue; // a type for one architecture may also fix the loss (a codec: MSE)
                        }
                        throw e;
                    }
                    m.put(type + " " + arch + " " + loss, b);
                }
            }
        }
        // the quickstart model itself: its last layer is the conv 1 <- 16 on 28x28 of issue 9
        m.put("quickstart conv 1x28x28 16,32 bce", ModelConfig.builder().arch("conv").inputShape(1, 28, 28)
                .channels(16, 32).latent(16).loss("bce"));
        m.put("ae conv rgb 3x16x16 mse", ModelConfig.builder().arch("conv").inputShape(3, 16, 16)
                .channels(8, 16).latent(8).loss("mse"));
        m.put("ae mlp tied tanh", base("ae", "mlp").tied(true).activation("tanh").loss("mse"));
        // a grid of codes (--arch conv-grid): 1x12x12 -> 8x6x6 -> 16x3x3 -> 3x3 grid of vectors
        m.put("vq conv-grid mse", ModelConfig.builder().type("vq").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(18)
                .loss("mse").options(ModelTypes.get("vq").exampleOptions(6)));
        m.put("fsq conv-grid bce", ModelConfig.builder().type("fsq").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(27)
                .loss("bce").options(ModelTypes.get("fsq").exampleOptions(6)));
        m.put("codec conv-grid per-position density", ModelConfig.builder().type("codec").arch("conv-grid").inputShape(1, 12, 12)
                .channels(8, 16).latent(36).loss("mse").options(new dev.bottleneck.model.codec.CodecType.Options(0.01, "position")));
        m.put("categorical mlp batch norm", base("categorical", "mlp").batchNorm(true).loss("bce")
                .options(ModelTypes.get("categorical").exampleOptions(6)));
        m.put("binary conv batch norm", base("binary", "conv").batchNorm(true).loss("bce")
                .options(ModelTypes.get("binary").exampleOptions(6)));
        m.put("cae mlp one layer (exact penalty)", ModelConfig.builder().type("cae").arch("mlp").inputShape(36)
                .hidden().latent(8).loss("bce"));
        m.put("sparse mlp l1", base("sparse", "mlp").penalty("l1:0.01").loss("bce"));
        m.put("vae mlp iwae-3", base("vae", "mlp").loss("bce").vae(new VaeConfig(1, 0, 0, 3, "none", null, false)));
        m.put("vae mlp mse learned sigma", base("vae", "mlp").loss("mse").vae(new VaeConfig(1, 0, 0, 1, "none", null, true)));
        m.put("vae mlp free bits 0.5, beta 2", base("vae", "mlp").loss("bce").vae(new VaeConfig(2, 0, 0.5, 1, "none", null, false)));
        return m;
    }

    /**
     * A random batch for a model: uniform in the output's range, 8 images or 16 rows.
     *
     * @param config the model config
     * @param m the manager of the batch
     * @return {@code (N, ...inputShape)}
     */
    public static NDArray batch(ModelConfig config, NDManager m) {
        long[] shape = new long[config.inputShape().length + 1];
        shape[0] = config.arch().equals("conv") ? 8 : 16;
        for (int i = 0; i < config.inputShape().length; i++) {
            shape[i + 1] = config.inputShape()[i];
        }
        float lo = config.output().equals("tanh") ? -1f : 0f;
        return m.randomUniform(lo, 1f, new Shape(shape));
    }

    /** @return blocks (each convolution in 5 random draws), losses and models: the whole suite */
    public static List<Case> all() {
        List<Case> cases = new ArrayList<>(convolutions(5));
        cases.addAll(blocks().subList(convolutions().size(), blocks().size()));
        cases.addAll(losses());
        cases.addAll(models());
        return cases;
    }

    /**
     * A small model of a type and architecture: MLP 36 -> 24 -> [6], conv 1x12x12 -> 8x6x6 ->
     * 16x3x3 -> [6] (few-channel convolutions in both directions), or the same conv to a 3x3 grid of 2
     * channels (conv-grid), the type's defaults otherwise.
     */
    private static ModelConfig.Builder base(String type, String arch) {
        ModelConfig.Builder b = ModelConfig.builder().type(type).arch(arch).latent(6);
        if (arch.equals("conv-grid")) {
            return b.inputShape(1, 12, 12).channels(8, 16).latent(18); // a 3x3 grid of 2 channels
        }
        return arch.equals("conv") ? b.inputShape(1, 12, 12).channels(8, 16) : b.inputShape(36).hidden(24);
    }

    private static Case model(String name, ModelConfig.Builder builder) {
        return new Case("model", name, () -> {
            ModelConfig config;
            try {
                config = builder.build();
            } catch (InvalidInputException e) {
                throw new IllegalStateException("gradient check '" + name + "' has an invalid config: " + e.getMessage(), e);
            }
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(21);
                return GradientCheck.checkModel(name, config, batch(config, m), 21);
            }
        });
    }
}
