package dev.bottleneck.spark;

import dev.bottleneck.anomaly.AnomalyDetector;
import dev.bottleneck.anomaly.AnomalyModel;
import dev.bottleneck.anomaly.AnomalyScore;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.engine.EngineSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models loaded in this JVM (a Spark executor, or the driver in {@code local} mode), one per
 * {@link ModelBundle#fingerprint()}: the first task that needs a model writes its files to a local
 * folder and loads the weights into native memory; every later task, partition and transform in
 * the same JVM reuses that instance. Tasks run the model concurrently (inference only: libtorch's
 * operators and the detector keep no per-call state).
 *
 * <p>A model stays loaded for the life of the JVM (an executor belongs to one application), or
 * until {@link #release}. Native memory that a task allocates is freed per batch and, at the
 * latest, when the task ends ({@link PartitionScorer}).
 *
 * <p>Native threads: the first load applies {@link EngineSetup} with the requested thread count
 * (libtorch's intra-op threads, {@code at::set_num_threads}); {@link #useThreads} makes the calling
 * task thread use that many, since OpenMP keeps the count per thread.
 */
public final class ExecutorModels {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final ConcurrentHashMap<String, Loaded> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {}

    /**
     * A model loaded in this JVM.
     *
     * @param detector scores rows: the fitted detector of an {@code anomaly fit} directory, or
     *     {@link AnomalyDetector#unfitted} with the {@code mse} score for a plain model
     * @param owner what to close to free the model's native memory
     * @param directory the local folder the files were written to
     */
    public record Loaded(AnomalyDetector detector, AutoCloseable owner, Path directory) {}

    /**
     * The model of a bundle, loading it if this JVM has not yet.
     *
     * @param bundle the model's files
     * @param threads native intra-op threads for the engine set-up, {@code >= 1}
     * @return the loaded model, shared by every caller in this JVM
     * @throws dev.bottleneck.InvalidInputException if the files are not a valid model (the
     *     message names the bundle's source)
     */
    public static Loaded get(ModelBundle bundle, int threads) {
        Loaded m = MODELS.get(bundle.fingerprint());
        if (m != null) {
            return m;
        }
        synchronized (ExecutorModels.class) {
            return MODELS.computeIfAbsent(bundle.fingerprint(), fp -> load(bundle, threads));
        }
    }

    private static Loaded load(ModelBundle bundle, int threads) {
        EngineSetup.apply(new EngineSetup.Options(threads, "auto", null));
        long t0 = System.nanoTime();
        Path dir = bundle.materialize(localRoot());
        Loaded loaded;
        try {
            if (bundle.isDetector()) {
                AnomalyModel am = AnomalyModel.open(dir);
                loaded = new Loaded(am.detector(), am, dir);
            } else {
                LoadedModel lm = LoadedModel.open(dir);
                InputScaling scaling = lm.manifest().input().scaling();
                loaded = new Loaded(AnomalyDetector.unfitted(lm.model(), scaling, AnomalyScore.byName("mse", scaling)), lm, dir);
            }
        } catch (dev.bottleneck.InvalidInputException e) {
            throw new dev.bottleneck.InvalidInputException(bundle.source() + ": " + e.getMessage(), e);
        }
        LOADS.incrementAndGet();
        LOG.info("loaded model {} ({} bytes) in {} ms", bundle.source(), bundle.size(), (System.nanoTime() - t0) / 1_000_000);
        return loaded;
    }

    /**
     * Makes the calling thread's native operators use {@code threads} threads (OpenMP keeps the
     * count per thread, and Spark's task threads are pooled). Cheap when already so.
     *
     * @param threads intra-op threads, {@code >= 1}
     */
    public static void useThreads(int threads) {
        try {
            if (ai.djl.pytorch.jni.JniUtils.getNumThreads() != threads) {
                ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("could not set the native thread count: {}", e.toString());
        }
    }

    /**
     * Closes a model and forgets it; a later task loads it again.
     *
     * @param fingerprint the bundle's {@link ModelBundle#fingerprint()}
     * @return whether a model was loaded under that fingerprint
     */
    public static synchronized boolean release(String fingerprint) {
        Loaded m = MODELS.remove(fingerprint);
        if (m == null) {
            return false;
        }
        try {
            m.owner().close();
        } catch (Exception e) {
            LOG.debug("closing {}: {}", fingerprint, e.toString());
        }
        return true;
    }

    /** @return how many times this JVM has loaded a model's weights (for tests and logs) */
    public static int loads() {
        return LOADS.get();
    }

    /** @return whether a model with this fingerprint is loaded in this JVM */
    public static boolean isLoaded(String fingerprint) {
        return MODELS.containsKey(fingerprint);
    }

    /**
     * The local folder model files are written to: Spark's per-application file folder on an
     * executor ({@code SparkFiles.getRootDirectory()}, removed when the application ends), else
     * {@code java.io.tmpdir}.
     *
     * @return {@code <root>/bottleneck-models}
     */
    static Path localRoot() {
        String root;
        try {
            root = org.apache.spark.SparkFiles.getRootDirectory();
        } catch (RuntimeException | LinkageError e) {
            root = System.getProperty("java.io.tmpdir");
        }
        return Path.of(root, "bottleneck-models");
    }
}
