package dev.bottleneck.app;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.Version;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.eval.ReconstructionMetrics;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.CrashPoint;
import dev.bottleneck.io.Json;
import dev.bottleneck.io.LossPlot;
import dev.bottleneck.io.Manifest;
import dev.bottleneck.io.ModelDirectory;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.Checkpoints;
import dev.bottleneck.train.EpochResult;
import dev.bottleneck.train.TrainConfig;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole {@code train} job: load and validate the data, build (or restore) the model, train
 * with per-epoch checkpoints, metrics log and loss curve, then evaluate on the test split beside
 * the PCA baseline of the same code size and draw the reconstructions.
 *
 * <p>Everything that can be wrong with the input (data files, options, a model that does not fit
 * the data) is checked before the output folder is created, so a failed start leaves nothing
 * behind. Each file in the folder is written atomically.
 *
 * <p>The directory goes through the states of {@link ModelDirectory}, one atomic rename each:
 * {@code model.json} with status {@code training} before the first epoch; per epoch {@code
 * metrics.jsonl}, then the checkpoint (its {@code state.json} commits the epoch); status {@code
 * evaluating} when the epochs are done; then {@code metrics.json}, the pictures and {@code
 * model.params}, and last {@code model.json} with status {@code complete} and the weights'
 * checksum. A process killed at any point leaves a run that {@code --resume} finishes: it goes on
 * from the checkpoint (or from the start if none was saved), or only evaluates when the epochs are
 * done. Stale temporary files of a killed writer are removed when the directory is opened for
 * writing.
 */
public final class TrainingRun {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    /** The final test figures, written beside the model. */
    private static final String METRICS = "metrics.json";

    /**
     * What to train.
     *
     * @param data training data (built-in datasets: the train split)
     * @param testData test data, or {@code null}: built-in datasets use their test split, files a
     *     held-out fraction
     * @param holdout fraction of a file dataset held out as test set when {@code testData} is
     *     {@code null}
     * @param dataOptions file options (label column, resize, cache folder)
     * @param model the architecture with its input shape left unset; {@code null} on resume
     * @param scale input scaling name, or {@code null} for the default (unit for images,
     *     standard for tables)
     * @param train epochs, batch, learning rate, seed ({@code null} on resume)
     * @param out the model directory
     * @param resume continue from {@code out/checkpoint}: train a finished run further, or finish
     *     an interrupted one
     * @param resumeEpochs on resume: the new total number of epochs, or {@code null} to keep the
     *     saved one
     * @param resumeLearningRate on resume: a new learning rate, or {@code null} to keep the saved
     *     one
     * @param resumeClipNorm on resume: a new gradient-norm clipping threshold, or {@code null} to
     *     keep the saved one
     * @param overwrite replace an existing model directory
     * @param pictures draw reconstructions and the loss curve
     */
    public record Request(
            DataSpec data,
            DataSpec testData,
            double holdout,
            DataSources.Options dataOptions,
            ModelConfig.Builder model,
            String scale,
            TrainConfig train,
            Path out,
            boolean resume,
            Integer resumeEpochs,
            Double resumeLearningRate,
            Double resumeClipNorm,
            boolean overwrite,
            boolean pictures) {}

    /**
     * What a finished run produced.
     *
     * @param dir the model directory
     * @param manifest the final manifest
     * @param epochs every epoch's figures, resumed ones included
     * @param metrics the final test metrics (also in {@code metrics.json})
     */
    public record Result(Path dir, Manifest manifest, List<EpochResult> epochs, Map<String, Object> metrics) {}

    /** Receives coarse steps of the job (for the CLI's messages). */
    public interface Steps {
        /** @param message what is happening, e.g. "loading mnist:train" */
        void step(String message);
    }

    private TrainingRun() {}

