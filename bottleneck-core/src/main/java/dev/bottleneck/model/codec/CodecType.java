package dev.bottleneck.model.codec;

import com.fasterxml.jackson.annotation.JsonProperty;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.codec.QuantizedLatent;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.model.Architectures;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.Capabilities;
import dev.bottleneck.model.DiscreteCodes;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.ModelType;
import dev.bottleneck.model.TypeOptions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code codec}: learned transform coding with a factorized prior (Ballé et al., ICLR 2017 and
 * 2018; CompressAI's {@code bmshj2018-factorized}): a convolutional analysis transform to a latent
 * grid ({@code --arch conv-grid}), scalar quantization (uniform noise in training, rounding
 * after), a learned density per latent channel ({@link dev.bottleneck.codec.FactorizedDensity})
 * whose information content is the rate, and the loss {@code MSE + rate_bpp / (lambda 255^2)},
 * one model per {@code lambda}: larger lambdas spend more bits for less distortion. Issue 11
 * builds the file format and the {@code compress} verbs on it; this type trains and evaluates
 * the rate-distortion trade-off.
 */
public final class CodecType implements ModelType {

    /**
     * The options of a codec.
     *
     * @param lambda the rate-distortion trade-off of CompressAI's MSE models ({@code lambda 255^2
     *     MSE + bpp}, pixels in [0, 1]), {@code > 0}; CompressAI trains 0.0018 to 0.0932
     * @param density {@code "channel"} (one density per latent channel, shared by all positions:
     *     the model codes images of any size) or {@code "position"} (one density per channel and
     *     position of the training grid, as the KLT coder's one table per component: fewer bits on
     *     images of one size whose statistics depend on the position, such as centred digits; the
     *     model then codes only its training size); {@code null} reads as {@code "channel"}
     *     (model.json files written before the option)
     * @throws InvalidInputException if a value is out of range
     */
    public record Options(@JsonProperty("lambda") double lambda, @JsonProperty("density") String density) implements TypeOptions {
        /** Validates. */
        public Options {
            if (!(lambda > 0) || Double.isInfinite(lambda)) {
                throw new InvalidInputException("--codec-lambda must be a positive number, got " + lambda);
            }
            density = density == null ? "channel" : density;
            if (!DENSITIES.contains(density)) {
                throw new InvalidInputException("--codec-density must be channel or position, got " + density);
            }
        }

        /**
         * @param lambda as above, with the per-channel density
         */
        public Options(double lambda) {
            this(lambda, "channel");
        }

        /** @return whether each position of the grid has its own density */
        public boolean perPosition() {
            return density.equals("position");
        }

        @Override
        public String describe(ModelConfig c) {
            return "factorized prior per " + density + ", lambda " + lambda + " (loss = MSE + bpp / (lambda 255^2))";
        }
    }

    private static final List<String> DENSITIES = List.of("channel", "position");
    private static final Options DEFAULT = new Options(0.01);

    @Override
    public String name() {
        return "codec";
    }

    @Override
    public String description() {
        return "learned lossy codec: quantized latent grid, factorized prior, rate + distortion (Balle et al. 2018)";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.DETERMINISTIC;
    }

    @Override
    public List<String> architectures() {
        return List.of("conv-grid");
    }

    /**
     * 1.0, CompressAI's default ({@code --clip_max_norm} of its training example): the rate's
     * gradient {@code 1 / p} is huge for a latent in the density's far tail, and one such step
     * (a gradient norm of 7.5e8 against a mean of 0.13, seen on Fashion-MNIST) can wreck a codec.
     */
    @Override
    public Double defaultClipNorm() {
        return 1.0;
    }

    /**
     * @param fromScaling the scaling's activation
     * @return {@code none}: a linear output, as CompressAI's synthesis transforms (a sigmoid saturates
     *     at black before the latents carry information, and MSE then has no gradient)
     */
    @Override
    public String outputActivation(String fromScaling) {
        return "none";
    }

    /** @return {@code false}: a codec's size is its rate in bits, not its latent count */
    @Override
    public boolean pcaBaseline() {
        return false;
    }

    @Override
    public List<CliOption> cliOptions() {
        return List.of(new CliOption("--codec-lambda", "L", "codec: rate-distortion trade-off, loss = lambda 255^2 MSE + bpp as in "
                + "CompressAI (default 0.01; larger spends more bits for less distortion)."),
                new CliOption("--codec-density", "channel|position", "codec: one learned density per latent channel (default; codes "
                        + "images of any size) or per channel and grid position (fewer bits on one image size, e.g. MNIST; codes only that size)."));
    }

    @Override
    public TypeOptions options(Map<String, String> given, String loss) {
        return new Options(given.containsKey("--codec-lambda") ? DiscreteCodes.number("--codec-lambda", given.get("--codec-lambda"))
                : DEFAULT.lambda(), given.getOrDefault("--codec-density", "channel"));
    }

    @Override
    public TypeOptions exampleOptions(int latent) {
        return DEFAULT;
    }

    @Override
    public Class<? extends TypeOptions> optionsClass() {
        return Options.class;
    }

    @Override
    public TypeOptions validate(ModelConfig c) {
        Options o = optionsOrDefault(c, Options.class, DEFAULT);
        if (Architectures.get(c.arch()).codeGrid(c) == null) {
            throw new InvalidInputException("--model codec codes a grid of latents: use --arch conv-grid (got --arch " + c.arch() + ")");
        }
        if (!c.loss().equals("mse")) {
            throw new InvalidInputException("--model codec trades rate against MSE: use --loss mse (got --loss " + c.loss() + ")");
        }
        if (!c.latentActivation().equals("none")) {
            throw new InvalidInputException("--model codec quantizes the encoder output itself; --latent-activation must be none");
        }
        return o;
    }

    @Override
    public LatentLayer latent(ModelConfig c) {
        int[] grid = Architectures.get(c.arch()).codeGrid(c);
        int channels = c.latent() / (grid[0] * grid[1]);
        long pixels = (long) c.inputShape()[1] * c.inputShape()[2];
        Options o = c.options(Options.class);
        return new QuantizedLatent(channels, o.perPosition() ? grid[0] * grid[1] : 0, pixels, 1.0 / (o.lambda() * 255 * 255));
    }

    @Override
    public String describeCode(ModelConfig c) {
        int[] grid = Architectures.get(c.arch()).codeGrid(c);
        return "quantized grid " + c.latent() / (grid[0] * grid[1]) + "x" + grid[0] + "x" + grid[1] + " (" + c.options().describe(c) + ")";
    }

    /**
     * The model's rate on test data with rounding, the size the entropy coder will approach.
     *
     * @return {@code bits_per_pixel_estimate} (bits per input pixel) and {@code
     *     bits_per_image_estimate}
     */
    @Override
    public Map<String, Object> evaluationMetrics(Autoencoder model, NDArray test, String testName, long seed) {
        QuantizedLatent q = (QuantizedLatent) model.latent();
        long n = test.getShape().get(0);
        double bits = 0;
        for (long from = 0; from < n; from += 500) {
            long to = Math.min(n, from + 500);
            try (NDManager m = model.manager().newSubManager()) {
                NDArray x = test.get(new NDIndex().addSliceDim(from, to));
                NDArray y = model.encoderOutput(x, false);
                y.attach(m);
                bits += q.bitsPerImage(q.code(y), false).sum().getFloat();
            }
        }
        long pixels = (long) model.config().inputShape()[1] * model.config().inputShape()[2];
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bits_per_pixel_estimate", bits / n / pixels);
        out.put("bits_per_image_estimate", bits / n);
        return out;
    }
}
