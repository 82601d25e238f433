package dev.bottleneck.app;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.io.ImageGrid;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.sample.GaussianSampler;
import dev.bottleneck.sample.LatentSampler;
import dev.bottleneck.sample.Samplers;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The decoder as a generator: sample codes and decode them, walk between two codes, decode a grid
 * over a 2-D latent space. Images are decoded means ({@code sigmoid} of the logits for a
 * Bernoulli decoder), drawn in the metric scale ([0, 1] pixels).
 */
public final class Generation {

    private Generation() {}

    /**
     * The sampler for a model: a VAE's prior, or a density fitted to the codes of the model's
     * training data (a plain autoencoder has no prior).
     *
     * @param lm the model
     * @param spec {@code prior} (VAEs only), {@code gaussian}, {@code gmm:N} or {@code codes}
     *     (discrete models only: the histogram of their integer codes); {@code null} for the default
     *     ({@code prior} for a VAE, {@code codes} for a discrete code, {@code gaussian} otherwise)
     * @param opts file options for reading the training data
     * @param seed seeds a mixture's initialisation
     * @param steps receives step messages
     * @param progress receives the number of training examples encoded (may be null)
     * @return the fitted sampler
     * @throws InvalidInputException for {@code prior} on a model without one, {@code codes} on a
     *     continuous code
     */
    public static LatentSampler sampler(LoadedModel lm, Samplers.Spec spec, DataSources.Options opts, long seed,
                                        TrainingRun.Steps steps, IntConsumer progress) {
        String type = lm.manifest().model().type();
        boolean prior = lm.manifest().model().modelType().capabilities().prior();
        boolean discrete = lm.manifest().model().modelType().capabilities().discreteCodes();
        Samplers.Spec s = spec != null ? spec : Samplers.parse(prior ? "prior" : discrete ? "codes" : "gaussian");
        if (s.kind().equals("codes")) {
            if (!discrete) {
                throw new InvalidInputException(lm.directory().path(), "is a '" + type + "' model, whose code is continuous; --sampler codes "
                        + "is for discrete codes (binary, categorical, vq, fsq): use gaussian or gmm:N");
            }
            steps.step("encoding the training data to count its codes");
            Dataset train = lm.loadTrainingData(opts);
            int[] indices = Codes.encodeIndices(lm.model(), train, lm.manifest().input().scaling());
            steps.step("counting " + train.size() + " codes");
            return dev.bottleneck.sample.EmpiricalCodeSampler.fit(indices, lm.model().codeWidth(),
                    (int) ((dev.bottleneck.latent.DiscreteLatent) lm.model().latent()).codebookSize());
        }
        if (s.kind().equals("prior") && !prior) {
            throw new InvalidInputException(lm.directory().path(), "is a '" + type + "' model, which has no prior; use --sampler gaussian or gmm:N "
                    + "(fitted to the codes of its training data), or train --model vae");
        }
        int k = lm.manifest().model().latent();
        float[] codes = null;
        if (s.needsCodes()) {
            steps.step("encoding the training data to fit the " + s + " sampler");
            Dataset train = lm.loadTrainingData(opts);
            codes = Codes.encode(lm.model(), train, lm.manifest().input().scaling(), progress);
            steps.step("fitting " + s + " to " + train.size() + " codes");
        }
        return Samplers.fit(s, codes, k, seed);
    }

    /**
     * Draws codes and decodes them.
     *
     * @param model the model
     * @param sampler the code distribution
     * @param n how many
     * @param temperature scales the spread of the codes
     * @param seed seeds the draw
     * @return decoded images {@code (n, ...inputShape)}, model scale
     */
    public static float[] sample(Autoencoder model, LatentSampler sampler, int n, double temperature, long seed) {
        if (sampler instanceof dev.bottleneck.sample.EmpiricalCodeSampler) {
            return Codes.decodeIndices(model, sampler.sample(n, temperature, seed), null);
        }
        return Codes.decode(model, sampler.sample(n, temperature, seed));
    }