    /**
     * Runs the job.
     *
     * @param req what to train
     * @param listener per-batch and per-epoch progress
     * @param steps coarse step messages
     * @return what was produced
     * @throws InvalidInputException for bad input, before anything is written
     * @throws BottleneckException for failures while training or writing
     */
    public static Result run(Request req, TrainingListener listener, Steps steps) {
        dev.bottleneck.engine.EngineSetup.ensureApplied();
        ModelDirectory dir = ModelDirectory.at(req.out());
        Checkpoints checkpoints = new Checkpoints(dir.checkpointDir());
        Manifest previous = null;
        if (req.resume()) {
            if (!Files.isRegularFile(req.out().resolve(ModelDirectory.MANIFEST))) {
                throw new InvalidInputException(req.out(), checkpoints.exists()
                        ? "nothing to resume (a checkpoint but no " + ModelDirectory.MANIFEST + ": a run that an older version did not "
                                + "get to start; train it again with --overwrite)"
                        : "nothing to resume (no run here; train without --resume first)");
            }
            previous = dir.manifest();
            if (previous.complete() && !checkpoints.exists()) {
                throw new InvalidInputException(req.out(), "nothing to resume (no checkpoint here; train without --resume first)");
            }
        } else {
            checkOutput(req.out(), req.overwrite());
        }

        // ---- data
        DataSpec trainSpec = req.data() != null ? req.data() : DataSpec.parse(previous.input().data());
        if (trainSpec.builtIn() && trainSpec.split() == null) {
            trainSpec = trainSpec.withSplit("train");
        }
        DataSources.Options opts = req.dataOptions();
        if (previous != null) {
            opts = new DataSources.Options(opts.dataDir(),
                    opts.labelColumn() != null ? opts.labelColumn() : previous.input().labelColumn(),
                    opts.resize() != null ? opts.resize() : parseResize(previous.input().resize()), opts.progress());
        }
        TrainConfig trainConfig = req.train();
        if (previous != null) {
            TrainConfig saved = previous.training().config();
            trainConfig = new TrainConfig(req.resumeEpochs() != null ? req.resumeEpochs() : saved.epochs(), saved.batchSize(),
                    req.resumeLearningRate() != null ? req.resumeLearningRate() : saved.learningRate(), saved.seed(), saved.maxMinutes(),
                    req.resumeClipNorm() != null ? req.resumeClipNorm() : saved.clipNorm());
        }
        steps.step("loading " + trainSpec);
        Dataset train = DataSources.load(trainSpec, opts);
        Dataset test;
        DataSpec testSpec = req.testData();
        Double holdout = null;
        if (testSpec == null && previous != null && previous.input().testData() != null) {
            testSpec = DataSpec.parse(previous.input().testData());
        }
        if (testSpec == null && trainSpec.builtIn()) {
            testSpec = trainSpec.withSplit("test");
        }
        if (testSpec != null) {
            steps.step("loading " + testSpec);
            test = DataSources.load(testSpec, opts);
        } else {
            holdout = previous != null && previous.input().holdout() != null ? previous.input().holdout() : req.holdout();
            Dataset[] parts = DataSources.holdout(train, holdout, trainConfig.seed());
            train = parts[0];
            test = parts[1];
        }
        if (test.kind() != train.kind() || !java.util.Arrays.equals(test.exampleShape(), train.exampleShape())) {
            throw new InvalidInputException(test.name() + ": shape " + java.util.Arrays.toString(test.exampleShape())
                    + " differs from the training data's " + java.util.Arrays.toString(train.exampleShape()));
        }

        // ---- model config and scaling
        InputScaling scaling;
        ModelConfig config;
        if (previous != null) {
            scaling = previous.input().scaling();
            config = previous.model();
            PreparedData.requireShape(train, config.inputShape(), req.out().toString());
        } else {
            scaling = req.scale() == null ? InputScaling.defaultFor(train) : InputScaling.fit(req.scale(), train);
            ModelConfig.Builder b = req.model().inputShape(train.exampleShape()).output(scaling.outputActivation())
                    .defaultArch(train.kind() == Dataset.Kind.IMAGE ? "conv" : "mlp");
            config = b.build();
        }

        if (previous == null) {
            // settings that depend on the data (--vat-epsilon auto), bound once and saved in
            // model.json; a type that needs the data asks for it (a temporary copy, freed before
            // the model and its data are allocated: with the data created before the model the
            // quickstart's training took 71-75 s instead of 63-65 s on this project's machine)
            Dataset trainData = train;
            InputScaling s0 = scaling;
            try (NDManager tmp = NDManager.newBaseManager()) {
                ModelConfig bound = config.modelType().bindToData(config, () -> PreparedData.toArray(trainData, s0, tmp),
                        trainConfig.seed());
                if (!bound.equals(config)) {
                    steps.step("set from the training data: " + bound.options().describe(bound));
                }
                config = bound;
            }
        }
        try (Autoencoder model = Autoencoder.create(config, trainConfig.seed());
             NDManager data = NDManager.newBaseManager()) {
            NDArray trainArray = VaeReport.forTraining(config, PreparedData.toArray(train, scaling, data));
            NDArray testArray = VaeReport.forEvaluation(config, PreparedData.toArray(test, scaling, data));
            // From here on the data live in native memory. Keep what the report needs and let the
            // raw copies go, so the Java heap shrinks back before the long training loop.
            Manifest.InputSpec spec = inputSpec(train, scaling, trainSpec, testSpec, holdout, opts);
            int trainSize = train.size();
            boolean images = train.kind() == Dataset.Kind.IMAGE && (train.exampleShape()[0] == 1 || train.exampleShape()[0] == 3);
            String testName = test.name();
            int testSize = test.size();
            Dataset preview = images ? test.head(32) : null;
            train = null;
            test = null;
            System.gc();
            try (Trainer trainer = new Trainer(model, trainConfig, dir.checkpointDir())) {
                trainer.check(trainArray);
                List<EpochResult> history = new ArrayList<>();
                boolean evaluateOnly = false;
                if (previous != null) {
                    int done = checkpoints.exists() ? trainer.resume() : 0;
                    for (EpochResult r : dir.readMetricsLog()) {
                        if (r.epoch() <= done) {
                            history.add(r);
                        }
                    }
                    if (previous.complete()) {
                        if (done >= trainConfig.epochs()) {
                            throw new InvalidInputException(req.out(), "nothing to resume: all " + done
                                    + " epochs are done; pass --epochs N with N > " + done + " to train longer");
                        }
                        steps.step("resuming after epoch " + done + " of " + trainConfig.epochs());
                    } else {
                        if (done > trainConfig.epochs()) {
                            throw new InvalidInputException(req.out(), "--epochs " + trainConfig.epochs() + " is fewer than the "
                                    + done + " epochs already done; pass --epochs " + done + " or more");
                        }
                        // a run stopped by its time budget says so with EVALUATING: finish it as it was
                        evaluateOnly = done >= trainConfig.epochs() || Manifest.EVALUATING.equals(previous.status()) && req.resumeEpochs() == null;
                        steps.step(evaluateOnly ? "finishing the interrupted run: its " + done + " epochs are done"
                                : done == 0 ? "restarting the interrupted run (no epoch was saved)"
                                : "resuming the interrupted run after epoch " + done + " of " + trainConfig.epochs());
                    }
                }
                // Nothing has been written so far; from here on every step is a commit point of
                // the directory (ModelDirectory's javadoc lists the states).
                boolean outputExisted = Files.isDirectory(req.out());
                if (previous == null) {
                    createOutput(req.out(), req.overwrite());
                }
                int removed = dir.cleanUp();
                if (removed > 0) {
                    LOG.debug("removed {} temporary files left by an interrupted writer in {}", removed, req.out());
                }
                String omp = ompWaitPolicy();
                Manifest base = new Manifest(Manifest.FORMAT, Manifest.TRAINING, Version.VERSION,
                        previous != null ? previous.created() : Instant.now().toString(), config, model.parameterCount(),
                        null, spec,
                        new Manifest.TrainingInfo(trainConfig, trainer.completedEpochs(), sumSeconds(history), threads(), omp, trainSize),
                        null);
                String title = req.out().getFileName() + ": " + config.type() + "/" + config.arch() + ", code " + config.latent();
                String lossLabel = lossLabel(config);
                if (!evaluateOnly) {
                    // commit: the run is started (or a finished one goes on training); model.params
                    // and metrics.json stop being part of the model until the run completes
                    dir.writeManifest(base);
                    if (previous != null && previous.complete()) {
                        deleteIfExists(req.out().resolve(METRICS));
                    }
                    TrainingListener writer = new TrainingListener() {
                        @Override
                        public void onEpochEvaluated(EpochResult r) {
                            // before the checkpoint: the log always covers the saved epochs
                            history.removeIf(h -> h.epoch() >= r.epoch());
                            history.add(r);
                            dir.writeMetricsLog(history);
                        }

                        @Override
                        public void onEpochEnd(EpochResult r) {
                            if (req.pictures()) {
                                LossPlot.write(req.out().resolve("loss.png"), history, title, lossLabel);
                            }
                        }
                    };
                    steps.step("training " + model.describe() + ", " + model.parameterCount() + " parameters, on "
                            + trainSize + " examples");
                    try {
                        List<EpochResult> ran = trainer.fit(trainArray, testArray, new Listeners(writer, listener));
                        if (trainConfig.maxMinutes() != null && trainer.completedEpochs() < trainConfig.epochs() && !ran.isEmpty()) {
                            steps.step("stopped after epoch " + trainer.completedEpochs() + ": the next epoch would end past --max-minutes "
                                    + java.math.BigDecimal.valueOf(trainConfig.maxMinutes()).stripTrailingZeros().toPlainString());
                        }
                    } catch (RuntimeException | Error e) {
                        if (previous == null && trainer.completedEpochs() == 0) {
                            // a fresh run that failed before its first checkpoint: nothing worth keeping
                            discardOutput(req.out(), outputExisted, e);
                        }
                        throw e;
                    }
                } else if (req.pictures()) {
                    // the kill may have come between the last checkpoint and its loss curve
                    LossPlot.write(req.out().resolve("loss.png"), history, title, lossLabel);
                }
                Manifest.TrainingInfo trained = new Manifest.TrainingInfo(trainConfig, trainer.completedEpochs(), sumSeconds(history),
                        threads(), omp, trainSize);
                // commit: the epochs are done (a run stopped by --max-minutes is not trained further on resume)
                dir.writeManifest(base.withStatus(Manifest.EVALUATING, trained));

                // ---- final evaluation
                CrashPoint.reach("final-evaluation");
                steps.step("evaluating on " + testName + " (" + testSize + " examples)"
                        + (config.undercomplete() && config.modelType().pcaBaseline() ? " and fitting PCA-" + config.latent() : ""));
                ReconstructionMetrics rm = ReconstructionMetrics.evaluate(model, testArray, scaling, null);
                Map<String, Object> metrics = Evaluation.withPca(rm, trainArray, testArray, scaling,
                        config.modelType().pcaBaseline() ? config.latent() : Integer.MAX_VALUE, trainConfig.seed());
                if (config.modelType().capabilities().likelihood()) {
                    steps.step("computing the ELBO and active units on " + testName);
                }
                metrics.putAll(config.modelType().evaluationMetrics(model, testArray, testName, trainConfig.seed()));
                metrics.put("data", testName);
                metrics.put("train_seconds", sumSeconds(history));
                metrics.put("epochs", trainer.completedEpochs());
                Json.write(req.out().resolve(METRICS), metrics);
                if (req.pictures() && images) {
                    Pictures.reconstructions(model, preview, scaling, 32, 16, req.out().resolve("reconstructions.png"));
                }
                String sha = dir.writeParams(model);
                Manifest fin = base.withStatus(Manifest.COMPLETE, trained).withWeights(sha, trained).withMetrics(metrics);
                // commit: the model is complete; model.params above is the one its checksum names
                dir.writeManifest(fin);
                return new Result(req.out(), fin, history, metrics);
            }
        }
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new BottleneckException(file + ": cannot delete (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    private static int[] parseResize(String s) {
        return s == null ? null : dev.bottleneck.data.ImageFolderLoader.parseSize(s);
    }

    private static Manifest.InputSpec inputSpec(Dataset train, InputScaling scaling, DataSpec trainSpec, DataSpec testSpec,
                                                Double holdout, DataSources.Options opts) {
        // File paths are stored absolute, so the model directory works from any working folder.
        String trainText = trainSpec.builtIn() ? trainSpec.source() : trainSpec.absolute().toString();
        return new Manifest.InputSpec(train.kind() == Dataset.Kind.IMAGE ? "image" : "table", train.exampleShape(), scaling,
                trainText, testSpec == null ? null : testSpec.absolute().toString(), holdout, opts.labelColumn(),
                opts.resize() == null ? null : opts.resize()[0] + "x" + opts.resize()[1],
                train.classNames(), train.columnNames());
    }

    static String lossLabel(ModelConfig c) {
        return c.modelType().lossLabel(c);
    }

    private static double sumSeconds(List<EpochResult> h) {
        double s = 0;
        for (EpochResult r : h) {
            s += r.trainSeconds();
        }
        return s;
    }

    /** @return the OpenMP wait policy the engine set-up put in force (null: OpenMP's default) */
    private static String ompWaitPolicy() {
        dev.bottleneck.engine.EngineSetup.Settings s = dev.bottleneck.engine.EngineSetup.current();
        return s != null ? s.ompWaitPolicy() : System.getenv("OMP_WAIT_POLICY");
    }

    private static Integer threads() {
        try {
            return ai.djl.pytorch.jni.JniUtils.getNumThreads();
        } catch (Throwable t) {
            return null;
        }
    }

    private static void checkOutput(Path out, boolean overwrite) {
        if (Files.isRegularFile(out)) {
            throw new InvalidInputException(out, "is a file, not a model directory");
        }
        if (Files.isDirectory(out)) {
            boolean empty;
            try (Stream<Path> s = Files.list(out)) {
                // what a writer killed before the run started left behind does not count
                empty = s.allMatch(AtomicFiles::isStale);
            } catch (IOException e) {
                throw new InvalidInputException(out, "cannot read (" + AtomicFiles.describe(e) + ")", e);
            }
            if (!empty && !overwrite) {
                String unfinished = unfinished(out);
                if (unfinished != null) {
                    throw new InvalidInputException(out, "already exists and holds an " + unfinished
                            + "; pass --resume to finish it or --overwrite to replace it");
                }
                throw new InvalidInputException(out, "already exists; pass --resume to continue it or --overwrite to replace it");
            }
            if (!Files.isWritable(out)) {
                throw new InvalidInputException(out, "cannot write (permission denied)");
            }
            return;
        }
        Path parent = out.toAbsolutePath().getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new InvalidInputException(out, "cannot create (" + (parent == null ? "no parent folder" : parent + " is not a folder") + ")");
        }
        if (!Files.isWritable(parent)) {
            throw new InvalidInputException(out, "cannot create (permission denied in " + parent + ")");
        }
    }

