package dev.bottleneck.check;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.nn.TorchDefaultInitializer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Checks float32 gradients against a float64 reference computed by the same engine on the same
 * machine: the same function, the same weights and inputs, the same random draws (the engine is
 * reseeded before each pass and every random draw in the library is made in float32, then
 * promoted), once in float32 and once in float64. A native kernel can be right on one CPU and
 * wrong on another (issue 9: oneDNN's AVX-512 {@code backward_data} for few output channels), so
 * this check runs in the test suite and in {@code bottleneck doctor} on whatever machine runs them.
 *
 * <p>The error of one gradient tensor is {@code max |g32 - g64| / max(max |g64|, floor)}: the
 * worst element relative to the tensor's largest reference value (a normwise relative error, as
 * LAPACK's tests use), where {@code floor = 1e-3 * } the largest reference value of the whole check
 * keeps an all-but-zero tensor from dividing by nothing. A non-finite float32 gradient always
 * fails.
 *
 * <p>Tolerance {@link #TOLERANCE} = {@code 1e-3}: float32 rounds to {@code 2^-24 ~ 6e-8}
 * relative; the sums inside a convolution or matrix product of length {@code n} add at most about
 * {@code sqrt(n) * 6e-8} relative error in practice (Higham, "Accuracy and Stability of Numerical
 * Algorithms", 2002, ch. 3), i.e. {@code 2e-6} for the 1,568-long sums of our layers, and chains
 * of layers multiply that by a small factor. Measured here: the worst error over every check of
 * the suite is reported in {@code docs/benchmarks.md} (issue 9), orders of magnitude below the
 * tolerance. The faults this guards against give errors of order 1 or NaN: three orders of
 * magnitude above it.
 */
public final class GradientCheck {

    /** The largest relative error a float32 gradient may have (see the class comment). */
    public static final double TOLERANCE = 1e-3;

    private GradientCheck() {}

    /**
     * One compared gradient tensor.
     *
     * @param check the check's name, e.g. {@code "conv 1<-16 stride 1"}
     * @param tensor the tensor's name, e.g. {@code "input"} or {@code "decoder_05Conv2d_weight"}
     * @param maxAbsError {@code max |g32 - g64|}
     * @param scale the denominator: {@code max(max |g64|, floor)}
     * @param finite whether every float32 gradient element is finite
     * @param tolerance the tolerance on {@code maxAbsError / scale}
     */
    public record Result(String check, String tensor, double maxAbsError, double scale, boolean finite, double tolerance) {

        /** @return {@code maxAbsError / scale}, or infinity if a gradient was not finite */
        public double relativeError() {
            if (!finite || Double.isNaN(maxAbsError)) {
                return Double.POSITIVE_INFINITY;
            }
            return scale > 0 ? maxAbsError / scale : maxAbsError == 0 ? 0 : Double.POSITIVE_INFINITY;
        }

        /** @return whether the float32 gradient is finite and within the tolerance */
        public boolean passed() {
            return relativeError() <= tolerance;
        }

        @Override
        public String toString() {
            return check + " / " + tensor + ": relative error " + String.format("%.3g", relativeError())
                    + (finite ? "" : " (not finite)") + (passed() ? " ok" : " > " + tolerance + " WRONG");
        }
    }

    /**
     * All the gradients of one check.
     *
     * @param check the check's name
     * @param results one per gradient tensor
     */
    public record Report(String check, List<Result> results) {

        /** @return whether every tensor passed */
        public boolean passed() {
            return results.stream().allMatch(Result::passed);
        }

        /** @return the largest relative error over the tensors (infinity if one was not finite) */
        public double worstError() {
            return results.stream().mapToDouble(Result::relativeError).max().orElse(0);
        }

        /** @return the failing tensors, or an empty list */
        public List<Result> failures() {
            return results.stream().filter(r -> !r.passed()).toList();
        }

        @Override
        public String toString() {
            return check + ": worst relative error " + String.format("%.3g", worstError()) + (passed() ? " ok" : " WRONG " + failures());
        }
    }

    /** A scalar loss of some arrays, written with engine ops so that autograd can differentiate it. */
    @FunctionalInterface
    public interface Loss {
        /**
         * @param inputs the arrays, all of one floating-point type (float32 or float64)
         * @return a scalar
         */
        NDArray apply(NDList inputs);
    }

    /**
     * Checks the gradient of a scalar function with respect to each of its inputs.
     *
     * @param check a name for the report
     * @param inputs float32 arrays (not modified); each is converted to float32 and float64 copies
     *     that require gradients
     * @param names one name per input
     * @param loss the function
     * @param seed reseeds the engine before each pass, so both passes draw the same numbers
     * @return the report
     */
    public static Report checkFunction(String check, NDList inputs, List<String> names, Loss loss, long seed) {
        NDManager parent = inputs.head().getManager();
        List<List<NDArray>> grads = new ArrayList<>();
        try (NDManager keep = parent.newSubManager()) {
            for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
                try (NDManager m = parent.newSubManager()) {
                    NDList xs = new NDList();
                    for (NDArray a : inputs) {
                        NDArray c = a.toType(type, true);
                        c.attach(m);
                        c.setRequiresGradient(true);
                        xs.add(c);
                    }
                    Engine.getInstance().setRandomSeed((int) seed);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(loss.apply(xs));
                    }
                    List<NDArray> g = new ArrayList<>();
                    for (NDArray c : xs) {
                        NDArray d = c.getGradient().toType(DataType.FLOAT64, true);
                        d.attach(keep);
                        g.add(d);
                    }
                    grads.add(g);
                }
            }
            return compareAll(check, names, grads.get(0), grads.get(1));
        }
    }

    /**
     * Checks a block: the gradients of {@code sum(block(x) * r)} (r a fixed random array, the
     * "upstream gradient") with respect to the input {@code x} and every parameter, for two
     * instances of the block with the same weights in float32 and float64.
     *
     * @param check a name for the report
     * @param factory makes a new, uninitialised block (called twice)
     * @param inputShape the input shape, batch included, e.g. {@code (16, 16, 28, 28)}
     * @param training the {@code training} flag passed to the block
     * @param seed seeds the weights, the input and the upstream gradient
     * @return the report
     */
    public static Report checkBlock(String check, Supplier<Block> factory, Shape inputShape, boolean training, long seed) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            Block b32 = factory.get();
            b32.setInitializer(new TorchDefaultInitializer(), Parameter.Type.WEIGHT);
            b32.initialize(m, DataType.FLOAT32, inputShape);
            Block b64 = factory.get();
            b64.setInitializer(new TorchDefaultInitializer(), Parameter.Type.WEIGHT);
            b64.initialize(m, DataType.FLOAT64, inputShape);
            ai.djl.nn.ParameterList p32 = b32.getParameters();
            ai.djl.nn.ParameterList p64 = b64.getParameters();
            for (int i = 0; i < p32.size(); i++) {
                p64.get(i).getValue().getArray().set(p32.get(i).getValue().getArray().toType(DataType.FLOAT64, false).toDoubleArray());
            }
            NDArray x = m.randomNormal(inputShape);
            Shape outShape = b32.getOutputShapes(new Shape[] {inputShape})[0];
            NDArray r = m.randomNormal(outShape);
            List<String> names = new ArrayList<>();
            names.add("input");
            for (Pair<String, Parameter> p : p32) {
                names.add(p.getKey());
            }
            List<List<NDArray>> grads = new ArrayList<>();
            Block[] blocks = {b32, b64};
            DataType[] types = {DataType.FLOAT32, DataType.FLOAT64};
            for (int k = 0; k < 2; k++) {
                try (NDManager pass = m.newSubManager()) {
                    NDArray xk = x.toType(types[k], true);
                    xk.attach(pass);
                    xk.setRequiresGradient(true);
                    ParameterStore ps = new ParameterStore(pass, false);
                    Engine.getInstance().setRandomSeed((int) seed + 1);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = blocks[k].forward(ps, new NDList(xk), training).singletonOrThrow();
                        gc.backward(y.mul(r.toType(types[k], false)).sum());
                    }
                    List<NDArray> g = new ArrayList<>();
                    g.add(xk.getGradient().toType(DataType.FLOAT64, true));
                    for (Pair<String, Parameter> p : blocks[k].getParameters()) {
                        g.add(p.getValue().getArray().getGradient().toType(DataType.FLOAT64, true));
                    }
                    for (NDArray a : g) {
                        a.attach(m);
                    }
                    grads.add(g);
                }
            }
            return compareAll(check, names, grads.get(0), grads.get(1));
        }
    }

    /**
     * Checks a whole model: the gradient of its training loss ({@link Autoencoder#forward(NDArray,
     * boolean)} with {@code training = true}: corruption, sampling, penalties and objective
     * included) with respect to every weight, for the model in float32 and a float64 copy of it.
     *
     * @param check a name for the report
     * @param config the model's config
     * @param x a float32 input batch {@code (N, ...inputShape)} in model scale
     * @param seed seeds the weights and the random draws of the forward pass
     * @return the report
     */
    public static Report checkModel(String check, ModelConfig config, NDArray x, long seed) {
        try (Autoencoder a32 = Autoencoder.create(config, seed, DataType.FLOAT32);
             Autoencoder a64 = Autoencoder.create(config, seed, DataType.FLOAT64)) {
            a64.copyParametersFrom(a32);
            return checkModel(check, a32, a64, x, seed);
        }
    }

    /**
     * Checks a model against a float64 copy of it (see {@link #checkModel(String, ModelConfig,
     * NDArray, long)}).
     *
     * @param check a name for the report
     * @param a32 the float32 model
     * @param a64 a float64 model with the same weights ({@link Autoencoder#copyParametersFrom})
     * @param x a float32 input batch
     * @param seed seeds the random draws of the forward pass
     * @return the report
     */
    public static Report checkModel(String check, Autoencoder a32, Autoencoder a64, NDArray x, long seed) {
        List<String> names = new ArrayList<>(a32.parameters().keySet());
        List<List<NDArray>> grads = new ArrayList<>();
        Autoencoder[] models = {a32, a64};
        try (NDManager keep = x.getManager().newSubManager()) {
            for (Autoencoder a : models) {
                try (NDManager pass = x.getManager().newSubManager()) {
                    NDArray xk = x.toType(a.dataType(), true);
                    xk.attach(pass);
                    Engine.getInstance().setRandomSeed((int) seed + 7);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(a.forward(xk, true).loss());
                    }
                    List<NDArray> g = new ArrayList<>();
                    for (Map.Entry<String, Parameter> e : a.parameters().entrySet()) {
                        NDArray w = e.getValue().getArray();
                        NDArray d = w.hasGradient() ? w.getGradient().toType(DataType.FLOAT64, true) : w.zerosLike().toType(DataType.FLOAT64, false);
                        d.attach(keep);
                        g.add(d);
                    }
                    grads.add(g);
                }
            }
            return compareAll(check, names, grads.get(0), grads.get(1));
        }
    }

    /**
     * Compares two lists of gradients tensor by tensor.
     *
     * @param check the check's name
     * @param names tensor names
     * @param g32 float32 gradients (any floating type; converted)
     * @param g64 float64 reference gradients
     * @return the report
     */
    public static Report compareAll(String check, List<String> names, List<NDArray> g32, List<NDArray> g64) {
        double global = 0;
        for (NDArray b : g64) {
            global = Math.max(global, b.toType(DataType.FLOAT64, false).abs().max().getDouble());
        }
        double floor = Math.max(global * 1e-3, Double.MIN_NORMAL);
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            NDArray a = g32.get(i).toType(DataType.FLOAT64, false);
            NDArray b = g64.get(i).toType(DataType.FLOAT64, false);
            boolean finite = !a.isNaN().any().getBoolean() && !a.isInfinite().any().getBoolean();
            double err = a.sub(b).abs().max().getDouble();
            double scale = Math.max(b.abs().max().getDouble(), floor);
            results.add(new Result(check, names.get(i), err, scale, finite, TOLERANCE));
        }
        return new Report(check, List.copyOf(results));
    }
}
