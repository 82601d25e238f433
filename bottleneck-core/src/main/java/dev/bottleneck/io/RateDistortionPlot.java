package dev.bottleneck.io;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.app.RateDistortion;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rate-distortion chart: PSNR (dB) against bits per pixel, one line per method, points sorted
 * by rate; lossless methods (PNG) as a vertical marker at their rate.
 */
public final class RateDistortionPlot {

    private RateDistortionPlot() {}

    /**
     * @param file the PNG to write
     * @param points the points ({@link RateDistortion})
     * @param title the chart's title
     * @throws BottleneckException naming the file if it cannot be drawn or written
     */
    public static void write(Path file, List<RateDistortion.Point> points, String title) {
        Map<String, List<RateDistortion.Point>> byMethod = new LinkedHashMap<>();
        for (RateDistortion.Point p : points) {
            byMethod.computeIfAbsent(p.method(), k -> new ArrayList<>()).add(p);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (RateDistortion.Point p : points) {
            if (Double.isFinite(p.psnr())) {
                lo = Math.min(lo, p.psnr());
                hi = Math.max(hi, p.psnr());
            }
        }
        BufferedImage img;
        try {
            XYChart chart = new XYChartBuilder().width(800).height(520).title(title).xAxisTitle("bits per pixel (every byte of the files)")
                    .yAxisTitle("PSNR, dB (mean over images)").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
            for (Map.Entry<String, List<RateDistortion.Point>> e : byMethod.entrySet()) {
                List<RateDistortion.Point> l = new ArrayList<>(e.getValue());
                l.sort(Comparator.comparingDouble(RateDistortion.Point::bpp));
                boolean lossless = l.stream().allMatch(p -> Double.isInfinite(p.psnr()));
                double[] x = lossless ? new double[] {l.get(0).bpp(), l.get(0).bpp()} : l.stream().mapToDouble(RateDistortion.Point::bpp).toArray();
                double[] y = lossless ? new double[] {lo, hi} : l.stream().mapToDouble(RateDistortion.Point::psnr).toArray();
                XYSeries s = chart.addSeries(lossless ? e.getKey() + " (lossless)" : e.getKey(), x, y);
                s.setMarker(lossless ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            }
            img = BitmapEncoder.getBufferedImage(chart);
        } catch (RuntimeException | Error e) {
            throw new BottleneckException(file + ": cannot draw the chart (" + e + "); is a font installed (fonts-dejavu-core)?", e);
        }
        ImageGrid.writePng(file, img);
    }
}
