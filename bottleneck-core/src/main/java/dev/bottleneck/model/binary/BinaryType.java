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
     * @param balanceWeight weight of {@code sum_k (log 2 - H(mean_x p_k))}, nats: each bit on for
     *     half the data (0: off)
     * @param entropyWeight weight of {@code mean_x sum_k H(p_k(x))}, nats: certain bits (0: off)
     * @param vatWeight weight of the self-augmentation term {@code KL(q(b|x) || q(b|x + r_adv))}
     *     ({@link dev.bottleneck.latent.VirtualAdversarialTraining}; 0: off)
     * @param vatEpsilon the L2 norm of {@code r_adv} over a whole example, model scale; 0 for
     *     "auto", set from the training data when training starts ({@link
     *     dev.bottleneck.latent.VirtualAdversarialTraining#radiusFor})
     */
    public record Options(@JsonProperty("mode") String mode, @JsonProperty("balance_weight") double balanceWeight,
                          @JsonProperty("entropy_weight") double entropyWeight, @JsonProperty("vat_weight") double vatWeight,
                          @JsonProperty("vat_epsilon") double vatEpsilon) implements dev.bottleneck.model.SelfAugmentedOptions {
        /** Validates. */
        public Options {
            mode = BinaryLatent.Mode.parse(mode == null ? "stochastic" : mode).name().toLowerCase(java.util.Locale.ROOT);
            new BinaryLatent(1, null, balanceWeight, entropyWeight);
            dev.bottleneck.latent.VirtualAdversarialTraining.checkOptions(vatWeight, vatEpsilon);
        }

        /**
         * @param epsilon the virtual adversarial radius
         * @return these options with it
         */
        @Override
        public Options withVatEpsilon(double epsilon) {
            return new Options(mode, balanceWeight, entropyWeight, vatWeight, epsilon);
        }

        /**
         * Plain bits, no information terms.
         *
         * @param mode the training mode
         */
        public Options(String mode) {
            this(mode, 0, 0, 0, 1.0);
        }

        @Override
        public String describe(ModelConfig config) {
            return config.latent() + " bits, " + mode + " in training, straight-through gradient"
                    + (balanceWeight > 0 ? ", bit balance x " + balanceWeight : "")
                    + (entropyWeight > 0 ? ", conditional entropy x " + entropyWeight : "")
                    + (vatWeight > 0 ? ", virtual adversarial self-augmentation x " + vatWeight + " (epsilon " + (vatEpsilon == 0 ? "auto" : vatEpsilon) + ")" : "");
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
        List<CliOption> own = List.of(new CliOption("--binary-mode", "MODE",
                "binary: stochastic (Bernoulli samples in training, the default) or deterministic (threshold throughout)."),
                new CliOption("--balance-weight", "W", "binary: weight of sum over bits of log 2 - H(mean bit), which keeps each bit "
                        + "on for half the data (default 0)."));
        return java.util.stream.Stream.concat(own.stream(), DiscreteCodes.SELF_AUGMENTATION_OPTIONS.stream()).toList();
    }

    @Override
    public TypeOptions options(Map<String, String> given, String loss) {
        return new Options(given.get("--binary-mode"),
                given.containsKey("--balance-weight") ? DiscreteCodes.number("--balance-weight", given.get("--balance-weight")) : 0,
                given.containsKey("--entropy-weight") ? DiscreteCodes.number("--entropy-weight", given.get("--entropy-weight")) : 0,
                given.containsKey("--vat-weight") ? DiscreteCodes.number("--vat-weight", given.get("--vat-weight")) : 0,
                DiscreteCodes.vatEpsilon(given));
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
        Options o = c.options(Options.class);
        return new BinaryLatent(c.latent(), BinaryLatent.Mode.parse(o.mode()), o.balanceWeight(), o.entropyWeight());
    }

    @Override
    public TypeOptions exampleOptions(int latent) {
        return new Options("stochastic", 0.4, 0.1, 1.0, 1.0);
    }

    @Override
    public String describeCode(ModelConfig config) {
        return "binary, " + config.latent() + " bits";
    }
}
