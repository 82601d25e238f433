package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.Pictures;
import dev.bottleneck.app.PreparedData;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.eval.Auprc;
import dev.bottleneck.eval.Auroc;
import dev.bottleneck.eval.ThresholdMetrics;
import dev.bottleneck.io.ImageGrid;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How well a detector separates labelled normal and anomalous examples: AUROC ({@link Auroc}),
 * AUPRC ({@link Auprc}) and precision, recall and F1 at the saved threshold ({@link
 * ThresholdMetrics}), with anomalies as the positive class; and the picture of the most anomalous
 * images beside their reconstructions.
 */
public final class AnomalyEvaluation {

    private AnomalyEvaluation() {}

    /**
     * The evaluation report ({@code anomaly eval --json} prints it).
     *
     * @param model the model directory
     * @param data the data evaluated
     * @param n examples
     * @param normal normal examples
     * @param anomalous anomalous examples
     * @param normalLabel the label taken as normal
     * @param score the score's name
     * @param auroc area under the ROC curve
     * @param auprc average precision
     * @param threshold the detector's threshold
     * @param contamination the contamination it was set from
     * @param flagged examples above the threshold
     * @param precision precision at the threshold
     * @param recall recall at the threshold
     * @param f1 F1 at the threshold
     * @param seconds scoring time
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Report(
            @JsonProperty("model") String model,
            @JsonProperty("data") String data,
            @JsonProperty("n") long n,
            @JsonProperty("normal") long normal,
            @JsonProperty("anomalous") long anomalous,
            @JsonProperty("normal_label") String normalLabel,
            @JsonProperty("score") String score,
            @JsonProperty("auroc") double auroc,
            @JsonProperty("auprc") double auprc,
            @JsonProperty("threshold") double threshold,
            @JsonProperty("contamination") double contamination,
            @JsonProperty("flagged") long flagged,
            @JsonProperty("precision") double precision,
            @JsonProperty("recall") double recall,
            @JsonProperty("f1") double f1,
            @JsonProperty("seconds") double seconds) {}

    /**
     * Computes the report.
     *
     * @param scores {@code (N)} scores
     * @param anomalous {@code (N)} true for an anomaly
     * @param det the detector (threshold, contamination, score)
     * @param model the model directory, for the report
     * @param data the data's name
     * @param normalLabel the label taken as normal
     * @param seconds scoring time
     * @return the report
     * @throws InvalidInputException if one class is missing
     */
    public static Report report(float[] scores, boolean[] anomalous, AnomalyDetector det, String model, String data,
                                String normalLabel, double seconds) {
        long pos = 0;
        for (boolean a : anomalous) {
            if (a) {
                pos++;
            }
        }
        if (pos == 0 || pos == anomalous.length) {
            throw new InvalidInputException(data + ": evaluation needs normal and anomalous examples, but all " + anomalous.length
                    + " are " + (pos == 0 ? "normal" : "anomalous") + " (normal label '" + normalLabel + "')");
        }
        ThresholdMetrics t = ThresholdMetrics.of(scores, anomalous, det.threshold());
        return new Report(model, data, scores.length, scores.length - pos, pos, normalLabel, det.score().name(),
                Auroc.of(scores, anomalous), Auprc.of(scores, anomalous), det.threshold(), det.contamination(),
                t.truePositives() + t.falsePositives(), t.precision(), t.recall(), t.f1(), seconds);
    }

    /**
     * Which examples are anomalies: those whose label is not the normal one. The normal label is
     * matched as by {@link DataSources#labelId}: a class name, or else an integer label.
     *
     * @param labels {@code (N)} integer labels
     * @param classNames class names by label, or {@code null}
     * @param normalLabel the normal label
     * @param data the data's name, for messages
     * @return {@code (N)} true for an anomaly
     * @throws InvalidInputException if no example has the normal label
     */
    public static boolean[] anomalous(int[] labels, List<String> classNames, String normalLabel, String data) {
        int normal = DataSources.labelId(classNames, normalLabel);
        boolean[] out = new boolean[labels.length];
        boolean any = false;
        for (int i = 0; i < labels.length; i++) {
            out[i] = labels[i] != normal;
            any |= !out[i];
        }
        if (!any) {
            throw new InvalidInputException(data + ": no example has the normal label '" + normalLabel + "' (labels: "
                    + String.join(", ", distinct(labels, classNames)) + ")");
        }
        return out;
    }

    /**
     * The normal label to use when none is given: integer labels that are all 0 or 1 (the usual
     * coding of outlier benchmarks such as ODDS) make 0 normal and 1 anomalous.
     *
     * @param labels {@code (N)} integer labels
     * @param classNames class names by label, or {@code null}
     * @return {@code "0"}, or {@code null} when the labels are not a 0/1 coding
     */
    public static String defaultNormalLabel(int[] labels, List<String> classNames) {
        if (classNames != null) {
            return null;
        }
        for (int l : labels) {
            if (l != 0 && l != 1) {
                return null;
            }
        }
        return "0";
    }

    private static List<String> distinct(int[] labels, List<String> names) {
        java.util.TreeSet<Integer> ids = new java.util.TreeSet<>();
        for (int l : labels) {
            ids.add(l);
        }
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(names != null && id < names.size() ? names.get(id) : Integer.toString(id));
        }
        return out;
    }

    /**
     * Draws the {@code count} highest-scoring images (most anomalous first) above their
     * reconstructions.
     *
     * @param det the detector
     * @param data the images, raw units, {@code (N, C, H, W)} with {@code C} 1 or 3
     * @param scores {@code (N)} their scores
     * @param count how many images
     * @param file the {@code .png} to write, atomically
     * @throws InvalidInputException if the data are not images with 1 or 3 channels
     */
    public static void mostAnomalous(AnomalyDetector det, Dataset data, float[] scores, int count, Path file) {
        ImageGrid.Shape shape = Pictures.imageShape(data);
        int k = Math.min(count, scores.length);
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        int[] top = new int[k];
        for (int i = 0; i < k; i++) {
            top[i] = order[i];
        }
        Dataset worst = data.subset(top, data.name() + " (most anomalous)");
        try (NDManager m = det.model().manager().newSubManager()) {
            NDArray x = PreparedData.toArray(worst, det.scaling(), m);
            float[] in = x.toFloatArray();
            float[] out = det.model().reconstruct(x).toFloatArray();
            det.scaling().toMetricScale(in);
            det.scaling().toMetricScale(out);
            ImageGrid.writePng(file, ImageGrid.rows(List.of(in, out), List.of("input", "output"), k, shape, Math.min(16, k),
                    Pictures.scaleFor(shape)));
        }
    }
}
