package dev.bottleneck.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.anomaly.AnomalyFit;
import dev.bottleneck.anomaly.AnomalyModel;
import dev.bottleneck.anomaly.Scoring;
import dev.bottleneck.app.Codes;
import dev.bottleneck.app.TrainingRun;
import dev.bottleneck.data.CsvLoader;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.TrainConfig;
import dev.bottleneck.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The transformer in {@code local[2]} against the single-JVM scorer: a 30-column table (4 hidden
 * factors plus noise, a few planted outliers), an MLP 30-16-[4] anomaly model fitted on it with
 * {@link AnomalyFit}, and the CSV read by Spark with a float schema in several partitions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BottleneckTransformerTest {

    static final int D = 30;
    static final int ROWS = 700;

    Path tmp;
    Path csv;
    Path model;
    Path plain;
    SparkSession spark;
    org.apache.spark.sql.Dataset<Row> df;
    /** What {@code bottleneck anomaly score} computes for {@link #csv}. */
    Scoring.Result expected;
    double threshold;

    @BeforeAll
    void setUp() throws IOException {
        tmp = Files.createTempDirectory("bottleneck-spark-test");
        csv = tmp.resolve("table.csv");
        writeTable(csv, ROWS, 1);
        model = tmp.resolve("runs/table");
        TrainingRun.Request req = new TrainingRun.Request(DataSpec.parse("csv:" + csv), null, 0.1,
                new DataSources.Options(null, null, null, null, null),
                ModelConfig.builder().arch("mlp").hidden(16).latent(4).loss("mse"), null,
                new TrainConfig(4, 64, 3e-3, 0), model, false, null, null, null, true, false);
        AnomalyFit.run(req, 0.05, "mse", new TrainingListener() { }, msg -> { });
        try (AnomalyModel m = AnomalyModel.open(model)) {
            expected = Scoring.csv(m, csv, null, false, null, false, true, null);
            threshold = m.detector().threshold();
        }
        // the same model without anomaly.json: a plain `train` directory
        plain = tmp.resolve("runs/plain");
        Files.createDirectories(plain);
        for (String f : List.of("model.json", "model.params")) {
            Files.copy(model.resolve(f), plain.resolve(f));
        }
        spark = SparkSession.builder().master("local[2]").appName("bottleneck-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.files.maxPartitionBytes", "32768") // the 200 KB CSV in about 7 partitions
                .config("spark.sql.files.openCostInBytes", "0")
                .getOrCreate();
        df = spark.read().option("header", "true").schema(floatSchema()).csv(csv.toString());
    }

    @AfterAll
    void tearDown() throws IOException {
        if (spark != null) {
            spark.stop();
        }
        try (var s = Files.walk(tmp)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Rows {@code x = A f + 0.1 noise} with 4 factors {@code f}; every 50th row is an outlier. */
    static void writeTable(Path file, int rows, long seed) {
        Random mixR = new Random(7);
        double[][] a = new double[D][4];
        for (double[] r : a) {
            for (int k = 0; k < 4; k++) {
                r[k] = mixR.nextGaussian();
            }
        }
        Random r = new Random(seed);
        float[] v = new float[rows * D];
        for (int i = 0; i < rows; i++) {
            double[] f = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            for (int j = 0; j < D; j++) {
                double x = i % 50 == 49 ? 2 * r.nextGaussian() : a[j][0] * f[0] + a[j][1] * f[1] + a[j][2] * f[2] + a[j][3] * f[3];
                v[i * D + j] = (float) (x + 0.1 * r.nextGaussian());
            }
        }
        CsvLoader.write(file, v, D, names());
    }

    static List<String> names() {
        List<String> n = new ArrayList<>();
        for (int j = 0; j < D; j++) {
            n.add("x" + j);
        }
        return n;
    }

    static StructType floatSchema() {
        List<StructField> f = new ArrayList<>();
        for (String n : names()) {
            f.add(DataTypes.createStructField(n, DataTypes.FloatType, true));
        }
        return DataTypes.createStructType(f);
    }

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    static float[] floats(List<Row> rows, String col) {
        float[] v = new float[rows.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rows.get(i).getFloat(rows.get(i).fieldIndex(col));
        }
        return v;
    }

    static float[] codes(List<Row> rows, String col) {
        List<Float> all = new ArrayList<>();
        for (Row r : rows) {
            Object c = r.get(r.fieldIndex(col));
            if (c instanceof Vector) {
                for (double d : ((Vector) c).toArray()) {
                    all.add((float) d);
                }
            } else {
                all.addAll(r.getList(r.fieldIndex(col)));
            }
        }
        float[] v = new float[all.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = all.get(i);
        }
        return v;
    }

    BottleneckTransformer transformer() {
        return new BottleneckTransformer().setModelDirectory(model.toString());
    }

    static Throwable root(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Test
    void numericColumnsScoreToTheSameFloatsAsAnomalyScore() {
        assertThat(df.rdd().getNumPartitions()).as("the CSV is split").isGreaterThan(2);
        List<Row> out = transformer().transform(df).collectAsList();
        assertThat(out).hasSize(ROWS);
        float[] scores = floats(out, "score");
        assertThat(bits(scores)).containsExactly(bits(expected.scores()));
        long flagged = 0;
        for (int i = 0; i < ROWS; i++) {
            boolean flag = out.get(i).getBoolean(out.get(i).fieldIndex("anomaly"));
            assertThat(flag).as("row %d", i).isEqualTo(scores[i] > threshold);
            flagged += flag ? 1 : 0;
        }
        assertThat(flagged).isEqualTo(expected.flagged()).isPositive();
        // the input columns come through untouched, output columns appended in order
        assertThat(out.get(0).schema().fieldNames()).endsWith("x29", "code", "score", "anomaly");
        assertThat(out.get(3).getFloat(0)).isEqualTo(df.collectAsList().get(3).getFloat(0));
    }

    @Test
    void codesHaveTheCodeSizeAndAreTheEncodeVerbsCodes() {
        List<Row> out = transformer().setScoreCol("").setFlagCol("").transform(df).collectAsList();
        assertThat(out.get(0).schema().fieldNames()).endsWith("x29", "code");
        assertThat(out.get(0).getList(out.get(0).fieldIndex("code"))).hasSize(4);
        float[] got = codes(out, "code");
        Dataset data = CsvLoader.load(csv, null);
        try (AnomalyModel m = AnomalyModel.open(model)) {
            float[] want = Codes.encode(m.loaded().model(), data, m.detector().scaling(), null);
            assertThat(bits(got)).containsExactly(bits(want));
        }
    }

    @Test
    void arrayAndVectorInputsGiveTheSameOutputAsColumns() {
        List<Row> byCols = transformer().transform(df).collectAsList();
        Column[] cols = names().stream().map(functions::col).toArray(Column[]::new);
        org.apache.spark.sql.Dataset<Row> arrays = df.select(functions.array(cols).as("values"));
        List<Row> byArray = transformer().setInputCol("values").transform(arrays).collectAsList();
        org.apache.spark.sql.Dataset<Row> vectors = new VectorAssembler().setInputCols(names().toArray(new String[0]))
                .setOutputCol("features").transform(df).select("features");
        List<Row> byVector = transformer().setInputCol("features").setCodeFormat("vector").transform(vectors).collectAsList();
        for (List<Row> other : List.of(byArray, byVector)) {
            assertThat(bits(floats(other, "score"))).containsExactly(bits(floats(byCols, "score")));
            assertThat(bits(codes(other, "code"))).containsExactly(bits(codes(byCols, "code")));
        }
        assertThat(byVector.get(0).get(byVector.get(0).fieldIndex("code"))).isInstanceOf(Vector.class);
    }

    @Test
    void batchSizeAndThreadsDoNotChangeTheResults() {
        List<Row> ref = transformer().transform(df).collectAsList();
        for (int batch : new int[] {1, 7, 100}) {
            List<Row> out = transformer().setBatchSize(batch).setThreadsPerExecutor(batch == 7 ? 2 : 1).transform(df).collectAsList();
            assertThat(bits(floats(out, "score"))).as("batch %d", batch).containsExactly(bits(floats(ref, "score")));
            assertThat(bits(codes(out, "code"))).as("batch %d", batch).containsExactly(bits(codes(ref, "code")));
        }
    }

    @Test
    void theModelIsLoadedOncePerJvm() throws IOException {
        BottleneckTransformer t = transformer();
        ExecutorModels.release(t.getModel().fingerprint());
        int before = ExecutorModels.loads();
        t.transform(df).count();
        transformer().setBatchSize(50).transform(df).collectAsList(); // another transformer, same model
        Path saved = tmp.resolve("saved-once");
        t.write().overwrite().save(saved.toString());
        BottleneckTransformer.load(saved.toString()).transform(df).collectAsList(); // reloaded, same bytes
        assertThat(ExecutorModels.loads() - before).as("loads in this JVM across %d partitions x 3 transforms",
                df.rdd().getNumPartitions()).isEqualTo(1);
        assertThat(ExecutorModels.isLoaded(t.getModel().fingerprint())).isTrue();
    }

    @Test
    void nativeMemoryIsFreedWhenTasksEndEvenWhenTheyStopEarly() {
        BottleneckTransformer t = transformer();
        t.transform(df).count(); // the model is loaded
        ai.djl.ndarray.BaseNDManager manager = (ai.djl.ndarray.BaseNDManager) ExecutorModels.get(t.getModel(), 1).detector().model().manager();
        int arrays = manager.getManagedArrays().size(); // the weights
        t.transform(df).collectAsList();
        t.setBatchSize(10).transform(df).limit(3).collectAsList(); // the first task stops after one batch
        assertThat(PartitionScorer.openTaskResources()).as("task resources still open").isZero();
        assertThat(manager.getManagedArrays()).as("native arrays under the model's manager").hasSize(arrays);
    }

    @Test
    void aSavedPipelineReloadsAndGivesTheSameOutput() throws IOException {
        VectorAssembler assemble = new VectorAssembler().setInputCols(names().toArray(new String[0])).setOutputCol("features");
        BottleneckTransformer score = transformer().setInputCol("features").setCodeCol("z").setBatchSize(64);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {assemble, score}).fit(df);
        Path path = tmp.resolve("pipeline");
        fitted.write().overwrite().save(path.toString());
        assertThat(path.resolve("stages")).isDirectory();
        PipelineModel loaded = PipelineModel.load(path.toString());
        BottleneckTransformer stage = (BottleneckTransformer) loaded.stages()[1];
        assertThat(stage.getModel().fingerprint()).isEqualTo(score.getModel().fingerprint());
        assertThat((Integer) stage.getOrDefault(stage.batchSize())).isEqualTo(64);
        assertThat(stage.getOrDefault(stage.codeCol())).isEqualTo("z");
        List<Row> a = fitted.transform(df).collectAsList();
        List<Row> b = loaded.transform(df).collectAsList();
        assertThat(bits(floats(b, "score"))).containsExactly(bits(floats(a, "score")));
        assertThat(bits(codes(b, "z"))).containsExactly(bits(codes(a, "z")));
        assertThat(bits(floats(b, "score"))).containsExactly(bits(expected.scores()));
    }

    @Test
    void aPlainModelScoresByReconstructionErrorWithoutAFlag() {
        BottleneckTransformer t = new BottleneckTransformer().setModelDirectory(plain.toString());
        assertThat(t.modelInfo().isDetector()).isFalse();
        List<Row> out = t.transform(df).collectAsList();
        assertThat(out.get(0).schema().fieldNames()).endsWith("x29", "code", "score");
        assertThat(bits(floats(out, "score"))).as("the fitted detector's score is mse too").containsExactly(bits(expected.scores()));
        assertThatThrownBy(() -> new BottleneckTransformer().setModelDirectory(plain.toString()).setFlagCol("anomaly").transformSchema(df.schema()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no anomaly threshold").hasMessageContaining("flagCol 'anomaly'");
    }

    @Test
    void schemaErrorsAreOneLineNamingTheColumn() {
        assertThatThrownBy(() -> transformer().transform(df.drop("x7")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no column 'x7' in the DataFrame")
                .hasMessageContaining(model.toString()).hasMessageNotContaining("\n");
        assertThatThrownBy(() -> transformer().transform(df.withColumn("x3", functions.lit("a"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("column 'x3' is string, not a number");
        assertThatThrownBy(() -> transformer().setInputCols("x0", "x1").transform(df))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("2 input columns (x0, x1), but the model")
                .hasMessageContaining("takes 30");
        assertThatThrownBy(() -> transformer().setInputCol("nope").transform(df))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no column 'nope'");
        assertThatThrownBy(() -> transformer().setScoreCol("x0").transform(df))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("output column 'x0' already exists");
        assertThatThrownBy(() -> transformer().setInputCol("x0").transform(df))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("column 'x0' is float; inputCol must be an array");
        assertThatThrownBy(() -> new BottleneckTransformer().setModelDirectory(tmp.resolve("missing").toString()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no such model directory");
    }

    @Test
    void rowErrorsFailTheActionWithAOneLineCauseNamingTheColumn() {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.DoubleType), true)));
        List<Row> rows = new ArrayList<>();
        rows.add(RowFactory.create(java.util.Collections.nCopies(D, 0.5)));
        rows.add(RowFactory.create(java.util.Collections.nCopies(D - 1, 0.5)));
        org.apache.spark.sql.Dataset<Row> short1 = spark.createDataFrame(rows, schema);
        assertThatThrownBy(() -> transformer().setInputCol("pixels").transform(short1).collectAsList())
                .isInstanceOf(SparkException.class)
                .satisfies(e -> assertThat(root(e)).isInstanceOf(InvalidInputException.class)
                        .hasMessage("column 'pixels' has 29 values in a row, but the model " + model + " takes 30"));
        org.apache.spark.sql.Dataset<Row> withNull = df.withColumn("x5",
                functions.when(functions.col("x0").gt(0), functions.col("x5")).otherwise(functions.lit(null).cast("float")));
        assertThatThrownBy(() -> transformer().transform(withNull).collectAsList())
                .satisfies(e -> assertThat(root(e)).isInstanceOf(InvalidInputException.class)
                        .hasMessageStartingWith("column 'x5' is null in a row").hasMessageNotContaining("\n"));
    }
}