    /** @return how an unfinished run in {@code out} stands, or {@code null} if there is none (or it cannot be read) */
    private static String unfinished(Path out) {
        if (!Files.isRegularFile(out.resolve(ModelDirectory.MANIFEST))) {
            return null;
        }
        try {
            ModelDirectory d = ModelDirectory.at(out);
            Manifest m = d.manifest();
            return m.complete() ? null : d.describeUnfinished(m);
        } catch (InvalidInputException e) {
            return null;
        }
    }

    private static void createOutput(Path out, boolean overwrite) {
        try {
            if (overwrite && Files.isDirectory(out)) {
                // the manifest first: once it is gone the old run is gone, whatever else is left
                Files.deleteIfExists(out.resolve(ModelDirectory.MANIFEST));
                deleteContents(out);
            }
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new BottleneckException(out + ": cannot create (" + AtomicFiles.describe(e) + ")", e);
        }
        LOG.debug("created {}", out);
    }

    /**
     * Removes what a fresh run created when it fails before its first epoch is saved: the folder,
     * or only its contents when the folder was there before (empty, or replaced with --overwrite).
     */
    private static void discardOutput(Path out, boolean existed, Throwable failure) {
        try {
            if (Files.isDirectory(out)) {
                deleteContents(out);
                if (!existed) {
                    Files.delete(out);
                }
            }
            LOG.debug("removed the unfinished run {}", out);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static void deleteContents(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : all) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Fans events out to several listeners, in order. */
    private static final class Listeners implements TrainingListener {
        private final TrainingListener[] all;

        Listeners(TrainingListener... all) {
            this.all = all;
        }

        @Override
        public void onTrainStart(int firstEpoch, int lastEpoch, int batchesPerEpoch) {
            for (TrainingListener l : all) {
                l.onTrainStart(firstEpoch, lastEpoch, batchesPerEpoch);
            }
        }

        @Override
        public void onBatchEnd(int epoch, int batch, double loss, double samplesPerSecond) {
            for (TrainingListener l : all) {
                l.onBatchEnd(epoch, batch, loss, samplesPerSecond);
            }
        }

        @Override
        public void onEpochEvaluated(EpochResult result) {
            for (TrainingListener l : all) {
                l.onEpochEvaluated(result);
            }
        }

        @Override
        public void onEpochEnd(EpochResult result) {
            for (TrainingListener l : all) {
                l.onEpochEnd(result);
            }
        }

        @Override
        public void onTrainEnd() {
            for (TrainingListener l : all) {
                l.onTrainEnd();
            }
        }
    }
}
