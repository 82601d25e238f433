package dev.bottleneck.codec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.latent.LatentOutput;
import dev.bottleneck.nn.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scalar quantization of a latent grid with a learned rate: the bottleneck of learned transform
 * coding (Ballé, Laparra and Simoncelli, "End-to-end optimized image compression", ICLR 2017;
 * Ballé et al. 2018, the factorized prior). In training the latents get additive uniform noise
 * {@code y + u}, {@code u ~ U(-1/2, 1/2)}, a differentiable stand-in for rounding whose density is
 * the bin mass the coder pays for; at evaluation and in {@link #code} they are rounded.
 *
 * <p>Shapes: encoder output {@code y (N, C, H', W')} (a grid, {@code --arch conv-grid}); code of
 * the same shape. Loss term {@code "rate_bpp"} {@code = rateWeight * bits / (N H W)}: the
 * information content of the batch's latents under the {@link FactorizedDensity}, in bits per
 * input pixel, weighted so that {@code MSE + rateWeight bpp} is CompressAI's {@code lambda 255^2
 * MSE + bpp} divided by {@code lambda 255^2} ({@code rateWeight = 1 / (lambda 255^2)}). Metric
 * {@code "bits_per_pixel"}, unweighted.
 */
public final class QuantizedLatent implements LatentLayer {

    private final FactorizedDensity density;
    private final double rateWeight;
    private final long pixels;
    private final int positions;

    /**
     * @param channels {@code C}, the latent grid's channels
     * @param pixels {@code H W}, pixels per input image (the rate's denominator)
     * @param rateWeight the rate's weight against the per-value MSE, {@code > 0}
     * @throws InvalidInputException if a value is out of range
     */
    public QuantizedLatent(int channels, long pixels, double rateWeight) {
        this(channels, 0, pixels, rateWeight);
    }

    /**
     * @param channels {@code C}, the latent grid's channels
     * @param positions {@code 0} for one density per channel (shared by all positions, any grid
     *     size), or {@code H' W'} of the training grid for one density per channel and position
     *     ({@code C H' W'} densities; only grids of that size)
     * @param pixels {@code H W}, pixels per input image (the rate's denominator)
     * @param rateWeight the rate's weight against the per-value MSE, {@code > 0}
     * @throws InvalidInputException if a value is out of range
     */
    public QuantizedLatent(int channels, int positions, long pixels, double rateWeight) {
        if (pixels < 1) {
            throw new InvalidInputException("an image needs at least 1 pixel, got " + pixels);
        }
        if (!(rateWeight > 0) || Double.isInfinite(rateWeight)) {
            throw new InvalidInputException("the rate weight must be a positive number, got " + rateWeight);
        }
        if (positions < 0) {
            throw new InvalidInputException("positions must be 0 (per channel) or the grid's size, got " + positions);
        }
        this.positions = positions;
        this.density = new FactorizedDensity(positions == 0 ? channels : channels * positions);
        this.pixels = pixels;
        this.rateWeight = rateWeight;
    }

    /** @return the entropy model */
    public FactorizedDensity density() {
        return density;
    }

    /**
     * @return whether each latent of the training grid has its own density ({@code false}: one
     *     per channel)
     */
    public boolean perPosition() {
        return positions > 0;
    }

    /**
     * The density table that codes each latent of a grid, in row-major {@code (C, H', W')} order.
     *
     * @param index the latent's index in the grid
     * @param cells {@code H' W'}
     * @return the density's channel: {@code index} per position, {@code index / cells} per channel
     */
    public int tableOf(int index, int cells) {
        return positions > 0 ? index : index / cells;
    }

    @Override
    public String name() {
        return "quantized";
    }

    @Override
    public int encoderOutputSize(int latent) {
        return latent;
    }

    @Override
    public boolean readsGrids() {
        return true;
    }

    @Override
    public Block parameterBlock() {
        return density;
    }

    /**
     * The information content of latents, bits per image.
     *
     * @param q quantized (or noisy) latents {@code (N, C, H', W')}
     * @param training whether gradients flow to the density
     * @return {@code (N)} bits
     */
    public NDArray bitsPerImage(NDArray q, boolean training) {
        ParameterStore ps = new ParameterStore(q.getManager(), false);
        NDArray in = positions > 0 ? q.reshape(q.getShape().get(0), -1, 1, 1) : q;
        NDArray bits = density.forward(ps, new NDList(in), training).singletonOrThrow();
        return bits.reshape(q.getShape().get(0), -1).sum(new int[] {1});
    }

    /**
     * @param h encoder output {@code (N, C, H', W')}
     * @param training noise (training) or rounding
     * @return the quantized code, the weighted rate term, the unweighted bits per pixel
     */
    @Override
    public LatentOutput forward(NDArray h, boolean training) {
        NDArray q;
        if (training) {
            NDArray u = h.getManager().randomUniform(-0.5f, 0.5f, h.getShape(), DataType.FLOAT32).toType(h.getDataType(), false);
            q = h.add(u);
        } else {
            q = h.round();
        }
        NDArray bpp = Scalars.div(bitsPerImage(q, training).mean(), pixels);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("rate_bpp", Scalars.mul(bpp, rateWeight));
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("bits_per_pixel", bpp.stopGradient());
        return new LatentOutput(q, terms, metrics);
    }

    /**
     * @param h encoder output {@code (N, C, H', W')}
     * @return the rounded latents, the symbols a file holds
     */
    @Override
    public NDArray code(NDArray h) {
        return h.stopGradient().round();
    }
}
