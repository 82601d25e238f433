package dev.bottleneck.model.vq;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.latent.vq.Distance;
import dev.bottleneck.latent.vq.VectorQuantizer;
import dev.bottleneck.latent.vq.VqConfig;
import dev.bottleneck.model.DiscreteCodes;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.DiscreteModelType;
import dev.bottleneck.model.TypeOptions;

import java.util.List;
import java.util.Map;

/**
 * {@code vq}: the VQ-VAE (van den Oord, Vinyals and Kavukcuoglu, "Neural Discrete Representation
 * Learning", NeurIPS 2017): the encoder's output, read as {@code M = K / D} vectors of dimension D,
 * is replaced by the nearest entries of a learned codebook of size N ({@link VectorQuantizer});
 * straight-through gradient, commitment loss beta; codebook by EMA (Razavi et al. 2019) or by
 * gradient; k-means initialisation from the first batch; dead codes reset to encoder outputs.
 */
public final class VqType implements DiscreteModelType {

    /**
     * The options of a vector quantizer.
     *
     * @param codebookSize entries N, {@code >= 1}
     * @param dim dimension D of each vector; the code size K is a multiple of it
     * @param beta commitment weight
     * @param ema codebook by exponential moving averages (else by gradient)
     * @param deadCodeReset reset unused entries to encoder outputs
     * @param kmeansInit initialise the codebook by k-means on the first batch(es)
     * @param distance {@code l2} or {@code cosine}
     */
    public record Options(@JsonProperty("codebook_size") int codebookSize, @JsonProperty("dim") int dim,
                          @JsonProperty("beta") double beta, @JsonProperty("ema") boolean ema,
                          @JsonProperty("dead_code_reset") boolean deadCodeReset, @JsonProperty("kmeans_init") boolean kmeansInit,
                          @JsonProperty("distance") String distance) implements TypeOptions {
        /** Validates. */
        public Options {
            if (codebookSize < 1) {
                throw new InvalidInputException("--codebook-size must be at least 1, got " + codebookSize);
            }
            if (dim < 1) {
                throw new InvalidInputException("--code-dim must be at least 1, got " + dim);
            }
            if (!(beta >= 0) || Double.isInfinite(beta)) {
                throw new InvalidInputException("--commitment must be a finite number >= 0, got " + beta);
            }
            distance = distance == null ? "l2" : distance.trim().toLowerCase(java.util.Locale.ROOT);
            if (!List.of("l2", "cosine").contains(distance)) {
                throw new InvalidInputException("unknown --distance '" + distance + "' (known: l2, cosine)");
            }
        }

        @Override
        public String describe(ModelConfig c) {
            return (c.latent() / dim) + " vector(s) of " + dim + " from a codebook of " + codebookSize + " (" + distance + "), commitment "
                    + beta + ", codebook by " + (ema ? "EMA" : "gradient") + (kmeansInit ? ", k-means init" : "")
                    + (deadCodeReset ? ", dead-code reset" : "");
        }
    }

    private static final Options DEFAULT = new Options(512, 16, 0.25, true, true, true, "l2");

    @Override
    public String name() {
        return "vq";
    }

    @Override
    public String description() {
        return "VQ-VAE: nearest codebook entries, straight-through, commitment loss (van den Oord et al. 2017)";
    }

    @Override
    public List<CliOption> cliOptions() {
        return List.of(
                new CliOption("--codebook-size", "N", "vq: codebook entries (default 512)."),
                new CliOption("--code-dim", "D", "vq: dimension of each codebook vector; --latent must be a multiple (default 16)."),
                new CliOption("--commitment", "B", "vq: commitment loss weight beta (default 0.25)."),
                new CliOption("--codebook", "ema|gradient", "vq: codebook learned by moving averages (default) or by gradient."),
                new CliOption("--dead-code-reset", "on|off", "vq: reset unused entries to encoder outputs (default on)."),
                new CliOption("--kmeans-init", "on|off", "vq: k-means initialisation from the first batch (default on)."),
                new CliOption("--distance", "l2|cosine", "vq: nearest entry by L2 (default) or cosine distance."));
    }

    @Override
    public TypeOptions options(Map<String, String> g, String loss) {
        String codebook = g.getOrDefault("--codebook", "ema").trim().toLowerCase(java.util.Locale.ROOT);
        if (!codebook.equals("ema") && !codebook.equals("gradient")) {
            throw new InvalidInputException("--codebook must be ema or gradient, got '" + g.get("--codebook") + "'");
        }
        return new Options(
                g.containsKey("--codebook-size") ? DiscreteCodes.integer("--codebook-size", g.get("--codebook-size")) : DEFAULT.codebookSize(),
                g.containsKey("--code-dim") ? DiscreteCodes.integer("--code-dim", g.get("--code-dim")) : DEFAULT.dim(),
                g.containsKey("--commitment") ? DiscreteCodes.number("--commitment", g.get("--commitment")) : DEFAULT.beta(),
                codebook.equals("ema"),
                g.containsKey("--dead-code-reset") ? DiscreteCodes.onOff("--dead-code-reset", g.get("--dead-code-reset")) : DEFAULT.deadCodeReset(),
                g.containsKey("--kmeans-init") ? DiscreteCodes.onOff("--kmeans-init", g.get("--kmeans-init")) : DEFAULT.kmeansInit(),
                g.getOrDefault("--distance", DEFAULT.distance()));
    }

    @Override
    public TypeOptions exampleOptions(int latent) {
        return new Options(8, latent % 2 == 0 ? 2 : 1, 0.25, true, true, true, "l2");
    }

    @Override
    public Class<? extends TypeOptions> optionsClass() {
        return Options.class;
    }

    @Override
    public TypeOptions validate(ModelConfig c) {
        Options o = optionsOrDefault(c, Options.class, DEFAULT);
        if (c.latent() % o.dim() != 0) {
            throw new InvalidInputException("--latent " + c.latent() + " must be a multiple of --code-dim " + o.dim()
                    + " (the code is latent / code-dim vectors of the codebook)");
        }
        int[] grid = dev.bottleneck.model.Architectures.get(c.arch()).codeGrid(c);
        if (grid != null && c.latent() != o.dim() * grid[0] * grid[1]) {
            throw new InvalidInputException("--arch " + c.arch() + " gives a " + grid[0] + "x" + grid[1] + " grid of --code-dim " + o.dim()
                    + " vectors: --latent must be " + o.dim() * grid[0] * grid[1] + ", got " + c.latent());
        }
        return o;
    }

    /**
     * @param c a validated config
     * @param seed seeds k-means and the dead-code picks
     * @return the quantizer's config
     */
    public static VqConfig quantizerConfig(ModelConfig c, long seed) {
        Options o = c.options(Options.class);
        VqConfig.Builder b = VqConfig.builder(o.codebookSize(), o.dim()).optBeta(o.beta())
                .optDistance(o.distance().equals("cosine") ? Distance.COSINE : Distance.L2).optSeed(seed);
        if (o.ema()) {
            b.optEma(VqConfig.Ema.standard());
        }
        if (o.deadCodeReset()) {
            b.optDeadCodeReset(VqConfig.DeadCodeReset.standard());
        }
        if (o.kmeansInit()) {
            b.optKMeansInit(new VqConfig.KMeansInit(10));
        }
        return b.build();
    }

    @Override
    public LatentLayer latent(ModelConfig c) {
        return new VectorQuantizer(quantizerConfig(c, 0));
    }

    @Override
    public String describeCode(ModelConfig c) {
        return "vector-quantized (" + c.options().describe(c) + ")";
    }
}
