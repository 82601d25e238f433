package dev.bottleneck.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ForwardOutput;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The training loop, the same for every model: minibatch, forward, backward, Adam step, listeners
 * (as DJL's {@code EasyTrain.trainSplit}). It never branches on the model type; what differs
 * between variants is inside {@link Autoencoder#forward}.
 *
 * <p>Data: the whole training set is one native array {@code (N, ...inputShape)} in model scale;
 * each epoch draws a seeded permutation and gathers minibatches from it, in a sub-manager that is
 * closed after the step (so native memory does not grow epoch after epoch).
 *
 * <p>Before the first epoch one forward pass on two examples checks that the model accepts the
 * data, with a clear error if not. After every epoch the test split is evaluated (no gradient),
 * listeners see the epoch's figures ({@link TrainingListener#onEpochEvaluated}) and, if a
 * checkpoint folder is set, a checkpoint is written for {@code --resume}.
 *
 * <p>Schedules: before each epoch the model's per-epoch hook ({@link Autoencoder#beginEpoch}) runs,
 * e.g. a VAE's KL warm-up. With a time budget ({@link TrainConfig#maxMinutes()}) training stops
 * before an epoch that would end past it, judged by the last epoch's duration (training,
 * evaluation and checkpoint).
 *
 * <p>Determinism: epoch {@code e} shuffles with {@code Random(seed * 1_000_003 + e)} and reseeds
 * the engine with {@code seed + e}, so a resumed run sees the same minibatches as an uninterrupted
 * one.
 */
public final class Trainer implements AutoCloseable {

    private static final int EVAL_BATCH = 1000;

    private final Autoencoder model;
    private final TrainConfig config;
    private final Adam optimizer;
    private final Checkpoints checkpoints;
    private int completedEpochs;
    /** Optimizer steps taken by this trainer (the latent layer's per-step hook gets the count). */
    private long steps;

    /**
     * @param model the model to train (its weights change in place)
     * @param config epochs, batch size, learning rate, seed
     * @param checkpointDir folder for checkpoints, or {@code null} for none
     */
    public Trainer(Autoencoder model, TrainConfig config, Path checkpointDir) {
        this.model = model;
        this.config = config;
        this.optimizer = new Adam(config.learningRate(), model.manager());
        this.checkpoints = checkpointDir == null ? null : new Checkpoints(checkpointDir);
    }

    /**
     * Restores weights, optimizer state and the epoch counter from the checkpoint folder.
     *
     * @return the number of epochs already completed
     * @throws InvalidInputException if there is no checkpoint to resume from, or it is corrupt
     */
    public int resume() {
        if (checkpoints == null) {
            throw new InvalidInputException("--resume needs a checkpoint folder");
        }
        completedEpochs = checkpoints.restore(model, optimizer);
        return completedEpochs;
    }

    /** @return epochs completed so far (including those restored by {@link #resume()}) */
    public int completedEpochs() {
        return completedEpochs;
    }

    /**
     * The model's own epoch metrics, plus, when clipping is on, the share of clipped steps and the
     * mean and largest gradient norm before clipping (what a threshold is chosen from).
     */
    private Map<String, Double> epochMetrics(int clipped, double normSum, double normMax, int batches) {
        Map<String, Double> m = model.epochMetrics();
        if (config.clipNorm() == null) {
            return m;
        }
        Map<String, Double> all = new LinkedHashMap<>(m == null ? Map.of() : m);
        all.put("clipped_steps", clipped / (double) batches);
        all.put("grad_norm_mean", normSum / batches);
        all.put("grad_norm_max", normMax);
        return all;
    }

    /** @return the optimizer (for inspection in tests) */
    public Adam optimizer() {
        return optimizer;
    }

    /**
     * Trains from the epoch after {@link #completedEpochs()} to {@code config.epochs()}.
     *
     * @param train training data {@code (N, ...inputShape)}, model scale
     * @param test test data {@code (M, ...inputShape)} or {@code null}
     * @param listener progress receiver (may be a no-op)
     * @return the results of the epochs that ran
     * @throws InvalidInputException if the model does not accept the data's shape
     * @throws BottleneckException if the loss becomes NaN or infinite
     */
    public List<EpochResult> fit(NDArray train, NDArray test, TrainingListener listener) {
        sanityCheck(train);
        if (test != null) {
            model.requireInputShape(test);
        }
        int n = (int) train.getShape().get(0);
        int bs = Math.min(config.batchSize(), n);
        int batches = (n + bs - 1) / bs;
        List<EpochResult> results = new ArrayList<>();
        Engine engine = Engine.getInstance();
        listener.onTrainStart(completedEpochs + 1, config.epochs(), batches);
        long fitStart = System.nanoTime();
        for (int epoch = completedEpochs + 1; epoch <= config.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            engine.setRandomSeed((int) (config.seed() + epoch));
            model.beginEpoch(epoch);
            int[] perm = permutation(n, new Random(config.seed() * 1_000_003L + epoch));
            Map<String, Double> termSums = new LinkedHashMap<>();
            double lossSum = 0;
            int clipped = 0;
            double normSum = 0;
            double normMax = 0;
            long t0 = System.nanoTime();
            try (NDManager epochManager = model.manager().newSubManager()) {
                NDArray rows = train.reshape(n, -1);
                rows.attach(epochManager);
                // The permutation as int64 (what torch indexes with, so no conversion per batch);
                // each minibatch gathers its rows. A shuffled copy of the whole set per epoch
                // would be one call instead of two per batch, but its pages are faulted in anew
                // every epoch (it is larger than malloc's mmap threshold).
                long[] perm64 = new long[n];
                for (int i = 0; i < n; i++) {
                    perm64[i] = perm[i];
                }
                NDArray permArray = epochManager.create(perm64);
                for (int b = 0; b < batches; b++) {
                    int from = b * bs;
                    int to = Math.min(n, from + bs);
                    try (NDManager bm = epochManager.newSubManager()) {
                        NDArray idx = permArray.get(new NDIndex().addSliceDim(from, to));
                        idx.attach(bm);
                        NDArray x = gatherRows(rows, idx).reshape(model.batchShape(to - from));
                        x.attach(bm);
                        ForwardOutput out;
                        try (GradientCollector gc = engine.newGradientCollector()) {
                            out = model.forward(x, true);
                            gc.backward(out.loss());
                        }
                        double norm = optimizer.update(model.parameters(), config.clipNorm());
                        if (config.clipNorm() != null) {
                            clipped += norm > config.clipNorm() ? 1 : 0;
                            normSum += norm;
                            normMax = Math.max(normMax, norm);
                        }
                        model.afterStep(++steps);
                        double loss = out.loss().getFloat();
                        if (!Double.isFinite(loss)) {
                            throw new BottleneckException("training diverged: loss is " + loss + " at epoch " + epoch
                                    + ", batch " + (b + 1) + (epoch == 1
                                    ? "; run 'bottleneck doctor' to check this machine's gradients, then try a lower --lr"
                                    : "; try a lower --lr"));
                        }
                        lossSum += loss;
                        if (out.terms().size() > 1) {
                            for (Map.Entry<String, NDArray> t : out.terms().entrySet()) {
                                termSums.merge(t.getKey(), (double) t.getValue().getFloat(), Double::sum);
                            }
                        } else {
                            termSums.merge(out.terms().keySet().iterator().next(), loss, Double::sum);
                        }
                        double elapsed = (System.nanoTime() - t0) / 1e9;
                        listener.onBatchEnd(epoch, b + 1, loss, to / Math.max(elapsed, 1e-9));
                    }
                }
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> trainTerms = new LinkedHashMap<>();
            termSums.forEach((k, v) -> trainTerms.put(k, v / batches));
            long e0 = System.nanoTime();
            Evaluation ev = test == null ? null : evaluate(model, test);
            double evalSeconds = (System.nanoTime() - e0) / 1e9;
            if (ev != null && !Double.isFinite(ev.loss())) {
                // the last updates of the epoch broke the weights: do not checkpoint them
                throw new BottleneckException("training diverged: test loss is " + ev.loss() + " after epoch " + epoch
                        + "; try a lower --lr");
            }
            EpochResult r = new EpochResult(epoch, lossSum / batches, trainTerms,
                    ev == null ? null : ev.loss(), ev == null ? null : ev.terms(),
                    trainSeconds, evalSeconds, n / trainSeconds, Memory.rssMegabytes(), epochMetrics(clipped, normSum, normMax, batches));
            listener.onEpochEvaluated(r);
            if (checkpoints != null) {
                checkpoints.save(model, optimizer, epoch);
            }
            completedEpochs = epoch;
            results.add(r);
            listener.onEpochEnd(r);
            if (config.maxMinutes() != null) {
                double budget = config.maxMinutes() * 60e9;
                long now = System.nanoTime();
                if (now - fitStart + (now - epochStart) > budget) {
                    break; // the next epoch would end past the budget
                }
            }
        }
        listener.onTrainEnd();
        return results;
    }

    /**
     * The loss and its terms over a whole dataset, in batches of 1,000, no gradient, evaluation
     * mode.
     *
     * @param model the model
     * @param data {@code (M, ...inputShape)}, model scale
     * @return the example-weighted mean of the objective and of each term
     */
    public static Evaluation evaluate(Autoencoder model, NDArray data) {
        int m = (int) data.getShape().get(0);
        double lossSum = 0;
        Map<String, Double> sums = new LinkedHashMap<>();
        for (int from = 0; from < m; from += EVAL_BATCH) {
            int to = Math.min(m, from + EVAL_BATCH);
            try (NDManager bm = model.manager().newSubManager()) {
                NDArray x = data.get(new NDIndex().addSliceDim(from, to));
                x.attach(bm);
                ForwardOutput out = model.forward(x, false);
                int k = to - from;
                lossSum += out.loss().getFloat() * (double) k;
                for (Map.Entry<String, NDArray> t : out.terms().entrySet()) {
                    sums.merge(t.getKey(), t.getValue().getFloat() * (double) k, Double::sum);
                }
            }
        }
        Map<String, Double> terms = new LinkedHashMap<>();
        sums.forEach((k, v) -> terms.put(k, v / m));
        return new Evaluation(lossSum / m, terms);
    }

    /**
     * The mean objective and terms over a dataset.
     *
     * @param loss mean objective
     * @param terms mean of each named term
     */
    public record Evaluation(double loss, Map<String, Double> terms) {}

    /**
     * The sanity pass run before the first epoch: one forward pass on two examples.
     *
     * @param train training data {@code (N, ...inputShape)}, model scale
     * @throws InvalidInputException if the model does not accept the data or the loss is NaN
     */
    public void check(NDArray train) {
        sanityCheck(train);
    }

    private void sanityCheck(NDArray train) {
        if (train.getShape().get(0) < 1) {
            throw new InvalidInputException("the training set is empty");
        }
        model.requireInputShape(train);
        try (NDManager bm = model.manager().newSubManager()) {
            NDArray x = train.get(new NDIndex().addSliceDim(0, Math.min(2, train.getShape().get(0))));
            x.attach(bm);
            ForwardOutput out = model.forward(x, false);
            float l = out.loss().getFloat();
            if (Float.isNaN(l)) {
                throw new InvalidInputException("the first forward pass gives a NaN loss: the data may hold NaN values");
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidInputException("the model (" + model.describe() + ") cannot run on this data: " + e.getMessage(), e);
        }
    }

    /**
     * Gathers rows of a 2-D array by index with torch's embedding kernel (an index_select on
     * dimension 0), which took half the time of DJL's advanced indexing ({@code get(NDArray)})
     * for 256 rows of 784 values.
     *
     * @param rows {@code (N, D)}
     * @param idx int64 row indices {@code (B)}
     * @return {@code (B, D)}, in the manager of {@code rows}
     */
    static NDArray gatherRows(NDArray rows, NDArray idx) {
        return rows.getNDArrayInternal().embedding(idx, rows, ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
    }

    private static int[] permutation(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
