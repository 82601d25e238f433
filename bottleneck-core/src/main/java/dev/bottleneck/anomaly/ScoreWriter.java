package dev.bottleneck.anomaly;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes scores as CSV, one line per input example: {@code index,score,flag}, then {@code
 * err_<column>} per feature when per-feature errors are asked for (H2O's {@code
 * reconstr_<column>.SE}).
 *
 * <ul>
 *   <li>{@code index}: the example's 0-based position in the input (data rows of a CSV, not
 *       counting the header).
 *   <li>{@code score}: the anomaly score ({@link AnomalyScore}), written with {@link
 *       Float#toString(float)} (reads back to the same float).
 *   <li>{@code flag}: 1 when {@code score > threshold}, else 0.
 * </ul>
 *
 * The caller owns the stream (usually an {@link dev.bottleneck.io.AtomicFiles} temporary file).
 */
final class ScoreWriter {

    private final Writer out;
    private final double threshold;
    private final StringBuilder sb = new StringBuilder(1 << 16);
    private long index;
    private long flagged;

    /**
     * Starts the file with its header line.
     *
     * @param stream the target stream (not closed here)
     * @param threshold flag when {@code score > threshold}
     * @param featureNames per-feature column names (without the {@code err_} prefix), or {@code
     *     null} for no per-feature columns
     * @throws IOException on a write error
     */
    ScoreWriter(OutputStream stream, double threshold, List<String> featureNames) throws IOException {
        this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
        this.threshold = threshold;
        sb.append("index,score,flag");
        if (featureNames != null) {
            for (String f : featureNames) {
                sb.append(',').append(quote("err_" + f));
            }
        }
        sb.append('\n');
        out.append(sb);
        sb.setLength(0);
    }

    /**
     * Writes the lines of a batch.
     *
     * @param scores {@code (n)} scores
     * @param perFeature {@code (n, F)} row-major errors, or {@code null}
     * @param n how many rows
     * @throws IOException on a write error
     */
    void write(float[] scores, float[] perFeature, int n) throws IOException {
        int f = perFeature == null ? 0 : perFeature.length / Math.max(1, n);
        for (int i = 0; i < n; i++) {
            boolean flag = scores[i] > threshold;
            if (flag) {
                flagged++;
            }
            sb.append(index++).append(',').append(scores[i]).append(',').append(flag ? '1' : '0');
            for (int j = 0, o = i * f; j < f; j++) {
                sb.append(',').append(perFeature[o + j]);
            }
            sb.append('\n');
            if (sb.length() > (1 << 16) - 1024) {
                out.append(sb);
                sb.setLength(0);
            }
        }
        out.append(sb);
        sb.setLength(0);
    }

    /**
     * Flushes what is buffered (the stream stays open).
     *
     * @throws IOException on a write error
     */
    void finish() throws IOException {
        out.flush();
    }

    /** @return rows written */
    long rows() {
        return index;
    }

    /** @return rows flagged */
    long flagged() {
        return flagged;
    }

    private static String quote(String s) {
        boolean needs = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || !s.equals(s.strip());
        return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
