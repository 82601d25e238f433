package dev.bottleneck.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.io.Json;

import java.nio.file.Path;
import java.util.List;

/**
 * Per-column standardization of a numeric table, {@code z = (x - mean_j) / std_j}, with {@code
 * mean_j} and {@code std_j} (population standard deviation, divisor {@code N}) fitted on the
 * training rows, as scikit-learn's {@code StandardScaler} (which PyOD's {@code AutoEncoder} applies
 * by default) and H2O's {@code standardize = TRUE}.
 *
 * <p>A constant column ({@code std_j = 0}, or below {@code 1e-12 * max(1, |mean_j|)}) is stored
 * with {@code std_j = 1}, so it is only centred: it maps to 0 on the training rows and never gives
 * NaN or infinity (scikit-learn does the same).
 *
 * <p>Arithmetic is float32, {@code (x - mean_j) / std_j} for every value, in the same order
 * everywhere it is used ({@link InputScaling} {@code standard} delegates here), so training and
 * scoring standardize a row to the same bits.
 *
 * @param columns the column names, or {@code null} when the file had no header
 * @param mean per-column training means, length {@code D}
 * @param std per-column training standard deviations, length {@code D}, all {@code > 0}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Standardizer(
        @JsonProperty("columns") List<String> columns,
        @JsonProperty("mean") float[] mean,
        @JsonProperty("std") float[] std) {

    /** The file name in a model directory. */
    public static final String FILE = "standardizer.json";

    /**
     * @throws InvalidInputException if mean and std are missing, differ in length, are not
     *     finite, a std is not positive, or the column names do not match the length
     */
    public Standardizer {
        if (mean == null || std == null || mean.length != std.length || mean.length == 0) {
            throw new InvalidInputException("a standardizer needs per-column mean and std of the same, non-zero length");
        }
        for (int j = 0; j < mean.length; j++) {
            if (!Float.isFinite(mean[j]) || !Float.isFinite(std[j]) || !(std[j] > 0)) {
                throw new InvalidInputException("standardizer column " + j + ": mean " + mean[j] + ", std " + std[j]
                        + " (need finite values and std > 0)");
            }
        }
        if (columns != null && columns.size() != mean.length) {
            throw new InvalidInputException("standardizer: " + columns.size() + " column names for " + mean.length + " columns");
        }
        columns = columns == null ? null : List.copyOf(columns);
    }

    /**
     * Fits mean and std per column, accumulating in double precision.
     *
     * @param values {@code (N, D)} row-major, finite
     * @param d the number of columns {@code D >= 1}
     * @param columns column names, or {@code null}
     * @return the fitted standardizer
     * @throws IllegalArgumentException if {@code values} is empty or not a multiple of {@code d}
     */
    public static Standardizer fit(float[] values, int d, List<String> columns) {
        if (d < 1 || values.length == 0 || values.length % d != 0) {
            throw new IllegalArgumentException(values.length + " values do not make rows of " + d + " columns");
        }
        int n = values.length / d;
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) {
            int o = i * d;
            for (int j = 0; j < d; j++) {
                sum[j] += values[o + j];
            }
        }
        double[] m = new double[d];
        for (int j = 0; j < d; j++) {
            m[j] = sum[j] / n;
        }
        // two passes (mean, then squared deviations): no cancellation for columns far from 0
        double[] sq = new double[d];
        for (int i = 0; i < n; i++) {
            int o = i * d;
            for (int j = 0; j < d; j++) {
                double dev = values[o + j] - m[j];
                sq[j] += dev * dev;
            }
        }
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) m[j];
            double s = Math.sqrt(sq[j] / n);
            std[j] = s > 1e-12 * Math.max(1, Math.abs(m[j])) ? (float) s : 1f;
        }
        return new Standardizer(columns, mean, std);
    }

    /** @return the number of columns {@code D} */
    public int columnCount() {
        return mean.length;
    }

    /**
     * Standardizes rows in place.
     *
     * @param values {@code (rows, D)} row-major raw values; the first {@code rows * D} are changed
     * @param rows how many rows to standardize
     * @throws IllegalArgumentException if the array holds fewer than {@code rows * D} values
     */
    public void applyInPlace(float[] values, int rows) {
        int d = mean.length;
        if ((long) rows * d > values.length) {
            throw new IllegalArgumentException(rows + " rows of " + d + " do not fit " + values.length + " values");
        }
        for (int i = 0, o = 0; i < rows; i++, o += d) {
            for (int j = 0; j < d; j++) {
                values[o + j] = (values[o + j] - mean[j]) / std[j];
            }
        }
    }

    /**
     * Standardizes rows into a buffer.
     *
     * @param values {@code (N, D)} row-major raw values (not changed)
     * @param out receives {@code N * D} standardized values from its position
     * @throws IllegalArgumentException if {@code values.length} is not a multiple of {@code D}
     */
    public void applyInto(float[] values, java.nio.FloatBuffer out) {
        int d = mean.length;
        if (values.length % d != 0) {
            throw new IllegalArgumentException(values.length + " values do not make rows of " + d + " columns");
        }
        for (int i = 0; i < values.length; i++) {
            int j = i % d;
            out.put((values[i] - mean[j]) / std[j]);
        }
    }

    /**
     * Maps standardized values back to raw units in place, {@code x = z * std_j + mean_j}.
     *
     * @param values {@code (N, D)} row-major standardized values, changed in place
     */
    public void invertInPlace(float[] values) {
        int d = mean.length;
        for (int i = 0; i < values.length; i++) {
            int j = i % d;
            values[i] = values[i] * std[j] + mean[j];
        }
    }

    /**
     * Writes the standardizer as JSON, atomically.
     *
     * @param file the target, usually {@code <model dir>/standardizer.json}
     * @throws dev.bottleneck.BottleneckException naming the file if it cannot be written
     */
    public void write(Path file) {
        Json.write(file, this);
    }

    /**
     * Reads a standardizer written by {@link #write}.
     *
     * @param file the JSON file
     * @return the standardizer
     * @throws InvalidInputException naming the file and the field if it is missing or invalid
     *     (a mean or std missing, null, not finite, a std not above 0, lengths that differ)
     */
    public static Standardizer read(Path file) {
        com.fasterxml.jackson.databind.JsonNode tree = Json.readTree(file);
        dev.bottleneck.io.JsonFields f = dev.bottleneck.io.JsonFields.of(file, tree);
        List<String> columns = f.optionalStrings("columns");
        if (!f.has("mean")) {
            f.floats("mean", 0, false); // says it is missing or null
        }
        int d = f.node().get("mean").isArray() ? f.node().get("mean").size() : -1;
        if (d == 0) {
            throw f.error("mean", "is empty (expected one value per column)");
        }
        f.floats("mean", d, false);
        f.floats("std", d, true);
        if (columns != null && columns.size() != d) {
            throw f.error("columns", "has " + columns.size() + " names for " + d + " columns");
        }
        return Json.bind(file, tree, Standardizer.class);
    }
}
