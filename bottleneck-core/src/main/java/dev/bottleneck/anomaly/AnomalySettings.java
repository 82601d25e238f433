package dev.bottleneck.anomaly;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.io.Json;
import dev.bottleneck.io.JsonFields;

import java.nio.file.Path;
import java.util.List;

/**
 * The content of {@code anomaly.json}, written by {@code anomaly fit} beside the model: how the
 * detector scores and where its threshold is, so that {@code anomaly score} and {@code anomaly
 * eval} need no other flag.
 *
 * @param format format version of this file ({@value #FORMAT})
 * @param score the score's name ({@link AnomalyScore#NAMES})
 * @param scoreSamples posterior samples per row of {@code recon-prob}, or {@code null} for other
 *     scores
 * @param scoreSeed the noise seed of {@code recon-prob}, or {@code null} for other scores
 * @param contamination the contamination rate the threshold was set from, in (0, 0.5]
 * @param threshold flag an example when its score is above this
 * @param normalLabel the label of the normal class the model was trained on, or {@code null} when
 *     all rows trained
 * @param labelColumn the CSV label column at fit time, or {@code null}
 * @param columns the feature column names (tables with a header), or {@code null}
 * @param trainRows how many training examples the threshold was set on
 * @param trainScores summary of the training scores
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AnomalySettings(
        @JsonProperty("format") int format,
        @JsonProperty("score") String score,
        @JsonProperty("score_samples") Integer scoreSamples,
        @JsonProperty("score_seed") Long scoreSeed,
        @JsonProperty("contamination") double contamination,
        @JsonProperty("threshold") double threshold,
        @JsonProperty("normal_label") String normalLabel,
        @JsonProperty("label_column") String labelColumn,
        @JsonProperty("columns") List<String> columns,
        @JsonProperty("train_rows") long trainRows,
        @JsonProperty("train_scores") ScoreSummary trainScores) {

    /** The file name in a model directory. */
    public static final String FILE = "anomaly.json";

    /** Current format version. */
    public static final int FORMAT = 1;

    /**
     * @throws InvalidInputException for an unsupported format, unknown score, contamination out
     *     of range or a NaN threshold
     */
    public AnomalySettings {
        if (format < 1 || format > FORMAT) {
            throw new InvalidInputException("anomaly settings format " + format + " is not supported by this version");
        }
        if (score == null || !AnomalyScore.NAMES.contains(score)) {
            throw new InvalidInputException("unknown anomaly score '" + score + "' (known: " + String.join(", ", AnomalyScore.NAMES) + ")");
        }
        if (scoreSamples != null && scoreSamples < 1) {
            throw new InvalidInputException("anomaly score_samples must be at least 1, got " + scoreSamples);
        }
        AnomalyDetector.requireContamination(contamination);
        if (Double.isNaN(threshold)) {
            throw new InvalidInputException("anomaly threshold is NaN");
        }
        columns = columns == null ? null : List.copyOf(columns);
    }

    /**
     * @param scaling the model's input scaling
     * @return the score these settings name, with its sample count and seed
     */
    public AnomalyScore anomalyScore(dev.bottleneck.data.InputScaling scaling) {
        return AnomalyScore.byName(score, scaling, scoreSamples == null ? ReconstructionProbability.DEFAULT_SAMPLES : scoreSamples,
                scoreSeed == null ? 0 : scoreSeed);
    }

    /**
     * Reads {@code anomaly.json} from a model directory.
     *
     * @param dir the model directory
     * @return the settings
     * @throws InvalidInputException if the file is missing (the model was trained with {@code
     *     train}, not {@code anomaly fit}) or invalid, naming the field ({@link #check})
     */
    public static AnomalySettings read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!java.nio.file.Files.isRegularFile(f)) {
            throw new InvalidInputException(dir, "has no " + FILE + " (fit an anomaly detector with: bottleneck anomaly fit ... --out " + dir + ")");
        }
        com.fasterxml.jackson.databind.JsonNode tree = Json.readTree(f);
        check(JsonFields.of(f, tree));
        return Json.bind(f, tree, AnomalySettings.class);
    }

    /**
     * Checks every field of {@code anomaly.json} before it is bound: Jackson alone would read a
     * missing or {@code null} threshold as 0 and flag every row.
     *
     * @param a the top-level fields
     * @throws InvalidInputException naming the file and the field that is missing, null, of the
     *     wrong type or out of range
     */
    static void check(JsonFields a) {
        long format = a.integer("format", Long.MIN_VALUE, Long.MAX_VALUE);
        if (format < 1 || format > FORMAT) {
            throw a.error("format", "is " + format + ", which this version does not support (it reads 1.." + FORMAT + ")");
        }
        a.oneOf("score", AnomalyScore.NAMES);
        a.optionalInteger("score_samples", 1, Integer.MAX_VALUE);
        a.optionalInteger("score_seed", Long.MIN_VALUE, Long.MAX_VALUE);
        a.numberAbove("contamination", 0, 0.5);
        a.number("threshold", -Double.MAX_VALUE, Double.MAX_VALUE);
        a.optionalString("normal_label");
        a.optionalString("label_column");
        a.optionalStrings("columns");
        a.optionalInteger("train_rows", 0, Long.MAX_VALUE);
        JsonFields t = a.optionalObject("train_scores");
        if (t != null) {
            for (String k : List.of("min", "median", "mean", "p99", "max")) {
                t.number(k, -Double.MAX_VALUE, Double.MAX_VALUE);
            }
        }
    }

    /**
     * Writes {@code anomaly.json} into a model directory, atomically.
     *
     * @param dir the model directory
     */
    public void write(Path dir) {
        Json.write(dir.resolve(FILE), this);
    }

    /**
     * Order statistics of a set of scores.
     *
     * @param min the smallest
     * @param median the median (linear interpolation)
     * @param mean the mean
     * @param p99 the 99th percentile (linear interpolation)
     * @param max the largest
     */
    public record ScoreSummary(
            @JsonProperty("min") double min,
            @JsonProperty("median") double median,
            @JsonProperty("mean") double mean,
            @JsonProperty("p99") double p99,
            @JsonProperty("max") double max) {

        /**
         * @param scores {@code (N)} scores, {@code N >= 1}, not NaN
         * @return their summary
         */
        public static ScoreSummary of(float[] scores) {
            float[] s = scores.clone();
            java.util.Arrays.sort(s);
            double sum = 0;
            for (float v : s) {
                sum += v;
            }
            return new ScoreSummary(s[0], quantile(s, 0.5), sum / s.length, quantile(s, 0.99), s[s.length - 1]);
        }

        private static double quantile(float[] sorted, double q) {
            double pos = (sorted.length - 1) * q;
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, sorted.length - 1);
            return sorted[lo] + (pos - lo) * ((double) sorted[hi] - sorted[lo]);
        }
    }
}
