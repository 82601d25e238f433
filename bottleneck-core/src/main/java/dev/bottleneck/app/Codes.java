package dev.bottleneck.app;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.CsvLoader;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.data.NpyArray;
import dev.bottleneck.data.NpyFiles;
import dev.bottleneck.model.Autoencoder;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Latent codes as files: encode a dataset to {@code (N, K)} codes ({@code .npy} float32 or CSV with
 * a header {@code z0..z(K-1)} and, when the data has labels, a {@code label} column), and read
 * codes back for decoding.
 */
public final class Codes {

    private static final int BATCH = 1000;

    private Codes() {}

    /**
     * Encodes a dataset in batches of 1,000.
     *
     * @param model the model
     * @param data the dataset in raw units
     * @param scaling the model's input scaling
     * @param progress called with examples done (may be null)
     * @return codes {@code (N, K)} row-major
     */
    public static float[] encode(Autoencoder model, Dataset data, InputScaling scaling, IntConsumer progress) {
        int k = model.config().latent();
        float[] codes = new float[data.size() * k];
        forEachBatch(model, data, scaling, progress, (from, xb) -> {
            float[] z = model.encode(xb).toFloatArray();
            System.arraycopy(z, 0, codes, from * k, z.length);
        });
        return codes;
    }

    /**
     * Encodes a dataset to the integer codes of a discrete model, in batches of 1,000.
     *
     * @param model a model with a discrete code
     * @param data the dataset in raw units
     * @param scaling the model's input scaling
     * @return indices {@code (N, W)} row-major, W = {@link Autoencoder#codeWidth()}
     * @throws InvalidInputException if the model's code is continuous
     */
    public static int[] encodeIndices(Autoencoder model, Dataset data, InputScaling scaling) {
        int w = model.codeWidth();
        int[] codes = new int[data.size() * w];
        forEachBatch(model, data, scaling, null, (from, xb) -> {
            long[] c = model.codes(xb).toLongArray();
            for (int i = 0; i < c.length; i++) {
                codes[from * w + i] = Math.toIntExact(c[i]);
            }
        });
        return codes;
    }

