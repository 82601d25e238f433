package dev.bottleneck.spark;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.anomaly.AnomalySettings;
import dev.bottleneck.io.Manifest;
import dev.bottleneck.io.ModelDirectory;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the driver needs to know about a model to plan a transform, read from the bundle's JSON
 * files without loading the native engine: the input shape, the table's column names, the code
 * size and whether the model is a fitted anomaly detector.
 *
 * @param source where the model came from, for messages
 * @param inputShape one example's shape, {@code (D)} for tables or {@code (C, H, W)} for images
 * @param columns the table column names the model was fitted on ({@code anomaly.json}, else
 *     {@code model.json}), or {@code null} when it has none (images, CSV without header)
 * @param codeSize {@code K}, the width of a code ({@link dev.bottleneck.model.Autoencoder#encode})
 * @param threshold the anomaly threshold ({@code score > threshold} flags a row), or {@code NaN}
 *     for a model without {@code anomaly.json}
 * @param scoreName the anomaly score ({@code mse} or {@code recon-prob}); {@code mse} for a plain model
 */
public record ModelInfo(String source, int[] inputShape, List<String> columns, int codeSize, double threshold, String scoreName)
        implements Serializable {

    /**
     * Reads the manifest (and {@code anomaly.json}) of a bundle, writing its files into a local
     * folder first.
     *
     * @param bundle the model
     * @param localRoot a local folder for the files ({@link ModelBundle#materialize})
     * @return the model's description
     * @throws InvalidInputException if {@code model.json} or {@code anomaly.json} is invalid
     */
    public static ModelInfo of(ModelBundle bundle, Path localRoot) {
        Path dir = bundle.materialize(localRoot);
        Manifest m = ModelDirectory.open(dir).manifest();
        int[] shape = m.model().inputShape();
        List<String> cols = m.input().columnNames();
        double threshold = Double.NaN;
        String score = "mse";
        if (bundle.isDetector()) {
            AnomalySettings s = AnomalySettings.read(dir);
            threshold = s.threshold();
            score = s.score();
            if (s.columns() != null) {
                cols = s.columns();
            }
        }
        if (cols != null && (shape.length != 1 || cols.size() != shape[0])) {
            cols = null;
        }
        return new ModelInfo(bundle.source(), shape, cols == null ? null : List.copyOf(cols), m.model().latent(), threshold, score);
    }

    /** @return {@code F}, the number of input values per example (the product of the shape) */
    public int inputSize() {
        int f = 1;
        for (int s : inputShape) {
            f *= s;
        }
        return f;
    }

    /** @return whether the model flags anomalies (it has a threshold) */
    public boolean isDetector() {
        return !Double.isNaN(threshold);
    }

    /** @return the input shape as text, e.g. {@code [1, 28, 28]} */
    public String shapeText() {
        return Arrays.toString(inputShape);
    }
}
