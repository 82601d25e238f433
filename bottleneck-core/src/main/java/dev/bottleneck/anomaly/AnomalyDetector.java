package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.PreparedData;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.model.Autoencoder;

import java.util.Arrays;

/**
 * An anomaly detector on top of a trained autoencoder, in the shape of PyOD's detectors: {@link
 * #fit} on (normal) training data computes the training scores and sets the {@link #threshold()}
 * from a contamination rate; {@link #scores} gives new examples' scores, {@link #predict} flags
 * them 0/1, and {@link #perFeature} gives H2O's per-feature errors.
 *
 * <p>The detector is separate from the model (DESIGN.md section 6, item 11): it borrows the model,
 * never closes it nor moves it between devices, and computes everything in inference mode.
 *
 * <p>Threshold: the {@code (1 - contamination)} quantile of the training scores with linear
 * interpolation between order statistics, as PyOD's {@code BaseDetector._process_decision_scores}
 * ({@code numpy.percentile(decision_scores_, 100 * (1 - contamination))}); an example is flagged
 * when its score is strictly above the threshold, so about {@code contamination} of the training
 * rows are flagged.
 *
 * <p>Shapes: {@code x} is {@code (N, ...inputShape)} in the model's input scale; scores are
 * {@code (N)}; per-feature errors are {@code (N, F)} row-major with {@code F = prod(inputShape)}.
 */
public final class AnomalyDetector {

    /**
     * Examples per forward pass, always: a last, partial block is padded with zero rows to this
     * size and the padding's results dropped. libtorch's matrix and reduction kernels take other
     * code paths for small batches (on this project's machine, batches of 1-3, 5-7, 9-11 rows and
     * some of 17-34 rows rounded differently from large ones), so without the padding a row's
     * score would depend on how many rows happened to share its batch: the tail of a file, a Spark
     * partition's last batch. With every pass the same size, a row scores to the same float
     * wherever it sits (checked for batches of 1-200 rows at random offsets on MLPs 30-16-4,
     * 6-16-4, 784-256-64-16 and the conv 16-32 model). One exception seen: with a 2-wide code
     * (6-8-2) a row's bits still depended on whether it sat at an odd or even position of the
     * block (its memory alignment), 1 ulp in about 8% of rows.
     */
    public static final int BATCH = 4096;

    private final Autoencoder model;
    private final InputScaling scaling;
    private final AnomalyScore score;
    private final double contamination;
    private final double threshold;
    private final float[] trainingScores;

    private AnomalyDetector(Autoencoder model, InputScaling scaling, AnomalyScore score, double contamination, double threshold,
                            float[] trainingScores) {
        this.model = model;
        this.scaling = scaling;
        this.score = score;
        this.contamination = contamination;
        this.threshold = threshold;
        this.trainingScores = trainingScores;
    }

    /**
     * Fits the detector: scores the training examples and sets the threshold.
     *
     * @param model a trained model
     * @param scaling its input scaling
     * @param score how to score
     * @param train {@code (N, ...inputShape)} training examples in model scale, {@code N >= 1}
     * @param contamination expected fraction of anomalies in the training data, in (0, 0.5]
     * @return the fitted detector
     * @throws InvalidInputException if the contamination is out of range or the data do not fit
     *     the model
     */
    public static AnomalyDetector fit(Autoencoder model, InputScaling scaling, AnomalyScore score, NDArray train,
                                      double contamination) {
        requireContamination(contamination);
        AnomalyDetector unfitted = new AnomalyDetector(model, scaling, score, contamination, Double.NaN, null);
        float[] s = unfitted.scores(train);
        return new AnomalyDetector(model, scaling, score, contamination, threshold(s, contamination), s);
    }

