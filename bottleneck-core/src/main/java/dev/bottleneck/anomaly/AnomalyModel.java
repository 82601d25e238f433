package dev.bottleneck.anomaly;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.data.Standardizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A model directory written by {@code anomaly fit}, opened: the trained model ({@code
 * model.json}, {@code model.params}), the detector's settings ({@code anomaly.json}) and, for
 * tables, the standardizer ({@code standardizer.json}).
 */
public final class AnomalyModel implements AutoCloseable {

    private final LoadedModel loaded;
    private final AnomalySettings settings;
    private final Standardizer standardizer;
    private final AnomalyDetector detector;

    private AnomalyModel(LoadedModel loaded, AnomalySettings settings, Standardizer standardizer, AnomalyDetector detector) {
        this.loaded = loaded;
        this.settings = settings;
        this.standardizer = standardizer;
        this.detector = detector;
    }

    /**
     * Opens a model directory and loads the weights.
     *
     * @param dir the model directory
     * @return the opened model; close it when done
     * @throws InvalidInputException if the folder is not a model directory, has no {@code
     *     anomaly.json}, or its {@code standardizer.json} disagrees with {@code model.json}
     */
    public static AnomalyModel open(Path dir) {
        AnomalySettings settings = AnomalySettings.read(dir); // before the weights: the cheaper check first
        LoadedModel lm = LoadedModel.open(dir);
        try {
            InputScaling scaling = lm.manifest().input().scaling();
            checkAgainstModel(dir.resolve(AnomalySettings.FILE), settings, lm);
            Standardizer st = null;
            Path sf = dir.resolve(Standardizer.FILE);
            if (scaling.type().equals("standard")) {
                if (!Files.isRegularFile(sf)) {
                    throw new InvalidInputException(dir, "has no " + Standardizer.FILE + " for its standardized table input (refit with anomaly fit)");
                }
                st = Standardizer.read(sf);
                if (!Arrays.equals(st.mean(), scaling.mean()) || !Arrays.equals(st.std(), scaling.std())) {
                    throw new InvalidInputException(sf, "does not match the input scaling in model.json (the two files come from different fits)");
                }
            }
            AnomalyScore score = settings.anomalyScore(scaling);
            AnomalyDetector det = AnomalyDetector.restore(lm.model(), scaling, score, settings.contamination(), settings.threshold());
            return new AnomalyModel(lm, settings, st, det);
        } catch (RuntimeException e) {
            lm.close();
            throw e;
        }
    }

    /** The settings must suit the model: a recon-prob score needs a VAE, the column names its width. */
    private static void checkAgainstModel(Path file, AnomalySettings settings, LoadedModel lm) {
        dev.bottleneck.model.ModelConfig c = lm.manifest().model();
        if (settings.score().equals(ReconstructionProbability.NAME) && !c.modelType().capabilities().likelihood()) {
            throw new InvalidInputException(file, "field 'score' is " + settings.score() + ", which needs a vae model, but "
                    + dev.bottleneck.io.ModelDirectory.MANIFEST + " has a " + c.type() + " model");
        }
        if (settings.columns() != null && c.inputShape().length == 1 && settings.columns().size() != c.inputSize()) {
            throw new InvalidInputException(file, "field 'columns' has " + settings.columns().size() + " names, but the model takes "
                    + c.inputSize() + " columns (" + dev.bottleneck.io.ModelDirectory.MANIFEST + ")");
        }
    }

    /** @return the trained model with its manifest */
    public LoadedModel loaded() {
        return loaded;
    }

    /** @return the detector's settings */
    public AnomalySettings settings() {
        return settings;
    }

    /** @return the standardizer of a table model with {@code standard} scaling, else {@code null} */
    public Standardizer standardizer() {
        return standardizer;
    }

    /** @return the detector, with the saved threshold */
    public AnomalyDetector detector() {
        return detector;
    }

    /** @return the model directory */
    public Path path() {
        return loaded.directory().path();
    }

    @Override
    public void close() {
        loaded.close();
    }
}
