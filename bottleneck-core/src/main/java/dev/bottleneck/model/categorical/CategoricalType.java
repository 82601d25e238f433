package dev.bottleneck.model.categorical;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.latent.categorical.CategoricalConfig;
import dev.bottleneck.latent.categorical.GumbelSoftmaxLatent;
import dev.bottleneck.latent.categorical.TemperatureSchedule;
import dev.bottleneck.model.DiscreteCodes;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.DiscreteModelType;
import dev.bottleneck.model.TypeOptions;

import java.util.List;
import java.util.Map;

/**
 * {@code categorical}: one-hot codes by the Gumbel-softmax (Jang, Gu and Poole, "Categorical
 * Reparameterization with Gumbel-Softmax", ICLR 2017; Maddison et al. 2017): G groups of C
 * categories, soft or hard (straight-through), an annealed temperature, optionally a continuous
 * "style" part beside the one-hot "class" (Dupont 2018, JointVAE). With one group of 10 the argmax
 * is an unsupervised class (the {@code cluster} verb of issue 10). The code size K must be
 * {@code G * C + style}.
 */
public final class CategoricalType implements DiscreteModelType {

    /**
     * The options of a categorical code.
     *
     * @param categories C, {@code >= 2}
     * @param hard straight-through one-hot samples (else soft samples)
     * @param temperature initial temperature, {@code > 0}
     * @param temperatureMin lowest temperature
     * @param annealRate {@code tau = max(min, tau0 exp(-rate * epoch))}
     * @param style continuous dimensions beside the one-hot part (0: none)
     * @param klWeight weight of {@code KL(q(y|x) || uniform)} per group, in nats, added to the
     *     per-value reconstruction loss (the categorical VAE of Jang et al. 2017 weighs it 1 against a
     *     per-image loss; here 0 and 1/784 let MNIST models collapse to one category, 0.01 keeps about
     *     7 of 10 in use)
     * @param usageWeight weight of {@code log C - H(batch-mean q(y|x))} per group, nats (see {@link
     *     CategoricalConfig}); measured on MNIST (1 group of 10, 12 epochs): 0.1 gives 58% clustering
     *     accuracy where 0 collapses to one category
     * @param entropyWeight weight of the conditional entropy {@code mean_x H(q(y|x))} per group,
     *     nats (IMSAT's confidence term); 0 leaves it out
     * @param vatWeight weight of the self-augmentation term {@code KL(q(y|x) || q(y|x + r_adv))}
     *     ({@link dev.bottleneck.latent.VirtualAdversarialTraining}); 0 leaves it out (it costs two
     *     more encoder passes and one more backward pass per step)
     * @param vatEpsilon the L2 norm of the virtual adversarial perturbation {@code r_adv}, model
     *     scale over a whole example; 0 for "auto", set from the training data when training starts
     *     ({@link dev.bottleneck.latent.VirtualAdversarialTraining#radiusFor})
     */
    public record Options(@JsonProperty("categories") int categories, @JsonProperty("hard") boolean hard,
                          @JsonProperty("temperature") double temperature, @JsonProperty("temperature_min") double temperatureMin,
                          @JsonProperty("anneal_rate") double annealRate, @JsonProperty("style") int style,
                          @JsonProperty("kl_weight") double klWeight, @JsonProperty("usage_weight") double usageWeight,
                          @JsonProperty("entropy_weight") double entropyWeight, @JsonProperty("vat_weight") double vatWeight,
                          @JsonProperty("vat_epsilon") double vatEpsilon)
            implements dev.bottleneck.model.SelfAugmentedOptions {
        /** Validates. */
        public Options {
            new TemperatureSchedule(temperature, temperatureMin, annealRate, TemperatureSchedule.Unit.EPOCH);
            if (categories < 2) {
                throw new InvalidInputException("--categories must be at least 2, got " + categories);
            }
            if (!(usageWeight >= 0) || Double.isInfinite(usageWeight)) {
                throw new InvalidInputException("--usage-weight must be a finite number >= 0, got " + usageWeight);
            }
            if (!(klWeight >= 0) || Double.isInfinite(klWeight)) {
                throw new InvalidInputException("--categorical-kl must be a finite number >= 0, got " + klWeight);
            }
            if (style < 0) {
                throw new InvalidInputException("--style must be >= 0, got " + style);
            }
            if (!(entropyWeight >= 0) || Double.isInfinite(entropyWeight)) {
                throw new InvalidInputException("--entropy-weight must be a finite number >= 0, got " + entropyWeight);
            }
            dev.bottleneck.latent.VirtualAdversarialTraining.checkOptions(vatWeight, vatEpsilon);
        }

        /**
         * @param epsilon the virtual adversarial radius
         * @return these options with it
         */
        @Override
        public Options withVatEpsilon(double epsilon) {
            return new Options(categories, hard, temperature, temperatureMin, annealRate, style, klWeight, usageWeight, entropyWeight,
                    vatWeight, epsilon);
        }

        @Override
        public String describe(ModelConfig c) {
            return ((c.latent() - style) / categories) + " group(s) of " + categories + " categories, " + (hard ? "hard" : "soft")
                    + " Gumbel-softmax, temperature " + temperature + " -> " + temperatureMin + " (rate " + annealRate + "/epoch)"
                    + (style > 0 ? ", " + style + " style dimensions" : "") + (klWeight > 0 ? ", KL to uniform x " + klWeight : "") + (usageWeight > 0 ? ", usage term x " + usageWeight : "")
                    + (entropyWeight > 0 ? ", conditional entropy x " + entropyWeight : "")
                    + (vatWeight > 0 ? ", virtual adversarial self-augmentation x " + vatWeight + " (epsilon " + (vatEpsilon == 0 ? "auto" : vatEpsilon) + ")" : "");
        }
    }


