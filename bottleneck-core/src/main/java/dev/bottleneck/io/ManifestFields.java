package dev.bottleneck.io;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.ImageFolderLoader;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.model.Architectures;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.vae.VaeConfig;
import dev.bottleneck.nn.Activations;

import java.util.Arrays;
import java.util.List;

/**
 * The field checks of {@code model.json} ({@link Manifest}): every field a verb reads is present
 * when it must be, of its type and in range, before the file is bound to the record, so a
 * hand-edited or damaged manifest is a one-line error naming the file and the field rather than a
 * {@code NullPointerException} or a silent default of 0.
 *
 * <p>Required: {@code format}, {@code model} (with {@code version}, {@code type}, {@code arch},
 * {@code input_shape}, {@code latent}, {@code activation}, {@code latent_activation}, {@code loss},
 * {@code output}; the {@code vae} options when present), {@code input} (with {@code kind}, {@code
 * shape} equal to {@code model.input_shape}, {@code scaling} and its statistics, {@code data}, and
 * {@code test_data} or {@code holdout}) and {@code training} (with {@code config}: {@code epochs},
 * {@code batch_size}, {@code learning_rate}, {@code seed}; {@code epochs_completed}, {@code
 * train_seconds}). Optional fields are checked when present. The metrics that {@code info} prints
 * must be numbers ({@code "NaN"} and {@code "Infinity"}, as Jackson writes non-finite values, are
 * accepted).
 */
final class ManifestFields {

    /** Metrics that are read as numbers ({@code info}'s summary line). */
    static final List<String> NUMERIC_METRICS = List.of("mse", "psnr", "bce_per_image", "pca_mse", "pca_psnr", "mse_vs_pca",
            "elbo", "recon", "kl", "nll");

    private static final int MAX = Integer.MAX_VALUE;

    private ManifestFields() {}

    /**
     * @param m the top-level fields of {@code model.json}
     * @throws InvalidInputException naming the file and the first field that is missing, null, of
     *     the wrong type or out of range
     */
    static void check(JsonFields m) {
        long format = m.integer("format", Long.MIN_VALUE, Long.MAX_VALUE);
        if (format < 1 || format > Manifest.FORMAT) {
            throw m.error("format", "is " + format + ", which this version does not support (it reads 1.." + Manifest.FORMAT + ")");
        }
        m.optionalString("library");
        m.optionalString("created");
        m.optionalInteger("parameters", 0, Long.MAX_VALUE);
        String sha = m.optionalString("params_sha256");
        if (sha != null && !sha.matches("[0-9a-fA-F]{64}")) {
            throw m.error("params_sha256", "must be 64 hexadecimal digits (a SHA-256)");
        }
        int[] shape = model(m.object("model"));
        input(m.object("input"), shape);
        training(m.object("training"));
        JsonFields metrics = m.optionalObject("metrics");
        if (metrics != null) {
            for (String k : NUMERIC_METRICS) {
                metrics.optionalReal(k);
            }
        }
    }

    /** Checks the {@code model} section; returns its input shape. */
    private static int[] model(JsonFields c) {
        c.intValue("version", 1, ModelConfig.VERSION);
        c.oneOf("type", dev.bottleneck.model.ModelTypes.names());
        c.oneOf("arch", Architectures.names());
        int[] shape = c.ints("input_shape", 1, 3, 1, MAX);
        long size = 1;
        for (int s : shape) {
            size *= s;
            if (size > MAX) {
                throw c.error("input_shape", Arrays.toString(shape) + " has more than " + MAX + " values per example");
            }
        }
        c.intValue("latent", 1, MAX);
        c.optionalInts("hidden", 1, MAX);
        c.optionalInts("channels", 1, MAX);
        c.oneOf("activation", Activations.NAMES);
        c.oneOf("latent_activation", Activations.NAMES);
        c.oneOf("loss", ModelConfig.LOSSES);
        c.oneOf("output", ModelConfig.OUTPUTS);
        c.optionalString("noise");
        c.optionalString("penalty");
        c.optionalBoolean("tied");
        JsonFields v = c.optionalObject("vae"); // a vae without it has the default options
        if (v != null) {
            v.number("beta", 0, Double.MAX_VALUE);
            v.intValue("kl_warmup", 0, MAX);
            v.number("free_bits", 0, Double.MAX_VALUE);
            v.intValue("iw_samples", 1, MAX);
            v.oneOf("binarize", VaeConfig.BINARIZE);
            v.optionalNumberAbove("sigma", 0, Double.MAX_VALUE);
            v.optionalBoolean("learn_sigma");
        }
        return shape;
    }

    private static void input(JsonFields in, int[] modelShape) {
        String kind = in.oneOf("kind", List.of("image", "table"));
        int[] shape = in.ints("shape", 1, 3, 1, MAX);
        if (!Arrays.equals(shape, modelShape)) {
            throw in.error("shape", "is " + Arrays.toString(shape) + ", but model.input_shape is " + Arrays.toString(modelShape));
        }
        if (kind.equals("image") && shape.length != 3 || kind.equals("table") && shape.length != 1) {
            throw in.error("shape", "is " + Arrays.toString(shape) + ", which is not the shape of " + (kind.equals("image")
                    ? "an image (C, H, W)" : "a table row (D)"));
        }
        int size = 1;
        for (int s : shape) {
            size *= s;
        }
        JsonFields sc = in.object("scaling");
        String type = sc.oneOf("type", InputScaling.TYPES);
        if (type.equals("unit") || type.equals("pm1")) {
            sc.numberAbove("raw_max", 0, Float.MAX_VALUE);
        } else if (type.equals("standard")) {
            sc.floats("mean", size, false);
            sc.floats("std", size, true);
        }
        in.string("data");
        String test = in.optionalString("test_data");
        Double holdout = in.optionalNumberAbove("holdout", 0, 1);
        if (holdout != null && holdout >= 1) {
            throw in.error("holdout", "must be below 1, got " + holdout);
        }
        if (test == null && holdout == null) {
            throw in.error("holdout", "is missing (expected the held-out fraction of input.data, as there is no input.test_data)");
        }
        in.optionalString("label_column");
        String resize = in.optionalString("resize");
        if (resize != null) {
            try {
                ImageFolderLoader.parseSize(resize);
            } catch (InvalidInputException e) {
                throw in.error("resize", "is not an image size HxW: " + e.getMessage());
            }
        }
        in.optionalStrings("class_names");
        List<String> columns = in.optionalStrings("column_names");
        if (columns != null && columns.size() != size) {
            throw in.error("column_names", "has " + columns.size() + " names for " + size + " columns");
        }
    }

    private static void training(JsonFields t) {
        JsonFields c = t.object("config");
        c.intValue("epochs", 1, MAX);
        c.intValue("batch_size", 1, MAX);
        c.numberAbove("learning_rate", 0, Double.MAX_VALUE);
        c.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        c.optionalNumberAbove("max_minutes", 0, Double.MAX_VALUE);
        t.intValue("epochs_completed", 0, MAX);
        t.number("train_seconds", 0, Double.MAX_VALUE);
        t.optionalInteger("threads", 1, MAX);
        t.optionalString("omp_wait_policy");
        t.optionalInteger("train_examples", 0, MAX);
    }
}