    /**
     * Writes integer codes to {@code .npy} (int32) or {@code .csv} (columns {@code c0..}, then
     * {@code label} if given), atomically.
     *
     * @param file target file
     * @param codes {@code (N, W)} row-major
     * @param w indices per example
     * @param labels labels to add as a CSV column, or {@code null}
     */
    public static void writeIndices(Path file, int[] codes, int w, int[] labels) {
        int n = codes.length / w;
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            NpyFiles.writeInt32(file, codes, new long[] {n, w});
            return;
        }
        List<String> header = new ArrayList<>();
        for (int j = 0; j < w; j++) {
            header.add("c" + j);
        }
        int cols = w + (labels == null ? 0 : 1);
        if (labels != null) {
            header.add("label");
        }
        float[] v = new float[n * cols];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < w; j++) {
                v[i * cols + j] = codes[i * w + j];
            }
            if (labels != null) {
                v[i * cols + w] = labels[i];
            }
        }
        CsvLoader.write(file, v, cols, header);
    }

    /**
     * Decodes integer codes in batches of 1,000.
     *
     * @param model a model with a discrete code
     * @param codes {@code (N, W)} row-major, whole numbers
     * @param source the file they come from, for messages
     * @return reconstructions {@code (N, ...inputShape)} in model scale, row-major
     * @throws InvalidInputException naming the file if an index is out of range or not whole
     */
    public static float[] decodeIndices(Autoencoder model, float[] codes, Path source) {
        int w = model.codeWidth();
        int n = codes.length / w;
        int per = model.config().inputSize();
        float[] out = new float[n * per];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            try (NDManager bm = model.manager().newSubManager()) {
                NDArray c = bm.create(Arrays.copyOfRange(codes, from * w, to * w), new Shape(to - from, w));
                float[] x;
                try {
                    x = model.decodeCodes(c).toFloatArray();
                } catch (InvalidInputException e) {
                    throw new InvalidInputException(source, e.getMessage() + " (rows " + from + ".." + (to - 1) + ")", e);
                }
                System.arraycopy(x, 0, out, from * per, x.length);
            }
        }
        return out;
    }

    /**
     * Reads a codes file of any width (see {@link #read(Path, int)}).
     *
     * @param file the codes file
     * @return the values row-major and the width
     * @throws InvalidInputException if the file is unreadable
     */
    public static Map.Entry<float[], Integer> readAnyWidth(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            NpyArray a = NpyFiles.read(file);
            long[] s = a.shape();
            if (s.length != 2 && s.length != 1) {
                throw new InvalidInputException(file, "codes must be (N, K), got shape " + Arrays.toString(s));
            }
            return Map.entry(a.values(), (int) (s.length == 1 ? s[0] : s[1]));
        }
        if (name.endsWith(".csv")) {
            Dataset d = CsvLoader.load(file, hasLabelColumn(file) ? "label" : null);
            return Map.entry(d.values(), d.exampleSize());
        }
        throw new InvalidInputException(file, "--codes must be a .npy or .csv file");
    }

    /** Work on one batch of model-scale inputs: the first row's index and the batch. */
    private interface BatchWork {
        void accept(int from, NDArray batch);
    }

    /**
     * Runs {@code work} on the dataset in batches of 1,000 rows, each in its own memory scope.
     *
     * @param progress called with examples done (may be null)
     */
    private static void forEachBatch(Autoencoder model, Dataset data, InputScaling scaling, IntConsumer progress, BatchWork work) {
        int n = data.size();
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = PreparedData.toArray(data, scaling, m);
            for (int from = 0; from < n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                try (NDManager bm = m.newSubManager()) {
                    NDArray xb = x.get(new NDIndex().addSliceDim(from, to));
                    xb.attach(bm);
                    work.accept(from, xb);
                }
                if (progress != null) {
                    progress.accept(to);
                }
            }
        }
    }

    /**
     * Writes codes to {@code .npy} or {@code .csv} (chosen by the extension), atomically.
     *
     * @param file target file
     * @param codes {@code (N, K)} row-major
     * @param k code size
     * @param labels labels to add as a CSV column, or {@code null}
     */
    public static void write(Path file, float[] codes, int k, int[] labels) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int n = codes.length / k;
        if (name.endsWith(".npy")) {
            NpyFiles.write(file, codes, new long[] {n, k});
            return;
        }
        List<String> header = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            header.add("z" + j);
        }
        if (labels == null) {
            CsvLoader.write(file, codes, k, header);
            return;
        }
        header.add("label");
        float[] withLabels = new float[n * (k + 1)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(codes, i * k, withLabels, i * (k + 1), k);
            withLabels[i * (k + 1) + k] = labels[i];
        }
        CsvLoader.write(file, withLabels, k + 1, header);
    }

    /**
     * Reads codes from {@code .npy} ({@code (N, K)} or {@code (K)}) or CSV (a {@code label} column,
     * if present, is ignored).
     *
     * @param file the codes file
     * @param k the model's code size
     * @return codes {@code (N, K)} row-major
     * @throws InvalidInputException if the file is unreadable or its width is not {@code k}
     */
    public static float[] read(Path file, int k) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        float[] v;
        long width;
        if (name.endsWith(".npy")) {
            NpyArray a = NpyFiles.read(file);
            long[] s = a.shape();
            if (s.length == 1) {
                width = s[0];
            } else if (s.length == 2) {
                width = s[1];
            } else {
                throw new InvalidInputException(file, "codes must be (N, K), got shape " + Arrays.toString(s));
            }
            v = a.values();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new InvalidInputException(file, "code value " + i + " (row " + (i / Math.max(1, width)) + ") is " + v[i]);
                }
            }
        } else if (name.endsWith(".csv")) {
            Dataset d = CsvLoader.load(file, hasLabelColumn(file) ? "label" : null);
            width = d.exampleSize();
            v = d.values();
        } else {
            throw new InvalidInputException(file, "--codes must be a .npy or .csv file");
        }
        if (width != k) {
            throw new InvalidInputException(file, "codes have " + width + " values per row, but this model's code size is " + k);
        }
        return v;
    }

    private static boolean hasLabelColumn(Path csv) {
        try (BufferedReader r = Files.newBufferedReader(csv)) {
            String first = r.readLine();
            if (first == null) {
                return false;
            }
            for (String cell : first.split("[,;\t]")) {
                if (cell.trim().replace("\"", "").equals("label")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Decodes codes in batches of 1,000.
     *
     * @param model the model
     * @param codes {@code (N, K)} row-major
     * @return reconstructions {@code (N, ...inputShape)} in model scale, row-major
     */
    public static float[] decode(Autoencoder model, float[] codes) {
        int k = model.config().latent();
        int n = codes.length / k;
        int per = model.config().inputSize();
        float[] out = new float[n * per];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            try (NDManager bm = model.manager().newSubManager()) {
                NDArray z = bm.create(Arrays.copyOfRange(codes, from * k, to * k), new Shape(to - from, k));
                float[] x = model.decode(z).toFloatArray();
                System.arraycopy(x, 0, out, from * per, x.length);
            }
        }
        return out;
    }
}
