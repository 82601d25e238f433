package dev.bottleneck.data;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.bottleneck.InvalidInputException;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
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
 * <p>The format is {@link CsvLoader}'s, with the same rules and messages: UTF-8 (a byte-order
 * mark is skipped), separator {@code ,} or else {@code ;} or tab as the first line shows, a header
 * when the first line has text, decimal numbers only (finite float32), the same number of cells
 * on every row, blank lines only at the end. Errors name the file, the row as a spreadsheet counts
 * it (the header is row 1) and the column. Splitting into cells (quotes, doubled quotes) is done by
 * Jackson's CSV parser ({@code jackson-dataformat-csv}).
 *
 * <p>Labels: each distinct label text gets an id in order of first appearance ({@link
 * #labelNames()}), so a reader knows nothing in advance about the label values.
 *
 * <p>Not thread-safe: one thread reads. {@link #bytesRead()} may be read from any thread.
 */
public final class CsvChunkReader implements AutoCloseable {

    private final Path file;
    private final CountingStream raw;
    private final MappingIterator<String[]> rows;
    private final int ncols;
    private final List<String> header;
    private final int labelIdx;
    private final Map<String, Integer> labelIds = new HashMap<>();
    private final List<String> labelNames = new ArrayList<>();
    private long dataRows;
    private int rowNo;
    private int pendingBlank = -1;
    private String[] pending;

    private CsvChunkReader(Path file, CountingStream raw, MappingIterator<String[]> rows, String[] first, String labelColumn,
                           boolean labelRequired, int firstRowNo) {
        this.file = file;
        this.raw = raw;
        this.rows = rows;
        this.ncols = first.length;
        this.rowNo = firstRowNo;
        boolean isHeader = isHeader(first, labelColumn);
        this.header = isHeader ? strip(first) : null;
        this.labelIdx = labelColumn == null ? -1 : resolveLabel(labelColumn, labelRequired);
        if (labelIdx >= 0 && ncols == 1) {
            throw fail("no feature columns: the only column is the label column");
        }
        if (!isHeader) {
            pending = first; // the first line is data
            rowNo--;
        }
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
        DataFiles.requireFile(file);
        InputStream in = null;
        try {
            CountingStream counting = new CountingStream(Files.newInputStream(file));
            in = counting;
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            BufferedReader r = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
            r.mark(1);
            if (r.read() != '\uFEFF') {
                r.reset();
            }
            // the separator, from the first non-blank line (as CsvLoader)
            r.mark(1 << 24);
            String line;
            int blanks = 0;
            while ((line = r.readLine()) != null && line.isBlank()) {
                blanks++;
            }
            if (line == null) {
                throw new InvalidInputException(file, "empty file (no rows)");
            }
            char sep = line.indexOf(',') >= 0 ? ',' : line.indexOf(';') >= 0 ? ';' : line.indexOf('\t') >= 0 ? '\t' : ',';
            r.reset();
            for (int i = 0; i < blanks; i++) {
                r.readLine();
            }
            CsvMapper mapper = new CsvMapper();
            mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(sep);
            MappingIterator<String[]> it = mapper.readerFor(String[].class).with(schema).readValues(r);
            String[] first = it.next();
            return new CsvChunkReader(file, counting, it, first, labelColumn, labelRequired, blanks + 1);
        } catch (IOException e) {
            close(in);
            throw DataFiles.readError(file, e);
        } catch (RuntimeJsonMappingException e) {
            close(in);
            throw new InvalidInputException(file, "row 1: not valid CSV (" + firstLine(e.getMessage()) + ")", e);
        } catch (RuntimeException e) {
            close(in);
            throw e;
        }
    }

    private static void close(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing
            }
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

    /** @return bytes of the file consumed so far (read ahead included), for progress */
    public long bytesRead() {
        return raw.count;
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
     * @param labels receives the label id of each row, or {@code null} (must not be null when
     *     the file has a label column and labels are wanted; ignored otherwise)
     * @param maxRows the most rows to read, {@code >= 1}
     * @return the number of rows read; 0 at the end of the file
     * @throws InvalidInputException naming the file, row and column for a cell that is not a
     *     finite float32, a row with another number of cells, a blank line between rows or
     *     malformed quoting
     */
    public int read(float[] values, int[] labels, int maxRows) {
        int d = columns();
        if ((long) maxRows * d > values.length) {
            throw new IllegalArgumentException(maxRows + " rows of " + d + " do not fit " + values.length + " values");
        }
        int n = 0;
        int o = 0;
        while (n < maxRows) {
            String[] cells = next();
            if (cells == null) {
                break;
            }
            for (int c = 0; c < ncols; c++) {
                String cell = cells[c].strip();
                if (c == labelIdx) {
                    if (cell.isEmpty()) {
                        throw cellError(c, "empty cell (every row needs a label)");
                    }
                    if (labels != null) {
                        labels[n] = labelId(cell);
                    }
                    continue;
                }
                values[o++] = number(cell, c);
            }
            n++;
            dataRows++;
        }
        return n;
    }

    private float number(String cell, int c) {
        if (CsvLoader.isDecimal(cell)) {
            float v = Float.parseFloat(cell);
            if (Float.isInfinite(v)) {
                throw cellError(c, "out of float32 range: '" + DataFiles.snippet(cell, 40) + "'");
            }
            return v;
        }
        switch (CsvLoader.cellKind(cell)) {
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

    private int labelId(String text) {
        Integer id = labelIds.get(text);
        if (id == null) {
            id = labelNames.size();
            labelIds.put(text, id);
            labelNames.add(text);
        }
        return id;
    }

    /** The next data row's cells, checked for their count; {@code null} at the end. */
    private String[] next() {
        if (pending != null) {
            String[] p = pending;
            pending = null;
            rowNo++;
            return checkCount(p);
        }
        while (true) {
            String[] cells;
            try {
                if (!rows.hasNextValue()) {
                    return null;
                }
                cells = rows.nextValue();
            } catch (IOException | RuntimeException e) {
                String msg = e instanceof RuntimeJsonMappingException || e instanceof com.fasterxml.jackson.core.JsonProcessingException
                        ? "row " + (rowNo + 1) + ": not valid CSV (" + firstLine(e.getMessage()) + ")"
                        : "cannot read (" + e.getMessage() + ")";
                throw new InvalidInputException(file, msg, e);
            }
            rowNo++;
            if (cells.length == 0 || cells.length == 1 && ncols > 1 && cells[0].isBlank()) {
                if (pendingBlank < 0) {
                    pendingBlank = rowNo;
                }
                continue;
            }
            if (pendingBlank >= 0) {
                throw fail("row " + pendingBlank + ": blank line between rows (row " + rowNo + " follows)");
            }
            return checkCount(cells);
        }
    }

    private String[] checkCount(String[] cells) {
        if (cells.length != ncols) {
            String ref = header != null ? "the header has " + ncols : "the first row has " + ncols;
            throw fail("row " + rowNo + ": " + cells.length + (cells.length == 1 ? " cell" : " cells") + " but " + ref);
        }
        return cells;
    }

    private boolean isHeader(String[] first, String labelSpec) {
        int textCells = 0;
        int lastText = -1;
        for (int c = 0; c < first.length; c++) {
            if (CsvLoader.cellKind(first[c].strip()) == CsvLoader.CellKind.TEXT) {
                textCells++;
                lastText = c;
            }
        }
        // as CsvLoader: a first row whose only text is in the label column given by index is data
        return textCells > 0 && !(textCells == 1 && labelSpec != null && Integer.toString(lastText).equals(labelSpec.trim()));
    }

    private int resolveLabel(String spec, boolean required) {
        if (header != null) {
            int found = header.indexOf(spec.strip());
            if (found >= 0) {
                if (header.lastIndexOf(spec.strip()) != found) {
                    throw fail("column name '" + spec + "' appears more than once in the header; give the label column as a 0-based index");
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
            if (required) {
                throw fail("no column " + s + " (the file has " + ncols + " columns, numbered from 0)");
            }
            return -1;
        }
        if (!required) {
            return -1;
        }
        if (header == null) {
            throw fail("no column '" + spec + "' (the file has no header row; give the label column as a 0-based index)");
        }
        throw fail("no column '" + spec + "' (columns: " + String.join(", ", header) + ")");
    }

    private static List<String> strip(String[] cells) {
        List<String> out = new ArrayList<>(cells.length);
        for (String c : cells) {
            out.add(c.strip());
        }
        return out;
    }

    private InvalidInputException cellError(int c, String problem) {
        String col = header != null ? (c + 1) + " (\"" + DataFiles.snippet(header.get(c), 40) + "\")" : Integer.toString(c + 1);
        return fail("row " + rowNo + ", column " + col + ": " + problem);
    }

    private InvalidInputException fail(String problem) {
        return new InvalidInputException(file, problem);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            rows.close();
        } catch (IOException ignored) {
            // reading is over
        }
        close(raw);
    }

    /** Counts the bytes read from the file. */
    private static final class CountingStream extends FilterInputStream {
        volatile long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
