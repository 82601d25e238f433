package dev.bottleneck.loss;

import dev.bottleneck.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The contractive penalty {@code lambda * mean_batch ||dh/dx||_F^2} of a contractive autoencoder
 * (Rifai, Vincent, Muller, Glorot and Bengio, "Contractive Auto-Encoders: Explicit Invariance
 * During Feature Extraction", ICML 2011). {@code h(x)} is the code {@code (K)}, {@code x} the
 * encoder input {@code (D)}; the term is per example, not per pixel.
 *
 * <ul>
 *   <li><b>Exact</b>, for a one-layer encoder {@code h = s(W x + b)} with an element-wise code
 *       activation {@code s} in {none, sigmoid, tanh, relu}: {@code ||J||_F^2 = sum_j s'(a_j)^2
 *       ||W_j||^2} (Rifai et al. 2011, eq. 4), with {@code s' = h(1-h)} for sigmoid, {@code 1-h^2}
 *       for tanh, {@code [a > 0]} for relu, 1 for none.
 *   <li><b>Stochastic</b>, for deeper encoders: {@code ||J||_F^2 = E_v ||J v||^2} for {@code v ~
 *       N(0, I_D)} (the Hutchinson identity {@code tr(J^T J) = E[v^T J^T J v]}), with {@code J v}
 *       by a central difference {@code (h(x + eps v) - h(x - eps v)) / (2 eps)}, {@code eps} =
 *       0.01, one random direction per example and step: an unbiased estimate up to O(eps^2),
 *       differentiable in the weights by ordinary back-propagation (two extra encoder passes).
 * </ul>
 */
public final class ContractivePenalty implements Penalty {

    /** Finite-difference step in model-scale input units. */
    public static final float EPS = 0.01f;

    private final double lambda;

    /**
     * @param lambda weight of the penalty, {@code >= 0}
     */
    public ContractivePenalty(double lambda) {
        this.lambda = lambda;
    }

    @Override
    public String name() {
        return "contractive";
    }

    @Override
    public String spec() {
        return "contractive:" + Penalty.fmt(lambda);
    }

    /** @return the weight lambda */
    public double lambda() {
        return lambda;
    }

    @Override
    public NDArray compute(Context c) {
        return Scalars.mul(frobeniusSquared(c).mean(), lambda);
    }

    /**
     * The squared Frobenius norm of the code's Jacobian for each example: exact when the encoder
     * has one layer and a supported activation, else the stochastic estimate.
     *
     * @param c the forward pass
     * @return {@code (N)}
     */
    public static NDArray frobeniusSquared(Context c) {
        NDArray d = exactFactor(c);
        if (d != null && c.firstWeight() != null) {
            NDArray rowNorms = c.firstWeight().square().sum(new int[] {1}); // (K)
            return d.square().mul(rowNorms).sum(new int[] {1});
        }
        return stochastic(c);
    }

    /**
     * @param c the forward pass
     * @return {@code s'(a)} {@code (N, K)} for a supported activation, or {@code null}
     */
    static NDArray exactFactor(Context c) {
        NDArray h = c.code();
        switch (c.codeActivation()) {
            case "none":
                return h.onesLike();
            case "sigmoid":
                return h.mul(h.neg().add(1f));
            case "tanh":
                return h.square().neg().add(1f);
            case "relu":
                return c.preActivation().gt(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            default:
                return null;
        }
    }

    /**
     * The stochastic estimate {@code ||J v||^2}, one Gaussian direction per example.
     *
     * @param c the forward pass
     * @return {@code (N)}
     */
    public static NDArray stochastic(Context c) {
        NDArray x = c.input();
        Shape s = x.getShape();
        NDArray v = x.getManager().randomNormal(s).mul(EPS);
        NDArray plus = c.encoder().apply(x.add(v));
        NDArray minus = c.encoder().apply(x.sub(v));
        NDArray jv = Scalars.div(plus.sub(minus), 2 * EPS);
        return jv.square().sum(new int[] {1});
    }

    @Override
    public String toString() {
        return spec();
    }
}
