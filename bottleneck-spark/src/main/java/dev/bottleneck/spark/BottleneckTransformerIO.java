package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Saving and loading a {@link BottleneckTransformer}: Spark's standard params metadata ({@code
 * <path>/metadata/}, as {@code DefaultParamsWriter} writes it, so {@code PipelineModel.load}
 * recognises the stage) plus the model's files under {@code <path>/model/} ({@link
 * ModelBundle#FILES}), through Hadoop's file system API, so any path Spark can write works (local,
 * HDFS, S3).
 */
final class BottleneckTransformerIO {

    /** The sub-folder holding the model's files. */
    static final String MODEL_DIR = "model";

    private BottleneckTransformerIO() {}

    /** Writes the params and the model's files. */
    static final class Writer extends MLWriter {
        private final BottleneckTransformer instance;

        Writer(BottleneckTransformer instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sparkSession(), Option.empty(), Option.empty());
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(path, MODEL_DIR);
            try {
                FileSystem fs = dir.getFileSystem(sc().hadoopConfiguration());
                fs.mkdirs(dir);
                for (Map.Entry<String, byte[]> e : instance.getModel().files().entrySet()) {
                    try (FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(dir, e.getKey()), true)) {
                        out.write(e.getValue());
                    }
                }
            } catch (IOException e) {
                throw new BottleneckException(dir + ": cannot write the model files (" + e.getMessage() + ")", e);
            }
        }
    }

    /** Reads what {@link Writer} wrote. */
    static final class Reader extends MLReader<BottleneckTransformer> {
        @Override
        public BottleneckTransformer load(String path) {
            DefaultParamsReader.Metadata md = DefaultParamsReader$.MODULE$.loadMetadata(path, sparkSession(),
                    BottleneckTransformer.class.getName());
            BottleneckTransformer t = new BottleneckTransformer(md.uid());
            md.getAndSetParams(t, Option.empty());
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(path, MODEL_DIR);
            Map<String, byte[]> files = new HashMap<>();
            try {
                FileSystem fs = dir.getFileSystem(sc().hadoopConfiguration());
                for (FileStatus st : fs.listStatus(dir)) {
                    String name = st.getPath().getName();
                    if (!st.isFile() || !ModelBundle.FILES.contains(name)) {
                        continue;
                    }
                    byte[] b = new byte[Math.toIntExact(st.getLen())];
                    try (FSDataInputStream in = fs.open(st.getPath())) {
                        in.readFully(b);
                    }
                    files.put(name, b);
                }
            } catch (IOException e) {
                throw new BottleneckException(dir + ": cannot read the model files (" + e.getMessage() + ")", e);
            }
            return t.setModel(ModelBundle.of(dir.toString(), files));
        }
    }
}
