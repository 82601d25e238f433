package dev.bottleneck.cli;

import dev.bottleneck.data.DataSources;
import dev.bottleneck.data.ImageFolderLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How data files are read: label column, resize, dataset cache. Shared by every verb that reads data. */
public final class DataOptions {

    @Option(names = "--label-column", paramLabel = "C",
            description = "CSV column that holds labels (a header name or a 0-based index); it is not fed to the model.")
    String labelColumn;

    @Option(names = "--resize", paramLabel = "HxW",
            description = "Resize every image of an image folder to H x W pixels (needed when sizes differ).")
    String resize;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where datasets are cached. Default: $BOTTLENECK_HOME/datasets or ~/.cache/bottleneck/datasets.")
    Path dataDir;

    /** Keep only the examples with this label (set by {@code anomaly fit --normal-label}; not an option here). */
    String keepLabel;

    /**
     * @param progress download progress, or null
     * @return the library options
     */
    DataSources.Options toOptions(dev.bottleneck.data.FetchProgress progress) {
        return new DataSources.Options(dataDir, labelColumn, resize == null ? null : ImageFolderLoader.parseSize(resize), progress, keepLabel);
    }
}
