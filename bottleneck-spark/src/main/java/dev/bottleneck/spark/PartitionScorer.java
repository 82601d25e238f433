package dev.bottleneck.spark;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.anomaly.AnomalyDetector;
import dev.bottleneck.anomaly.Scoring;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Scores one partition in batches: reads up to {@code batchSize} rows into a float array, runs
 * {@link Scoring#rows} once for the batch (the arithmetic of {@code bottleneck anomaly score}), and
 * emits each input row with the output columns appended, in the input order. Rows are pulled and
 * emitted lazily: a partition never holds more than one batch.
 *
 * <p>The model comes from the broadcast bundle through {@link ExecutorModels} (loaded once per JVM,
 * on the first non-empty partition). Native memory: each batch's arrays are freed when the batch is
 * done; the task's sub-manager is closed when the partition is exhausted or, at the latest, by a
 * task-completion listener (a failed or cancelled task, or a {@code limit} that stops early).
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** Task resources (a sub-manager and buffers) open in this JVM now; for tests. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Which columns to append, in this order.
     *
     * @param code the code, {@code K} floats
     * @param codeAsVector the code as an ML vector (doubles) instead of an {@code array<float>}
     * @param score the anomaly score (float)
     * @param flag {@code score > threshold} (boolean)
     */
    record Outputs(boolean code, boolean codeAsVector, boolean score, boolean flag) implements Serializable {
        int count() {
            return (code ? 1 : 0) + (score ? 1 : 0) + (flag ? 1 : 0);
        }
    }

    private final Broadcast<ModelBundle> bundle;
    private final InputReader input;
    private final int width;
    private final Outputs outputs;
    private final int batchSize;
    private final int threads;

    /**
     * @param bundle the model, broadcast
     * @param input reads a row's input values
     * @param width {@code F}, values per example
     * @param outputs the columns to append
     * @param batchSize rows per forward pass, {@code >= 1}
     * @param threads native intra-op threads per task, {@code >= 1}
     */
    PartitionScorer(Broadcast<ModelBundle> bundle, InputReader input, int width, Outputs outputs, int batchSize, int threads) {
        this.bundle = bundle;
        this.input = input;
        this.width = width;
        this.outputs = outputs;
        this.batchSize = batchSize;
        this.threads = threads;
    }

    /** @return how many partitions in this JVM hold native resources now (0 when no task runs) */
    static int openTaskResources() {
        return OPEN.get();
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Batches(rows);
    }

    /** The lazy batch iterator of one partition. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> in;
        private final Row[] batch = new Row[batchSize];
        private final Object[][] outValues = new Object[batchSize][];
        private float[] raw;
        private int n;
        private int pos;
        private AnomalyDetector det;
        private NDManager manager;
        private ByteBuffer scratch;
        private boolean closed;

        Batches(Iterator<Row> in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            if (pos < n) {
                return true;
            }
            fill();
            return pos < n;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = batch[pos];
            Object[] extra = outValues[pos];
            batch[pos] = null;
            pos++;
            int k = r.length();
            Object[] v = new Object[k + extra.length];
            for (int i = 0; i < k; i++) {
                v[i] = r.get(i);
            }
            System.arraycopy(extra, 0, v, k, extra.length);
            return RowFactory.create(v);
        }

        private void fill() {
            n = 0;
            pos = 0;
            if (closed || !in.hasNext()) {
                close();
                return;
            }
            open();
            while (n < batchSize && in.hasNext()) {
                Row r = in.next();
                input.read(r, raw, n * width);
                batch[n++] = r;
            }
            Scoring.Batch b = Scoring.rows(det, raw, n, outputs.score() || outputs.flag(), outputs.code(), manager, scratch);
            double threshold = det.threshold();
            for (int i = 0; i < n; i++) {
                Object[] o = new Object[outputs.count()];
                int c = 0;
                if (outputs.code()) {
                    int k = b.codeWidth();
                    if (outputs.codeAsVector()) {
                        double[] z = new double[k];
                        for (int j = 0; j < k; j++) {
                            z[j] = b.codes()[i * k + j];
                        }
                        o[c++] = Vectors.dense(z);
                    } else {
                        Float[] z = new Float[k];
                        for (int j = 0; j < k; j++) {
                            z[j] = b.codes()[i * k + j];
                        }
                        o[c++] = z;
                    }
                }
                if (outputs.score()) {
                    o[c++] = b.scores()[i];
                }
                if (outputs.flag()) {
                    o[c++] = b.scores()[i] > threshold;
                }
                outValues[i] = o;
            }
        }

        /** Loads (or finds) the model and the task's native resources, once per partition. */
        private void open() {
            if (det != null) {
                return;
            }
            ModelBundle mb = bundle.value();
            ExecutorModels.Loaded m = ExecutorModels.get(mb, threads);
            ExecutorModels.useThreads(threads);
            det = m.detector();
            manager = det.model().manager().newSubManager();
            OPEN.incrementAndGet();
            raw = new float[Math.multiplyExact(batchSize, width)];
            scratch = ByteBuffer.allocateDirect(Math.multiplyExact(raw.length, Float.BYTES)).order(ByteOrder.nativeOrder());
            TaskContext ctx = TaskContext.get();
            if (ctx != null) {
                ctx.addTaskCompletionListener((TaskCompletionListener) t -> close());
            }
        }

        private synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (manager != null) {
                manager.close();
                OPEN.decrementAndGet();
            }
            manager = null;
            scratch = null;
            raw = null;
        }
    }
}
