package dev.bottleneck.model.fsq;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.latent.fsq.FiniteScalarQuantizer;
import dev.bottleneck.latent.fsq.FsqConfig;
import dev.bottleneck.model.DiscreteCodes;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.DiscreteModelType;
import dev.bottleneck.model.TypeOptions;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code fsq}: finite scalar quantization (Mentzer, Minnen, Agustsson and Tschannen, "Finite
 * Scalar Quantization: VQ-VAE Made Simple", ICLR 2024): each of d dimensions is bounded and
 * rounded to one of L_i levels, an implicit codebook of prod L_i codes with no codebook loss
 * ({@link FiniteScalarQuantizer}); the code size K is a multiple of d.
 */
public final class FsqType implements DiscreteModelType {

    /**
     * The options of finite scalar quantization.
     *
     * @param levels the level counts L_i, e.g. {@code [8, 5, 5, 5]} (1,000 codes)
     * @param rangePenalty weight of {@code mean(h^2)} on the values before the bound (see {@link
     *     FiniteScalarQuantizer#FiniteScalarQuantizer(FsqConfig, double)}); 0 for the paper's plain FSQ
     */
    public record Options(@JsonProperty("levels") int[] levels, @JsonProperty("range_penalty") double rangePenalty) implements TypeOptions {
        /** Validates. */
        public Options {
            levels = FsqConfig.of(levels == null ? new int[0] : levels).levels();
            if (!(rangePenalty >= 0) || Double.isInfinite(rangePenalty)) {
                throw new InvalidInputException("--fsq-range-penalty must be a finite number >= 0, got " + rangePenalty);
            }
        }

        @Override
        public String describe(ModelConfig c) {
            return (c.latent() / levels.length) + " vector(s) with levels " + Arrays.toString(levels) + " ("
                    + FsqConfig.of(levels).codebookSize() + " codes each)" + (rangePenalty > 0 ? ", range penalty " + rangePenalty : "");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Options p && Arrays.equals(levels, p.levels) && rangePenalty == p.rangePenalty;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(levels) * 31 + Double.hashCode(rangePenalty);
        }
    }

    private static final Options DEFAULT = new Options(new int[] {8, 5, 5, 5}, 0.01);

    @Override
    public String name() {
        return "fsq";
    }

    @Override
    public String description() {
        return "finite scalar quantization: bounded, rounded dimensions, implicit codebook (Mentzer et al. 2023)";
    }

    @Override
    public List<CliOption> cliOptions() {
        return List.of(new CliOption("--levels", "L,L,...",
                "fsq: levels per dimension, e.g. 8,5,5,5 (1,000 codes, the default), 8,8,8 (512), 7,5,5,5,5 (4,375)."),
                new CliOption("--fsq-range-penalty", "L", "fsq: weight of mean(h^2) on the values before the bound, which keeps "
                        + "them out of tanh's flat tails (default 0.01; 0: the paper's plain FSQ, which collapses with MLP encoders here)."));
    }

    @Override
    public TypeOptions options(Map<String, String> g, String loss) {
        double penalty = g.containsKey("--fsq-range-penalty")
                ? DiscreteCodes.number("--fsq-range-penalty", g.get("--fsq-range-penalty")) : DEFAULT.rangePenalty();
        if (!g.containsKey("--levels")) {
            return new Options(DEFAULT.levels(), penalty);
        }
        String[] parts = g.get("--levels").split(",");
        int[] l = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            l[i] = DiscreteCodes.integer("--levels", parts[i]);
        }
        return new Options(l, penalty);
    }

    @Override
    public TypeOptions exampleOptions(int latent) {
        return new Options(latent % 3 == 0 ? new int[] {8, 5, 5} : new int[] {5}, 0.01);
    }

    @Override
    public Class<? extends TypeOptions> optionsClass() {
        return Options.class;
    }

    @Override
    public TypeOptions validate(ModelConfig c) {
        Options o = optionsOrDefault(c, Options.class, DEFAULT);
        if (c.latent() % o.levels().length != 0) {
            throw new InvalidInputException("--latent " + c.latent() + " must be a multiple of the " + o.levels().length
                    + " FSQ dimensions of --levels " + Arrays.toString(o.levels()));
        }
        if (!c.latentActivation().equals("none")) {
            throw new InvalidInputException("--model fsq bounds its own code; --latent-activation must be none");
        }
        int[] grid = dev.bottleneck.model.Architectures.get(c.arch()).codeGrid(c);
        int d = o.levels().length;
        if (grid != null && c.latent() != d * grid[0] * grid[1]) {
            throw new InvalidInputException("--arch " + c.arch() + " gives a " + grid[0] + "x" + grid[1] + " grid of " + d
                    + "-dimensional FSQ vectors (--levels " + Arrays.toString(o.levels()) + "): --latent must be " + d * grid[0] * grid[1]
                    + ", got " + c.latent());
        }
        return o;
    }

    @Override
    public LatentLayer latent(ModelConfig c) {
        Options o = c.options(Options.class);
        return new FiniteScalarQuantizer(FsqConfig.of(o.levels()), o.rangePenalty());
    }

    @Override
    public String describeCode(ModelConfig c) {
        return "finite scalar quantized (" + c.options().describe(c) + ")";
    }
}
