package dev.bottleneck.app;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.io.ImageGrid;
import dev.bottleneck.latent.CodeUsage;
import dev.bottleneck.latent.DiscreteLatent;
import dev.bottleneck.model.Autoencoder;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a discrete code's codebook is used for (issue 10, {@code bottleneck codebook}): the usage of
 * each entry over a dataset (a histogram plot, perplexity, codes used, dead codes), the decoded
 * entries (every code position set to one entry, the most used first), and the most frequent whole
 * codes decoded. Follows the health figures vector-quantize-pytorch users had to compute themselves
 * (its issues 24 and 205).
 */
public final class CodebookReport {

    private CodebookReport() {}

    /**
     * The report's figures.
     *
     * @param n examples encoded
     * @param width indices per example
     * @param entries entries per position (codebook size, categories, 2 for bits)
     * @param usage the entry histogram over all positions, {@code entries} counts
     * @param perplexity {@code exp(H)} of that histogram
     * @param used entries used at least once
     * @param frequentCodes the most frequent whole codes, most frequent first, with their counts
     */
    public record Result(int n, int width, long entries, long[] usage, double perplexity, int used,
                         List<Map.Entry<int[], Integer>> frequentCodes) {

        /** @return the figures as a JSON-ready map */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", n);
            m.put("indices_per_example", width);
            m.put("entries", entries);
            m.put("perplexity", perplexity);
            m.put("entries_used", used);
            m.put("entries_used_fraction", used / (double) entries);
            m.put("dead_entries", entries - used);
            List<Map<String, Object>> top = new ArrayList<>();
            for (Map.Entry<int[], Integer> e : frequentCodes) {
                top.add(Map.of("code", e.getKey(), "count", e.getValue()));
            }
            m.put("most_frequent_codes", top);
            return m;
        }
    }

    /**
     * Encodes a dataset and counts the entries and the whole codes.
     *
     * @param model a model with a discrete code
     * @param data the dataset (raw units)
     * @param scaling the model's input scaling
     * @param top how many frequent whole codes to keep
     * @return the figures
     * @throws InvalidInputException if the model's code is continuous
     */
    public static Result analyse(Autoencoder model, Dataset data, InputScaling scaling, int top) {
        if (!(model.latent() instanceof DiscreteLatent d)) {
            throw new InvalidInputException("a " + model.config().type() + " model has a continuous code: it has no codebook");
        }
        int w = model.codeWidth();
        int[] codes = Codes.encodeIndices(model, data, scaling);
        int n = codes.length / w;
        long k = d.codebookSize();
        long[] usage = new long[(int) Math.min(k, Integer.MAX_VALUE - 8)];
        Map<String, Integer> freq = new HashMap<>();
        Map<String, int[]> keys = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int[] c = Arrays.copyOfRange(codes, i * w, (i + 1) * w);
            for (int v : c) {
                usage[v]++;
            }
            String key = Arrays.toString(c);
            freq.merge(key, 1, Integer::sum);
            keys.putIfAbsent(key, c);
        }
        List<Map.Entry<int[], Integer>> frequent = new ArrayList<>();
        freq.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> frequent.add(Map.entry(keys.get(e.getKey()), e.getValue())));
        int used = 0;
        for (long u : usage) {
            used += u > 0 ? 1 : 0;
        }
        return new Result(n, w, k, usage, CodeUsage.perplexity(usage), used, frequent);
    }

    /**
     * Draws the usage histogram, entries sorted by use.
     *
     * @param r the figures
     * @param title the chart title
     * @param file the {@code .png}
     */
    public static void histogram(Result r, String title, Path file) {
        Integer[] order = new Integer[r.usage().length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> -r.usage()[i]));
        List<Integer> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            x.add(i);
            y.add(r.usage()[order[i]] / (double) Math.max(1, (long) r.n() * r.width()));
        }
        CategoryChart chart = new CategoryChartBuilder().width(900).height(400).title(title)
                .xAxisTitle("entries, most used first (" + r.used() + " of " + r.entries() + " used)").yAxisTitle("share of code positions").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisTicksVisible(order.length <= 32);
        chart.getStyler().setOverlapped(true);
        chart.addSeries("usage", x, y);
        ImageGrid.writePng(file, BitmapEncoder.getBufferedImage(chart));
    }

    /**
     * Decodes the entries (every position set to one entry), most used first, and the most frequent
     * whole codes, as two rows of pictures.
     *
     * @param model the model
     * @param r the figures
     * @param count entries to draw
     * @param scaling the model's input scaling
     * @param entriesFile the {@code .png} of decoded entries
     * @param codesFile the {@code .png} of the most frequent codes
     */
    public static void pictures(Autoencoder model, Result r, int count, InputScaling scaling, Path entriesFile, Path codesFile) {
        Integer[] order = new Integer[r.usage().length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> -r.usage()[i]));
        int c = Math.min(count, order.length);
        float[] entryCodes = new float[c * r.width()];
        for (int i = 0; i < c; i++) {
            Arrays.fill(entryCodes, i * r.width(), (i + 1) * r.width(), order[i]);
        }
        draw(model, entryCodes, c, r.width(), scaling, entriesFile);
        int f = r.frequentCodes().size();
        if (f > 0) {
            float[] frequent = new float[f * r.width()];
            for (int i = 0; i < f; i++) {
                int[] code = r.frequentCodes().get(i).getKey();
                for (int j = 0; j < code.length; j++) {
                    frequent[i * r.width() + j] = code[j];
                }
            }
            draw(model, frequent, f, r.width(), scaling, codesFile);
        }
    }

    private static void draw(Autoencoder model, float[] codes, int n, int w, InputScaling scaling, Path file) {
        float[] x;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray c = m.create(codes, new Shape(n, w));
            x = model.decodeCodes(c).toFloatArray();
        }
        Pictures.grid(x, n, model.config().inputShape(), scaling, Math.min(16, n), file);
    }
}
