package dev.bottleneck.app;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.eval.ClusteringMetrics;
import dev.bottleneck.eval.KMeans;
import dev.bottleneck.latent.DiscreteLatent;
import dev.bottleneck.model.Autoencoder;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unsupervised classification with a one-hot code (issue 10, {@code bottleneck cluster}): each
 * example's cluster is the argmax of its (first) categorical group; accuracy under the best
 * one-to-one map of clusters to classes (Hungarian), NMI and ARI ({@link ClusteringMetrics}),
 * beside k-means on raw pixels and, when given, k-means on the codes of another model, on the same
 * examples.
 */
public final class Clustering {

    private Clustering() {}

    /**
     * One method's figures.
     *
     * @param method e.g. {@code "one-hot code"}, {@code "k-means on pixels"}
     * @param clusters the number of clusters it could use
     * @param metrics accuracy, NMI, ARI, confusion
     */
    public record Row(String method, int clusters, ClusteringMetrics metrics) {
        /** @return the figures as a JSON-ready map */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("method", method);
            m.put("clusters", clusters);
            m.put("accuracy", metrics.accuracy());
            m.put("nmi", metrics.nmi());
            m.put("ari", metrics.ari());
            return m;
        }
    }

    /**
     * The clusters of a categorical model: the argmax of each example's first group.
     *
     * @param model a model whose code has one-hot groups
     * @param data the examples (raw units)
     * @param scaling the model's input scaling
     * @return one cluster per example, in {@code [0, categories)}
     * @throws InvalidInputException if the model's code is not one-hot categories
     */
    public static int[] clusters(Autoencoder model, Dataset data, InputScaling scaling) {
        if (!(model.latent() instanceof dev.bottleneck.latent.categorical.GumbelSoftmaxLatent)) {
            throw new InvalidInputException("a " + model.config().type() + " model has no one-hot code; cluster needs --model categorical");
        }
        int w = model.codeWidth();
        int[] codes = Codes.encodeIndices(model, data, scaling);
        int[] c = new int[data.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = codes[i * w];
        }
        return c;
    }

    /**
     * @param model a categorical model
     * @return the categories of its first group
     */
    public static int categories(Autoencoder model) {
        return (int) ((DiscreteLatent) model.latent()).codebookSize();
    }

    /**
     * k-means on raw values (pixels in [0, 1] for images, as the model's scaling gives).
     *
     * @param data the examples
     * @param scaling the model's input scaling
     * @param k clusters
     * @param seed the seed
     * @return one cluster per example
     */
    public static int[] kmeansOnInputs(Dataset data, InputScaling scaling, int k, long seed) {
        float[] x = scaling.apply(data);
        return KMeans.of(k, seed).fit(x, data.size()).assignments();
    }

    /**
     * k-means on a model's continuous codes.
     *
     * @param model any model
     * @param data the examples
     * @param scaling that model's input scaling
     * @param k clusters
     * @param seed the seed
     * @return one cluster per example
     */
    public static int[] kmeansOnCodes(Autoencoder model, Dataset data, InputScaling scaling, int k, long seed) {
        float[] z = Codes.encode(model, data, scaling, null);
        return KMeans.of(k, seed).fit(z, data.size()).assignments();
    }

    /**
     * Draws a confusion matrix (clusters x classes) as a heat map.
     *
     * @param m the metrics
     * @param title the title
     * @param file the {@code .png}
     */
    public static void confusionPicture(ClusteringMetrics m, String title, Path file) {
        long[][] c = m.confusion();
        int k = c.length;
        int classes = k == 0 ? 0 : c[0].length;
        List<Integer> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            xs.add(i);
        }
        for (int i = 0; i < k; i++) {
            ys.add(i);
        }
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < classes; j++) {
                cells.add(new Number[] {j, i, c[i][j]});
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(700).height(600).title(title)
                .xAxisTitle("class (label)").yAxisTitle("cluster (argmax of the one-hot code)").build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("confusion", xs, ys, cells);
        dev.bottleneck.io.ImageGrid.writePng(file, BitmapEncoder.getBufferedImage(chart));
    }

    /**
     * Draws up to {@code perCluster} examples of each cluster, one row per cluster.
     *
     * @param data the examples (images)
     * @param clusters their clusters
     * @param k clusters
     * @param perCluster examples per row
     * @param scaling the model's input scaling
     * @param shape the image shape {@code (C, H, W)}
     * @param file the {@code .png}
     */
    public static void examplesPicture(Dataset data, int[] clusters, int k, int perCluster, InputScaling scaling, int[] shape, Path file) {
        int per = data.exampleSize();
        float[] values = scaling.apply(data);
        float[] grid = new float[k * perCluster * per];
        int[] filled = new int[k];
        for (int i = 0; i < clusters.length; i++) {
            int c = clusters[i];
            if (filled[c] < perCluster) {
                System.arraycopy(values, i * per, grid, (c * perCluster + filled[c]) * per, per);
                filled[c]++;
            }
        }
        Pictures.grid(grid, k * perCluster, shape, scaling, perCluster, file);
    }
}
