package dev.bottleneck.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.nn.Scalars;

/**
 * The decoder's distribution {@code p(x|z)} of a generative autoencoder, as a log-likelihood in
 * nats summed over an example's values:
 *
 * <ul>
 *   <li>Bernoulli ({@code --loss bce}): {@code log p(x|z) = sum_d x_d l_d - softplus(l_d)} with
 *       {@code l} the decoder's logits, for {@code x} in [0, 1] (a true likelihood for binary
 *       {@code x}; for grey levels it is the usual cross-entropy, not a normalised density).
 *   <li>Gaussian ({@code --loss mse}): {@code log p(x|z) = -sum_d (x_d - m_d)^2 / (2 sigma^2) -
 *       D log sigma - D log(2 pi) / 2} with {@code m} the activated decoder output (the model's
 *       output activation) and {@code sigma} fixed, or one shared value learned with the weights
 *       (stored as {@code log sigma}, initially 0; a "calibrated decoder", Rybkin et al. 2021).
 * </ul>
 *
 * <p>Shapes: the decoder output is flattened to {@code (..., D)} and the target to {@code (...,
 * D)}; leading dimensions broadcast (importance sampling passes {@code (S, N, D)} against {@code
 * (N, D)}). The result has the leading shape, e.g. {@code (S, N)}.
 *
 * <p>As a DJL block it holds the learned {@code log_sigma} parameter {@code (1)} when there is one,
 * so it saves, loads and trains with the rest of the model.
 */
public final class DecoderLikelihood extends AbstractBlock {

    private static final byte VERSION = 1;

    private final boolean bernoulli;
    private final double sigma;
    private final Parameter logSigma;
    private final ReconstructionLoss output;

    private DecoderLikelihood(boolean bernoulli, double sigma, boolean learned, ReconstructionLoss output) {
        super(VERSION);
        this.bernoulli = bernoulli;
        this.sigma = sigma;
        this.output = output;
        this.logSigma = learned
                ? addParameter(Parameter.builder().setName("log_sigma").setType(Parameter.Type.OTHER)
                        .optInitializer(Initializer.ZEROS).optShape(new Shape(1)).build())
                : null;
    }

    /**
     * The decoder distribution for a reconstruction loss.
     *
     * @param loss the model's reconstruction loss: {@code bce} gives a Bernoulli decoder, {@code
     *     mse} a Gaussian one
     * @param sigma the Gaussian's fixed standard deviation in model units ({@code > 0}); ignored
     *     for Bernoulli or when learned
     * @param learnSigma learn one shared standard deviation (Gaussian only)
     * @return the likelihood
     * @throws InvalidInputException if {@code sigma} is not positive for a fixed Gaussian
     */
    public static DecoderLikelihood of(ReconstructionLoss loss, double sigma, boolean learnSigma) {
        boolean b = loss.loss().equals("bce");
        if (!b && !learnSigma && !(sigma > 0)) {
            throw new InvalidInputException("--sigma must be positive, got " + sigma);
        }
        return new DecoderLikelihood(b, sigma, !b && learnSigma, loss);
    }

    /** @return whether this is the Bernoulli decoder */
    public boolean bernoulli() {
        return bernoulli;
    }

    /** @return whether it holds a learned parameter (then it must be part of the model's block) */
    public boolean hasParameters() {
        return logSigma != null;
    }

    /**
     * @param inputs {@code [decoderOutput (..., D), target (..., D)]}, leading dimensions
     *     broadcast
     * @return {@code [log p(x|z)]}, shape of the leading dimensions, nats
     */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray out = inputs.get(0);
        NDArray x = inputs.get(1);
        int last = out.getShape().dimension() - 1;
        if (bernoulli) {
            // x l - softplus(l) == x log sigmoid(l) + (1 - x) log(1 - sigmoid(l)), stable for large |l|
            return new NDList(out.mul(x).sub(Activation.softPlus(out)).sum(new int[] {last}));
        }
        long d = out.getShape().get(last);
        NDArray sq = output.reconstruct(out).sub(x).square().sum(new int[] {last});
        if (logSigma == null) {
            return new NDList(Scalars.mul(sq, -0.5 / (sigma * sigma)).sub((float) (d * (Math.log(sigma) + 0.5 * Math.log(2 * Math.PI)))));
        }
        NDArray ls = dev.bottleneck.nn.Weights.inBatch(ps.getValue(logSigma, out.getDevice(), training), out.getManager());
        NDArray invVar = Scalars.mul(ls, -2).exp();
        return new NDList(Scalars.mul(sq.mul(invVar), -0.5).sub(Scalars.mul(ls, d)).sub((float) (d * 0.5 * Math.log(2 * Math.PI))));
    }

    /**
     * @return the current learned standard deviation, or the fixed one, or {@code NaN} for a
     *     Bernoulli decoder
     */
    public double sigma() {
        if (bernoulli) {
            return Double.NaN;
        }
        return logSigma == null ? sigma : Math.exp(logSigma.getArray().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].slice(0, inputShapes[0].dimension() - 1)};
    }

    @Override
    public String toString() {
        return bernoulli ? "Bernoulli decoder" : logSigma != null ? "Gaussian decoder (learned sigma)" : "Gaussian decoder (sigma " + sigma + ")";
    }
}
