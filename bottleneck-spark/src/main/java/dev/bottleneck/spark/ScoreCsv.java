package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Spark application that scores a CSV file with an anomaly model: {@code bottleneck anomaly
 * score} as a Spark job (the benchmark {@code bench/spark_score.sh} and the {@code spark-submit}
 * recipe in the README run it).
 *
 * <pre>
 * spark-submit --class dev.bottleneck.spark.ScoreCsv ... bottleneck-spark.jar \
 *     --model runs/sensors --csv hdfs:///data/sensors.csv --out hdfs:///data/scores [--batch 4096] [--threads 1]
 * </pre>
 *
 * <p>The CSV needs a header; the model's columns are read as {@code float} (so each cell is the
 * float {@code anomaly score} parses from it), the others as strings. The output is a folder of
 * text part files, one line {@code score,flag} per input row in the file's order (part files in
 * name order), the score formatted as {@link Float#toString(float)} and the flag {@code 1} or
 * {@code 0}: the last two columns of {@code anomaly score --out}. The model directory is read on
 * the driver (a local path) and shipped to the executors by the transformer.
 *
 * <p>Options: {@code --model DIR} (required), {@code --csv PATH} (required, any Hadoop path),
 * {@code --out PATH} (omit to only count), {@code --master URL} (default: what spark-submit sets),
 * {@code --batch ROWS} (default 4096), {@code --threads T} (libtorch threads per executor, default
 * 1). Prints one JSON line on stdout: {@code rows}, {@code flagged}, {@code partitions}, {@code
 * seconds} (the scoring job, session start excluded), {@code rows_per_s}, {@code master}.
 */
public final class ScoreCsv {

    private ScoreCsv() {}

    /**
     * Runs the job.
     *
     * @param args the options above
     * @throws IOException if the CSV's header cannot be read
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> o = parse(args);
        String modelDir = require(o, "model");
        String csv = require(o, "csv");
        SparkSession.Builder b = SparkSession.builder().appName("bottleneck-score-csv");
        if (o.containsKey("master")) {
            b = b.master(o.get("master"));
        }
        SparkSession spark = b.getOrCreate();
        try {
            BottleneckTransformer t = new BottleneckTransformer().setModelDirectory(modelDir)
                    .setBatchSize(Integer.parseInt(o.getOrDefault("batch", String.valueOf(BottleneckTransformer.DEFAULT_BATCH))))
                    .setThreadsPerExecutor(Integer.parseInt(o.getOrDefault("threads", "1")))
                    .setCodeCol("");
            List<String> cols = t.modelInfo().columns();
            if (cols == null || !t.modelInfo().isDetector()) {
                throw new BottleneckException(modelDir + ": ScoreCsv needs an anomaly model fitted on a CSV with a header (bottleneck anomaly fit --data csv:FILE)");
            }
            Dataset<Row> df = spark.read().option("header", "true").schema(schema(spark, csv, cols)).csv(csv);
            Dataset<Row> scored = t.transform(df).select("score", "anomaly");
            long t0 = System.nanoTime();
            long rows;
            long flagged;
            if (o.containsKey("out")) {
                Dataset<String> lines = scored.map((MapFunction<Row, String>) r -> Float.toString(r.getFloat(0)) + ',' + (r.getBoolean(1) ? '1' : '0'),
                        Encoders.STRING());
                lines.write().mode("overwrite").text(o.get("out"));
                Row c = spark.read().text(o.get("out")).selectExpr("count(*)", "sum(cast(substring_index(value, ',', -1) as int))").first();
                rows = c.getLong(0);
                flagged = c.isNullAt(1) ? 0 : c.getLong(1);
            } else {
                Row c = scored.selectExpr("count(*)", "sum(cast(anomaly as int))").first();
                rows = c.getLong(0);
                flagged = c.isNullAt(1) ? 0 : c.getLong(1);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "{\"rows\":%d,\"flagged\":%d,\"partitions\":%d,\"seconds\":%.3f,\"rows_per_s\":%.0f,\"master\":\"%s\",\"batch\":%d,\"threads\":%d}%n",
                    rows, flagged, df.rdd().getNumPartitions(), s, rows / s, spark.sparkContext().master(),
                    (Integer) t.getOrDefault(t.batchSize()), (Integer) t.getOrDefault(t.threadsPerExecutor()));
        } finally {
            spark.stop();
        }
    }

    /** The model's columns as float, any other header column as string. */
    private static StructType schema(SparkSession spark, String csv, List<String> modelCols) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(csv);
        String header;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p), StandardCharsets.UTF_8))) {
            header = r.readLine();
        }
        if (header == null) {
            throw new BottleneckException(csv + ": empty file");
        }
        List<StructField> fields = new ArrayList<>();
        for (String name : header.split(",", -1)) {
            String n = name.trim();
            if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
                n = n.substring(1, n.length() - 1);
            }
            fields.add(DataTypes.createStructField(n, modelCols.contains(n) ? DataTypes.FloatType : DataTypes.StringType, true));
        }
        return DataTypes.createStructType(fields);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: ScoreCsv --model DIR --csv PATH [--out PATH] [--master URL] [--batch ROWS] [--threads T]; got '" + args[i] + "'");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static String require(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required (usage: ScoreCsv --model DIR --csv PATH [--out PATH])");
        }
        return v;
    }
}
