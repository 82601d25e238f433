package dev.bottleneck.latent.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.CodeIndices;
import dev.bottleneck.latent.CodeUsage;
import dev.bottleneck.latent.DiscreteLatent;
import dev.bottleneck.latent.LatentOutput;
import dev.bottleneck.latent.VectorLayout;
import dev.bottleneck.nn.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Vector quantization (van den Oord, Vinyals and Kavukcuoglu, "Neural Discrete Representation
 * Learning", NeurIPS 2017): each encoder vector {@code z_e} of dimension {@code D} is replaced by
 * its nearest entry {@code e_k} of a learned codebook {@code (K, D)}, {@code k = argmin_j
 * d(z_e, e_j)}.
 *
 * <p>Shapes (see {@link VectorLayout}): a flat encoder output {@code (N, D*M)} is read as {@code M}
 * vectors per example, indices {@code (N, M)}, code {@code (N, D*M)}; a conv encoder's grid
 * {@code (N, D, H', W')} gives indices {@code (N, H', W')} (e.g. 7x7 for MNIST) and a code of the
 * same shape. The decoder's code size is {@code D*M}.
 *
 * <p>Training ({@link #forward} with {@code training = true}):
 *
 * <ul>
 *   <li>straight-through estimator: {@code z = sg(e_k) + (z_e - sg(z_e))}, so the decoder sees
 *       exactly {@code e_k} and the gradient of {@code z} reaches {@code z_e} unchanged (identity);
 *   <li>loss terms (means over the {@code P*D} latent elements, like the reconstruction's MSE):
 *       {@code "codebook_per_element"} {@code ||sg(z_e) - e_k||^2}, which moves the entries, and
 *       {@code "commitment_per_element"} {@code beta ||z_e - sg(e_k)||^2}, which keeps the encoder
 *       close to them;
 *   <li>with {@link VqConfig.Ema} the codebook is not trained by gradient and has no codebook
 *       loss: {@link #afterStep} moves each entry to the moving average of the vectors assigned to
 *       it (Razavi, van den Oord and Vinyals, "Generating Diverse High-Fidelity Images with
 *       VQ-VAE-2", NeurIPS 2019, appendix A);
 *   <li>with {@link VqConfig.KMeansInit} the first training batches initialize the codebook by
 *       k-means; with {@link VqConfig.DeadCodeReset} {@link #afterStep} moves unused entries onto
 *       encoder vectors of the batch.
 * </ul>
 *
 * <p>Evaluation and {@link #code}: the nearest entry, no loss. Health: every pass reports the
 * batch's {@code "perplexity"} and {@code "codes_used_fraction"} as metrics; training passes add
 * their indices to {@link #usage()}, the epoch's accumulator (cleared by {@link #beginEpoch}),
 * which also counts resets.
 *
 * <p>State: the codebook and the EMA and usage statistics are parameters of {@link
 * #parameterBlock()} and save and load with the model. The statistics of the training passes
 * since the last step are kept in native memory owned by the codebook's manager until {@link
 * #afterStep}; the EMA update and the reset happen only there, so a trainer that uses EMA or
 * resets must call it after each optimizer step.
 */
public final class VectorQuantizer implements DiscreteLatent {

    /**
     * The result of {@link #quantize}.
     *
     * @param vectors the prepared encoder vectors {@code (P, D)} (normalized for cosine)
     * @param z the straight-through code {@code (P, D)}: value {@code e_k}, gradient of {@code
     *     vectors}
     * @param indices {@code (P)} INT64 nearest entries
     * @param codebookLoss {@code mean ||sg(z_e) - e_k||^2}, or {@code null} when not asked for
     * @param commitmentLoss {@code beta * mean ||z_e - sg(e_k)||^2}
     */
    public record Quantized(NDArray vectors, NDArray z, NDArray indices, NDArray codebookLoss, NDArray commitmentLoss) {}

    private final VqConfig config;
    private final CodebookBlock block;
    private final CodeUsage usage;
    private final Random random;
    private NDManager state;
    private NDArray pendingCounts;
    private NDArray pendingSums;
    private NDArray candidates;
    private long pendingVectors;
    private NDArray kmeansBuffer;
    private long totalResets;

    /**
     * @param config the options (validated when built)
     */
    public VectorQuantizer(VqConfig config) {
        this.config = config;
        this.block = new CodebookBlock(this, config);
        this.usage = new CodeUsage(config.codebookSize());
        this.random = new Random(config.seed());
    }

    /** @return the options */
    public VqConfig config() {
        return config;
    }

    /** @return {@code true}: a grid {@code (N, D, H', W')} is read as one vector per position */
    @Override
    public boolean readsGrids() {
        return true;
    }

    @Override
    public String name() {
        return "vq";
    }

    /**
     * @param latent the code size {@code D*M} the decoder reads
     * @return {@code latent}: the encoder gives the vectors themselves
     * @throws InvalidInputException if {@code latent} is not a multiple of {@code D}
     */
    @Override
    public int encoderOutputSize(int latent) {
        if (latent < 1 || latent % config.dim() != 0) {
            throw new InvalidInputException("a code of size " + latent + " cannot be split into codebook vectors of dimension "
                    + config.dim() + " (it must be a positive multiple of it)");
        }
        return latent;
    }

    /**
     * The quantization of a batch of vectors against a codebook, as a pure function (the layer's
     * forward pass calls it with its codebook; gradient checks call it directly).
     *
     * @param x encoder vectors {@code (P, D)}
     * @param codebook {@code (K, D)}
     * @param distance the comparison
     * @param beta the commitment weight
     * @param withCodebookLoss whether to compute the codebook loss (not with EMA)
     * @return code, indices and losses, in {@code x}'s manager
     */
    public static Quantized quantize(NDArray x, NDArray codebook, Distance distance, double beta, boolean withCodebookLoss) {
        NDManager m = x.getManager();
        NDArray xp = distance.prepare(x);
        NDArray ep = own(distance.prepare(codebook), codebook, m);
        NDArray idx = distance.distances(xp.stopGradient(), own(ep.stopGradient(), codebook, m)).argMin(1);
        NDArray q = own(ep.get(idx), codebook, m);
        NDArray z = q.stopGradient().add(xp.sub(xp.stopGradient())); // value exactly e_k, gradient of x
        long n = xp.size();
        NDArray commitment = Scalars.mul(Scalars.div(xp.sub(q.stopGradient()).square().sum(), n), beta);
        NDArray codebookLoss = withCodebookLoss ? Scalars.div(q.sub(xp.stopGradient()).square().sum(), n) : null;
        return new Quantized(xp, z, idx, codebookLoss, commitment);
    }

    /**
     * @param encoderOutput {@code (N, D*M)} or {@code (N, D, H', W')}
     * @param training whether to update the statistics (k-means initialization, EMA, usage)
     * @return {@code z} of the encoder output's shape, the loss terms {@code
     *     "codebook_per_element"} (not with EMA) and {@code "commitment_per_element"}, the batch
     *     metrics {@code "perplexity"} and {@code "codes_used_fraction"}
     */
    @Override
    public LatentOutput forward(NDArray encoderOutput, boolean training) {
        VectorLayout layout = VectorLayout.of(encoderOutput.getShape(), config.dim());
        NDArray x = layout.toVectors(encoderOutput);
        if (training && !block.dataInitialized()) {
            collectForKMeans(x);
        }
        Quantized qz = quantize(x, block.codebook(), config.distance(), config.beta(), !config.usesEma());
        Map<String, NDArray> terms = new LinkedHashMap<>();
        if (qz.codebookLoss() != null) {
            terms.put("codebook_per_element", qz.codebookLoss());
        }
        terms.put("commitment_per_element", qz.commitmentLoss());
        long[] counts = histogram(qz.indices(), config.codebookSize());
        if (training) {
            usage.addCounts(counts);
            record(qz.vectors(), qz.indices(), counts);
        }
        return new LatentOutput(layout.fromVectors(qz.z()), terms, batchMetrics(encoderOutput.getManager(), counts));
    }

    /**
     * The evaluation code: the nearest entries.
     *
     * @param encoderOutput {@code (N, D*M)} or {@code (N, D, H', W')}
     * @return the (prepared) entries, of the same shape
     */
    @Override
    public NDArray code(NDArray encoderOutput) {
        VectorLayout layout = VectorLayout.of(encoderOutput.getShape(), config.dim());
        NDArray idx = nearest(layout.toVectors(encoderOutput));
        return layout.fromVectors(lookup(idx, encoderOutput.getManager()));
    }

    /**
     * @param encoderOutput {@code (N, D*M)} or {@code (N, D, H', W')}
     * @return INT64 indices {@code (N, M)} or {@code (N, H', W')}
     */
    @Override
    public NDArray codes(NDArray encoderOutput) {
        VectorLayout layout = VectorLayout.of(encoderOutput.getShape(), config.dim());
        return nearest(layout.toVectors(encoderOutput)).reshape(layout.indexShape());
    }

    /**
     * @param codes indices {@code (N, M)} (flat) or {@code (N, H', W')} (grid) in {@code [0, K)}
     * @return the entries: {@code (N, D*M)} or {@code (N, D, H', W')}
     * @throws InvalidInputException if an index is out of range or not whole, or the rank is
     *     neither
     */
    @Override
    public NDArray embed(NDArray codes) {
        VectorLayout layout = VectorLayout.ofIndices(codes.getShape(), config.dim());
        NDArray idx = CodeIndices.check(codes, config.codebookSize()).reshape(-1);
        return layout.fromVectors(lookup(idx, codes.getManager()));
    }

    @Override
    public long codebookSize() {
        return config.codebookSize();
    }

    @Override
    public CodeUsage newUsage() {
        return new CodeUsage(config.codebookSize());
    }

    @Override
    public CodeUsage usage() {
        return usage;
    }

    /** @return the codebook, its EMA and usage statistics */
    @Override
    public Block parameterBlock() {
        return block;
    }

    /** @return the codebook block, typed */
    public CodebookBlock codebookBlock() {
        return block;
    }

    /** @return entries replaced by dead-code resets since this layer was made */
    public long totalResets() {
        return totalResets;
    }

    /**
     * Starts the epoch's usage accumulator afresh.
     *
     * @param epoch the epoch about to run, 1-based
     */
    @Override
    public void beginEpoch(int epoch) {
        usage.clear();
    }

    /**
     * Applies what the training passes since the last step gathered: the EMA update of the
     * codebook (with {@link VqConfig.Ema}), then the dead-code reset (with {@link
     * VqConfig.DeadCodeReset}). Does nothing when no training pass ran since the last call.
     *
     * @param step the optimizer step just done, 1-based (unused: the update is the same each step)
     */
    @Override
    public void afterStep(long step) {
        if (pendingCounts == null) {
            return;
        }
        int k = config.codebookSize();
        try (NDManager tmp = state.newSubManager()) {
            NDArray counts = local(pendingCounts, tmp);
            NDArray book = local(block.codebook(), tmp);
            boolean changed = false;
            NDArray emaCount = null;
            NDArray emaSum = null;
            double total = 0;
            if (config.usesEma()) {
                double g = config.ema().decay();
                double eps = config.ema().epsilon();
                emaCount = local(block.emaCount(), tmp).mul(g).add(counts.mul(1 - g));
                emaSum = local(block.emaSum(), tmp).mul(g).add(local(pendingSums, tmp).mul(1 - g));
                total = emaCount.sum().toType(DataType.FLOAT64, false).getDouble();
                NDArray smoothed = emaCount.add(eps).div(total + k * eps).mul(total);
                book = emaSum.div(smoothed.expandDims(1));
                changed = true;
            }
            VqConfig.DeadCodeReset reset = config.deadCodeReset();
            if (reset != null) {
                double g = reset.decay();
                NDArray u = local(block.usage(), tmp).mul(g).add(counts.div(pendingVectors).mul(1 - g));
                NDArray dead = u.lt(reset.fraction() / k);
                long nDead = dead.sum().toType(DataType.INT64, false).getLong();
                if (nDead > 0 && candidates != null) {
                    NDArray rows = tmp.create(KMeans.pick(random, candidates.getShape().get(0), k));
                    NDArray r = local(candidates, tmp).get(rows);
                    NDArray live = dead.logicalNot().toType(book.getDataType(), false);
                    NDArray deadF = dead.toType(book.getDataType(), false);
                    book = book.mul(live.expandDims(1)).add(r.mul(deadF.expandDims(1)));
                    u = u.mul(live).add(deadF.mul(1.0 / k));
                    if (emaCount != null) {
                        double share = total / k;
                        emaCount = emaCount.mul(live).add(deadF.mul(share));
                        emaSum = emaSum.mul(live.expandDims(1)).add(r.mul(deadF.expandDims(1)).mul(share));
                    }
                    usage.addResets(nDead);
                    totalResets += nDead;
                    changed = true;
                }
                block.replace("usage", u);
            }
            if (emaCount != null) {
                block.replace("ema_count", emaCount);
                block.replace("ema_sum", emaSum);
            }
            if (changed) {
                block.replace("codebook", book);
            }
        } finally {
            clearPending();
        }
    }

    /** @return a copy of {@code a} owned by {@code m}, so that ops on it leave their results in {@code m} */
    private static NDArray local(NDArray a, NDManager m) {
        NDArray d = a.duplicate();
        d.attach(m);
        return d;
    }

    /** @return the nearest entry of each prepared vector, {@code (P)} INT64, no gradient */
    private NDArray nearest(NDArray x) {
        NDManager m = x.getManager();
        NDArray xp = config.distance().prepare(x.stopGradient());
        NDArray book = block.codebook();
        NDArray ep = own(config.distance().prepare(book), book, m);
        return config.distance().distances(xp, own(ep.stopGradient(), book, m)).argMin(1);
    }

    /** @return the prepared entries of {@code idx (P)}, {@code (P, D)}, in {@code m} */
    private NDArray lookup(NDArray idx, NDManager m) {
        NDArray book = block.codebook();
        NDArray ep = own(config.distance().prepare(book), book, m);
        return own(ep.get(idx), book, m);
    }

    /** Moves a result of an op on the codebook into the batch manager (never the codebook itself). */
    private static NDArray own(NDArray a, NDArray codebook, NDManager m) {
        if (a != codebook && a.getManager() != m) {
            a.attach(m);
        }
        return a;
    }

    private static long[] histogram(NDArray indices, int k) {
        long[] counts = new long[k];
        for (long i : indices.toLongArray()) {
            counts[(int) i]++;
        }
        return counts;
    }

    private static Map<String, NDArray> batchMetrics(NDManager m, long[] counts) {
        int used = 0;
        for (long c : counts) {
            if (c > 0) {
                used++;
            }
        }
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("perplexity", m.create((float) CodeUsage.perplexity(counts)));
        metrics.put("codes_used_fraction", m.create((float) used / counts.length));
        return metrics;
    }

    private NDManager state() {
        if (state == null || !state.isOpen()) {
            state = block.codebook().getManager().newSubManager();
        }
        return state;
    }

    /** Keeps the statistics of a training pass for {@link #afterStep}. */
    private void record(NDArray vectors, NDArray indices, long[] counts) {
        if (!config.usesEma() && config.deadCodeReset() == null) {
            return;
        }
        NDManager s = state();
        NDArray v = vectors.stopGradient();
        DataType type = v.getDataType();
        NDArray batchCounts;
        if (type == DataType.FLOAT64) {
            double[] c = new double[counts.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = counts[i];
            }
            batchCounts = s.create(c);
        } else {
            float[] c = new float[counts.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = counts[i];
            }
            batchCounts = s.create(c).toType(type, false);
        }
        pendingCounts = accumulate(pendingCounts, batchCounts);
        if (config.usesEma()) {
            NDArray sums = indices.oneHot(config.codebookSize(), type).transpose().matMul(v);
            sums.attach(s);
            pendingSums = accumulate(pendingSums, sums);
        }
        if (config.deadCodeReset() != null) {
            long p = v.getShape().get(0);
            NDArray pick = v.get(v.getManager().create(KMeans.pick(random, p, (int) Math.min(p, config.codebookSize()))));
            pick.attach(s);
            if (candidates != null) {
                candidates.close();
            }
            candidates = pick;
        }
        pendingVectors += vectors.getShape().get(0);
    }

    private static NDArray accumulate(NDArray sum, NDArray add) {
        if (sum == null) {
            return add;
        }
        NDArray r = sum.add(add);
        sum.close();
        add.close();
        return r;
    }

    private void clearPending() {
        for (NDArray a : new NDArray[] {pendingCounts, pendingSums, candidates}) {
            if (a != null) {
                a.close();
            }
        }
        pendingCounts = null;
        pendingSums = null;
        candidates = null;
        pendingVectors = 0;
    }

    /** Gathers vectors until there are {@code K}, then sets the codebook to their k-means centroids. */
    private void collectForKMeans(NDArray x) {
        NDManager s = state();
        NDArray v = config.distance().prepare(x.stopGradient()).duplicate();
        v.attach(s);
        if (kmeansBuffer == null) {
            kmeansBuffer = v;
        } else {
            NDArray all = kmeansBuffer.concat(v, 0);
            kmeansBuffer.close();
            v.close();
            kmeansBuffer = all;
        }
        int k = config.codebookSize();
        if (kmeansBuffer.getShape().get(0) < k) {
            return;
        }
        try (NDManager tmp = s.newSubManager()) {
            kmeansBuffer.attach(tmp);
            NDArray c = KMeans.fit(kmeansBuffer, k, config.kmeansInit().iterations(), config.distance(), random);
            block.replace("codebook", c);
            if (config.usesEma()) {
                block.replace("ema_count", tmp.ones(new Shape(k), c.getDataType()));
                block.replace("ema_sum", c);
            }
        }
        kmeansBuffer = null;
        block.markDataInitialized();
    }

    @Override
    public String toString() {
        return "vector quantizer (" + config.codebookSize() + " x " + config.dim() + ", " + config.distance().name()
                + (config.usesEma() ? ", EMA" : "") + (config.deadCodeReset() != null ? ", dead-code reset" : "")
                + (config.kmeansInit() != null ? ", k-means init" : "") + ")";
    }
}
