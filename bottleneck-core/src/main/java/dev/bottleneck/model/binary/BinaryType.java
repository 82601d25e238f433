package dev.bottleneck.model.binary;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.latent.binary.BinaryLatent;
import dev.bottleneck.model.DiscreteCodes;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.DiscreteModelType;
import dev.bottleneck.model.TypeOptions;

import java.util.List;
import java.util.Map;

/**
 * {@code binary}: a code of K bits ({@link BinaryLatent}): sigmoid probabilities, a Bernoulli sample
 * with the straight-through gradient in training, the threshold 0.5 in evaluation (Bengio et al.,
 * "Estimating or Propagating Gradients Through Stochastic Neurons", 2013); each bit a yes/no
 * attribute, the codes a semantic hash (Salakhutdinov and Hinton 2009).
 */
public final class BinaryType implements DiscreteModelType {

    /**
     * The options of a binary code.
     *
     * @param mode {@code stochastic} (Bernoulli samples in training) or {@code deterministic}
     *     (the threshold throughout, straight-through)
     */
    public record Options(@JsonProperty("mode") String mode) implements TypeOptions {
        /** Validates. */
        public Options {
            mode = BinaryLatent.Mode.parse(mode == null ? "stochastic" : mode).name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String describe(ModelConfig config) {
            return config.latent() + " bits, " + mode + " in training, straight-through gradient";
        }
    }

    @Override
    public String name() {
        return "binary";
    }

    @Override
    public String description() {
        return "binary code: K bits, Bernoulli samples with a straight-through gradient";
    }

    @Override
    public List<CliOption> cliOptions() {
        return List.of(new CliOption("--binary-mode", "MODE",
                "binary: stochastic (Bernoulli samples in training, the default) or deterministic (threshold throughout)."));
    }

    @Override
    public TypeOptions options(Map<String, String> given, String loss) {
        return new Options(given.get("--binary-mode"));
    }

    @Override
    public Class<? extends TypeOptions> optionsClass() {
        return Options.class;
    }

    @Override
    public TypeOptions validate(ModelConfig c) {
        Options o = optionsOrDefault(c, Options.class, new Options("stochastic"));
        if (!c.latentActivation().equals("none")) {
            throw new InvalidInputException("--model binary makes its own code (sigmoid, then bits); --latent-activation must be none");
        }
        return o;
    }

    @Override
    public LatentLayer latent(ModelConfig c) {
        return new BinaryLatent(c.latent(), BinaryLatent.Mode.parse(c.options(Options.class).mode()));
    }

    @Override
    public String describeCode(ModelConfig config) {
        return "binary, " + config.latent() + " bits";
    }
}
