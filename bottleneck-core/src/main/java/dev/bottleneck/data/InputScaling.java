package dev.bottleneck.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.InvalidInputException;

import java.util.List;
import java.util.Locale;

/**
 * How raw data values become model inputs, and back. Fitted on the training set and saved in
 * {@code model.json}, so every later command scales new data exactly as in training.
 *
 * <ul>
 *   <li>{@code unit}: images, {@code x / rawMax}, pixels in [0, 1].
 *   <li>{@code pm1}: images, {@code 2 x / rawMax - 1}, pixels in [-1, 1].
 *   <li>{@code standard}: tables, {@code (x - mean_j) / std_j} per column, with {@code mean_j},
 *       {@code std_j} from the training rows; a constant column ({@code std_j = 0}) gets {@code
 *       std_j = 1} so it maps to 0 (see {@link Standardizer}, which does the arithmetic).
 *   <li>{@code none}: values used as they are.
 * </ul>
 *
 * <p>The <em>metric scale</em> in which reconstruction errors are reported is [0, 1] pixels for
 * images (so MSE and PSNR compare across models and with published numbers) and the model scale
 * otherwise.
 *
 * @param type one of {@link #TYPES}
 * @param rawMax the raw value of a white pixel (images), else {@code null}
 * @param mean per-column training means ({@code standard}), else {@code null}
 * @param std per-column training standard deviations ({@code standard}), else {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record InputScaling(
        @JsonProperty("type") String type,
        @JsonProperty("raw_max") Float rawMax,
        @JsonProperty("mean") float[] mean,
        @JsonProperty("std") float[] std) {

    /** The accepted scaling names. */
    public static final List<String> TYPES = List.of("unit", "pm1", "standard", "none");

    /**
     * @throws InvalidInputException for an unknown type or missing statistics
     */
    public InputScaling {
        type = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new InvalidInputException("unknown --scale '" + type + "' (known: " + String.join(", ", TYPES) + ")");
        }
        if ((type.equals("unit") || type.equals("pm1")) && (rawMax == null || !(rawMax > 0))) {
            throw new InvalidInputException("--scale " + type + " is for images (pixels with a known maximum)");
        }
        if (type.equals("standard") && (mean == null || std == null || mean.length != std.length)) {
            throw new InvalidInputException("--scale standard needs per-column mean and std");
        }
    }

    /**
     * The default scaling for a dataset: {@code unit} for images, {@code standard} for tables.
     *
     * @param train the training set
     * @return the fitted scaling
     */
    public static InputScaling defaultFor(Dataset train) {
        return fit(train.kind() == Dataset.Kind.IMAGE ? "unit" : "standard", train);
    }

    /**
     * Fits a scaling to the training set.
     *
     * @param type one of {@link #TYPES}
     * @param train the training set
     * @return the scaling with its statistics
     * @throws InvalidInputException if the type does not suit the data (pixel scalings on tables)
     */
    public static InputScaling fit(String type, Dataset train) {
        String t = type.toLowerCase(Locale.ROOT);
        switch (t) {
            case "unit":
            case "pm1":
                if (train.kind() != Dataset.Kind.IMAGE) {
                    throw new InvalidInputException("--scale " + t + " is for images; " + train.name() + " is a table (use standard or none)");
                }
                return new InputScaling(t, train.rawMax(), null, null);
            case "standard": {
                Standardizer st = Standardizer.fit(train.values(), train.exampleSize(), null);
                return new InputScaling(t, null, st.mean(), st.std());
            }
            default:
                return new InputScaling(t, null, null, null);
        }
    }

    /**
     * Scales raw values to model inputs into a new array.
     *
     * @param data a dataset of the shape this scaling was fitted on
     * @return model-scale values, same layout as {@code data.values()}
     * @throws InvalidInputException if the column count differs from the fitted one
     */
    public float[] apply(Dataset data) {
        float[] out = new float[data.values().length];
        applyInto(data, java.nio.FloatBuffer.wrap(out));
        return out;
    }

    /**
     * Scales raw values to model inputs, writing them into a buffer (for example a direct buffer
     * that becomes a native array without another copy).
     *
     * @param data a dataset of the shape this scaling was fitted on
     * @param out receives {@code data.values().length} floats from its current position
     * @throws InvalidInputException if the column count differs from the fitted one
     */
    public void applyInto(Dataset data, java.nio.FloatBuffer out) {
        applyInto(data.values(), data.values().length, data.exampleSize(), data.name(), out);
    }

    /**
     * Scales raw values held in an array to model inputs, writing them into a buffer: the
     * arithmetic of {@link #applyInto(Dataset, java.nio.FloatBuffer)} (and so of every verb), for
     * callers that hold rows outside a {@link Dataset} (a Spark partition, a server request).
     *
     * @param values raw values, {@code (N, F)} row-major in its first {@code count} entries (pixels
     *     in {@code [0, rawMax]}, table cells in the units of the training file)
     * @param count how many values to scale, a multiple of {@code exampleSize}
     * @param exampleSize {@code F}, the values per example
     * @param name what the values are, for the error message
     * @param out receives {@code count} floats from its current position
     * @throws InvalidInputException if a {@code standard} scaling was fitted on another number of
     *     columns than {@code exampleSize}
     */
    public void applyInto(float[] values, int count, int exampleSize, String name, java.nio.FloatBuffer out) {
        float[] v = values;
        switch (type) {
            case "unit": {
                float s = 1f / rawMax;
                for (int i = 0; i < count; i++) {
                    out.put(v[i] * s);
                }
                break;
            }
            case "pm1": {
                float s = 2f / rawMax;
                for (int i = 0; i < count; i++) {
                    out.put(v[i] * s - 1f);
                }
                break;
            }
            case "standard": {
                int d = exampleSize;
                if (d != mean.length) {
                    throw new InvalidInputException(name + ": " + d + " columns, but the model was fitted on " + mean.length);
                }
                standardizer(null).applyInto(count == v.length ? v : java.util.Arrays.copyOf(v, count), out);
                break;
            }
            default:
                out.put(v, 0, count);
        }
    }

    /**
     * Maps model-scale values to the metric scale in place: {@code pm1 -> (y + 1) / 2}; other
     * scalings are already in metric scale ([0, 1] for {@code unit}).
     *
     * @param values model-scale values, changed in place
     */
    public void toMetricScale(float[] values) {
        if (type.equals("pm1")) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (values[i] + 1f) * 0.5f;
            }
        }
    }

    /** @return the affine map model -> metric as {@code {a, b}} with {@code metric = a*y + b} */
    public float[] metricAffine() {
        return type.equals("pm1") ? new float[] {0.5f, 0.5f} : new float[] {1f, 0f};
    }

    /** @return whether the metric scale is [0, 1] pixels (PSNR is defined) */
    public boolean isPixelScale() {
        return type.equals("unit") || type.equals("pm1");
    }

    /**
     * Maps model-scale values back to raw units in place (for writing decoded images or rows).
     *
     * @param values model-scale values, {@code (N, ...)} row-major, changed in place
     * @param exampleSize values per example (the column count for tables)
     */
    public void toRaw(float[] values, int exampleSize) {
        switch (type) {
            case "unit":
                for (int i = 0; i < values.length; i++) {
                    values[i] *= rawMax;
                }
                break;
            case "pm1":
                for (int i = 0; i < values.length; i++) {
                    values[i] = (values[i] + 1f) * 0.5f * rawMax;
                }
                break;
            case "standard":
                standardizer(null).invertInPlace(values);
                break;
            default:
                break;
        }
    }

    /**
     * The per-column statistics of a {@code standard} scaling as a {@link Standardizer}, which
     * does the arithmetic for this class.
     *
     * @param columns the column names to attach, or {@code null}
     * @return the standardizer
     * @throws IllegalStateException if this scaling is not {@code standard}
     */
    public Standardizer standardizer(List<String> columns) {
        if (!type.equals("standard")) {
            throw new IllegalStateException("scaling " + type + " has no standardizer");
        }
        return new Standardizer(columns, mean, std);
    }

    /**
     * The output activation that matches this scaling's range.
     *
     * @return {@code sigmoid} for [0,1], {@code tanh} for [-1,1], {@code none} otherwise
     */
    public String outputActivation() {
        switch (type) {
            case "unit":
                return "sigmoid";
            case "pm1":
                return "tanh";
            default:
                return "none";
        }
    }
}
