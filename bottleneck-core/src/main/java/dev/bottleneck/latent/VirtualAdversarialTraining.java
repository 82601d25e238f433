package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.nn.Scalars;

import java.util.function.UnaryOperator;

/**
 * Self-augmented training with virtual adversarial perturbations: the code distribution of an
 * input should not change when the input moves by {@code epsilon} in the direction that changes it
 * most (Miyato, Maeda, Koyama and Ishii, "Virtual Adversarial Training", IEEE TPAMI 2018; used for
 * discrete codes by Hu et al., "Learning Discrete Representations via Information Maximizing
 * Self-Augmented Training" (IMSAT), ICML 2017, section 3.2).
 *
 * <p>For a batch {@code x (N, ...)} with encoder output {@code h = f(x)}: draw {@code d ~ N(0, I)}
 * per example, scaled to unit L2 norm; one power iteration gives the direction {@code r = g /
 * ||g||}, {@code g = grad_d KL(q(.|sg(h)) || q(.|f(x + xi d)))}; the term is {@code weight *
 * KL(q(.|sg(h)) || q(.|f(x + epsilon r)))}, with {@code r} held fixed. The inner gradient is one
 * extra backward pass of the encoder, taken inside the caller's gradient recording; it also lands
 * on the weights, so the caller clears their gradients before its own backward pass.
 *
 * <p>Units: {@code epsilon} and {@code xi} are L2 norms in model scale over a whole example (for
 * 28x28 images in [0, 1], IMSAT's data-dependent radius averages about 1.3 on MNIST); the term is
 * in nats per example. Without gradient recording (evaluation) there is no term.
 */
public final class VirtualAdversarialTraining {

    /** The L2 norm of the power iteration's probe that IMSAT's code uses. */
    public static final double XI = 10;

    /** IMSAT's radius: this fraction of the distance to the 10th nearest neighbour. */
    public static final double RADIUS_FRACTION = 0.25;

    /**
     * IMSAT's radius for a data set: {@link #RADIUS_FRACTION} times the mean distance from an
     * example to its 10th nearest neighbour (over 2,000 sampled examples; IMSAT uses each
     * example's own distance).
     *
     * @param train the training inputs {@code (N, ...)}, model scale
     * @param seed seeds the sample
     * @return the radius, model-scale L2 units
     */
    public static double radiusFor(NDArray train, long seed) {
        return RADIUS_FRACTION * dev.bottleneck.eval.NeighbourRadius.meanKthDistance(train, 10, 2000, seed);
    }

    /**
     * Checks the two options of the term as a model type stores them.
     *
     * @param weight {@code >= 0}
     * @param epsilon {@code > 0}, or 0 for "set from the training data" ({@link #radiusFor})
     * @throws InvalidInputException naming the option
     */
    public static void checkOptions(double weight, double epsilon) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new InvalidInputException("--vat-weight must be a finite number >= 0, got " + weight);
        }
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new InvalidInputException("--vat-epsilon must be a positive number or auto, got " + epsilon);
        }
    }

    private final double weight;
    private final double epsilon;
    private final double xi;

    /**
     * The term with IMSAT's probe norm {@link #XI}, or none.
     *
     * @param weight the weight, {@code >= 0}; 0 for none
     * @param epsilon the perturbation's L2 norm, {@code > 0} when {@code weight > 0}
     * @return the term, or {@code null} when {@code weight == 0}
     * @throws InvalidInputException if the weight is negative or not finite, or epsilon is not
     *     positive while the weight is (0, "auto", must have been bound to the training data)
     */
    public static VirtualAdversarialTraining ofWeight(double weight, double epsilon) {
        checkOptions(weight, epsilon);
        if (weight > 0 && epsilon == 0) {
            throw new InvalidInputException("--vat-epsilon auto is set from the training data when training starts; "
                    + "this model was built without it: give --vat-epsilon E");
        }
        return weight > 0 ? new VirtualAdversarialTraining(weight, epsilon, XI) : null;
    }

    /**
     * @param weight the term's weight, {@code > 0}
     * @param epsilon the perturbation's L2 norm, {@code > 0}
     * @param xi the L2 norm of the probe for the power iteration, {@code > 0} (IMSAT: 10)
     * @throws InvalidInputException if a value is not a positive finite number
     */
    public VirtualAdversarialTraining(double weight, double epsilon, double xi) {
        positive("--vat-weight", weight);
        positive("--vat-epsilon", epsilon);
        positive("--vat-xi", xi);
        this.weight = weight;
        this.epsilon = epsilon;
        this.xi = xi;
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new InvalidInputException(name + " must be a positive number, got " + v);
        }
    }

    /** @return the weight */
    public double weight() {
        return weight;
    }

    /** @return the perturbation's L2 norm */
    public double epsilon() {
        return epsilon;
    }

    /**
     * Whether the term can be computed now: only while the engine records gradients.
     *
     * @return {@code true} inside a gradient collector
     */
    public static boolean available() {
        return JniUtils.isGradMode();
    }

    /**
     * The weighted term for a batch.
     *
     * @param x the encoder's input {@code (N, ...)}, model scale
     * @param h the encoder output of {@code x}, {@code (N, E)}
     * @param encoder runs the encoder (training mode) on another batch of {@code x}'s shape
     * @param code the code distribution
     * @param clearGradients sets the weights' gradients to zero (called after the inner backward)
     * @return the scalar term, nats per example times the weight
     * @throws IllegalStateException outside gradient recording (see {@link #available()})
     */
    public NDArray loss(NDArray x, NDArray h, UnaryOperator<NDArray> encoder, CodeDistribution code, Runnable clearGradients) {
        if (!available()) {
            throw new IllegalStateException("virtual adversarial training needs gradient recording");
        }
        NDArray target = h.stopGradient();
        long n = x.getShape().get(0);
        Shape shape = x.getShape();
        NDArray d = unit(x.getManager().randomNormal(0f, 1f, shape, DataType.FLOAT32).toType(x.getDataType(), false), n, shape);
        d.setRequiresGradient(true);
        NDArray probe = code.divergence(target, encoder.apply(x.stopGradient().add(Scalars.mul(d, xi))));
        JniUtils.backward((PtNDArray) probe, (PtNDArray) probe.onesLike(), false, false);
        NDArray g = d.getGradient().stopGradient();
        clearGradients.run();
        // a zero gradient (the code does not move at all) gives r = 0: no perturbation
        NDArray norm = g.reshape(n, -1).norm(new int[] {1}, true);
        NDArray r = g.reshape(n, -1).div(norm.add(1e-12f)).reshape(shape);
        NDArray adversarial = x.stopGradient().add(Scalars.mul(r, epsilon));
        return Scalars.mul(code.divergence(target, encoder.apply(adversarial)), weight);
    }

    private static NDArray unit(NDArray v, long n, Shape shape) {
        NDArray flat = v.reshape(n, -1);
        return flat.div(flat.norm(new int[] {1}, true).add(1e-12f)).reshape(shape);
    }
}
