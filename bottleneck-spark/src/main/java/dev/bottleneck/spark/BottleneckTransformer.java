package dev.bottleneck.spark;

import dev.bottleneck.InvalidInputException;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Spark ML {@link Transformer} that applies a Bottleneck model directory to a DataFrame: each
 * row's input values go through the autoencoder and the row comes out with its code, its anomaly
 * score and its anomaly flag appended. Scores are the same floats as {@code bottleneck anomaly
 * score} gives for the same rows (both call {@link dev.bottleneck.anomaly.Scoring#rows}'s
 * arithmetic: the model's input scaling in float32, then the detector).
 *
 * <pre>{@code
 * BottleneckTransformer t = new BottleneckTransformer()
 *         .setModelDirectory("runs/sensors")          // written by bottleneck anomaly fit (or train)
 *         .setBatchSize(4096).setThreadsPerExecutor(1);
 * Dataset<Row> scored = t.transform(df);              // df has the model's columns x0..x29
 * }</pre>
 *
 * <p><b>Input</b>, one of:
 * <ul>
 *   <li>{@link #inputCols}: {@code F} numeric columns (any numeric type, cast to float32), in the
 *       model's order. Default: the column names the model was fitted on, when it has them (a CSV
 *       with a header).
 *   <li>{@link #inputCol}: one column of type {@code array<numeric>} or ML {@code Vector} holding
 *       {@code F} values per row, row-major in the model's input shape (e.g. {@code 784} pixels in
 *       {@code [0, 255]} for an MNIST model, whose scaling divides by 255).
 * </ul>
 * Values are raw, in the training data's units: the model's own scaling (standardization,
 * {@code x / 255}) is applied here.
 *
 * <p><b>Output</b> columns, appended in this order; set a name to {@code ""} to leave it out:
 * <ul>
 *   <li>{@link #codeCol} (default {@code code}): the code, {@code K} values ({@code K} = the
 *       model's code size), as {@code array<float>}, or as an ML vector with {@code codeFormat =
 *       vector};
 *   <li>{@link #scoreCol} (default {@code score}, float): the anomaly score, higher is more
 *       anomalous: the reconstruction MSE per value in the model's metric scale (standardized
 *       units for tables, {@code [0,1]} pixels for images), or a VAE's {@code recon-prob} in nats,
 *       as {@code anomaly.json} says; a plain {@code train} directory scores by MSE;
 *   <li>{@link #flagCol} (default {@code anomaly}, boolean): {@code score > threshold} with
 *       {@code anomaly.json}'s threshold; only for models fitted with {@code anomaly fit}.
 * </ul>
 *
 * <p><b>Execution</b>: {@code transform} is lazy. The model directory's files are read into a
 * {@link ModelBundle} when the model is set, broadcast once per transformer and SparkContext, and
 * loaded once per executor JVM ({@link ExecutorModels}); each partition is scored in batches of
 * {@link #batchSize} rows ({@link PartitionScorer}), whose native memory is freed per batch and
 * when the task ends. {@link #threadsPerExecutor} is libtorch's intra-op thread count in each
 * executor, used by every task thread: an executor with {@code C} cores ({@code
 * spark.executor.cores}) runs {@code C} tasks at once and up to {@code C x threadsPerExecutor}
 * native threads, so keep it 1 unless an executor runs fewer tasks than it has cores.
 *
 * <p><b>Errors</b> (one line, naming the column): a missing input column, a non-numeric one, a
 * wrong number of columns or an output column that already exists are {@link
 * InvalidInputException}s from {@link #transformSchema} (and so from {@code transform}); a null
 * cell or an array/vector of the wrong length is found while rows are scored, and the action
 * fails with a {@code SparkException} whose root cause is the {@link InvalidInputException}.
 *
 * <p><b>Persistence</b>: {@link MLWritable} and readable ({@link #read()}, {@link #load}), so it can
 * be a stage of a saved {@code Pipeline}; the model's files are saved with it (under {@code
 * <path>/model/}), so the saved Pipeline does not depend on the original directory.
 *
 * <p>Sources: the params, {@code transformSchema} and {@code DefaultParamsWriter} metadata follow
 * Spark ML's own stages ({@code org.apache.spark.ml.feature}, e.g. {@code VectorAssembler}); the
 * broadcast model with a per-executor cache follows DJL's Spark extension ({@code
 * ai.djl.spark.task}), which is built for Spark 3.5 / Scala 2.12 and is not used here.
 */
public class BottleneckTransformer extends Transformer implements MLWritable {

    private static final long serialVersionUID = 1L;

    /** The default {@link #batchSize}: the rows per forward pass {@code anomaly score} uses. */
    public static final int DEFAULT_BATCH = 4096;

    private final String uid;
    private final StringArrayParam inputCols;
    private final Param<String> inputCol;
    private final Param<String> codeCol;
    private final Param<String> codeFormat;
    private final Param<String> scoreCol;
    private final Param<String> flagCol;
    private final IntParam batchSize;
    private final IntParam threadsPerExecutor;

    private ModelBundle bundle;
    private transient ModelInfo info;
    private transient Broadcast<ModelBundle> broadcast;
    private transient SparkContext broadcastContext;

    /** A transformer with a random uid; set the model with {@link #setModelDirectory}. */
    public BottleneckTransformer() {
        this(Identifiable.randomUID("bottleneck"));
    }

    /**
     * A transformer with a given uid (Spark's copy and load use this).
     *
     * @param uid the stage's unique id
     */
    public BottleneckTransformer(String uid) {
        this.uid = uid;
        inputCols = new StringArrayParam(this, "inputCols",
                "numeric input columns, in the model's order (default: the columns the model was fitted on)");
        inputCol = new Param<>(this, "inputCol", "one input column: array<numeric> or ML vector of F values per row");
        codeCol = new Param<>(this, "codeCol", "output column for the code (K values); empty: no code");
        codeFormat = new Param<>(this, "codeFormat", "type of the code column: array (array<float>) or vector (ML vector)",
                ParamValidators.inArray(new String[] {"array", "vector"}));
        scoreCol = new Param<>(this, "scoreCol", "output column for the anomaly score (float); empty: no score");
        flagCol = new Param<>(this, "flagCol", "output column for the anomaly flag, score > threshold (boolean); empty: no flag");
        batchSize = new IntParam(this, "batchSize", "rows per forward pass (>= 1)", ParamValidators.gtEq(1));
        threadsPerExecutor = new IntParam(this, "threadsPerExecutor",
                "libtorch intra-op threads in each executor, used by every task (>= 1)", ParamValidators.gtEq(1));
        setDefault(codeCol, "code");
        setDefault(codeFormat, "array");
        setDefault(scoreCol, "score");
        setDefault(flagCol, "anomaly");
        setDefault(batchSize, DEFAULT_BATCH);
        setDefault(threadsPerExecutor, 1);
    }

    /** @return the stage's unique id ({@code bottleneck_...}) */
    @Override
    public String uid() {
        return uid;
    }

    // ---- params -------------------------------------------------------------------------------

    /** @return numeric input columns, in the model's order */
    public StringArrayParam inputCols() {
        return inputCols;
    }

    /** @return one array or vector input column */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** @return the code's output column ({@code ""}: none) */
    public Param<String> codeCol() {
        return codeCol;
    }

    /** @return {@code array} or {@code vector} */
    public Param<String> codeFormat() {
        return codeFormat;
    }

    /** @return the score's output column ({@code ""}: none) */
    public Param<String> scoreCol() {
        return scoreCol;
    }

    /** @return the flag's output column ({@code ""}: none) */
    public Param<String> flagCol() {
        return flagCol;
    }

    /** @return rows per forward pass */
    public IntParam batchSize() {
        return batchSize;
    }

    /** @return libtorch intra-op threads per executor */
    public IntParam threadsPerExecutor() {
        return threadsPerExecutor;
    }

    /**
     * Reads a model directory (on the driver's local file system) into this transformer.
     *
     * @param dir a directory written by {@code bottleneck anomaly fit} or {@code bottleneck train}
     * @return this
     * @throws InvalidInputException if it is not a complete model directory
     */
    public BottleneckTransformer setModelDirectory(String dir) {
        return setModel(ModelBundle.read(Path.of(dir)));
    }

    /**
     * Sets the model from files already read.
     *
     * @param model the model's files
     * @return this
     */
    public BottleneckTransformer setModel(ModelBundle model) {
        this.bundle = model;
        this.info = null;
        this.broadcast = null;
        this.broadcastContext = null;
        return this;
    }

    /** @param cols numeric input columns, in the model's order @return this */
    public BottleneckTransformer setInputCols(String... cols) {
        set(inputCols, cols);
        return this;
    }

    /** @param col an {@code array<numeric>} or ML vector column of {@code F} values @return this */
    public BottleneckTransformer setInputCol(String col) {
        set(inputCol, col);
        return this;
    }

    /** @param col the code's output column, {@code ""} for none @return this */
    public BottleneckTransformer setCodeCol(String col) {
        set(codeCol, col);
        return this;
    }

    /** @param format {@code array} ({@code array<float>}) or {@code vector} (ML vector) @return this */
    public BottleneckTransformer setCodeFormat(String format) {
        set(codeFormat, format);
        return this;
    }

    /** @param col the score's output column, {@code ""} for none @return this */
    public BottleneckTransformer setScoreCol(String col) {
        set(scoreCol, col);
        return this;
    }

    /** @param col the flag's output column, {@code ""} for none @return this */
    public BottleneckTransformer setFlagCol(String col) {
        set(flagCol, col);
        return this;
    }

    /** @param rows rows per forward pass, {@code >= 1} (results do not depend on it) @return this */
    public BottleneckTransformer setBatchSize(int rows) {
        set(batchSize.w(rows));
        return this;
    }

    /** @param threads libtorch intra-op threads in each executor, {@code >= 1} @return this */
    public BottleneckTransformer setThreadsPerExecutor(int threads) {
        set(threadsPerExecutor.w(threads));
        return this;
    }

    /** @return the model's files, or {@code null} before {@link #setModelDirectory} */
    public ModelBundle getModel() {
        return bundle;
    }

    /**
     * @return what the model takes and gives (input shape, columns, code size, threshold), read
     *     from its JSON files on the driver
     * @throws InvalidInputException if no model is set
     */
    public ModelInfo modelInfo() {
        if (bundle == null) {
            throw new InvalidInputException("no model set: call setModelDirectory(\"runs/NAME\") first");
        }
        if (info == null) {
            info = ModelInfo.of(bundle, Path.of(System.getProperty("java.io.tmpdir"), "bottleneck-spark-driver"));
        }
        return info;
    }

    // ---- schema -------------------------------------------------------------------------------

    /** What {@link #plan} decided. */
    private record Plan(InputReader reader, StructType output, PartitionScorer.Outputs outputs) {}

    /**
     * The output schema: the input's fields, then the code ({@code array<float>} of {@code K}, or
     * an ML vector), the score (float) and the flag (boolean), each unless its name is empty.
     *
     * @param schema the input DataFrame's schema
     * @return the output schema
     * @throws InvalidInputException one line naming the column: a missing or non-numeric input
     *     column, a wrong number of columns, a vector column whose metadata says another size, an
     *     output column that exists, or a flag asked of a model without a threshold
     */
    @Override
    public StructType transformSchema(StructType schema) {
        return plan(schema).output();
    }

    private Plan plan(StructType schema) {
        ModelInfo mi = modelInfo();
        int f = mi.inputSize();
        InputReader reader;
        String modelName = mi.source();
        if (isSet(inputCol) && isSet(inputCols)) {
            throw new InvalidInputException("set inputCol or inputCols, not both");
        }
        if (isSet(inputCol)) {
            String name = getOrDefault(inputCol);
            StructField field = field(schema, name, mi);
            DataType t = field.dataType();
            InputReader.Kind kind;
            if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType) {
                kind = InputReader.Kind.ARRAY;
            } else if (t.equals(SQLDataTypes.VectorType())) {
                kind = InputReader.Kind.VECTOR;
                int size = AttributeGroup.fromStructField(field).size();
                if (size >= 0 && size != f) {
                    throw new InvalidInputException("column '" + name + "' holds vectors of " + size + " values, but the model "
                            + modelName + " takes " + f + " (input shape " + mi.shapeText() + ")");
                }
            } else {
                throw new InvalidInputException("column '" + name + "' is " + t.simpleString() + "; inputCol must be an array of numbers or an ML vector of "
                        + f + " values (the model " + modelName + " takes shape " + mi.shapeText() + ")");
            }
            reader = new InputReader(kind, new String[] {name}, new int[] {schema.fieldIndex(name)}, f, modelName);
        } else {
            String[] cols;
            if (isSet(inputCols)) {
                cols = getOrDefault(inputCols);
            } else if (mi.columns() != null) {
                cols = mi.columns().toArray(new String[0]);
            } else {
                throw new InvalidInputException("the model " + modelName + " has no column names (input shape " + mi.shapeText()
                        + "): set inputCols (" + f + " numeric columns) or inputCol (an array or vector column of " + f + " values)");
            }
            List<String> missing = new ArrayList<>();
            for (String c : cols) {
                if (!Arrays.asList(schema.fieldNames()).contains(c)) {
                    missing.add(c);
                }
            }
            if (!missing.isEmpty()) {
                throw new InvalidInputException("no column " + quoted(missing) + " in the DataFrame (columns: " + describe(Arrays.asList(schema.fieldNames()))
                        + "); the model " + modelName + " takes " + describe(Arrays.asList(cols)));
            }
            if (cols.length != f) {
                throw new InvalidInputException(cols.length + " input columns (" + describe(Arrays.asList(cols)) + "), but the model "
                        + modelName + " takes " + f + (mi.columns() != null ? " (" + describe(mi.columns()) + ")" : ""));
            }
            int[] ord = new int[cols.length];
            for (int j = 0; j < cols.length; j++) {
                StructField fl = schema.apply(cols[j]);
                if (!(fl.dataType() instanceof NumericType)) {
                    throw new InvalidInputException("column '" + cols[j] + "' is " + fl.dataType().simpleString()
                            + ", not a number; cast it, or read the CSV with a float schema");
                }
                ord[j] = schema.fieldIndex(cols[j]);
            }
            reader = new InputReader(InputReader.Kind.COLUMNS, cols, ord, f, modelName);
        }
        String code = getOrDefault(codeCol);
        String score = getOrDefault(scoreCol);
        String flag = getOrDefault(flagCol);
        if (!mi.isDetector() && !flag.isEmpty()) {
            if (isSet(flagCol)) {
                throw new InvalidInputException("the model " + modelName + " has no anomaly threshold (no anomaly.json: fit it with "
                        + "bottleneck anomaly fit), so it cannot fill flagCol '" + flag + "'; set flagCol to \"\"");
            }
            flag = "";
        }
        boolean vector = getOrDefault(codeFormat).equals("vector");
        StructType out = schema;
        List<String> added = new ArrayList<>();
        if (!code.isEmpty()) {
            out = out.add(newField(schema, added, code, "codeCol",
                    vector ? SQLDataTypes.VectorType() : DataTypes.createArrayType(DataTypes.FloatType, false)));
        }
        if (!score.isEmpty()) {
            out = out.add(newField(schema, added, score, "scoreCol", DataTypes.FloatType));
        }
        if (!flag.isEmpty()) {
            out = out.add(newField(schema, added, flag, "flagCol", DataTypes.BooleanType));
        }
        if (added.isEmpty()) {
            throw new InvalidInputException("codeCol, scoreCol and flagCol are all empty: nothing to compute");
        }
        return new Plan(reader, out, new PartitionScorer.Outputs(!code.isEmpty(), vector, !score.isEmpty(), !flag.isEmpty()));
    }

    private static StructField newField(StructType schema, List<String> added, String name, String param, DataType type) {
        if (Arrays.asList(schema.fieldNames()).contains(name) || added.contains(name)) {
            throw new InvalidInputException("output column '" + name + "' already exists; set " + param + " to another name (or \"\" to leave it out)");
        }
        added.add(name);
        return DataTypes.createStructField(name, type, false);
    }

    private static StructField field(StructType schema, String name, ModelInfo mi) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidInputException("no column '" + name + "' in the DataFrame (columns: " + describe(Arrays.asList(schema.fieldNames()))
                    + "); the model " + mi.source() + " takes " + mi.inputSize() + " values per row");
        }
        return schema.apply(name);
    }

    private static String quoted(List<String> names) {
        List<String> q = new ArrayList<>();
        for (String n : names.subList(0, Math.min(8, names.size()))) {
            q.add("'" + n + "'");
        }
        return String.join(", ", q) + (names.size() > 8 ? " and " + (names.size() - 8) + " more" : "");
    }

    private static String describe(List<String> cols) {
        List<String> shown = cols.subList(0, Math.min(8, cols.size()));
        return String.join(", ", shown) + (cols.size() <= 8 ? "" : ", ... (" + cols.size() + " columns)");
    }

    // ---- transform ----------------------------------------------------------------------------

    /**
     * Appends the output columns (lazy: rows are scored when an action runs).
     *
     * @param dataset rows with the input columns
     * @return the same rows, in the same order, with the output columns appended
     * @throws InvalidInputException as {@link #transformSchema}
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Plan p = plan(dataset.schema());
        SparkContext sc = dataset.sparkSession().sparkContext();
        PartitionScorer scorer = new PartitionScorer(broadcast(sc), p.reader(), modelInfo().inputSize(), p.outputs(),
                (Integer) getOrDefault(batchSize), (Integer) getOrDefault(threadsPerExecutor));
        return dataset.toDF().mapPartitions(scorer, Encoders.row(p.output()));
    }

    /** The bundle, broadcast once per SparkContext. */
    private synchronized Broadcast<ModelBundle> broadcast(SparkContext sc) {
        if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
            broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(bundle);
            broadcastContext = sc;
        }
        return broadcast;
    }

    /**
     * @param extra params to override in the copy
     * @return a copy with the same model (the bundle is shared: it is immutable)
     */
    @Override
    public BottleneckTransformer copy(ParamMap extra) {
        BottleneckTransformer t = defaultCopy(extra);
        t.bundle = bundle;
        t.info = info;
        return t;
    }

    // ---- persistence --------------------------------------------------------------------------

    /** @return a writer that saves the params (Spark's metadata) and the model's files */
    @Override
    public MLWriter write() {
        if (bundle == null) {
            throw new InvalidInputException("no model set: nothing to save");
        }
        return new BottleneckTransformerIO.Writer(this);
    }

    /** @return the reader Spark's {@code Pipeline} loading calls (by reflection) for this stage */
    public static MLReader<BottleneckTransformer> read() {
        return new BottleneckTransformerIO.Reader();
    }

    /**
     * Loads a transformer saved with {@code write().save(path)}.
     *
     * @param path where it was saved (any Hadoop file system)
     * @return the transformer, with its model
     */
    public static BottleneckTransformer load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "BottleneckTransformer: uid=" + uid + (bundle == null ? "" : ", model=" + bundle.source());
    }
}
