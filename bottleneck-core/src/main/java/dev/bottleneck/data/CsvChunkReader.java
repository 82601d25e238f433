package dev.bottleneck.data;

import ch.randelshofer.fastdoubleparser.JavaFloatParser;
import dev.bottleneck.InvalidInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a numeric CSV table in chunks of rows, so that files of any size are processed in bounded
 * memory: {@link #read} fills a caller's {@code float[]} with up to {@code maxRows} rows {@code
 * (rows, D)} row-major, and the labels of the label column if there is one.
 *
 * <p>This is the project's one CSV parser: {@link CsvLoader#load} reads whole files with it, so
 * {@code train} and {@code anomaly score} accept the same files. UTF-8 (a byte-order mark is
 * skipped), lines ending in LF, CRLF or CR, separator {@code ,} or else {@code ;} or tab as
 * the first line shows, a header when the first line has text, plain or quoted cells (a quoted
 * cell cannot span lines), decimal numbers only ({@code [+-]digits[.digits][(e|E)[+-]digits]},
 * finite float32), the same number of cells on every row, blank lines only at the end. Errors name
 * the file, the row as a spreadsheet counts it (the header is row 1) and the column.
 *
 * <p>Speed: lines are cut and cells checked on the raw bytes, and numbers are converted by
 * FastDoubleParser ({@code JavaFloatParser}, correctly rounded) straight from the byte array, with
 * no {@code String} per cell. On the project's 2-core machine this reads 1,000,000 rows of 30
 * columns in 1.1 s with the C2 compiler and 1.7 s with C1 only, where Jackson's CSV parser took
 * 3.2 s and 8.7 s and the line-by-line reader {@link CsvLoader} had before 3.2 s and 13 s
 * (docs/benchmarks.md).
 *
 * <p>Labels: each distinct label text gets an id in order of first appearance ({@link
 * #labelNames()}); {@link #integerLabels()} gives {@link CsvLoader}'s integer coding when every
 * label is an integer.
 *
 * <p>Not thread-safe: one thread reads. {@link #bytesRead()} may be read from any thread.
 */
public final class CsvChunkReader implements AutoCloseable {

    private static final int MAX_LINE = 1 << 30;

    private final Path file;
    private final InputStream in;
    private byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private volatile long bytesRead;

    private byte sep;
    private int ncols;
    private List<String> header;
    private int labelIdx = -1;
    private final Map<String, Integer> labelIds = new HashMap<>();
    private final List<String> labelNames = new ArrayList<>();
    private long dataRows;
    private long lineNo;
    private long pendingBlank = -1;
    // the current line is buf[lineStart, lineEnd), without its line ending
    private int lineStart;
    private int lineEnd;
    // a position to come back to (the first line when it is data); moves with the buffer
    private int mark;

    private CsvChunkReader(Path file, InputStream in, int bufferSize) {
        this.file = file;
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /**
     * Opens a CSV file and reads its first line (header or first row).
     *
     * @param file the CSV file
     * @param labelColumn the label column (header name, or 0-based index as a string), or {@code
     *     null}
     * @param labelRequired whether a missing label column is an error; when {@code false} (a label
     *     column remembered from training), a file without it simply has no labels
     * @return the reader; close it
     * @throws InvalidInputException naming the file if it is missing, unreadable or empty, or the
     *     label column is required and missing
     */
    public static CsvChunkReader open(Path file, String labelColumn, boolean labelRequired) {
        return open(file, labelColumn, labelRequired, 1 << 22);
    }

    /** As {@link #open(Path, String, boolean)} with a given initial buffer size (tests use tiny ones). */
    static CsvChunkReader open(Path file, String labelColumn, boolean labelRequired, int bufferSize) {
        DataFiles.requireFile(file);
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (IOException e) {
            throw DataFiles.readError(file, e);
        }
        CsvChunkReader r = new CsvChunkReader(file, in, bufferSize);
        try {
            r.start(labelColumn, labelRequired);
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private void start(String labelColumn, boolean labelRequired) {
        fill();
        if (limit - pos >= 3 && (buf[pos] & 0xff) == 0xEF && (buf[pos + 1] & 0xff) == 0xBB && (buf[pos + 2] & 0xff) == 0xBF) {
            pos += 3;
        }
        while (true) {
            mark = pos;
            if (!nextLine()) {
                throw fail("empty file (no rows)");
            }
            if (!blank()) {
                break;
            }
        }
        String first = new String(buf, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
        sep = (byte) (first.indexOf(',') >= 0 ? ',' : first.indexOf(';') >= 0 ? ';' : first.indexOf('\t') >= 0 ? '\t' : ',');
        List<String> cells = splitToStrings();
        ncols = cells.size();
        int textCells = 0;
        int lastText = -1;
        for (int c = 0; c < ncols; c++) {
            if (CsvLoader.cellKind(cells.get(c).strip()) == CsvLoader.CellKind.TEXT) {
                textCells++;
                lastText = c;
            }
        }
        // as CsvLoader: a first row whose only text is in the label column given by index is data
        boolean isHeader = textCells > 0 && !(textCells == 1 && labelColumn != null
                && Integer.toString(lastText).equals(labelColumn.trim()));
        if (isHeader) {
            header = cells;
        }
        if (labelColumn != null) {
            labelIdx = resolveLabel(labelColumn, labelRequired);
            if (labelIdx >= 0 && ncols == 1) {
                throw fail("no feature columns: the only column is the label column " + describeColumn(labelIdx));
            }
        }
        if (!isHeader) {
            pos = mark; // read the first line again, as data
            lineNo--;
        }
    }

    /** @return the header cells (all columns, label included), or {@code null} when the file has none */
    public List<String> header() {
        return header;
    }

    /** @return the feature column names (the header less the label column), or {@code null} */
    public List<String> featureNames() {
        if (header == null) {
            return null;
        }
        List<String> f = new ArrayList<>(header);
        if (labelIdx >= 0) {
            f.remove(labelIdx);
        }
        return f;
    }

    /** @return the number of feature columns {@code D} */
    public int columns() {
        return ncols - (labelIdx >= 0 ? 1 : 0);
    }

    /** @return whether rows carry a label */
    public boolean hasLabels() {
        return labelIdx >= 0;
    }

    /** @return the label texts by id, in order of first appearance (grows while reading) */
    public List<String> labelNames() {
        return labelNames;
    }

    /**
     * The labels as {@link CsvLoader} codes them: when every label text read so far is a
     * non-negative integer ({@code 3}, {@code 3.0}), those integers are the labels.
     *
     * @return the integer label of each label id, or {@code null} when some label is text (then
     *     the ids are the labels and {@link #labelNames()} the class names)
     */
    public int[] integerLabels() {
        int[] v = new int[labelNames.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = CsvLoader.integerLabel(labelNames.get(i));
            if (v[i] < 0) {
                return null;
            }
        }
        return v;
    }

    /** @return data rows read so far */
    public long rowsRead() {
        return dataRows;
    }

    /** @return bytes of the file read so far (read-ahead included), for progress */
    public long bytesRead() {
        return bytesRead;
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    /**
     * Reads the next rows.
     *
     * @param values receives {@code (rows, D)} row-major raw values; length at least {@code
     *     maxRows * D}
     * @param labels receives the label id of each row, or {@code null} when labels are not wanted
     * @param maxRows the most rows to read, {@code >= 1}
     * @return the number of rows read; 0 at the end of the file
     * @throws InvalidInputException naming the file, row and column for a cell that is not a
     *     finite float32, a row with another number of cells, a blank line between rows or
     *     malformed quoting
     * @throws IllegalArgumentException if {@code values} is shorter than {@code maxRows * D}
     */
    public int read(float[] values, int[] labels, int maxRows) {
        return read(values, 0, labels, 0, maxRows);
    }

    /**
     * Reads the next rows into arrays at an offset ({@link CsvLoader} reads a whole file into one
     * growing array this way).
     *
     * @param values receives {@code (rows, D)} row-major raw values from {@code valueOffset}
     * @param valueOffset where the first row goes in {@code values}
     * @param labels receives the label ids from {@code labelOffset}, or {@code null}
     * @param labelOffset where the first row's label goes
     * @param maxRows the most rows to read, {@code >= 1}
     * @return the number of rows read; 0 at the end of the file
     * @throws InvalidInputException as {@link #read(float[], int[], int)}
     * @throws IllegalArgumentException if the arrays are too short for {@code maxRows} rows
     */
    int read(float[] values, int valueOffset, int[] labels, int labelOffset, int maxRows) {
        int d = columns();
        if (valueOffset + (long) maxRows * d > values.length
                || (labels != null && labelIdx >= 0 && labelOffset + (long) maxRows > labels.length)) {
            throw new IllegalArgumentException(maxRows + " rows of " + d + " do not fit " + values.length + " values from " + valueOffset);
        }
        int n = 0;
        while (n < maxRows) {
            if (!nextLine()) {
                break;
            }
            if (blank()) {
                if (pendingBlank < 0) {
                    pendingBlank = lineNo;
                }
                continue;
            }
            if (pendingBlank >= 0) {
                throw fail("row " + pendingBlank + ": blank line between rows (row " + lineNo + " follows)");
            }
            int label = parseRow(values, valueOffset + n * d);
            if (labels != null && labelIdx >= 0) {
                labels[labelOffset + n] = label;
            }
            n++;
            dataRows++;
        }
        return n;
    }

    // ------------------------------------------------------------------ lines

    /**
     * Advances to the next line; false at the end of the file. A line ends at LF, CRLF or a CR
     * alone (classic Mac OS), as {@link java.io.BufferedReader#readLine} has it.
     */
    private boolean nextLine() {
        while (true) {
            boolean needMore = false;
            for (int i = pos; i < limit; i++) {
                byte b = buf[i];
                if (b > '\r') {
                    continue;
                }
                if (b == '\n') {
                    setLine(pos, i);
                    pos = i + 1;
                    return true;
                }
                if (b == '\r') {
                    if (i + 1 < limit) {
                        setLine(pos, i);
                        pos = buf[i + 1] == '\n' ? i + 2 : i + 1;
                        return true;
                    }
                    if (eof) {
                        setLine(pos, i);
                        pos = i + 1;
                        return true;
                    }
                    needMore = true; // the next byte tells CR from CRLF
                    break;
                }
            }
            if (eof && !needMore) {
                if (pos < limit) {
                    setLine(pos, limit);
                    pos = limit;
                    return true;
                }
                return false;
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                lineStart -= pos;
                lineEnd -= pos;
                mark -= pos;
                pos = 0;
            } else if (limit == buf.length) {
                if (buf.length >= MAX_LINE) {
                    throw fail("row " + (lineNo + 1) + ": a line longer than " + (MAX_LINE >> 20) + " MiB (is this a CSV file?)");
                }
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            fill();
        }
    }

    private void setLine(int start, int end) {
        lineNo++;
        lineStart = start;
        lineEnd = end;
    }

    private void fill() {
        try {
            while (limit < buf.length) {
                int r = in.read(buf, limit, buf.length - limit);
                if (r < 0) {
                    eof = true;
                    return;
                }
                limit += r;
                bytesRead += r;
                if (r > 0 && limit - pos > Math.min(1 << 16, buf.length / 2)) {
                    return; // enough to go on
                }
            }
        } catch (IOException e) {
            throw DataFiles.readError(file, e);
        }
    }

    private boolean blank() {
        for (int i = lineStart; i < lineEnd; i++) {
            if (!whitespace(buf[i])) {
                return false;
            }
        }
        return true;
    }

    /** {@link Character#isWhitespace} on an ASCII byte (what {@code String.strip} removes). */
    private static boolean whitespace(byte b) {
        return b == ' ' || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F);
    }

    // ------------------------------------------------------------------ cells

    /** Parses the current line's cells into {@code values[o...]}; returns the label id or -1. */
    private int parseRow(float[] values, int o) {
        int i = lineStart;
        int end = lineEnd;
        int c = 0;
        int label = -1;
        while (true) {
            while (i < end && buf[i] != sep && whitespace(buf[i])) {
                i++;
            }
            if (c >= ncols) {
                throw countError();
            }
            if (i < end && buf[i] == '"') {
                QuotedCell q = quoted(i, end, c);
                i = q.next;
                String cell = q.text.strip();
                if (c == labelIdx) {
                    label = labelOf(cell, c);
                } else {
                    values[o++] = numberOf(cell, c);
                }
            } else {
                int s = i;
                while (i < end && buf[i] != sep) {
                    i++;
                }
                int e = i;
                while (e > s && whitespace(buf[e - 1])) {
                    e--;
                }
                if (c == labelIdx) {
                    label = labelOf(new String(buf, s, e - s, StandardCharsets.UTF_8), c);
                } else {
                    values[o++] = number(s, e, c);
                }
            }
            c++;
            if (i >= end) {
                break;
            }
            i++; // the separator
            if (i == end) {
                // a trailing separator: one more, empty cell
                if (c >= ncols) {
                    throw countError();
                }
                if (c == labelIdx) {
                    throw cellError(c, "empty cell (every row needs a label)");
                }
                throw cellError(c, "empty cell");
            }
        }
        if (c != ncols) {
            throw countError();
        }
        return label;
    }

    /** A number from {@code buf[s, e)} (trimmed): the decimal syntax checked here, converted by FastDoubleParser. */
    private float number(int s, int e, int c) {
        if (decimal(s, e)) {
            float v = JavaFloatParser.parseFloat(buf, s, e - s);
            if (Float.isInfinite(v)) {
                throw cellError(c, "out of float32 range: '" + snippetOf(s, e) + "'");
            }
            return v;
        }
        return numberOf(new String(buf, s, e - s, StandardCharsets.UTF_8).strip(), c); // Unicode spaces around a number
    }

    /** A number from a cell's text: the slow path (quoted cells) and the error messages. */
    private float numberOf(String cell, int c) {
        switch (CsvLoader.cellKind(cell)) {
            case NUMBER: {
                float v = JavaFloatParser.parseFloat(cell);
                if (Float.isInfinite(v)) {
                    throw cellError(c, "out of float32 range: '" + DataFiles.snippet(cell, 40) + "'");
                }
                return v;
            }
            case EMPTY:
                throw cellError(c, "empty cell");
            case NAN:
                throw cellError(c, "NaN is not allowed");
            case INFINITY:
                throw cellError(c, "infinity is not allowed: '" + DataFiles.snippet(cell, 40) + "'");
            default:
                throw cellError(c, "not a number: '" + DataFiles.snippet(cell, 40) + "'");
        }
    }

    /** {@code [+-]digits[.digits][(e|E)[+-]digits]} with digits on at least one side of the point, as {@link CsvLoader#isDecimal}. */
    private boolean decimal(int s, int e) {
        int i = s;
        if (i < e && (buf[i] == '+' || buf[i] == '-')) {
            i++;
        }
        int digits = 0;
        while (i < e && buf[i] >= '0' && buf[i] <= '9') {
            i++;
            digits++;
        }
        if (i < e && buf[i] == '.') {
            i++;
            while (i < e && buf[i] >= '0' && buf[i] <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < e && (buf[i] == 'e' || buf[i] == 'E')) {
            i++;
            if (i < e && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            int exp = 0;
            while (i < e && buf[i] >= '0' && buf[i] <= '9') {
                i++;
                exp++;
            }
            if (exp == 0) {
                return false;
            }
        }
        return i == e;
    }

    private int labelOf(String cell, int c) {
        if (cell.isEmpty()) {
            throw cellError(c, "empty cell (every row needs a label)");
        }
        Integer id = labelIds.get(cell);
        if (id == null) {
            id = labelNames.size();
            labelIds.put(cell, id);
            labelNames.add(cell);
        }
        return id;
    }

    /** A quoted cell starting at {@code buf[i] == '"'}: its text and where the line goes on. */
    private record QuotedCell(String text, int next) {}

    private QuotedCell quoted(int i, int end, int c) {
        int start = i;
        i++;
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        boolean closed = false;
        while (i < end) {
            byte b = buf[i];
            if (b == '"') {
                if (i + 1 < end && buf[i + 1] == '"') {
                    text.write('"');
                    i += 2;
                    continue;
                }
                closed = true;
                i++;
                break;
            }
            text.write(b);
            i++;
        }
        if (!closed) {
            throw fail("row " + lineNo + ", column " + (c + 1) + ": unterminated quoted cell (the quote at character "
                    + (charOffset(start) + 1) + " is not closed on this line)");
        }
        while (i < end && buf[i] != sep && whitespace(buf[i])) {
            i++;
        }
        if (i < end && buf[i] != sep) {
            throw fail("row " + lineNo + ", column " + (c + 1) + ": text after the closing quote: '"
                    + DataFiles.snippet(new String(buf, i, end - i, StandardCharsets.UTF_8), 20) + "'");
        }
        return new QuotedCell(text.toString(StandardCharsets.UTF_8), i);
    }

    private int charOffset(int byteIndex) {
        return new String(buf, lineStart, byteIndex - lineStart, StandardCharsets.UTF_8).length();
    }

    /** The current line's cells as text, quoted ones kept exactly and plain ones stripped (the header). */
    private List<String> splitToStrings() {
        List<String> cells = new ArrayList<>();
        int i = lineStart;
        int end = lineEnd;
        while (true) {
            while (i < end && buf[i] != sep && whitespace(buf[i])) {
                i++;
            }
            if (i < end && buf[i] == '"') {
                QuotedCell q = quoted(i, end, cells.size());
                cells.add(q.text);
                i = q.next;
            } else {
                int s = i;
                while (i < end && buf[i] != sep) {
                    i++;
                }
                cells.add(new String(buf, s, i - s, StandardCharsets.UTF_8).strip());
            }
            if (i >= end) {
                break;
            }
            i++;
            if (i == end) {
                cells.add("");
                break;
            }
        }
        return cells;
    }

    private int resolveLabel(String spec, boolean required) {
        if (header != null) {
            int found = header.indexOf(spec);
            if (found >= 0) {
                int count = java.util.Collections.frequency(header, spec);
                if (count > 1) {
                    throw fail("column name '" + DataFiles.snippet(spec, 40) + "' appears " + count
                            + " times in the header; give the label column as a 0-based index");
                }
                return found;
            }
        }
        String s = spec.trim();
        if (!s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            int idx = s.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(s);
            if (idx < ncols) {
                return idx;
            }
            if (!required) {
                return -1;
            }
            throw fail("no column " + s + " (the file has " + ncols + " columns, numbered from 0)");
        }
        if (!required) {
            return -1;
        }
        if (header == null) {
            throw fail("no column '" + DataFiles.snippet(spec, 40) + "' (the file has no header row; give the label column as a 0-based index)");
        }
        throw fail("no column '" + DataFiles.snippet(spec, 40) + "' (columns: " + columnList() + ")");
    }

    /** The header's names for a message: at most 20, each cut to 40 characters. */
    private String columnList() {
        List<String> shown = new ArrayList<>();
        for (String h : header.subList(0, Math.min(20, header.size()))) {
            shown.add(DataFiles.snippet(h, 40));
        }
        return String.join(", ", shown) + (header.size() > 20 ? " and " + (header.size() - 20) + " more" : "");
    }

    private InvalidInputException countError() {
        int cells = 0;
        try {
            cells = splitToStrings().size();
        } catch (InvalidInputException e) {
            return e;
        }
        String ref = header != null ? "the header has " + ncols : "the first row has " + ncols;
        return fail("row " + lineNo + ": " + cells + (cells == 1 ? " cell" : " cells") + " but " + ref
                + " (separator '" + (sep == '\t' ? "\\t" : String.valueOf((char) sep)) + "')");
    }

    private InvalidInputException cellError(int c, String problem) {
        // a row with the wrong number of cells is reported as such, as CsvLoader does
        List<String> all;
        try {
            all = splitToStrings();
        } catch (InvalidInputException e) {
            return e;
        }
        if (all.size() != ncols) {
            return countError();
        }
        return fail("row " + lineNo + ", column " + describeColumn(c) + ": " + problem);
    }

    /** Column {@code c} (0-based) as a spreadsheet numbers it, with its header name: {@code 3 ("age")}. */
    private String describeColumn(int c) {
        return header != null ? (c + 1) + " (\"" + DataFiles.snippet(header.get(c), 40) + "\")" : Integer.toString(c + 1);
    }

    private String snippetOf(int s, int e) {
        return DataFiles.snippet(new String(buf, s, e - s, StandardCharsets.UTF_8), 40);
    }

    private InvalidInputException fail(String problem) {
        return new InvalidInputException(file, problem);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // reading is over
        }
    }
}