    /**
     * Fits the detector on a dataset in raw units (scaled with {@code scaling} first).
     *
     * @param model a trained model
     * @param scaling its input scaling
     * @param score how to score
     * @param train training examples, raw units
     * @param contamination expected fraction of anomalies, in (0, 0.5]
     * @return the fitted detector
     * @throws InvalidInputException if the contamination is out of range or the data do not fit
     */
    public static AnomalyDetector fit(Autoencoder model, InputScaling scaling, AnomalyScore score, Dataset train,
                                      double contamination) {
        requireContamination(contamination);
        try (NDManager m = model.manager().newSubManager()) {
            return fit(model, scaling, score, PreparedData.toArray(train, scaling, m), contamination);
        }
    }

    /**
     * A detector fitted before (restored from {@code anomaly.json}).
     *
     * @param model the trained model
     * @param scaling its input scaling
     * @param score how to score
     * @param contamination the contamination it was fitted with
     * @param threshold the threshold it was fitted with
     * @return the detector ({@link #trainingScores()} is {@code null})
     * @throws InvalidInputException if the contamination is out of range or the threshold is NaN
     */
    public static AnomalyDetector restore(Autoencoder model, InputScaling scaling, AnomalyScore score, double contamination,
                                          double threshold) {
        requireContamination(contamination);
        if (Double.isNaN(threshold)) {
            throw new InvalidInputException("anomaly threshold is NaN");
        }
        return new AnomalyDetector(model, scaling, score, contamination, threshold, null);
    }

    /**
     * A detector without a threshold, for scoring a model that was never fitted as a detector (a
     * plain {@code train} directory, no {@code anomaly.json}): {@link #scores} and {@link #run}
     * work as for a fitted one; {@link #threshold()} is NaN, so {@code score > threshold} is false
     * and nothing is flagged.
     *
     * @param model the trained model
     * @param scaling its input scaling
     * @param score how to score
     * @return the detector ({@link #contamination()} and {@link #threshold()} are NaN)
     */
    public static AnomalyDetector unfitted(Autoencoder model, InputScaling scaling, AnomalyScore score) {
        return new AnomalyDetector(model, scaling, score, Double.NaN, Double.NaN, null);
    }

    /**
     * @param contamination a contamination rate
     * @throws InvalidInputException unless it is in (0, 0.5] (PyOD's range)
     */
    public static void requireContamination(double contamination) {
        if (!(contamination > 0 && contamination <= 0.5)) {
            throw new InvalidInputException("--contamination must be in (0, 0.5] (the expected fraction of anomalies), got " + contamination);
        }
    }

