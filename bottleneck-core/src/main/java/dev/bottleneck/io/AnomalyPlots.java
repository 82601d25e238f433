package dev.bottleneck.io;

import dev.bottleneck.BottleneckException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The two charts of {@code anomaly eval}, drawn with XChart and written as PNG (800x500 pixels):
 * the score histogram of normal and anomalous examples with the threshold, and the ROC curve.
 */
public final class AnomalyPlots {

    private static final Color NORMAL = new Color(31, 119, 180);
    private static final Color ANOMALY = new Color(214, 39, 40);

    private AnomalyPlots() {}

    /**
     * The score histogram by class: for each class the fraction of its examples per bin, drawn as
     * a step outline (so both classes stay visible where they overlap), and the threshold as a
     * vertical line. Bins are 60 equal steps of {@code log10(score)} when every score is positive
     * and they span more than a factor of 100 (reconstruction errors usually do), else of the
     * score; the range is the 0.1th to the 99.9th percentile of all scores, outliers being counted
     * in the end bins.
     *
     * @param file the {@code .png} to write, atomically
     * @param scores {@code (N)} scores
     * @param anomalous {@code (N)} true for an anomaly
     * @param threshold the detector's threshold
     * @param title chart title
     * @param scoreLabel what the score is, for the x axis
     * @throws BottleneckException naming the file if it cannot be drawn or written
     */
    public static void histogram(Path file, float[] scores, boolean[] anomalous, double threshold, String title, String scoreLabel) {
        write(file, () -> {
            float[] sorted = scores.clone();
            Arrays.sort(sorted);
            double lo = sorted[(int) Math.floor(0.001 * (sorted.length - 1))];
            double hi = sorted[(int) Math.ceil(0.999 * (sorted.length - 1))];
            boolean log = sorted[0] > 0 && hi / lo > 100;
            double a = log ? Math.log10(lo) : lo;
            double b = log ? Math.log10(hi) : hi;
            if (!(b > a)) {
                b = a + 1;
            }
            int bins = 60;
            double[] normal = new double[bins];
            double[] anomaly = new double[bins];
            long nNormal = 0;
            long nAnomaly = 0;
            for (int i = 0; i < scores.length; i++) {
                double v = log ? Math.log10(Math.max(scores[i], Float.MIN_NORMAL)) : scores[i];
                int k = (int) Math.floor((v - a) / (b - a) * bins);
                k = Math.max(0, Math.min(bins - 1, k));
                if (anomalous[i]) {
                    anomaly[k]++;
                    nAnomaly++;
                } else {
                    normal[k]++;
                    nNormal++;
                }
            }
            XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                    .xAxisTitle(log ? scoreLabel + " (log10)" : scoreLabel).yAxisTitle("fraction of the class").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            chart.getStyler().setMarkerSize(0);
            double top = 0;
            if (nNormal > 0) {
                top = Math.max(top, addSteps(chart, "normal (" + nNormal + ")", normal, nNormal, a, b, NORMAL));
            }
            if (nAnomaly > 0) {
                top = Math.max(top, addSteps(chart, "anomalous (" + nAnomaly + ")", anomaly, nAnomaly, a, b, ANOMALY));
            }
            double t = log ? Math.log10(Math.max(threshold, Float.MIN_NORMAL)) : threshold;
            if (t >= a && t <= b) {
                XYSeries s = chart.addSeries(String.format(java.util.Locale.ROOT, "threshold %.4g", threshold),
                        new double[] {t, t}, new double[] {0, top * 1.05});
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(Color.DARK_GRAY);
                s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            }
            return BitmapEncoder.getBufferedImage(chart);
        });
    }

    private static double addSteps(XYChart chart, String name, double[] counts, long total, double a, double b, Color color) {
        int bins = counts.length;
        double[] x = new double[2 * bins + 2];
        double[] y = new double[2 * bins + 2];
        double w = (b - a) / bins;
        double top = 0;
        x[0] = a;
        y[0] = 0;
        for (int k = 0; k < bins; k++) {
            double f = counts[k] / total;
            top = Math.max(top, f);
            x[2 * k + 1] = a + k * w;
            y[2 * k + 1] = f;
            x[2 * k + 2] = a + (k + 1) * w;
            y[2 * k + 2] = f;
        }
        x[2 * bins + 1] = b;
        y[2 * bins + 1] = 0;
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(2f));
        return top;
    }

    /**
     * The ROC curve with the chance diagonal.
     *
     * @param file the {@code .png} to write, atomically
     * @param fpr false-positive rates, from 0 to 1
     * @param tpr true-positive rates, same length
     * @param auroc the area, for the legend
     * @param title chart title
     * @throws BottleneckException naming the file if it cannot be drawn or written
     */
    public static void roc(Path file, double[] fpr, double[] tpr, double auroc, String title) {
        write(file, () -> {
            XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                    .xAxisTitle("false-positive rate (normal examples flagged)").yAxisTitle("true-positive rate (anomalies flagged)").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
            chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
            double[][] c = thin(fpr, tpr, 2000);
            XYSeries s = chart.addSeries(String.format(java.util.Locale.ROOT, "ROC, AUROC %.4f", auroc), c[0], c[1]);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(ANOMALY);
            s.setLineStyle(new BasicStroke(2f));
            XYSeries d = chart.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
            d.setMarker(SeriesMarkers.NONE);
            d.setLineColor(Color.GRAY);
            return BitmapEncoder.getBufferedImage(chart);
        });
    }

    /** Keeps at most about {@code max} points of a monotone curve (a 10-million-point series is slow to draw). */
    private static double[][] thin(double[] x, double[] y, int max) {
        if (x.length <= max) {
            return new double[][] {x, y};
        }
        double step = (double) (x.length - 1) / (max - 1);
        double[] a = new double[max];
        double[] b = new double[max];
        for (int i = 0; i < max; i++) {
            int k = (int) Math.round(i * step);
            a[i] = x[k];
            b[i] = y[k];
        }
        return new double[][] {a, b};
    }

    private interface Drawing {
        BufferedImage draw();
    }

    private static void write(Path file, Drawing d) {
        BufferedImage img;
        try {
            img = d.draw();
        } catch (RuntimeException | Error e) {
            throw new BottleneckException(file + ": cannot draw the chart (" + e + "); is a font installed (fonts-dejavu-core)?", e);
        }
        ImageGrid.writePng(file, img);
    }
}