    private static final Options DEFAULT = new Options(10, true, 1.0, 0.5, 0.03, 0, 0, 0.1, 0, 0, 0);

    @Override
    public String name() {
        return "categorical";
    }

    @Override
    public String description() {
        return "one-hot code: Gumbel-softmax categories, annealed temperature (Jang et al. 2017)";
    }

    @Override
    public List<CliOption> cliOptions() {
        List<CliOption> own = List.of(
                new CliOption("--categories", "C", "categorical: categories per group (default 10); --latent = groups x C + --style."),
                new CliOption("--soft", "on|off", "categorical: soft samples in training instead of straight-through one-hot ones (default off)."),
                new CliOption("--temperature", "T", "categorical: initial Gumbel-softmax temperature (default 1)."),
                new CliOption("--temperature-min", "T", "categorical: lowest temperature (default 0.5)."),
                new CliOption("--anneal-rate", "R", "categorical: temperature = max(min, T exp(-R * epoch)) (default 0.03)."),
                new CliOption("--style", "D", "categorical: continuous style dimensions beside the one-hot class (default 0)."),
                new CliOption("--categorical-kl", "W",
                        "categorical: weight of KL(q(y|x) || uniform) per group in nats, beside the per-pixel reconstruction loss (default 0)."),
                new CliOption("--usage-weight", "W", "categorical: weight of log C - H(batch-mean q(y|x)), which keeps every category "
                        + "in use (default 0.1; 0 lets MNIST models collapse onto one category)."));
        return java.util.stream.Stream.concat(own.stream(), DiscreteCodes.SELF_AUGMENTATION_OPTIONS.stream()).toList();
    }

    @Override
    public TypeOptions options(Map<String, String> g, String loss) {
        return new Options(
                g.containsKey("--categories") ? DiscreteCodes.integer("--categories", g.get("--categories")) : DEFAULT.categories(),
                !(g.containsKey("--soft") && DiscreteCodes.onOff("--soft", g.get("--soft"))),
                g.containsKey("--temperature") ? DiscreteCodes.number("--temperature", g.get("--temperature")) : DEFAULT.temperature(),
                g.containsKey("--temperature-min") ? DiscreteCodes.number("--temperature-min", g.get("--temperature-min"))
                        : Math.min(DEFAULT.temperatureMin(), g.containsKey("--temperature")
                                ? DiscreteCodes.number("--temperature", g.get("--temperature")) : DEFAULT.temperatureMin()),
                g.containsKey("--anneal-rate") ? DiscreteCodes.number("--anneal-rate", g.get("--anneal-rate")) : DEFAULT.annealRate(),
                g.containsKey("--style") ? DiscreteCodes.integer("--style", g.get("--style")) : DEFAULT.style(),
                g.containsKey("--categorical-kl") ? DiscreteCodes.number("--categorical-kl", g.get("--categorical-kl")) : DEFAULT.klWeight(),
                g.containsKey("--usage-weight") ? DiscreteCodes.number("--usage-weight", g.get("--usage-weight")) : DEFAULT.usageWeight(),
                g.containsKey("--entropy-weight") ? DiscreteCodes.number("--entropy-weight", g.get("--entropy-weight")) : DEFAULT.entropyWeight(),
                g.containsKey("--vat-weight") ? DiscreteCodes.number("--vat-weight", g.get("--vat-weight")) : DEFAULT.vatWeight(),
                DiscreteCodes.vatEpsilon(g));
    }

    @Override
    public TypeOptions exampleOptions(int latent) {
        return new Options(latent % 3 == 0 ? 3 : latent, true, 1.0, 0.5, 0.03, 0, 0.01, 0.1, 0.1, 1.0, 1.0);
    }

    @Override
    public Class<? extends TypeOptions> optionsClass() {
        return Options.class;
    }

    @Override
    public TypeOptions validate(ModelConfig c) {
        Options o = optionsOrDefault(c, Options.class, DEFAULT);
        int cat = c.latent() - o.style();
        if (cat < o.categories() || cat % o.categories() != 0) {
            throw new InvalidInputException("--latent " + c.latent() + " must be groups x --categories " + o.categories()
                    + (o.style() > 0 ? " + --style " + o.style() : "") + " (e.g. --latent " + (o.categories() + o.style()) + ")");
        }
        if (!c.latentActivation().equals("none")) {
            throw new InvalidInputException("--model categorical makes its own code (one-hot); --latent-activation must be none");
        }
        return o;
    }

    private static CategoricalConfig config(ModelConfig c) {
        Options o = c.options(Options.class);
        return new CategoricalConfig((c.latent() - o.style()) / o.categories(), o.categories(), o.hard(),
                new TemperatureSchedule(o.temperature(), o.temperatureMin(), o.annealRate(), TemperatureSchedule.Unit.EPOCH),
                o.style() > 0 ? new CategoricalConfig.Continuous(o.style(), false) : null, o.klWeight(), o.usageWeight(), o.entropyWeight());
    }

    @Override
    public LatentLayer latent(ModelConfig c) {
        return new GumbelSoftmaxLatent(config(c));
    }

    @Override
    public String describeCode(ModelConfig c) {
        return "one-hot (" + c.options().describe(c) + ")";
    }
}
