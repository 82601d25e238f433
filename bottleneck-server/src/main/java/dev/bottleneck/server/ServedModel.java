package dev.bottleneck.server;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.anomaly.AnomalyDetector;
import dev.bottleneck.anomaly.AnomalyModel;
import dev.bottleneck.anomaly.AnomalySettings;
import dev.bottleneck.anomaly.ReconstructionError;
import dev.bottleneck.app.Codes;
import dev.bottleneck.app.Generation;
import dev.bottleneck.app.LatentMap;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.latent.DiscreteLatent;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.Capabilities;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.sample.EmpiricalCodeSampler;
import dev.bottleneck.sample.GaussianSampler;
import dev.bottleneck.sample.LatentSampler;
import dev.bottleneck.sample.PriorSampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One model the server serves: the trained autoencoder opened from its directory, and what the web
 * page needs beside it, computed once at start-up from the model's own data (the manifest says
 * which): a pool of training examples with their codes (nearest neighbours, code statistics for the
 * sliders, the sampler of a model without a prior, the threshold of a model without {@code
 * anomaly.json}) and a sample of the test set reduced to 2-D (the latent map).
 *
 * <p>Shapes: examples {@code (N, ...inputShape)}, images {@code (N, C, H, W)}; raw units in
 * ({@code 0..rawMax} pixels, original table units), pixels out in [0, 1]; codes {@code (N, K)}.
 *
 * <p>Threads: every inference runs on this model's single worker thread, in its own
 * sub-{@link NDManager} closed before the call returns; request threads wait for it. libtorch
 * already spreads one batch over the native threads, so running two requests on one model at once
 * gains nothing on a small machine and would share the model's parameter store between threads;
 * it also measured faster than a lock (see {@link #locked}). Different models run in parallel.
 */
public final class ServedModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

    /** Contamination for the threshold fitted to a model without {@code anomaly.json}. */
    public static final double DEFAULT_CONTAMINATION = 0.01;

    private final String name;
    private final LoadedModel lm;
    private final AnomalyModel am;
    private final Autoencoder model;
    private final InputScaling scaling;
    private final int[] shape;
    private final int size;
    private final int k;
    private final boolean image;
    private final boolean discrete;
    private final int codeWidth;
    private final float rawMax;
    private final java.util.concurrent.ExecutorService worker;

    private AnomalyDetector detector;
    private String thresholdSource;
    private LatentSampler sampler;
    private Pool pool;
    private MapData map;
    private final List<String> notes = new ArrayList<>();

    /** Training examples searched for neighbours: pixels in [0, 1], codes, labels (or null). */
    private record Pool(int n, float[] metric, float[] codes, int[] labels, float[] mean, float[] std) {}

    /** The latent map: 2-D points of test examples, their codes and pixels. */
    private record MapData(LatentMap.Points points, float[] codes, float[] metric, List<String> classNames) {}

    private ServedModel(String name, LoadedModel lm, AnomalyModel am) {
        this.name = name;
        this.lm = lm;
        this.am = am;
        this.model = lm.model();
        ModelConfig c = lm.manifest().model();
        this.scaling = lm.manifest().input().scaling();
        this.shape = c.inputShape();
        this.size = c.inputSize();
        this.k = c.latent();
        this.image = "image".equals(lm.manifest().input().kind()) && shape.length == 3 && (shape[0] == 1 || shape[0] == 3);
        this.discrete = c.modelType().capabilities().discreteCodes();
        this.codeWidth = discrete ? model.codeWidth() : 0;
        this.rawMax = scaling.rawMax() == null ? 1f : scaling.rawMax();
        this.worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bottleneck-model-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens a model directory and prepares what the page needs. A part that cannot be prepared
     * (the training data is gone, say) is left out with a warning; the model is still served.
     *
     * @param name the name it is served under
     * @param dir the model directory; with an {@code anomaly.json} it scores with its saved detector
     * @param options pool and map sizes, dataset cache
     * @return the model; close it when done
     * @throws dev.bottleneck.InvalidInputException if the directory is not a model directory
     */
    public static ServedModel open(String name, Path dir, ServeOptions options) {
        AnomalyModel am = Files.isRegularFile(dir.resolve(AnomalySettings.FILE)) ? AnomalyModel.open(dir) : null;
        LoadedModel lm = am != null ? am.loaded() : LoadedModel.open(dir);
        ServedModel m = new ServedModel(name, lm, am);
        try {
            m.prepare(options);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void prepare(ServeOptions options) {
        DataSources.Options dataOptions = new DataSources.Options(options.dataDir(), null, null, null);
        if (am != null) {
            detector = am.detector();
            thresholdSource = "anomaly.json (" + am.settings().score() + ", contamination " + am.settings().contamination() + ")";
        }
        if (options.neighbourPool() > 0) {
            tryPart("training examples (neighbours, sliders, sampler)", () -> {
                Dataset train = lm.loadTrainingData(dataOptions);
                Dataset head = train.size() > options.neighbourPool() ? train.head(options.neighbourPool()) : train;
                float[] codes = Codes.encode(model, head, scaling, null);
                float[] metric = scaling.apply(head);
                scaling.toMetricScale(metric);
                float[] mean = new float[k];
                float[] std = new float[k];
                stats(codes, head.size(), mean, std);
                pool = new Pool(head.size(), metric, codes, head.hasLabels() ? head.labels() : null, mean, std);
                if (detector == null) {
                    detector = AnomalyDetector.fit(model, scaling, new ReconstructionError(scaling), head, DEFAULT_CONTAMINATION);
                    thresholdSource = "fitted at start-up: the " + (int) (100 - 100 * DEFAULT_CONTAMINATION) + "th percentile of the "
                            + "reconstruction error of " + head.size() + " training examples";
                }
                Capabilities cap = lm.manifest().model().modelType().capabilities();
                if (cap.prior()) {
                    sampler = new PriorSampler(k);
                } else if (discrete) {
                    int[] idx = Codes.encodeIndices(model, head, scaling);
                    sampler = EmpiricalCodeSampler.fit(idx, codeWidth, (int) ((DiscreteLatent) model.latent()).codebookSize());
                } else {
                    sampler = GaussianSampler.fit(codes, k);
                }
                return null;
            });
        }
        if (options.mapPoints() > 0) {
            tryPart("latent map of the test set", () -> {
                Dataset test = lm.loadData(null, dataOptions);
                Dataset head = test.size() > options.mapPoints() ? test.head(options.mapPoints()) : test;
                LatentMap.Points p = LatentMap.compute(model, head, scaling, 1, null);
                float[] codes = Codes.encode(model, head, scaling, null);
                float[] metric = scaling.apply(head);
                scaling.toMetricScale(metric);
                map = new MapData(p, codes, metric, head.classNames());
                return null;
            });
        }
    }

    private void tryPart(String what, Supplier<Void> part) {
        try {
            part.get();
        } catch (RuntimeException e) {
            String note = what + " left out: " + e.getMessage();
            notes.add(note);
            LOG.warn("{}: {}", name, note);
        }
    }

    private static void stats(float[] codes, int n, float[] mean, float[] std) {
        int k = mean.length;
        double[] s = new double[k];
        double[] s2 = new double[k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double v = codes[i * k + j];
                s[j] += v;
                s2[j] += v * v;
            }
        }
        for (int j = 0; j < k; j++) {
            double m = s[j] / Math.max(1, n);
            mean[j] = (float) m;
            std[j] = (float) Math.sqrt(Math.max(0, s2[j] / Math.max(1, n) - m * m));
        }
    }

    /** @return the name it is served under */
    public String name() {
        return name;
    }

    /** @return the example shape, {@code (C, H, W)} or {@code (D)} */
    public int[] shape() {
        return shape.clone();
    }

    /** @return values per example */
    public int exampleSize() {
        return size;
    }

    /** @return the code size {@code K} */
    public int codeSize() {
        return k;
    }

    /** @return the integer-code width {@code W} of a discrete model, or {@code null} for a continuous code */
    public Integer codeWidth() {
        return discrete ? codeWidth : null;
    }

    /** @return whether examples are images with 1 or 3 channels (PNG in and out) */
    public boolean isImage() {
        return image;
    }

    /** @return the raw value of a white pixel (images), else 1 */
    public float rawMax() {
        return rawMax;
    }

    /** @return whether {@code score} is available (an {@code anomaly.json} or a fitted threshold) */
    public boolean canScore() {
        return detector != null;
    }

    /** @return whether {@code sample} is available (a prior, or a sampler fitted to training codes) */
    public boolean canSample() {
        return sampler != null;
    }

    /** @return whether the latent map is available */
    public boolean hasMap() {
        return map != null;
    }

    /**
     * What the model is and which endpoints it answers, for {@code GET .../info}.
     *
     * @return a JSON-ready map
     */
    public Map<String, Object> info() {
        ModelConfig c = lm.manifest().model();
        Capabilities cap = c.modelType().capabilities();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("directory", lm.directory().path().toString());
        m.put("type", c.type());
        m.put("arch", c.arch());
        m.put("kind", lm.manifest().input().kind());
        m.put("input_shape", shape);
        m.put("code_size", k);
        m.put("scaling", scaling.type());
        if (image) {
            m.put("raw_max", rawMax);
        }
        m.put("parameters", lm.manifest().parameters());
        Map<String, Object> caps = new LinkedHashMap<>();
        caps.put("prior", cap.prior());
        caps.put("likelihood", cap.likelihood());
        caps.put("discrete_codes", cap.discreteCodes());
        m.put("capabilities", caps);
        if (discrete) {
            m.put("code_width", codeWidth);
        }
        List<String> endpoints = new ArrayList<>(List.of("info", "encode", "decode", "reconstruct"));
        if (canScore()) {
            endpoints.add("score");
        }
        if (canSample()) {
            endpoints.add("sample");
        }
        if (pool != null) {
            endpoints.add("neighbours");
        }
        if (map != null) {
            endpoints.add("map");
            endpoints.add("interpolate");
        }
        if (image && pool != null) {
            endpoints.add("analyze");
        }
        m.put("endpoints", endpoints);
        if (detector != null) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("score", detector.score().name());
            a.put("description", detector.score().description());
            a.put("threshold", detector.threshold());
            a.put("threshold_source", thresholdSource);
            m.put("anomaly", a);
        }
        if (sampler != null) {
            m.put("sampler", sampler.name());
        }
        m.put("latent", latentInfo());
        if (lm.manifest().input().classNames() != null) {
            m.put("class_names", lm.manifest().input().classNames());
        }
        if (lm.manifest().metrics() != null) {
            m.put("metrics", lm.manifest().metrics());
        }
        if (!notes.isEmpty()) {
            m.put("notes", notes);
        }
        return m;
    }

    /**
     * The slider ranges of the latent explorer: for a model with a prior, {@code N(0, 1)} per
     * dimension ({@code [-3, 3]}, centred on 0); otherwise the training codes' mean plus and minus
     * three standard deviations (a little wider than the codes' range).
     */
    private Map<String, Object> latentInfo() {
        boolean prior = lm.manifest().model().modelType().capabilities().prior();
        float[] mean = new float[k];
        float[] std = new float[k];
        if (prior) {
            Arrays.fill(std, 1f);
        } else if (pool != null) {
            mean = pool.mean();
            std = pool.std();
        } else {
            Arrays.fill(std, 1f);
        }
        float[] lo = new float[k];
        float[] hi = new float[k];
        for (int j = 0; j < k; j++) {
            float s = Math.max(std[j], 1e-3f);
            lo[j] = mean[j] - 3 * s;
            hi[j] = mean[j] + 3 * s;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("centre", prior ? "a sample from the prior N(0, I)" : "the mean of the training codes");
        m.put("mean", mean);
        m.put("min", lo);
        m.put("max", hi);
        return m;
    }

    // ---------------------------------------------------------------- inference

    /**
     * Codes of examples.
     *
     * @param z continuous codes {@code (N, K)}
     * @param indices integer codes {@code (N, W)} of a discrete model, else {@code null}
     */
    public record Encoded(float[] z, int[] indices) {}

    /**
     * Encodes examples.
     *
     * @param raw {@code (N, ...inputShape)} raw units, row-major
     * @param n number of examples
     * @return the codes
     * @throws ApiException 400 for non-finite values
     */
    public Encoded encode(float[] raw, int n) {
        return locked(m -> {
            NDArray x = toModel(raw, n, m);
            float[] z = model.encode(x).toFloatArray();
            int[] idx = null;
            if (discrete) {
                long[] l = model.codes(x).toLongArray();
                idx = new int[l.length];
                for (int i = 0; i < l.length; i++) {
                    idx[i] = (int) l[i];
                }
            }
            return new Encoded(z, idx);
        });
    }

    /**
     * Decodes continuous codes.
     *
     * @param z {@code (N, K)}
     * @param n number of codes
     * @return {@code (N, ...inputShape)} in model scale
     */
    public float[] decode(float[] z, int n) {
        requireFinite(z, "codes");
        return locked(m -> model.decode(m.create(z, new Shape(n, k))).toFloatArray());
    }

    /**
     * Decodes the integer codes of a discrete model.
     *
     * @param indices {@code (N, W)} whole numbers in {@code [0, codebook size)}
     * @param n number of codes
     * @return {@code (N, ...inputShape)} in model scale
     * @throws ApiException 400 for a continuous model or an index out of range
     */
    public float[] decodeIndices(float[] indices, int n) {
        if (!discrete) {
            throw ApiException.badRequest("model '" + name + "' has a continuous code: send \"codes\" (N, " + k + "), not \"indices\"");
        }
        if (indices.length != n * codeWidth) {
            throw ApiException.badRequest("\"indices\" rows must have " + codeWidth + " values for model '" + name + "'");
        }
        return locked(m -> Codes.decodeIndices(model, indices, null));
    }

    /**
     * Encodes and decodes examples.
     *
     * @param raw {@code (N, ...inputShape)} raw units
     * @param n number of examples
     * @return reconstructions {@code (N, ...inputShape)} in model scale
     */
    public float[] reconstruct(float[] raw, int n) {
        return locked(m -> model.reconstruct(toModel(raw, n, m)).toFloatArray());
    }

    /**
     * Anomaly scores.
     *
     * @param raw {@code (N, ...inputShape)} raw units
     * @param n number of examples
     * @return {@code (N)} scores (higher is more anomalous; compare with {@link #threshold()})
     * @throws ApiException 400 if the model has no detector
     */
    public float[] score(float[] raw, int n) {
        requireScore();
        return locked(m -> detector.scores(toModel(raw, n, m)));
    }

    private void requireScore() {
        if (detector == null) {
            throw new ApiException(404, "model '" + name + "' has no anomaly threshold: fit one with 'bottleneck anomaly fit', "
                    + "or serve it with its training data available");
        }
    }

    /** @return the anomaly threshold, or NaN without a detector */
    public double threshold() {
        return detector == null ? Double.NaN : detector.threshold();
    }

    /** @return the anomaly score's name and unit, or null */
    public String scoreName() {
        return detector == null ? null : detector.score().name();
    }

    /** @return where the threshold comes from */
    public String thresholdSource() {
        return thresholdSource;
    }

    /**
     * New examples from the decoder: codes drawn from the prior (a VAE) or from the sampler fitted
     * to training codes, then decoded.
     *
     * @param n how many
     * @param temperature scales the spread, {@code >= 0}
     * @param seed seeds the draw
     * @return {@code (N, ...inputShape)} in model scale
     * @throws ApiException 404 if the model has no sampler
     */
    public float[] sample(int n, double temperature, long seed) {
        if (sampler == null) {
            throw new ApiException(404, "model '" + name + "' cannot sample: it has no prior and its training codes were not available");
        }
        return locked(m -> Generation.sample(model, sampler, n, temperature, seed));
    }

    /**
     * Codes drawn from the sampler (without decoding), for the sliders' centre.
     *
     * @param n how many
     * @param seed seeds the draw
     * @return {@code (n, K)}, or null without a sampler or for a discrete sampler
     */
    public float[] sampleCodes(int n, long seed) {
        if (sampler == null || sampler instanceof EmpiricalCodeSampler) {
            return null;
        }
        return sampler.sample(n, 1.0, seed);
    }

    /**
     * The nearest training examples of a code, by Euclidean distance in code space.
     *
     * @param z one code {@code (K)}
     * @param count how many
     * @return pool indices, nearest first
     */
    public int[] neighbours(float[] z, int count) {
        if (pool == null) {
            throw new ApiException(404, "model '" + name + "' has no training examples loaded for neighbour search");
        }
        int n = pool.n();
        int c = Math.min(count, n);
        int[] best = new int[c];
        double[] bd = new double[c];
        Arrays.fill(bd, Double.POSITIVE_INFINITY);
        float[] codes = pool.codes();
        for (int i = 0; i < n; i++) {
            double d = 0;
            for (int j = 0; j < k; j++) {
                double t = codes[i * k + j] - z[j];
                d += t * t;
            }
            if (d < bd[c - 1]) {
                int p = c - 1;
                while (p > 0 && bd[p - 1] > d) {
                    bd[p] = bd[p - 1];
                    best[p] = best[p - 1];
                    p--;
                }
                bd[p] = d;
                best[p] = i;
            }
        }
        return best;
    }

    /**
     * @param index a pool index
     * @return the training example as PNG
     */
    public byte[] poolPng(int index) {
        requireImagesOut();
        if (pool == null || index < 0 || index >= pool.n()) {
            throw new ApiException(404, "no training example " + index + " for model '" + name + "'");
        }
        return Pixels.png(pool.metric(), index, shape);
    }

    /**
     * @param index a pool index
     * @return its label, or -1
     */
    public int poolLabel(int index) {
        return pool == null || pool.labels() == null ? -1 : pool.labels()[index];
    }

    /**
     * The latent map for the page: points, labels, axis titles.
     *
     * @return a JSON-ready map
     * @throws ApiException 404 without a map
     */
    public Map<String, Object> map() {
        requireMap();
        LatentMap.Points p = map.points();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", p.x().length);
        m.put("pca", p.pca());
        m.put("x_title", p.xTitle());
        m.put("y_title", p.yTitle());
        m.put("x", p.x());
        m.put("y", p.y());
        m.put("labels", p.labels());
        m.put("class_names", map.classNames());
        return m;
    }

    private void requireMap() {
        if (map == null) {
            throw new ApiException(404, "model '" + name + "' has no latent map (its test data was not available at start-up)");
        }
    }

    /**
     * @param index a map point
     * @return the test example as PNG
     */
    public byte[] mapPng(int index) {
        requireMap();
        requireImagesOut();
        if (index < 0 || index >= map.points().x().length) {
            throw new ApiException(404, "no map point " + index + " for model '" + name + "' (0.." + (map.points().x().length - 1) + ")");
        }
        return Pixels.png(map.metric(), index, shape);
    }

    /**
     * @param index a map point
     * @return its code {@code (K)}
     */
    public float[] mapCode(int index) {
        requireMap();
        if (index < 0 || index >= map.points().x().length) {
            throw ApiException.badRequest("no map point " + index + " (0.." + (map.points().x().length - 1) + ")");
        }
        return Arrays.copyOfRange(map.codes(), index * k, (index + 1) * k);
    }

    private void requireImagesOut() {
        if (!image) {
            throw ApiException.badRequest("model '" + name + "' works on table rows, which have no picture");
        }
    }

    /** @return whether interpolation should be spherical (a Gaussian prior) */
    public boolean slerp() {
        return lm.manifest().model().modelType().capabilities().prior();
    }

    /**
     * Model-scale values to the metric scale in place ([0, 1] pixels).
     *
     * @param values model-scale values
     */
    public void toMetric(float[] values) {
        scaling.toMetricScale(values);
    }

    /**
     * Model-scale values to raw units in place.
     *
     * @param values {@code (N, ...inputShape)} model scale
     */
    public void toRaw(float[] values) {
        scaling.toRaw(values, size);
    }

    // ---------------------------------------------------------------- plumbing

    /** Work done in one request's memory scope. */
    private interface Work<T> {
        T run(NDManager m);
    }

    /**
     * Runs inference on this model's one worker thread, in a sub-manager closed before the answer
     * is returned; request threads wait for it, and parse the next request meanwhile. Measured
     * against a lock taken on the request threads: 1.85x the single-image requests/s at 16
     * connections (docs/benchmarks.md, issue 12), and the model's native calls always come from
     * one thread (one glibc arena, libtorch's thread-local state set once).
     *
     * @throws ApiException 503 if the waiting request thread is interrupted
     */
    private <T> T locked(Work<T> work) {
        java.util.concurrent.Future<T> f = worker.submit(() -> {
            try (NDManager m = model.manager().newSubManager()) {
                return work.run(m);
            }
        });
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new ApiException(503, "the request was interrupted while waiting for model '" + name + "'");
        }
    }

    /** Raw values to a model-scale batch in {@code m}'s memory, checked finite. */
    private NDArray toModel(float[] raw, int n, NDManager m) {
        if (raw.length != (long) n * size) {
            throw ApiException.badRequest(n + " examples need " + (long) n * size + " values, got " + raw.length);
        }
        requireFinite(raw, "input");
        ByteBuffer buf = m.allocateDirect(raw.length * Float.BYTES);
        FloatBuffer fb = buf.asFloatBuffer();
        switch (scaling.type()) {
            case "unit" -> {
                float s = 1f / rawMax;
                for (float v : raw) {
                    fb.put(v * s);
                }
            }
            case "pm1" -> {
                float s = 2f / rawMax;
                for (float v : raw) {
                    fb.put(v * s - 1f);
                }
            }
            case "standard" -> scaling.standardizer(null).applyInto(raw, fb);
            default -> fb.put(raw);
        }
        return m.create(buf, new Shape(model.batchShape(n)), DataType.FLOAT32);
    }

    private static void requireFinite(float[] v, String what) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw ApiException.badRequest(what + " value " + i + " is " + v[i] + "; every value must be a finite number");
            }
        }
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (am != null) {
            am.close();
        } else {
            lm.close();
        }
    }
}
