package dev.bottleneck.model;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.Corruption;
import dev.bottleneck.loss.Penalty;
import dev.bottleneck.latent.LatentLayer;
import dev.bottleneck.latent.LatentOutput;
import dev.bottleneck.loss.ReconstructionLoss;
import dev.bottleneck.nn.TorchDefaultInitializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An autoencoder: encoder, latent layer (the bottleneck), decoder and reconstruction loss, built
 * from a {@link ModelConfig}. The variant (plain, denoising, variational, ...) is the latent layer
 * and loss terms; the training loop is the same for all.
 *
 * <p>Shapes: inputs {@code x} are {@code (N, ...inputShape)} in model scale (for images usually
 * pixels in [0,1]); codes are {@code (N, K)}.
 *
 * <p>Memory: the parameters live in this object's own {@link NDManager}; {@link #close()} frees
 * them. Arrays returned by {@code forward/encode/decode} belong to the manager of the input array:
 * callers run each batch in a sub-manager and close it.
 */
public final class Autoencoder implements AutoCloseable {

    private final ModelConfig config;
    private final LatentLayer latent;
    private final ReconstructionLoss reconstructionLoss;
    private final AutoencoderBlock block;
    private final NDManager manager;
    /** Replaced after a load: DJL's store caches each parameter's array on first use. */
    private ParameterStore parameterStore;
    private final Map<String, Parameter> parameters;
    private final Corruption corruption;
    private final Penalty penalty;
    /** The self-augmentation term of types with a code distribution, or null. */
    private final dev.bottleneck.latent.VirtualAdversarialTraining selfAugmentation;
    /** The objective of types whose loss is not the default reconstruction one (VAE), else null. */
    private final Objective objective;

    /** The floating-point type of the weights: float32, or float64 for reference computations. */
    private final DataType dataType;

    private Autoencoder(ModelConfig config, long seed, DataType dataType) {
        dev.bottleneck.engine.EngineSetup.ensureApplied();
        this.config = config;
        this.dataType = dataType;
        Architecture arch = Architectures.get(config.arch());
        this.latent = config.modelType().latent(config);
        this.reconstructionLoss = new ReconstructionLoss(config.loss(), config.output());
        ai.djl.nn.Block encoder = arch.encoder(config, latent.encoderOutputSize(config.latent()));
        if (config.tied() && latent.encoderOutputSize(config.latent()) != config.latent()) {
            throw new InvalidInputException("--tied needs an encoder whose output is the code itself; --model " + config.type() + " has none");
        }
        this.objective = config.modelType().objective(config);
        this.block = new AutoencoderBlock(encoder, latent, arch.decoder(config, encoder), reconstructionLoss, config.latent(),
                objective == null ? null : objective.parameterBlock());
        float[] range = Corruption.rangeFor(config.output());
        this.corruption = config.noise() == null ? null : Corruption.parse(config.noise(), range[0], range[1]);
        this.penalty = config.penalty() == null ? null : Penalty.parse(config.penalty());
        this.selfAugmentation = config.modelType().selfAugmentation(config);
        if (selfAugmentation != null && !(latent instanceof dev.bottleneck.latent.CodeDistribution)) {
            throw new InvalidInputException("--model " + config.type() + " has no code distribution for self-augmented training");
        }
        this.manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed((int) seed);
        block.setInitializer(new TorchDefaultInitializer(), Parameter.Type.WEIGHT);
        try {
            block.initialize(manager, dataType, new Shape(batchShape(1)));
        } catch (RuntimeException | OutOfMemoryError e) {
            manager.close();
            // --latent 2000000000 and the like: libtorch refuses the weight matrix
            throw dev.bottleneck.OutOfMemory.rethrow("the weights of this " + config.type() + " model (" + config.arch()
                    + ", input " + java.util.Arrays.toString(config.inputShape()) + ", latent " + config.latent() + ")", -1, e);
        }
        this.parameterStore = new ParameterStore(manager, false);
        Map<String, Parameter> p = new LinkedHashMap<>();
        for (Pair<String, Parameter> e : block.getParameters()) {
            p.put(e.getKey(), e.getValue());
        }
        this.parameters = Collections.unmodifiableMap(p);
    }

