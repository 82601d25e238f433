package dev.bottleneck.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.bottleneck.BottleneckException;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Adam optimizer (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) with
 * state that can be saved and restored, so that {@code --resume} continues exactly where training
 * stopped. DJL's own {@code Adam} keeps its moments private; this class keeps them in a map keyed
 * by the model's stable parameter names and runs the update with the engine's fused native Adam
 * kernel (one native call per parameter, which also zeroes the gradient).
 *
 * <p>Update for step {@code t}: {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code w -= lr sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)}.
 */
public final class Adam implements AutoCloseable {

    private static final int FORMAT = 1;

    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final NDManager manager;
    private final Map<String, NDArray> means = new LinkedHashMap<>();
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private long step;

    /**
     * @param learningRate step size, {@code > 0}
     * @param parent the manager under which the moment estimates are kept (the model's)
     */
    public Adam(double learningRate, NDManager parent) {
        this(learningRate, 0.9, 0.999, 1e-8, parent);
    }

    /**
     * @param learningRate step size, {@code > 0}
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param epsilon added to the denominator, {@code > 0}
     * @param parent the manager under which the moment estimates are kept
     */
    public Adam(double learningRate, double beta1, double beta2, double epsilon, NDManager parent) {
        this.learningRate = (float) learningRate;
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        this.manager = parent.newSubManager();
    }

    /** @return updates applied so far */
    public long step() {
        return step;
    }

    /**
     * Applies one update to every parameter that has a gradient, then zeroes the gradients.
     *
     * @param parameters the model's parameters by stable name
     */
    public void update(Map<String, Parameter> parameters) {
        update(parameters, null);
    }

    /**
     * The global L2 norm of the gradient: every parameter's gradient as one vector.
     *
     * @param parameters the model's parameters by stable name
     * @return the norm (NaN or infinite when a gradient is); parameters without gradients are
     *     skipped
     */
    public static double gradientNorm(Map<String, Parameter> parameters) {
        NDArray total = null;
        for (Parameter p : parameters.values()) {
            if (!p.requiresGradient()) {
                continue;
            }
            try (NDArray g = p.getArray().getGradient()) {
                NDArray s = g.square().sum();
                if (total == null) {
                    total = s;
                } else {
                    NDArray t = total.add(s);
                    total.close();
                    s.close();
                    total = t;
                }
            }
        }
        if (total == null) {
            return 0;
        }
        try (NDArray sum = total) {
            return Math.sqrt(sum.getFloat());
        }
    }

    /**
     * Applies one update to every parameter that has a gradient, after scaling the whole gradient
     * down to {@code clipNorm} when its global L2 norm is larger (as PyTorch's
     * {@code clip_grad_norm_} followed by {@code Adam.step}), then zeroes the gradients.
     *
     * @param parameters the model's parameters by stable name
     * @param clipNorm the largest global gradient norm, or {@code null} for no clipping
     * @return the gradient's global norm before clipping, or NaN when {@code clipNorm} is null
     *     (the norm is not computed then)
     */
    public double update(Map<String, Parameter> parameters, Double clipNorm) {
        double norm = Double.NaN;
        float rescale = 1f;
        if (clipNorm != null) {
            norm = gradientNorm(parameters);
            if (norm > clipNorm) {
                rescale = (float) (clipNorm / norm);
            }
        }
        step++;
        double c1 = 1.0 - Math.pow(beta1, step);
        double c2 = 1.0 - Math.pow(beta2, step);
        float corrected = (float) (learningRate * Math.sqrt(c2) / c1);
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Parameter p = e.getValue();
            if (!p.requiresGradient()) {
                continue;
            }
            NDArray w = p.getArray();
            NDArray m = means.get(e.getKey());
            NDArray v = variances.get(e.getKey());
            if (m == null) {
                m = w.zerosLike();
                v = w.zerosLike();
                m.attach(manager);
                v.attach(manager);
                means.put(e.getKey(), m);
                variances.put(e.getKey(), v);
            }
            try (NDArray g = w.getGradient()) {
                w.getNDArrayInternal().adamUpdate(new NDList(w, g, m, v), new NDList(w), learningRate, corrected,
                        0f, rescale, Float.MAX_VALUE, beta1, beta2, epsilon, true, false);
            }
        }
        return norm;
    }

    /**
     * Writes the step count and the moment estimates.
     *
     * @param out the stream (not closed)
     * @throws IOException on a write error
     */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(FORMAT);
        out.writeLong(step);
        out.writeInt(means.size());
        for (String name : means.keySet()) {
            out.writeUTF(name);
            out.write(means.get(name).encode());
            out.write(variances.get(name).encode());
        }
        out.flush();
    }

    /**
     * Restores the state written by {@link #save}.
     *
     * @param in the stream (not closed)
     * @param parameters the model's parameters, to check names and shapes
     * @throws IOException on a read error or a truncated stream
     * @throws BottleneckException if the state does not match the parameters
     */
    public void load(DataInputStream in, Map<String, Parameter> parameters) throws IOException {
        int format = in.readInt();
        if (format != FORMAT) {
            throw new BottleneckException("optimizer state format " + format + " is not supported");
        }
        long s = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            NDArray m = manager.decode(in);
            NDArray v = manager.decode(in);
            Parameter p = parameters.get(name);
            if (p == null || !p.getArray().getShape().equals(m.getShape())) {
                throw new BottleneckException("optimizer state for '" + name + "' does not match the model");
            }
            means.put(name, m);
            variances.put(name, v);
        }
        step = s;
    }

    @Override
    public void close() {
        manager.close();
    }
}
