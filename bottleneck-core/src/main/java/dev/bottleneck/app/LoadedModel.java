package dev.bottleneck.app;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.ImageFolderLoader;
import dev.bottleneck.io.Manifest;
import dev.bottleneck.io.ModelDirectory;
import dev.bottleneck.model.Autoencoder;

import java.nio.file.Path;

/**
 * A trained model opened from its directory, with the data-reading rules its manifest records:
 * which test data to use by default, how CSV labels and image sizes were read, and the check that
 * new data has the model's shape.
 */
public final class LoadedModel implements AutoCloseable {

    private final ModelDirectory dir;
    private final Manifest manifest;
    private final Autoencoder model;

    private LoadedModel(ModelDirectory dir, Manifest manifest, Autoencoder model) {
        this.dir = dir;
        this.manifest = manifest;
        this.model = model;
    }

    /**
     * Opens a model directory and loads the weights (checksum-verified).
     *
     * @param path the model directory
     * @return the loaded model; close it when done
     * @throws InvalidInputException if the folder is not a model directory or the weights are
     *     missing, corrupt or do not match {@code model.json}
     */
    public static LoadedModel open(Path path) {
        ModelDirectory d = ModelDirectory.open(path);
        Manifest m = d.manifest();
        return new LoadedModel(d, m, d.loadModel());
    }

    /** @return the model directory */
    public ModelDirectory directory() {
        return dir;
    }

    /** @return the manifest */
    public Manifest manifest() {
        return manifest;
    }

    /** @return the model */
    public Autoencoder model() {
        return model;
    }

    /**
     * Fills unset file options from the manifest (label column, resize); the label to keep is
     * passed through.
     *
     * @param opts options from the command line
     * @return options with the training-time defaults
     */
    public DataSources.Options withDefaults(DataSources.Options opts) {
        Manifest.InputSpec in = manifest.input();
        return new DataSources.Options(opts.dataDir(),
                opts.labelColumn() != null ? opts.labelColumn() : in.labelColumn(),
                opts.resize() != null ? opts.resize() : in.resize() == null ? null : ImageFolderLoader.parseSize(in.resize()),
                opts.progress(), opts.keepLabel());
    }

    /**
     * Loads data for this model and checks its shape.
     *
     * @param spec the data, or {@code null} for the model's test data (its test split, or the
     *     same held-out part as in training)
     * @param opts file options (unset ones come from the manifest)
     * @return the dataset in raw units
     * @throws InvalidInputException if the data cannot be read or has another shape
     */
    public Dataset loadData(DataSpec spec, DataSources.Options opts) {
        DataSources.Options o = withDefaults(opts);
        Dataset d;
        if (spec == null) {
            Manifest.InputSpec in = manifest.input();
            if (in.testData() != null) {
                d = DataSources.load(DataSpec.parse(in.testData()), o);
            } else {
                Dataset all = DataSources.load(DataSpec.parse(in.data()), o);
                d = DataSources.holdout(all, in.holdout(), manifest.training().config().seed())[1];
            }
        } else {
            DataSpec s = spec.builtIn() && spec.split() == null ? spec.withSplit("test") : spec;
            d = DataSources.load(s, o);
        }
        PreparedData.requireShape(d, manifest.model().inputShape(), dir.path().toString());
        return d;
    }

    /**
     * Loads the data the model was trained on (for the PCA baseline).
     *
     * @param opts file options
     * @return the training set (without the held-out part)
     */
    public Dataset loadTrainingData(DataSources.Options opts) {
        DataSources.Options o = withDefaults(opts);
        Manifest.InputSpec in = manifest.input();
        DataSpec s = DataSpec.parse(in.data());
        if (s.builtIn()) {
            return DataSources.load(s.withSplit("train"), o);
        }
        Dataset all = DataSources.load(s, o);
        return in.holdout() == null ? all : DataSources.holdout(all, in.holdout(), manifest.training().config().seed())[0];
    }

    @Override
    public void close() {
        model.close();
    }
}