    /**
     * Builds a model with freshly initialised weights (PyTorch's default initialisation, see
     * {@link TorchDefaultInitializer}; biases zero).
     *
     * @param config the architecture
     * @param seed seeds the engine's random generator before initialisation
     * @return the model; close it when done
     * @throws InvalidInputException if the config cannot be built
     * @throws dev.bottleneck.BottleneckException {@code "not enough memory for the weights ..."}
     *     when the weights do not fit in memory
     */
    public static Autoencoder create(ModelConfig config, long seed) {
        return new Autoencoder(config, seed, DataType.FLOAT32);
    }

    /**
     * Builds a model whose weights are of the given floating-point type. Float64 models are the
     * reference of the gradient checks ({@link dev.bottleneck.check.GradientCheck}): the same
     * weights ({@link #copyParametersFrom}) and inputs in float64 give the gradient that the
     * float32 model should match. Their inputs must be float64 too.
     *
     * @param config the architecture
     * @param seed seeds the engine's random generator before initialisation
     * @param dataType {@link DataType#FLOAT32} or {@link DataType#FLOAT64}
     * @return the model; close it when done
     * @throws InvalidInputException if the config cannot be built
     * @throws IllegalArgumentException for another data type
     */
    public static Autoencoder create(ModelConfig config, long seed, DataType dataType) {
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT64) {
            throw new IllegalArgumentException("an autoencoder's weights are float32 or float64, not " + dataType);
        }
        return new Autoencoder(config, seed, dataType);
    }

    /**
     * Copies every weight of another model of the same config into this one, converting the
     * floating-point type (float32 weights into a float64 reference model, for example).
     *
     * @param other a model with the same parameter names and shapes
     * @throws IllegalArgumentException if a parameter is missing or of another shape
     */
    public void copyParametersFrom(Autoencoder other) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Parameter src = other.parameters.get(e.getKey());
            NDArray dst = e.getValue().getArray();
            if (src == null || !src.getArray().getShape().equals(dst.getShape())) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " is missing or of another shape in the source model");
            }
            try (NDManager m = manager.newSubManager()) {
                NDArray v = src.getArray().toType(DataType.FLOAT64, true);
                v.attach(m);
                double[] values = v.toDoubleArray();
                if (dataType == DataType.FLOAT64) {
                    dst.set(values);
                } else {
                    float[] f = new float[values.length];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = (float) values[i];
                    }
                    dst.set(f);
                }
            }
        }
        parameterStore = new ParameterStore(manager, false);
    }

    /** @return the floating-point type of the weights (float32 unless built as a reference) */
    public DataType dataType() {
        return dataType;
    }

    /**
     * Builds a model and reads its weights from a DJL parameter stream written by {@link
     * #saveParameters(OutputStream)}.
     *
     * @param config the architecture the weights were trained with
     * @param in the parameter stream
     * @param source the file the stream comes from, for messages
     * @return the model
     * @throws InvalidInputException naming {@code source} if the stream is truncated, not a
     *     parameter file, or its shapes do not match the config
     */
    public static Autoencoder load(ModelConfig config, InputStream in, Path source) {
        Autoencoder ae = new Autoencoder(config, 0, DataType.FLOAT32);
        try {
            ae.loadParameters(in, source);
            return ae;
        } catch (RuntimeException e) {
            ae.close();
            throw e;
        }
    }

    /**
     * Replaces the weights with those read from a DJL parameter stream.
     *
     * @param in the parameter stream (not closed)
     * @param source the file it comes from, for messages
     * @throws InvalidInputException naming {@code source} when the stream is truncated, malformed
     *     or does not match this model's shapes
     */
    public void loadParameters(InputStream in, Path source) {
        Map<String, Shape> expected = new LinkedHashMap<>();
        parameters.forEach((k, v) -> expected.put(k, v.getArray().getShape()));
        try {
            DataInputStream dis = new DataInputStream(in);
            block.loadParameters(manager, dis);
        } catch (EOFException e) {
            throw new InvalidInputException(source, "truncated parameter file (ended early)", e);
        } catch (MalformedModelException e) {
            throw new InvalidInputException(source, "not a parameter file for this model (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException(source, "cannot read (" + dev.bottleneck.io.AtomicFiles.describe(e) + ")", e);
        } catch (RuntimeException e) {
            throw new InvalidInputException(source, "corrupt parameter file ("
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + ")", e);
        } catch (OutOfMemoryError e) {
            // a damaged array header can announce any size; the real weights fit (their shapes are checked below)
            throw new InvalidInputException(source, "corrupt parameter file (an array in it claims more memory than there is)", e);
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Shape got = e.getValue().getArray().getShape();
            Shape want = expected.get(e.getKey());
            if (!got.equals(want)) {
                throw new InvalidInputException(source, "does not match the model config: parameter "
                        + e.getKey() + " has shape " + got + ", the config needs " + want);
            }
            if (e.getValue().requiresGradient()) {
                e.getValue().getArray().setRequiresGradient(true);
            }
        }
        // The store still holds the arrays it cached at the first forward pass (for example the
        // trainer's sanity check before --resume restores a checkpoint); a fresh one reads the
        // loaded arrays.
        parameterStore = new ParameterStore(manager, false);
    }

    /**
     * Writes the weights as a DJL parameter stream (the format of DJL's {@code .params} body).
     *
     * @param out the stream (flushed, not closed)
     * @throws IOException on a write error
     */
    public void saveParameters(OutputStream out) throws IOException {
        DataOutputStream dos = new DataOutputStream(out);
        block.saveParameters(dos);
        dos.flush();
    }

    /** @return the architecture */
    public ModelConfig config() {
        return config;
    }

    /** @return the latent layer */
    public LatentLayer latent() {
        return latent;
    }

    /** @return the reconstruction loss (with the output activation) */
    public ReconstructionLoss reconstructionLoss() {
        return reconstructionLoss;
    }

    /** @return the manager that owns the weights */
    public NDManager manager() {
        return manager;
    }

    /** @return trainable parameters by stable name, e.g. {@code encoder_01Linear_weight} */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** @return the total number of weights */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            n += p.getArray().size();
        }
        return n;
    }

    /**
     * The batch shape of {@code n} examples of this model's input.
     *
     * @param n the batch size
     * @return {@code (n, ...inputShape)}
     */
    public long[] batchShape(long n) {
        int[] s = config.inputShape();
        long[] b = new long[s.length + 1];
        b[0] = n;
        for (int i = 0; i < s.length; i++) {
            b[i + 1] = s[i];
        }
        return b;
    }

    /**
     * Checks that a batch has this model's input shape.
     *
     * @param x a batch
     * @throws InvalidInputException if its example shape differs from the model's
     */
    public void requireInputShape(NDArray x) {
        Shape s = x.getShape();
        long[] want = batchShape(s.get(0));
        if (!Arrays.equals(s.getShape(), want)) {
            throw new InvalidInputException("data of shape " + s.slice(1) + " does not fit this model, which takes "
                    + new Shape(want).slice(1));
        }
    }

    /**
     * The full pass: corrupt (training only, when the model has a corruption), encode, latent
     * layer, decode, reconstruction loss against the clean input, penalty.
     *
     * @param x input batch {@code (N, ...inputShape)}, model scale
     * @param training whether this is a training pass
     * @return loss, its terms, code and decoder output
     */
    public ForwardOutput forward(NDArray x, boolean training) {
        if (objective != null) {
            return objective.forward(this, x, x, training);
        }
        NDArray input = training && corruption != null ? corruption.corruptInput(x) : x;
        return forward(input, x, training);
    }

    /**
     * The full pass with a given input and target (denoising: corrupted input, clean target). No
     * corruption is added here.
     *
     * @param input what the encoder sees, {@code (N, ...inputShape)}
     * @param target what the reconstruction is compared with, same shape
     * @param training whether this is a training pass
     * @return loss, its terms, code and decoder output
     */
    public ForwardOutput forward(NDArray input, NDArray target, boolean training) {
        if (objective != null) {
            return objective.forward(this, input, target, training);
        }
        NDArray h = block.encoder().forward(parameterStore, new NDList(input), training).singletonOrThrow();
        LatentOutput lo = latent.forward(h, training);
        NDArray out = block.decoder().forward(parameterStore, new NDList(lo.z()), training).singletonOrThrow();
        NDArray recon = reconstructionLoss.mean(out, target);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put(reconstructionLoss.termName(), recon);
        NDArray loss = recon;
        for (Map.Entry<String, NDArray> t : lo.lossTerms().entrySet()) {
            terms.put(t.getKey(), t.getValue());
            loss = loss.add(t.getValue());
        }
        if (training && selfAugmentation != null && dev.bottleneck.latent.VirtualAdversarialTraining.available()) {
            NDArray sat = selfAugmentation.loss(input, h, in -> encoderOutput(in, true),
                    (dev.bottleneck.latent.CodeDistribution) latent, this::clearGradients);
            terms.put("self_augmentation", sat);
            loss = loss.add(sat);
        }
        if (penalty != null) {
            NDArray p = penalty.compute(new Penalty.Context(input, h, lo.z(), config.latentActivation(),
                    in -> latent.code(block.encoder().forward(parameterStore, new NDList(in), training).singletonOrThrow()),
                    firstWeight(training, input)));
            terms.put(penalty.name(), p);
            loss = loss.add(p);
        }
        return new ForwardOutput(loss, terms, lo.z(), out, reconstructionLoss);
    }

    /** Sets the gradient of every weight that has one to zero. */
    private void clearGradients() {
        for (Parameter p : parameters.values()) {
            NDArray w = p.getArray();
            if (w.hasGradient()) {
                try (NDArray g = w.getGradient()) {
                    g.subi(g);
                }
            }
        }
    }

    /** The weight {@code (K, D)} of a one-layer MLP encoder, as the forward pass sees it; else null. */
    private NDArray firstWeight(boolean training, NDArray input) {
        if (!config.arch().equals("mlp") || config.hidden().length != 0) {
            return null;
        }
        for (ai.djl.util.Pair<String, ai.djl.nn.Block> c : block.encoder().getChildren()) {
            if (c.getValue() instanceof ai.djl.nn.core.Linear) {
                Parameter w = c.getValue().getDirectParameters().get("weight");
                return dev.bottleneck.nn.Weights.inBatch(parameterStore.getValue(w, input.getDevice(), training), input.getManager());
            }
        }
        return null;
    }

    /**
     * The encoder alone, with gradients when training: the latent layer's input.
     *
     * @param x {@code (N, ...inputShape)}, model scale
     * @param training whether this is a training pass
     * @return {@code (N, E)}, e.g. {@code E = 2K} (mean and log-variance) for a VAE
     */
    public NDArray encoderOutput(NDArray x, boolean training) {
        return block.encoder().forward(parameterStore, new NDList(x), training).singletonOrThrow();
    }

    /**
     * The decoder alone, with gradients when training, before the output activation (logits for a
     * sigmoid output).
     *
     * @param z codes {@code (N, K)}
     * @param training whether this is a training pass
     * @return {@code (N, ...inputShape)}
     */
    public NDArray decoderOutput(NDArray z, boolean training) {
        return block.decoder().forward(parameterStore, new NDList(z), training).singletonOrThrow();
    }

    /**
     * Runs a block that is part of this model (the objective's parameter block) with the model's
     * parameter store.
     *
     * @param b the block
     * @param inputs its inputs
     * @param training whether this is a training pass
     * @return its outputs
     */
    public NDList forwardBlock(ai.djl.nn.Block b, NDList inputs, boolean training) {
        return b.forward(parameterStore, inputs, training);
    }

    /** @return the objective of a type with its own loss (a VAE's), or {@code null} for the default */
    public Objective objective() {
        return objective;
    }

    /**
     * The per-epoch hook the trainer calls before each epoch, for schedules such as KL warm-up.
     *
     * @param epoch the epoch about to run, 1-based
     */
    public void beginEpoch(int epoch) {
        latent.beginEpoch(epoch);
        if (objective != null) {
            objective.beginEpoch(epoch);
        }
    }

    /**
     * The per-step hook the trainer calls after each optimizer step: EMA codebook updates and
     * dead-code resets of a vector quantizer, per-step temperature schedules.
     *
     * @param step optimizer steps taken so far, 1-based
     */
    public void afterStep(long step) {
        latent.afterStep(step);
    }

    /**
     * Figures of the epoch so far that are not part of the loss: for a discrete code, the
     * perplexity of the epoch's code histogram, the fraction of codes used, dead codes and
     * resets ({@link dev.bottleneck.latent.CodeUsage}).
     *
     * @return the figures by name, or null for a continuous code
     */
    public Map<String, Double> epochMetrics() {
        if (latent instanceof dev.bottleneck.latent.DiscreteLatent d && d.usage() != null && d.usage().total() > 0) {
            return new LinkedHashMap<>(d.usage().summary().toMap());
        }
        return null;
    }

    /** @return the training corruption, or {@code null} */
    public Corruption corruption() {
        return corruption;
    }

    /** @return the penalty, or {@code null} */
    public Penalty penalty() {
        return penalty;
    }

    /**
     * Encodes a batch to its deterministic codes (no gradient).
     *
     * @param x {@code (N, ...inputShape)}, model scale
     * @return codes {@code (N, K)}; a grid code {@code (N, D, H', W')} ({@code --arch conv-grid})
     *     flattened channel-major to {@code K = D H' W'}, the order the decoder reads
     */
    public NDArray encode(NDArray x) {
        NDArray h = block.encoder().forward(parameterStore, new NDList(x), false).singletonOrThrow();
        NDArray z = latent.code(h);
        return z.getShape().dimension() > 2 ? z.reshape(z.getShape().get(0), -1) : z;
    }

    /**
     * The integer codes of a batch, for models with a discrete code ({@link
     * dev.bottleneck.latent.DiscreteLatent}): bits, categories or codebook indices.
     *
     * @param x {@code (N, ...inputShape)}, model scale
     * @return int64 indices {@code (N, W)}: W bits, groups or code vectors per example
     * @throws InvalidInputException if the model's code is continuous
     */
    public NDArray codes(NDArray x) {
        dev.bottleneck.latent.DiscreteLatent d = discrete();
        NDArray c = d.codes(block.encoder().forward(parameterStore, new NDList(x), false).singletonOrThrow());
        return c.reshape(c.getShape().get(0), -1);
    }

    /**
     * Decodes integer codes ({@link #codes}) to reconstructions (no gradient).
     *
     * @param codes {@code (N, W)} whole numbers (any numeric type); for a grid code ({@code --arch
     *     conv-grid}) {@code W = H' W'} indices in row-major order, or {@code (N, H', W')}
     * @return reconstructions {@code (N, ...inputShape)} in model scale
     * @throws InvalidInputException if an index is out of range or not a whole number, or the model's code is continuous
     */
    public NDArray decodeCodes(NDArray codes) {
        int[] grid = Architectures.get(config.arch()).codeGrid(config);
        if (grid != null && codes.getShape().dimension() == 2 && codes.getShape().get(1) == (long) grid[0] * grid[1]) {
            codes = codes.reshape(codes.getShape().get(0), grid[0], grid[1]);
        }
        NDArray z = discrete().embed(codes);
        return decode(z.reshape(z.getShape().get(0), config.latent()));
    }

    /**
     * @return the number of integer indices per example of a discrete code (bits, groups, code vectors)
     * @throws InvalidInputException if the model's code is continuous
     */
    public int codeWidth() {
        try (NDManager m = manager.newSubManager()) {
            return (int) codes(m.zeros(new Shape(batchShape(1)), dataType)).getShape().get(1);
        }
    }

    private dev.bottleneck.latent.DiscreteLatent discrete() {
        if (latent instanceof dev.bottleneck.latent.DiscreteLatent d) {
            return d;
        }
        throw new InvalidInputException("a " + config.type() + " model has a continuous code: it has no integer codes");
    }

    /**
     * Decodes codes to reconstructions (no gradient).
     *
     * @param z codes {@code (N, K)}
     * @return reconstructions {@code (N, ...inputShape)} in model scale
     */
    public NDArray decode(NDArray z) {
        if (z.getShape().dimension() != 2 || z.getShape().get(1) != config.latent()) {
            throw new InvalidInputException("codes of shape " + z.getShape() + " do not fit this model, which decodes (N, "
                    + config.latent() + ")");
        }
        NDArray out = block.decoder().forward(parameterStore, new NDList(z), false).singletonOrThrow();
        return reconstructionLoss.reconstruct(out);
    }

    /**
     * Decodes latent grids of any size with a fully convolutional model (no gradient): the codec's
     * path for images of another size than the training images.
     *
     * @param grid latent grids {@code (N, D, h, w)}
     * @return reconstructions {@code (N, C, f h, f w)} in model scale, {@code f} the architecture's
     *     {@link Architecture#downsampling} (or the training size when the grid is the training grid)
     * @throws InvalidInputException if the model's code is not a grid, or the grid's channels or
     *     size do not fit the model
     */
    public NDArray decodeGrid(NDArray grid) {
        Architecture arch = Architectures.get(config.arch());
        int[] g = arch.codeGrid(config);
        Shape s = grid.getShape();
        if (g == null) {
            throw new InvalidInputException("a " + config.arch() + " model has a flat code, not a latent grid");
        }
        long depth = config.latent() / ((long) g[0] * g[1]);
        boolean training = s.get(2) == g[0] && s.get(3) == g[1];
        if (s.dimension() != 4 || s.get(1) != depth || !(training || arch.downsampling(config) > 0)) {
            throw new InvalidInputException("a latent grid of shape " + s + " does not fit this model, which decodes (N, " + depth + ", "
                    + g[0] + ", " + g[1] + ")" + (arch.downsampling(config) > 0 ? " or grids of other sizes" : " only"));
        }
        NDArray out = block.decoder().forward(parameterStore, new NDList(grid), false).singletonOrThrow();
        return reconstructionLoss.reconstruct(out);
    }

    /**
     * Encodes and decodes a batch (no gradient).
     *
     * @param x {@code (N, ...inputShape)}, model scale
     * @return reconstructions of the same shape, model scale
     */
    public NDArray reconstruct(NDArray x) {
        return decode(encode(x));
    }

    /**
     * A short layer-by-layer description for {@code bottleneck info}.
     *
     * @return e.g. {@code "Conv 1x28x28 -> 16x14x14 -> 32x7x7 -> [16] -> ..."}
     */
    public String describe() {
        return Architectures.get(config.arch()).describe(config);
    }

    /** @return the parameter names in save order */
    public List<String> parameterNames() {
        return new ArrayList<>(parameters.keySet());
    }

    @Override
    public void close() {
        manager.close();
    }
}