    /**
     * The {@code (1 - contamination)} quantile of scores, linear interpolation between order
     * statistics ({@code numpy.percentile}'s default, as PyOD).
     *
     * @param scores {@code (N)} training scores, {@code N >= 1}, not NaN
     * @param contamination in (0, 0.5]
     * @return the threshold
     * @throws InvalidInputException if there are no scores, a score is NaN or the contamination
     *     is out of range
     */
    public static double threshold(float[] scores, double contamination) {
        requireContamination(contamination);
        if (scores.length == 0) {
            throw new InvalidInputException("no training scores to set a threshold from");
        }
        float[] s = scores.clone();
        Arrays.sort(s);
        if (Float.isNaN(s[s.length - 1])) {
            throw new InvalidInputException("a training score is NaN (did training diverge?)");
        }
        double pos = (s.length - 1) * (1 - contamination);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, s.length - 1);
        double frac = pos - lo;
        return s[lo] + frac * ((double) s[hi] - s[lo]);
    }

    /**
     * Scores examples in batches of {@value #BATCH}.
     *
     * @param x {@code (N, ...inputShape)} in model scale
     * @return {@code (N)} scores
     * @throws InvalidInputException if the examples do not have the model's input shape
     */
    public float[] scores(NDArray x) {
        return run(x, false).scores();
    }

    /**
     * Scores a dataset in raw units.
     *
     * @param data examples in raw units, of the model's input shape
     * @return {@code (N)} scores
     * @throws InvalidInputException if the examples do not have the model's input shape
     */
    public float[] scores(Dataset data) {
        try (NDManager m = model.manager().newSubManager()) {
            return scores(PreparedData.toArray(data, scaling, m));
        }
    }

    /**
     * Per-feature errors (H2O's {@code per_feature}): their mean over a row is the row's score for {@code mse}
     * (for {@code recon-prob}, the posterior-mean squared errors; see {@link AnomalyScore#perFeatureAveragesToScore}).
     *
     * @param x {@code (N, ...inputShape)} in model scale
     * @return {@code (N, F)} row-major
     * @throws UnsupportedOperationException if the score has no per-feature form
     */
    public float[] perFeature(NDArray x) {
        return run(x, true).perFeature();
    }

    /**
     * Scores and, on request, per-feature errors of one batch or many, in one pass.
     *
     * @param x {@code (N, ...inputShape)} in model scale
     * @param withPerFeature also return the {@code (N, F)} per-feature errors
     * @return scores {@code (N)} and per-feature errors (or {@code null})
     * @throws InvalidInputException if the examples do not have the model's input shape
     */
    public Scored run(NDArray x, boolean withPerFeature) {
        model.requireInputShape(x);
        int n = (int) x.getShape().get(0);
        int f = (int) (x.getShape().size() / Math.max(1, n));
        float[] scores = new float[n];
        float[] pf = withPerFeature ? new float[Math.multiplyExact(n, f)] : null;
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            int rows = to - from;
            try (NDManager bm = model.manager().newSubManager()) {
                // a slice of its own, attached to the batch manager: every array computed from
                // it belongs to that manager and is freed with it
                NDArray b = x.get(new NDIndex().addSliceDim(from, to));
                b.attach(bm);
                b = padRows(b, BATCH);
                NDArray s;
                if (withPerFeature) {
                    NDArray e = score.perFeature(model, b);
                    float[] part = e.toFloatArray();
                    System.arraycopy(part, 0, pf, from * f, rows * f);
                    s = score.perFeatureAveragesToScore() ? e.mean(new int[] {1}) : score.score(model, b);
                } else {
                    s = score.score(model, b);
                }
                float[] part = s.toFloatArray();
                System.arraycopy(part, 0, scores, from, rows);
            }
        }
        return new Scored(scores, pf);
    }

    /**
     * Pads a batch with zero rows to a fixed number of rows (see {@link #BATCH}).
     *
     * @param b {@code (n, ...)} with {@code n <= rows}
     * @param rows the rows wanted
     * @return {@code b} itself when it has {@code rows} rows, else {@code (rows, ...)}: {@code b}
     *     then zeros, in {@code b}'s manager
     */
    public static NDArray padRows(NDArray b, int rows) {
        long n = b.getShape().get(0);
        if (n >= rows) {
            return b;
        }
        long[] dims = b.getShape().getShape().clone();
        dims[0] = rows - n;
        return b.concat(b.getManager().zeros(new ai.djl.ndarray.types.Shape(dims), b.getDataType()), 0);
    }

    /**
     * Flags examples whose score is above the threshold.
     *
     * @param scores {@code (N)} scores from this detector
     * @return {@code (N)} 1 for an anomaly, 0 otherwise
     */
    public int[] predict(float[] scores) {
        int[] out = new int[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = scores[i] > threshold ? 1 : 0;
        }
        return out;
    }

    /** @return the threshold: flag when {@code score > threshold} */
    public double threshold() {
        return threshold;
    }

    /** @return the contamination the threshold was set from */
    public double contamination() {
        return contamination;
    }

    /** @return the score */
    public AnomalyScore score() {
        return score;
    }

    /** @return the model (borrowed; the detector does not close it) */
    public Autoencoder model() {
        return model;
    }

    /** @return the model's input scaling */
    public InputScaling scaling() {
        return scaling;
    }

    /** @return the training scores of {@link #fit} ({@code (N)}), or {@code null} for a restored detector */
    public float[] trainingScores() {
        return trainingScores;
    }

    /**
     * The scores of a batch.
     *
     * @param scores {@code (N)}
     * @param perFeature {@code (N, F)} row-major, or {@code null} when not asked for
     */
    public record Scored(float[] scores, float[] perFeature) {}
}
