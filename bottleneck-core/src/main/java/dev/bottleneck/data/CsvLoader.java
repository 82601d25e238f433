package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.io.AtomicFiles;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads a numeric table from a CSV file (RFC 4180 style) into a {@link Dataset.Kind#TABLE}
 * dataset, and writes one (latent codes, scores).
 *
 * <p>Format accepted by {@link #load}:
 *
 * <ul>
 *   <li>UTF-8 text (a leading byte-order mark is skipped; undecodable bytes become U+FFFD), lines
 *       ending in LF, CRLF or CR.
 *   <li>Separator: a comma; if the first line has no comma, a semicolon or else a tab if it has
 *       one. Decided once, from the first line.
 *   <li>Header: optional. The first line is a header if any of its cells is text: not empty, not
 *       a number and not a spelling of NaN or infinity. Exception: when the label column is given
 *       by index and its cell is the only text, the first line is data (so a header-less {@code
 *       5.1,3.5,1.4,0.2,setosa} loads with label column {@code "4"}).
 *   <li>Cells: plain ({@code 1.5}, spaces around are ignored) or quoted ({@code "1.5"}, with
 *       {@code ""} for a quote inside; a quoted header name is kept exactly, spaces included); a
 *       quoted cell cannot span lines. Numbers are decimal, as
 *       {@code [+-]digits[.digits][(e|E)[+-]digits]}: no hexadecimal, no {@code f}/{@code d}
 *       suffix, no thousands separator.
 *   <li>Blank lines at the end (and before the first row) are ignored; a blank line between rows
 *       is an error.
 * </ul>
 *
 * <p>Every feature value must be a finite float32. Errors name the file, the row and column as a
 * spreadsheet numbers them (from 1, the header being row 1 when there is one) and the column's
 * name where there is a header, e.g. {@code "data.csv: row 12, column 3 (\"age\"): not a number:
 * 'abc'"}.
 *
 * <p>The file is parsed by {@link CsvChunkReader}, the one CSV reader of the project (so {@code
 * train} and {@code anomaly score} accept the same files), a chunk of rows at a time into one
 * growable {@code float[]}.
 */
public final class CsvLoader {

    /** The most values one table can hold (a Java array's limit). */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    private CsvLoader() {}

    /**
     * Loads a numeric table.
     *
     * <p>Label column: when its cells are all integers {@code >= 0} (also written {@code 3.0}),
     * they are the labels and there are no class names; otherwise each distinct cell text becomes
     * a class, numbered 0..K-1 in order of first appearance, and the texts are the class names.
     *
     * @param file the CSV file
     * @param labelColumn {@code null} for no labels; otherwise a header name (an exact match is
     *     tried first) or a 0-based column index written as a string ({@code "0"}, {@code "4"})
     * @return a dataset named {@code csv:<file name>} with batch shape {@code (N, D)}, {@code D}
     *     being the number of columns less the label column; values as in the file; column names
     *     (feature columns only) when there is a header, else {@code null}; {@code rawMax} NaN
     * @throws InvalidInputException naming the file if it is missing or unreadable, empty, has a
     *     header but no rows, has a cell that is not a number ({@code "not a number: 'abc'"}), is
     *     empty ({@code "empty cell"}), is NaN or infinite ({@code "NaN is not allowed"}) or
     *     overflows float32, has a row with another number of cells than the first row, an
     *     unterminated quote or a blank line between rows; if the label column does not exist
     *     ({@code "data.csv: no column 'target' (columns: a, b, c)"}) or is the only column
     */
    public static Dataset load(Path file, String labelColumn) {
        try (CsvChunkReader r = CsvChunkReader.open(file, labelColumn, true)) {
            int d = r.columns();
            int chunk = Math.max(1, Math.min(4096, (1 << 16) / Math.max(1, d)));
            float[] values = new float[(int) Math.min(MAX_VALUES, Math.max((long) chunk * d, 1 << 12))];
            int[] ids = r.hasLabels() ? new int[1 << 10] : null;
            int rows = 0;
            while (true) {
                long need = (long) (rows + chunk) * d;
                if (need > values.length) {
                    long want = Math.max((long) values.length * 2, need);
                    if (want > MAX_VALUES) {
                        want = MAX_VALUES;
                        if (want < (long) rows * d + d) {
                            throw new InvalidInputException(file, "too large: more than " + MAX_VALUES
                                    + " values (" + rows + " rows of " + d + " columns); at most 2^31 values can be loaded");
                        }
                    }
                    values = Arrays.copyOf(values, (int) want);
                }
                int room = (int) Math.min(chunk, (values.length - (long) rows * d) / Math.max(1, d));
                if (ids != null && rows + room > ids.length) {
                    ids = Arrays.copyOf(ids, (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) ids.length * 2, rows + room)));
                }
                int n = r.read(values, rows * d, ids, rows, room);
                if (n == 0) {
                    break;
                }
                rows += n;
            }
            if (rows == 0) {
                throw new InvalidInputException(file, "empty dataset: a header row but no data rows");
            }
            int[] labels = null;
            List<String> classNames = null;
            if (ids != null) {
                int[] asInts = r.integerLabels();
                labels = new int[rows];
                for (int i = 0; i < rows; i++) {
                    labels[i] = asInts != null ? asInts[ids[i]] : ids[i];
                }
                classNames = asInts != null ? null : new ArrayList<>(r.labelNames());
            }
            long n = (long) rows * d;
            return Dataset.builder("csv:" + file.getFileName(), Dataset.Kind.TABLE)
                    .exampleShape(d)
                    .values(n == values.length ? values : Arrays.copyOf(values, (int) n))
                    .labels(labels)
                    .classNames(classNames)
                    .columnNames(r.featureNames())
                    .build();
        }
    }

    /**
     * Writes a table as CSV, atomically: an optional header line, then one line per row, values
     * written with {@link Float#toString(float)} (which reads back to the same float, bit for bit,
     * including {@code -0.0}), separated by commas, lines ending in LF.
     *
     * @param file the file to create or replace
     * @param values {@code N * columns} finite values, row-major, shape {@code (N, columns)}
     * @param columns the number of columns {@code D >= 1}
     * @param header {@code D} column names, or {@code null} for no header line; names are quoted
     *     when they hold a comma, a quote, a line break or spaces at either end
     * @throws IllegalArgumentException if {@code values.length} is not a multiple of {@code
     *     columns}, the header has another length, or every header name is a number (the reader
     *     would take the header for a row)
     * @throws BottleneckException naming the file if a value is NaN or infinite (the reader rejects
     *     them) or the file cannot be written
     */
    public static void write(Path file, float[] values, int columns, List<String> header) {
        if (columns < 1 || values.length % columns != 0) {
            throw new IllegalArgumentException("CSV: " + values.length + " values do not make rows of " + columns + " columns");
        }
        if (header != null) {
            if (header.size() != columns) {
                throw new IllegalArgumentException("CSV: header has " + header.size() + " names for " + columns + " columns");
            }
            boolean anyText = false;
            for (String h : header) {
                anyText |= cellKind(h.strip()) == CellKind.TEXT;
            }
            if (!anyText) {
                throw new IllegalArgumentException("CSV: header names " + header
                        + " are all numbers or empty; the reader would take the header for a data row");
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new BottleneckException(file + ": cannot write " + values[i] + " at row " + (i / columns + 1)
                        + ", column " + (i % columns + 1) + " (CSV values must be finite)");
            }
        }
        AtomicFiles.write(file, out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            StringBuilder sb = new StringBuilder();
            if (header != null) {
                for (int c = 0; c < columns; c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    sb.append(quoteIfNeeded(header.get(c)));
                }
                sb.append('\n');
                w.append(sb);
            }
            int rows = values.length / columns;
            for (int i = 0; i < rows; i++) {
                sb.setLength(0);
                for (int c = 0; c < columns; c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    sb.append(Float.toString(values[i * columns + c]));
                }
                sb.append('\n');
                w.append(sb);
            }
            w.flush();
        });
    }

    private static String quoteIfNeeded(String s) {
        boolean needs = s.isEmpty() ? false
                : s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || s.indexOf(';') >= 0 || s.indexOf('\t') >= 0
                || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1));
        return needs ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** What a trimmed cell is. */
    enum CellKind { EMPTY, NUMBER, NAN, INFINITY, TEXT }

    static CellKind cellKind(String s) {
        if (s.isEmpty()) {
            return CellKind.EMPTY;
        }
        if (isDecimal(s)) {
            return CellKind.NUMBER;
        }
        String t = s.toLowerCase(Locale.ROOT);
        if (t.startsWith("+") || t.startsWith("-")) {
            t = t.substring(1);
        }
        if (t.equals("nan")) {
            return CellKind.NAN;
        }
        if (t.equals("inf") || t.equals("infinity")) {
            return CellKind.INFINITY;
        }
        return CellKind.TEXT;
    }

    /** {@code [+-]digits[.digits][(e|E)[+-]digits]}, with digits on at least one side of the point. */
    static boolean isDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exp = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exp++;
            }
            if (exp == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** A non-negative integer label written {@code 12}, {@code +12} or {@code 12.0}; -1 otherwise. */
    static int integerLabel(String s) {
        int n = s.length();
        int i = s.startsWith("+") ? 1 : 0;
        long v = 0;
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            v = v * 10 + (s.charAt(i) - '0');
            if (v > Integer.MAX_VALUE) {
                return -1;
            }
            i++;
            digits++;
        }
        if (digits == 0) {
            return -1;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && s.charAt(i) == '0') {
                i++;
            }
        }
        return i == n ? (int) v : -1;
    }
}