    /**
     * A path between two codes: linear {@code (1 - t) a + t b}, or spherical ({@code slerp},
     * Shoemake 1985; White 2016 "Sampling generative networks"), which keeps the norm typical of
     * a Gaussian prior instead of cutting through its low-density centre.
     *
     * @param a start code {@code (K)}
     * @param b end code {@code (K)}
     * @param steps points on the path including both ends, {@code >= 2}
     * @param slerp spherical instead of linear
     * @return {@code (steps, K)}
     */
    public static float[] path(float[] a, float[] b, int steps, boolean slerp) {
        int k = a.length;
        float[] out = new float[steps * k];
        double na = 0;
        double nb = 0;
        double dot = 0;
        for (int j = 0; j < k; j++) {
            na += a[j] * (double) a[j];
            nb += b[j] * (double) b[j];
            dot += a[j] * (double) b[j];
        }
        double omega = na > 0 && nb > 0 ? Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)))) : 0;
        boolean spherical = slerp && Math.sin(omega) > 1e-6;
        for (int s = 0; s < steps; s++) {
            double t = s / (double) (steps - 1);
            double wa = 1 - t;
            double wb = t;
            if (spherical) {
                wa = Math.sin((1 - t) * omega) / Math.sin(omega);
                wb = Math.sin(t * omega) / Math.sin(omega);
            }
            for (int j = 0; j < k; j++) {
                out[s * k + j] = (float) (wa * a[j] + wb * b[j]);
            }
        }
        return out;
    }

    /**
     * The two rows of an interpolation picture.
     *
     * @param latent the decoded latent path {@code (steps, ...inputShape)}, model scale
     * @param pixels the pixel-space cross-fade {@code (1 - t) x_a + t x_b}, model scale
     * @param steps images per row
     */
    public record Interpolation(float[] latent, float[] pixels, int steps) {}

    /**
     * Interpolates between two examples: in latent space (their codes, the posterior means for a
     * VAE, decoded along {@link #path}; for a discrete code the path between the encoder outputs,
     * each point quantized, so the row walks through codes the model can produce) and in pixel space (a cross-fade of the inputs).
     *
     * @param model the model
     * @param data the dataset
     * @param scaling the model's input scaling
     * @param from index of the first example
     * @param to index of the second example
     * @param steps images per row, {@code >= 2}
     * @param slerp spherical path
     * @return both rows
     * @throws InvalidInputException if an index is outside the data or {@code steps < 2}
     */
    public static Interpolation interpolate(Autoencoder model, Dataset data, InputScaling scaling, int from, int to, int steps,
                                            boolean slerp) {
        if (steps < 2) {
            throw new InvalidInputException("--steps must be at least 2 (both ends), got " + steps);
        }
        for (int i : new int[] {from, to}) {
            if (i < 0 || i >= data.size()) {
                throw new InvalidInputException(data.name() + " has " + data.size() + " examples: --from and --to must be in 0.."
                        + (data.size() - 1) + ", got " + i);
            }
        }
        Dataset pair = data.subset(new int[] {from, to}, data.name());
        int d = model.config().inputSize();
        float[] x;
        float[] latent;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray xa = PreparedData.toArray(pair, scaling, m);
            x = xa.toFloatArray();
            if (model.latent() instanceof dev.bottleneck.latent.DiscreteLatent dl) {
                // a discrete code: the path runs between the encoder outputs and each point is
                // quantized, so every decoded image comes from a code the model can produce
                NDArray h = model.encoderOutput(xa, false);
                Shape hs = h.getShape();
                int e = (int) (hs.size() / 2);
                float[] hf = h.toFloatArray();
                float[] hp = path(java.util.Arrays.copyOfRange(hf, 0, e), java.util.Arrays.copyOfRange(hf, e, 2 * e), steps, slerp);
                long[] shape = hs.getShape().clone();
                shape[0] = steps;
                NDArray z = dl.code(m.create(hp, new Shape(shape)));
                latent = model.decode(z.reshape(steps, -1)).toFloatArray();
            } else {
                float[] codes = model.encode(xa).toFloatArray();
                int k = model.config().latent();
                float[] a = java.util.Arrays.copyOfRange(codes, 0, k);
                float[] b = java.util.Arrays.copyOfRange(codes, k, 2 * k);
                latent = Codes.decode(model, path(a, b, steps, slerp));
            }
        }
        float[] pixels = new float[steps * d];
        for (int s = 0; s < steps; s++) {
            double t = s / (double) (steps - 1);
            for (int j = 0; j < d; j++) {
                pixels[s * d + j] = (float) ((1 - t) * x[j] + t * x[d + j]);
            }
        }
        return new Interpolation(latent, pixels, steps);
    }

    /**
     * Codes on an {@code n x n} grid over a 2-D latent space, evenly spaced in probability: {@code
     * z_i = m_i + s_i * Phi^-1((c + 0.5) / n)} for {@code c = 0..n-1}, {@code Phi^-1} the standard
     * normal quantile function (Kingma and Welling 2014, figure 4). Row {@code r} of the grid holds
     * the {@code (n - 1 - r)}-th quantile of {@code z_1} (high at the top) and columns run over
     * {@code z_0} from low to high.
     *
     * @param n grid side, {@code >= 2}
     * @param mean the centre per dimension {@code (2)}: 0 for a VAE's prior
     * @param std the spread per dimension {@code (2)}: 1 for a VAE's prior
     * @param manager for the quantile computation
     * @return {@code (n * n, 2)} row-major
     * @throws InvalidInputException if {@code n < 2}
     */
    public static float[] manifoldCodes(int n, double[] mean, double[] std, NDManager manager) {
        if (n < 2) {
            throw new InvalidInputException("--size must be at least 2, got " + n);
        }
        float[] p = new float[n];
        for (int c = 0; c < n; c++) {
            p[c] = (float) ((c + 0.5) / n);
        }
        float[] q;
        try (NDManager m = manager.newSubManager()) {
            // Phi^-1(p) = sqrt(2) erfinv(2p - 1)
            q = m.create(p).mul(2f).sub(1f).erfinv().mul((float) Math.sqrt(2)).toFloatArray();
        }
        float[] z = new float[n * n * 2];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                int i = r * n + c;
                z[2 * i] = (float) (mean[0] + std[0] * q[c]);
                z[2 * i + 1] = (float) (mean[1] + std[1] * q[n - 1 - r]);
            }
        }
        return z;
    }

    /**
     * The centre and spread of a model's 2-D latent space for {@link #manifoldCodes}: the prior
     * {@code N(0, I)} for a VAE; otherwise the mean and standard deviation of each dimension of a
     * Gaussian fitted to the training codes.
     *
     * @param lm the model (latent size 2)
     * @param opts file options for the training data
     * @param steps step messages
     * @return {@code {mean (2), std (2)}}
     * @throws InvalidInputException if the latent is not 2-D
     */
    public static double[][] manifoldFrame(LoadedModel lm, DataSources.Options opts, TrainingRun.Steps steps) {
        int k = lm.manifest().model().latent();
        if (k != 2) {
            throw new InvalidInputException(lm.directory().path(), "has a " + k + "-dimensional latent; manifold draws a 2-D latent "
                    + "space (train with --latent 2), use sample or latent-map instead");
        }
        if (lm.manifest().model().modelType().capabilities().prior()) {
            return new double[][] {{0, 0}, {1, 1}};
        }
        GaussianSampler g = (GaussianSampler) sampler(lm, Samplers.parse("gaussian"), opts, 0, steps, null);
        double[] c = g.covariance();
        return new double[][] {g.mean(), {Math.sqrt(c[0]), Math.sqrt(c[3])}};
    }

    /**
     * Writes labelled rows of images (model scale) as one picture.
     *
     * @param rows one array {@code (count, ...inputShape)} per row, model scale
     * @param labels one label per row
     * @param count images per row
     * @param exampleShape {@code (C, H, W)}
     * @param scaling the model's input scaling
     * @param file the {@code .png}
     */
    public static void writeRows(List<float[]> rows, List<String> labels, int count, int[] exampleShape, InputScaling scaling,
                                 Path file) {
        ImageGrid.Shape shape = new ImageGrid.Shape(exampleShape[0], exampleShape[1], exampleShape[2]);
        List<float[]> metric = new java.util.ArrayList<>();
        for (float[] r : rows) {
            float[] v = r.clone();
            scaling.toMetricScale(v);
            metric.add(v);
        }
        ImageGrid.writePng(file, ImageGrid.rows(metric, labels, count, shape, count, Pictures.scaleFor(shape)));
    }
}
