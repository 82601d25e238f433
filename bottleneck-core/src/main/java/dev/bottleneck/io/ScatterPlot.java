package dev.bottleneck.io;

import dev.bottleneck.BottleneckException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scatter plot of 2-D points coloured by class (the latent map), drawn with XChart: one series
 * per label, in label order, with the ten "tab10" colours (then XChart's own).
 */
public final class ScatterPlot {

    private static final Color[] TAB10 = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207),
    };

    private ScatterPlot() {}

    /**
     * Draws the points.
     *
     * @param x first coordinates {@code (N)}
     * @param y second coordinates {@code (N)}
     * @param labels class of each point {@code (N)}, or {@code null} for one colour
     * @param classNames names by label, or {@code null} to show the label numbers
     * @param title chart title
     * @param xTitle x-axis title
     * @param yTitle y-axis title
     * @return the chart, 900x750 pixels
     */
    public static BufferedImage draw(float[] x, float[] y, int[] labels, List<String> classNames, String title, String xTitle,
                                     String yTitle) {
        XYChart chart = new XYChartBuilder().width(900).height(750).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(4);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        Map<Integer, List<Integer>> byLabel = new TreeMap<>();
        for (int i = 0; i < x.length; i++) {
            byLabel.computeIfAbsent(labels == null ? -1 : labels[i], l -> new ArrayList<>()).add(i);
        }
        int s = 0;
        for (Map.Entry<Integer, List<Integer>> e : byLabel.entrySet()) {
            List<Integer> idx = e.getValue();
            double[] xs = new double[idx.size()];
            double[] ys = new double[idx.size()];
            for (int i = 0; i < idx.size(); i++) {
                xs[i] = x[idx.get(i)];
                ys[i] = y[idx.get(i)];
            }
            int label = e.getKey();
            String name = label < 0 ? "codes" : classNames != null && label < classNames.size() ? classNames.get(label) : String.valueOf(label);
            XYSeries series = chart.addSeries(name + " (" + idx.size() + ")", xs, ys);
            series.setMarker(SeriesMarkers.CIRCLE);
            if (s < TAB10.length) {
                series.setMarkerColor(new Color(TAB10[s].getRed(), TAB10[s].getGreen(), TAB10[s].getBlue(), 150));
            }
            s++;
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Draws the points and writes a PNG atomically.
     *
     * @param file the {@code .png}
     * @param x first coordinates
     * @param y second coordinates
     * @param labels classes or {@code null}
     * @param classNames names or {@code null}
     * @param title chart title
     * @param xTitle x-axis title
     * @param yTitle y-axis title
     * @throws BottleneckException naming the file if it cannot be drawn or written
     */
    public static void write(Path file, float[] x, float[] y, int[] labels, List<String> classNames, String title, String xTitle,
                             String yTitle) {
        BufferedImage img;
        try {
            img = draw(x, y, labels, classNames, title, xTitle, yTitle);
        } catch (RuntimeException | Error e) {
            throw new BottleneckException(file + ": cannot draw the chart (" + e + "); is a font installed (fonts-dejavu-core)?", e);
        }
        ImageGrid.writePng(file, img);
    }
}
