package dev.bottleneck.app;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.eval.PcaBaseline;
import dev.bottleneck.io.ScatterPlot;
import dev.bottleneck.model.Autoencoder;

import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * Where a dataset lands in latent space: the codes (posterior means for a VAE) of each example,
 * their first two dimensions when {@code K = 2} (or 1: the second axis is then 0), else their
 * first two principal components, as a scatter plot coloured by label.
 */
public final class LatentMap {

    private LatentMap() {}

    /**
     * The 2-D points of a latent map.
     *
     * @param x first coordinate of each example {@code (N)}
     * @param y second coordinate {@code (N)}
     * @param labels labels {@code (N)}, or {@code null}
     * @param pca whether the points are principal components of {@code K > 2} codes
     * @param xTitle axis title, e.g. {@code "z0"} or {@code "PC1 (23.1% of the code variance)"}
     * @param yTitle axis title
     */
    public record Points(float[] x, float[] y, int[] labels, boolean pca, String xTitle, String yTitle) {}

    /**
     * Encodes examples and reduces their codes to 2-D.
     *
     * @param model the model
     * @param data the dataset (raw units)
     * @param scaling the model's input scaling
     * @param seed seeds the PCA solver (large codes only)
     * @param progress examples encoded (may be null)
     * @return the points
     * @throws InvalidInputException if the dataset is empty
     */
    public static Points compute(Autoencoder model, Dataset data, InputScaling scaling, long seed, IntConsumer progress) {
        int n = data.size();
        if (n < 2) {
            throw new InvalidInputException(data.name() + ": a latent map needs at least 2 examples, got " + n);
        }
        int k = model.config().latent();
        float[] codes = Codes.encode(model, data, scaling, progress);
        float[] x = new float[n];
        float[] y = new float[n];
        if (k <= 2) {
            for (int i = 0; i < n; i++) {
                x[i] = codes[i * k];
                y[i] = k == 2 ? codes[i * k + 1] : 0f;
            }
            return new Points(x, y, data.hasLabels() ? data.labels() : null, false, "z0", k == 2 ? "z1" : "(none: K = 1)");
        }
        String[] titles = new String[2];
        try (NDManager m = model.manager().newSubManager()) {
            NDArray c = m.create(codes, new Shape(n, k));
            PcaBaseline pca = PcaBaseline.fit(c, 2, seed);
            float[] p = pca.encode(c).toFloatArray();
            double total = c.sub(c.mean(new int[] {0})).square().sum().getFloat() / n;
            for (int i = 0; i < n; i++) {
                x[i] = p[2 * i];
                y[i] = p[2 * i + 1];
            }
            for (int a = 0; a < 2; a++) {
                double v = 0;
                for (int i = 0; i < n; i++) {
                    v += p[2 * i + a] * (double) p[2 * i + a];
                }
                titles[a] = String.format(java.util.Locale.ROOT, "PC%d (%.1f%% of the code variance)", a + 1, 100 * v / n / total);
            }
        }
        return new Points(x, y, data.hasLabels() ? data.labels() : null, true, titles[0], titles[1]);
    }

    /**
     * Draws a latent map as PNG.
     *
     * @param points the points
     * @param data the dataset (for class names)
     * @param title chart title
     * @param file the {@code .png}
     */
    public static void write(Points points, Dataset data, String title, Path file) {
        ScatterPlot.write(file, points.x(), points.y(), points.labels(), data.classNames(), title, points.xTitle(), points.yTitle());
    }
}
