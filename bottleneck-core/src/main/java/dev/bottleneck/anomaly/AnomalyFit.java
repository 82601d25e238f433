package dev.bottleneck.anomaly;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.app.TrainingRun;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.io.Manifest;
import dev.bottleneck.train.TrainingListener;

/**
 * The whole {@code anomaly fit} job: train the autoencoder with the ordinary {@link TrainingRun}
 * (on the normal rows only when a normal label is given), then score the training examples, set
 * the threshold from the contamination rate and write {@code anomaly.json} and, for tables,
 * {@code standardizer.json} beside the model.
 *
 * <p>Bad options (contamination, score name) are rejected before any data is read; bad data by
 * {@link TrainingRun} before the model directory is created.
 */
public final class AnomalyFit {

    private AnomalyFit() {}

    /**
     * What a fit produced.
     *
     * @param training the training run (model directory, manifest, epochs, test metrics)
     * @param settings what was written to {@code anomaly.json}
     * @param trainingScores {@code (N)} the training examples' scores
     * @param flagged how many training examples are above the threshold
     */
    public record Result(TrainingRun.Result training, AnomalySettings settings, float[] trainingScores, long flagged) {}

    /**
     * Runs the job.
     *
     * @param req the training request; its data options' {@code keepLabel} is the normal label
     *     (rows with other labels are left out of training), {@code null} to train on all rows.
     *     Resuming is not supported.
     * @param contamination expected fraction of anomalies in the training data, in (0, 0.5]
     * @param scoreName the score, one of {@link AnomalyScore#NAMES}; {@code recon-prob} needs a
     *     {@code vae} model
     * @param scoreSamples posterior samples per row for {@code recon-prob}, {@code >= 1}
     * @param listener per-batch and per-epoch progress
     * @param steps coarse step messages
     * @return what was produced
     * @throws InvalidInputException for bad options or data, before anything is written
     * @throws BottleneckException for failures while training or writing
     */
    public static Result run(TrainingRun.Request req, double contamination, String scoreName, TrainingListener listener,
                             TrainingRun.Steps steps) {
        return run(req, contamination, scoreName, ReconstructionProbability.DEFAULT_SAMPLES, listener, steps);
    }

    /**
     * Runs the job with a sample count for {@code recon-prob}; see {@link #run(TrainingRun.Request,
     * double, String, TrainingListener, TrainingRun.Steps)}. The score's noise seed is the training
     * seed.
     */
    public static Result run(TrainingRun.Request req, double contamination, String scoreName, int scoreSamples,
                             TrainingListener listener, TrainingRun.Steps steps) {
        AnomalyDetector.requireContamination(contamination);
        if (scoreName == null || !AnomalyScore.NAMES.contains(scoreName)) {
            throw new InvalidInputException("unknown --score '" + scoreName + "' (known: " + String.join(", ", AnomalyScore.NAMES) + ")");
        }
        boolean recProb = scoreName.equals(ReconstructionProbability.NAME);
        if (recProb) {
            requireVae(req.model() == null ? "(resumed)" : req.model().type());
            if (scoreSamples < 1) {
                throw new InvalidInputException("--score-samples must be at least 1, got " + scoreSamples);
            }
        }
        if (req.resume()) {
            throw new InvalidInputException("anomaly fit cannot resume a run; fit a new one (or train --resume, then anomaly fit)");
        }
        TrainingRun.Result trained = TrainingRun.run(req, listener, steps);
        try (LoadedModel lm = LoadedModel.open(trained.dir())) {
            Manifest man = lm.manifest();
            InputScaling scaling = man.input().scaling();
            steps.step("scoring the training data and setting the threshold at the " + percent(1 - contamination) + " quantile");
            Dataset train = lm.loadTrainingData(req.dataOptions());
            long seed = req.train() != null ? req.train().seed() : 0;
            AnomalyScore score = AnomalyScore.byName(scoreName, scaling, scoreSamples, seed);
            AnomalyDetector det = AnomalyDetector.fit(lm.model(), scaling, score, train, contamination);
            float[] s = det.trainingScores();
            long flagged = 0;
            for (int p : det.predict(s)) {
                flagged += p;
            }
            if (scaling.type().equals("standard")) {
                scaling.standardizer(man.input().columnNames()).write(trained.dir().resolve(dev.bottleneck.data.Standardizer.FILE));
            }
            AnomalySettings settings = new AnomalySettings(AnomalySettings.FORMAT, scoreName,
                    recProb ? scoreSamples : null, recProb ? seed : null, contamination, det.threshold(),
                    req.dataOptions().keepLabel(), man.input().labelColumn(), man.input().columnNames(), s.length,
                    AnomalySettings.ScoreSummary.of(s));
            settings.write(trained.dir());
            return new Result(trained, settings, s, flagged);
        }
    }

    /**
     * @param modelType the {@code --model} type
     * @throws InvalidInputException unless the type has a likelihood ({@code recon-prob} needs a
     *     posterior and a decoder distribution: a VAE)
     */
    public static void requireVae(String modelType) {
        if (!dev.bottleneck.model.ModelTypes.get(modelType).capabilities().likelihood()) {
            throw new InvalidInputException("--score " + ReconstructionProbability.NAME + " needs --model vae (got " + modelType + ")");
        }
    }

    private static String percent(double q) {
        return String.format(java.util.Locale.ROOT, "%.4g%%", 100 * q);
    }
}
