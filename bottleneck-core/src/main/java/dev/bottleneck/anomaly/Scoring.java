package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.PreparedData;
import dev.bottleneck.data.CsvChunkReader;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.Standardizer;
import dev.bottleneck.io.AtomicFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Scores data with a fitted detector, writing the scores file ({@link ScoreWriter} format) and/or
 * keeping the scores in memory (for evaluation).
 *
 * <p>CSV input is streamed ({@link #csv}): one thread parses a chunk of rows into a {@code
 * float[]} and standardizes it while the calling thread turns the previous chunk into one native
 * array {@code (rows, D)}, runs the model and writes the lines. Three chunk buffers circulate, so
 * memory is bounded by the chunk size, whatever the size of the file. Other inputs (images, NumPy
 * arrays) are loaded whole ({@link #dataset}).
 *
 * <p>Output files are written atomically: a temporary file is renamed over the target only when
 * every row is scored, so a bad row halfway leaves no scores file (and an old one untouched).
 */
public final class Scoring {

    /**
     * Values per chunk: about 4 MiB of float32; rows = this / D rounded down to a multiple of
     * {@link AnomalyDetector#BATCH} (at most 65,536 rows) when D is at most 256, else this / D (at
     * least 256 rows).
     */
    static final int CHUNK_VALUES = 1 << 20;

    private Scoring() {}

    /**
     * What a scoring pass produced.
     *
     * @param rows examples scored
     * @param flagged examples above the threshold
     * @param scores {@code (rows)} scores when kept, else {@code null}
     * @param labels {@code (rows)} integer labels when kept and the data has labels, else {@code
     *     null}; coded as {@link dev.bottleneck.data.CsvLoader} codes them
     * @param labelNames class names by label, or {@code null} for integer labels
     * @param seconds wall time of the pass
     */
    public record Result(long rows, long flagged, float[] scores, int[] labels, List<String> labelNames, double seconds) {}

    /**
     * Streams a CSV file through the detector.
     *
     * @param model the fitted detector with its model directory
     * @param csv the CSV file; its feature columns must be the model's (same names in the same
     *     order when both have a header, else the same number)
     * @param labelColumn label column to leave out of the features (and keep as labels), or {@code
     *     null}
     * @param labelRequired whether a missing label column is an error (it is not when the column
     *     comes from the model's training and the file simply lacks it)
     * @param out the scores file to write, or {@code null} for none
     * @param perFeature also write the per-feature errors
     * @param keep keep scores and labels in memory (for evaluation: 8 bytes per row)
     * @param progress receives the bytes of the file read so far after each chunk, or {@code null}
     * @return what was scored
     * @throws InvalidInputException naming the file for a CSV whose columns differ from the model's
     *     or a malformed cell (then nothing is written)
     * @throws BottleneckException if the output cannot be written
     */
    public static Result csv(AnomalyModel model, Path csv, String labelColumn, boolean labelRequired, Path out,
                             boolean perFeature, boolean keep, LongConsumer progress) {
        long t0 = System.nanoTime();
        int[] shape = model.loaded().manifest().model().inputShape();
        try (CsvChunkReader reader = CsvChunkReader.open(csv, labelColumn, labelRequired)) {
            int d = reader.columns();
            requireColumns(reader, model, shape);
            List<String> names = perFeature ? featureNames(model, d) : null;
            Standardizer st = model.standardizer();
            // a whole number of the detector's blocks when a block fits, so only the file's last
            // block is padded; wider rows keep the memory bound (each chunk's block is padded)
            int fit = CHUNK_VALUES / d;
            int chunkRows = fit >= AnomalyDetector.BATCH ? Math.min(65536, fit) / AnomalyDetector.BATCH * AnomalyDetector.BATCH
                    : Math.max(256, fit);
            Pipeline p = new Pipeline(reader, st, d, chunkRows, keep);
            Result[] result = new Result[1];
            AtomicFiles.Writer body = stream -> result[0] = p.run(model.detector(), stream, names, perFeature, progress, t0);
            if (out != null) {
                AtomicFiles.write(out, body);
            } else {
                try {
                    body.write(null);
                } catch (IOException e) {
                    throw new BottleneckException("scoring failed (" + e.getMessage() + ")", e);
                }
            }
            return result[0];
        }
    }

    /**
     * Scores a dataset held in memory.
     *
     * @param model the fitted detector with its model directory
     * @param data examples in raw units, of the model's input shape
     * @param out the scores file to write, or {@code null} for none
     * @param perFeature also write the per-feature errors
     * @param keep keep scores and labels in memory
     * @return what was scored ({@code labelNames} are the dataset's class names)
     * @throws InvalidInputException if the data do not have the model's shape
     * @throws BottleneckException if the output cannot be written
     */
    public static Result dataset(AnomalyModel model, Dataset data, Path out, boolean perFeature, boolean keep) {
        long t0 = System.nanoTime();
        PreparedData.requireShape(data, model.loaded().manifest().model().inputShape(), model.path().toString());
        AnomalyDetector det = model.detector();
        AnomalyDetector.Scored s;
        try (NDManager m = det.model().manager().newSubManager()) {
            s = det.run(PreparedData.toArray(data, det.scaling(), m), perFeature && out != null);
        }
        long flagged = 0;
        for (float v : s.scores()) {
            if (v > det.threshold()) {
                flagged++;
            }
        }
        if (out != null) {
            List<String> names = perFeature ? featureNames(model, data.exampleSize()) : null;
            AtomicFiles.write(out, stream -> {
                ScoreWriter w = new ScoreWriter(stream, det.threshold(), names);
                w.write(s.scores(), s.perFeature(), s.scores().length);
                w.finish();
            });
        }
        return new Result(data.size(), flagged, keep ? s.scores() : null, keep ? data.labels() : null, data.classNames(),
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * What {@link #rows} computed for one batch.
     *
     * @param scores {@code (rows)} anomaly scores, or {@code null} when not asked for
     * @param codes {@code (rows, codeWidth)} row-major codes ({@link dev.bottleneck.model.Autoencoder#encode}),
     *     or {@code null} when not asked for
     * @param codeWidth {@code K}, the values per code (0 when codes were not asked for)
     */
    public record Batch(float[] scores, float[] codes, int codeWidth) {}

    /**
     * Scores and/or encodes one batch of examples held in a float array: the arithmetic of {@link
     * #csv} and {@link #dataset} (the model's input scaling applied in float32 as every verb
     * applies it, then {@link AnomalyDetector#run}), so each row's score is the same float as
     * {@code anomaly score} gives for it. This is the entry point for engines that bring their own
     * rows, such as a Spark partition ({@code bottleneck-spark}).
     *
     * <p>Native memory: the batch's arrays live in a sub-manager of {@code manager} that is closed
     * before this returns; {@code scratch}, when given, is the direct buffer the input array is
     * made from (reuse one per thread to keep the garbage collector out of native memory).
     *
     * @param det the detector (fitted, or {@link AnomalyDetector#unfitted} for a plain model)
     * @param raw raw values, {@code (rows, F)} row-major in its first {@code rows * F} entries,
     *     {@code F} = the product of the model's input shape (pixels in the training data's raw
     *     range, table cells in the training file's units)
     * @param rows the number of examples in {@code raw}, {@code >= 1}
     * @param withScores compute the scores
     * @param withCodes compute the codes
     * @param manager the manager the batch's arrays are made under (the model's, or a task's
     *     sub-manager of it)
     * @param scratch a direct buffer in native byte order of at least {@code rows * F * 4} bytes,
     *     or {@code null} to allocate one
     * @return the scores and codes asked for
     * @throws InvalidInputException if {@code raw} holds fewer than {@code rows * F} values or a
     *     {@code standard} scaling disagrees with {@code F}
     */
    public static Batch rows(AnomalyDetector det, float[] raw, int rows, boolean withScores, boolean withCodes,
                             NDManager manager, java.nio.ByteBuffer scratch) {
        int[] shape = det.model().config().inputShape();
        int f = 1;
        for (int s : shape) {
            f *= s;
        }
        int count = Math.multiplyExact(rows, f);
        if (rows < 1 || raw.length < count) {
            throw new InvalidInputException(rows + " rows of " + f + " values do not fit the " + raw.length + " values given");
        }
        long[] dims = new long[shape.length + 1];
        dims[0] = rows;
        for (int i = 0; i < shape.length; i++) {
            dims[i + 1] = shape[i];
        }
        try (NDManager m = manager.newSubManager()) {
            java.nio.ByteBuffer buf = scratch != null && scratch.capacity() >= count * Float.BYTES ? scratch
                    : java.nio.ByteBuffer.allocateDirect(count * Float.BYTES).order(java.nio.ByteOrder.nativeOrder());
            buf.clear();
            det.scaling().applyInto(raw, count, f, "batch", buf.asFloatBuffer());
            buf.limit(count * Float.BYTES);
            NDArray x = m.create(buf, new Shape(dims), DataType.FLOAT32);
            float[] scores = withScores ? det.run(x, false).scores() : null;
            float[] codes = null;
            int k = 0;
            if (withCodes) {
                // in the detector's fixed-size blocks too, so a row's code does not depend on its batch
                for (int from = 0; from < rows; from += AnomalyDetector.BATCH) {
                    int to = Math.min(rows, from + AnomalyDetector.BATCH);
                    try (NDManager bm = m.newSubManager()) {
                        NDArray b = x.get(new NDIndex().addSliceDim(from, to));
                        b.attach(bm);
                        NDArray z = det.model().encode(AnomalyDetector.padRows(b, AnomalyDetector.BATCH));
                        k = (int) z.getShape().get(1);
                        if (codes == null) {
                            codes = new float[Math.multiplyExact(rows, k)];
                        }
                        float[] part = z.toFloatArray();
                        System.arraycopy(part, 0, codes, from * k, (to - from) * k);
                    }
                }
            }
            return new Batch(scores, codes, k);
        }
    }

    /** The per-feature column suffixes: the model's column names, else 0-based indices. */
    private static List<String> featureNames(AnomalyModel model, int d) {
        List<String> cols = model.settings().columns();
        if (cols != null && cols.size() == d) {
            return cols;
        }
        List<String> idx = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            idx.add(Integer.toString(j));
        }
        return idx;
    }

    private static void requireColumns(CsvChunkReader reader, AnomalyModel model, int[] shape) {
        Path file = reader.file();
        String dir = model.path().toString();
        if (shape.length != 1) {
            throw new InvalidInputException(file, "is a table, but the model " + dir + " takes images of shape " + Arrays.toString(shape));
        }
        int d = reader.columns();
        List<String> want = model.settings().columns();
        List<String> got = reader.featureNames();
        if (want != null && got != null && !want.equals(got)) {
            throw new InvalidInputException(file, "columns differ from the model's: " + difference(want, got) + " (" + dir
                    + " was fitted on " + describe(want) + ")");
        }
        if (d != shape[0]) {
            throw new InvalidInputException(file, d + " feature columns, but the model " + dir + " was fitted on " + shape[0]
                    + (want != null ? " (" + describe(want) + ")" : ""));
        }
    }

    private static String difference(List<String> want, List<String> got) {
        List<String> missing = new ArrayList<>(want);
        missing.removeAll(got);
        List<String> extra = new ArrayList<>(got);
        extra.removeAll(want);
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing " + quoted(missing));
        }
        if (!extra.isEmpty()) {
            parts.add("unexpected " + quoted(extra));
        }
        if (parts.isEmpty()) {
            parts.add("the same columns in another order (" + describe(got) + ")");
        }
        return String.join(", ", parts);
    }

    private static String quoted(List<String> names) {
        List<String> q = new ArrayList<>();
        for (String n : names.subList(0, Math.min(8, names.size()))) {
            q.add("'" + dev.bottleneck.Messages.snippet(n, 40) + "'");
        }
        return String.join(", ", q) + (names.size() > 8 ? " and " + (names.size() - 8) + " more" : "");
    }

    private static String describe(List<String> cols) {
        List<String> shown = new ArrayList<>();
        for (String c : cols.subList(0, Math.min(8, cols.size()))) {
            shown.add(dev.bottleneck.Messages.snippet(c, 40));
        }
        return String.join(", ", shown) + (cols.size() <= 8 ? "" : ", ... (" + cols.size() + " columns)");
    }

    /**
     * A chunk of rows on its way from the reading thread to the scoring thread. Its direct buffer
     * is what the native array is made from: DJL copies a heap array into a fresh direct buffer,
     * which only the garbage collector frees, and over a 10-million-row file those buffers held
     * 400 MB of native memory between collections. Reusing three buffers keeps memory flat.
     */
    private static final class Chunk {
        final float[] values;
        final int[] labels;
        final java.nio.ByteBuffer direct;
        int rows;
        Throwable error;

        Chunk(int values, int labels) {
            this.values = new float[values];
            this.labels = labels > 0 ? new int[labels] : null;
            this.direct = java.nio.ByteBuffer.allocateDirect(values * Float.BYTES).order(java.nio.ByteOrder.nativeOrder());
        }

        /** @return the first {@code rows * d} values as a direct buffer, positioned for reading */
        java.nio.ByteBuffer fill(int d) {
            direct.clear();
            direct.asFloatBuffer().put(values, 0, rows * d);
            direct.limit(rows * d * Float.BYTES);
            return direct;
        }
    }

    /** The two-thread read/score pipeline over one reader. */
    private static final class Pipeline {
        private static final Chunk END = new Chunk(0, 0);
        private final CsvChunkReader reader;
        private final Standardizer standardizer;
        private final int d;
        private final int chunkRows;
        private final boolean keep;
        private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(3);
        private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(4);

        Pipeline(CsvChunkReader reader, Standardizer standardizer, int d, int chunkRows, boolean keep) {
            this.reader = reader;
            this.standardizer = standardizer;
            this.d = d;
            this.chunkRows = chunkRows;
            this.keep = keep;
            for (int i = 0; i < 3; i++) {
                free.add(new Chunk(chunkRows * d, reader.hasLabels() ? chunkRows : 0));
            }
        }

        Result run(AnomalyDetector det, OutputStream stream, List<String> names, boolean perFeature, LongConsumer progress, long t0)
                throws IOException {
            ScoreWriter w = stream == null ? null : new ScoreWriter(stream, det.threshold(), names);
            Thread t = new Thread(this::readAll, "bottleneck-csv-reader");
            t.setDaemon(true);
            t.start();
            FloatList scores = keep ? new FloatList() : null;
            IntList labels = keep && reader.hasLabels() ? new IntList() : null;
            long rows = 0;
            long flagged = 0;
            try {
                while (true) {
                    Chunk c = take(full);
                    if (c == END) {
                        break;
                    }
                    if (c.error != null) {
                        rethrow(c.error);
                    }
                    int n = c.rows;
                    AnomalyDetector.Scored s;
                    try (NDManager m = det.model().manager().newSubManager()) {
                        NDArray x = m.create(c.fill(d), new Shape(n, d), DataType.FLOAT32);
                        s = det.run(x, perFeature && w != null);
                    }
                    for (int i = 0; i < n; i++) {
                        if (s.scores()[i] > det.threshold()) {
                            flagged++;
                        }
                    }
                    if (w != null) {
                        w.write(s.scores(), s.perFeature(), n);
                    }
                    if (scores != null) {
                        scores.add(s.scores(), n);
                    }
                    if (labels != null) {
                        labels.add(c.labels, n);
                    }
                    rows += n;
                    free.add(c);
                    if (progress != null) {
                        progress.accept(reader.bytesRead());
                    }
                }
                if (w != null) {
                    w.finish();
                }
            } finally {
                t.interrupt();
                try {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (rows == 0) {
                throw new InvalidInputException(reader.file(), "empty dataset: a header row but no data rows");
            }
            int[] lab = labels == null ? null : labels.toArray();
            List<String> classNames = null;
            if (lab != null) {
                // code the labels as CsvLoader does: integers when all are, else classes by first appearance
                int[] ints = reader.integerLabels();
                if (ints != null) {
                    for (int i = 0; i < lab.length; i++) {
                        lab[i] = ints[lab[i]];
                    }
                } else {
                    classNames = List.copyOf(reader.labelNames());
                }
            }
            return new Result(rows, flagged, scores == null ? null : scores.toArray(), lab, classNames, (System.nanoTime() - t0) / 1e9);
        }

        /** The reading thread: parse, standardize, hand over; errors travel in a chunk. */
        private void readAll() {
            try {
                while (true) {
                    Chunk c = free.take();
                    c.rows = reader.read(c.values, c.labels, chunkRows);
                    if (c.rows == 0) {
                        full.put(END);
                        return;
                    }
                    if (standardizer != null) {
                        standardizer.applyInPlace(c.values, c.rows);
                    }
                    full.put(c);
                }
            } catch (InterruptedException e) {
                // the scoring thread stopped early
            } catch (Throwable e) {
                Chunk failed = new Chunk(0, 0);
                failed.error = e;
                full.offer(failed);
            }
        }

        private static Chunk take(BlockingQueue<Chunk> q) {
            try {
                return q.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BottleneckException("interrupted while scoring", e);
            }
        }

        private static void rethrow(Throwable t) {
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            throw new BottleneckException("reading failed (" + t + ")", t);
        }
    }

    /** A growable float array. */
    private static final class FloatList {
        private float[] a = new float[1 << 16];
        private int n;

        void add(float[] v, int count) {
            if (n + count > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + count));
            }
            System.arraycopy(v, 0, a, n, count);
            n += count;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a = new int[1 << 16];
        private int n;

        void add(int[] v, int count) {
            if (n + count > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + count));
            }
            System.arraycopy(v, 0, a, n, count);
            n += count;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
