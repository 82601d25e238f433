package dev.bottleneck.data;

import dev.bottleneck.InvalidInputException;

import java.nio.file.Path;
import java.util.Random;

/**
 * Loads the dataset a {@link DataSpec} names: built-in datasets from the cache (fetched on first
 * use through {@link DatasetFetcher}), files through their loaders. Every source goes through the
 * same validation and comes back as a {@link Dataset} in raw units.
 */
public final class DataSources {

    /**
     * Options for reading files.
     *
     * @param dataDir the dataset cache root, or {@code null} for the default ({@link DataHome})
     * @param labelColumn CSV label column (name or 0-based index), or {@code null}
     * @param resize image folder resize {@code {H, W}}, or {@code null}
     * @param progress download progress for built-in datasets, or {@code null}
     * @param keepLabel keep only the examples with this label (a class name, or an integer label),
     *     or {@code null} for all; used to train on the normal class only ({@code anomaly fit
     *     --normal-label}, the one-class protocol of Ruff et al. 2018)
     */
    public record Options(Path dataDir, String labelColumn, int[] resize, FetchProgress progress, String keepLabel) {
        /**
         * Options that keep every example.
         *
         * @param dataDir the dataset cache root, or {@code null}
         * @param labelColumn CSV label column, or {@code null}
         * @param resize image folder resize, or {@code null}
         * @param progress download progress, or {@code null}
         */
        public Options(Path dataDir, String labelColumn, int[] resize, FetchProgress progress) {
            this(dataDir, labelColumn, resize, progress, null);
        }

        /** @return options with every field unset */
        public static Options defaults() {
            return new Options(null, null, null, null);
        }

        /**
         * @param label the label to keep, or {@code null} for all
         * @return a copy that keeps only examples with this label
         */
        public Options keeping(String label) {
            return new Options(dataDir, labelColumn, resize, progress, label);
        }
    }

    private DataSources() {}

    /**
     * Loads a dataset.
     *
     * @param spec what to load; built-in datasets default to their training split
     * @param options file options
     * @return the dataset in raw units (only the examples with {@code options.keepLabel()} when set)
     * @throws InvalidInputException for missing or malformed files, or a label to keep that the
     *     data lacks
     * @throws dev.bottleneck.BottleneckException when a download fails
     */
    public static Dataset load(DataSpec spec, Options options) {
        Dataset d = loadAll(spec, options);
        return options.keepLabel() == null ? d : keepLabel(d, options.keepLabel());
    }

    private static Dataset loadAll(DataSpec spec, Options options) {
        switch (spec.source()) {
            case "mnist":
            case "fashion-mnist":
                return loadBuiltIn(spec, options);
            case "folder":
                return ImageFolderLoader.load(spec.path(), options.resize());
            case "csv":
                return CsvLoader.load(spec.path(), options.labelColumn());
            case "npy":
                return NpyFiles.readDataset(spec.path());
            case "idx":
                return IdxFiles.readImages(spec.path(), idxLabels(spec.path()), spec.toString());
            default:
                throw new InvalidInputException("unknown data source " + spec.source());
        }
    }

    /**
     * The labels file that goes with an IDX images file: the sibling named with {@code
     * labels-idx1} in place of {@code images-idx3} (MNIST naming), if it exists.
     *
     * @param images the images file
     * @return the labels file, or {@code null}
     */
    static Path idxLabels(Path images) {
        String name = images.getFileName().toString();
        if (!name.contains("images-idx3")) {
            return null;
        }
        Path labels = images.resolveSibling(name.replace("images-idx3", "labels-idx1"));
        return java.nio.file.Files.isRegularFile(labels) ? labels : null;
    }

    private static Dataset loadBuiltIn(DataSpec spec, Options options) {
        String split = spec.split() == null ? "train" : spec.split();
        DatasetFetcher fetcher = new DatasetFetcher(DataHome.resolve(options.dataDir()));
        Path folder = fetcher.fetch(spec.source(), DatasetFetcher.Source.AUTO, options.progress());
        DatasetInfo info = DatasetInfo.read(folder);
        String name = spec.source() + ":" + split;
        if (info.layout() == DatasetInfo.Layout.REGISTRY_JSON) {
            return FashionMnistJson.load(folder.resolve("clothes"), split);
        }
        String prefix = split.equals("train") ? "train" : "t10k";
        Dataset d = IdxFiles.readImages(folder.resolve(prefix + "-images-idx3-ubyte"),
                folder.resolve(prefix + "-labels-idx1-ubyte"), name);
        if (spec.source().equals("fashion-mnist")) {
            return d.toBuilder(name).values(d.values()).labels(d.labels()).classNames(FashionMnistJson.CLASS_NAMES).build();
        }
        return d;
    }

    /**
     * Keeps the examples with one label.
     *
     * <p>The label matches a class name exactly (image folder subfolders, Fashion-MNIST's {@code
     * Trouser}, a CSV's text labels), or else, written as an integer ({@code 3}, {@code 3.0}), the
     * integer label (MNIST digits, a CSV's integer labels, or a class index).
     *
     * @param data a labelled dataset
     * @param label the label to keep
     * @return a dataset of the matching examples, named {@code <name> (label <label>)}
     * @throws InvalidInputException if the data has no labels or no example has the label
     */
    public static Dataset keepLabel(Dataset data, String label) {
        if (!data.hasLabels()) {
            throw new InvalidInputException(data.name() + ": has no labels, so no examples with label '" + label
                    + "' can be chosen (for a CSV, give --label-column)");
        }
        int id = labelId(data, label);
        int[] labels = data.labels();
        int count = 0;
        for (int l : labels) {
            if (l == id) {
                count++;
            }
        }
        if (id < 0 || count == 0) {
            throw new InvalidInputException(data.name() + ": no example has label '" + label + "' (labels: " + describeLabels(data) + ")");
        }
        int[] idx = new int[count];
        for (int i = 0, k = 0; i < labels.length; i++) {
            if (labels[i] == id) {
                idx[k++] = i;
            }
        }
        return data.subset(idx, data.name() + " (label " + label + ")");
    }

    /**
     * @param data a labelled dataset
     * @param label a class name or an integer label
     * @return the integer label it means, or -1 if none
     */
    public static int labelId(Dataset data, String label) {
        return labelId(data.classNames(), label);
    }

    /**
     * @param classNames class names by label, or {@code null}
     * @param label a class name or an integer label
     * @return the integer label it means, or -1 if none
     */
    public static int labelId(java.util.List<String> classNames, String label) {
        String t = label.trim();
        if (classNames != null) {
            int i = classNames.indexOf(t);
            if (i >= 0) {
                return i;
            }
        }
        return CsvLoader.integerLabel(t);
    }

    private static String describeLabels(Dataset data) {
        java.util.TreeSet<Integer> seen = new java.util.TreeSet<>();
        for (int l : data.labels()) {
            seen.add(l);
        }
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int l : seen) {
            if (shown == 20) {
                sb.append(", ...");
                break;
            }
            if (shown++ > 0) {
                sb.append(", ");
            }
            sb.append(data.classNames() != null && l < data.classNames().size() ? data.classNames().get(l) : Integer.toString(l));
        }
        return sb.toString();
    }

    /**
     * Splits a dataset at random into a training part and a held-out test part.
     *
     * @param data the dataset
     * @param testFraction fraction held out, in (0, 1)
     * @param seed seeds the shuffle (the same seed gives the same split)
     * @return {@code {train, test}}
     * @throws InvalidInputException if the fraction is out of range or leaves a part empty
     */
    public static Dataset[] holdout(Dataset data, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new InvalidInputException("--holdout must be in (0, 1), got " + testFraction);
        }
        int n = data.size();
        int nTest = (int) Math.round(n * testFraction);
        if (nTest < 1 || nTest >= n) {
            throw new InvalidInputException(data.name() + ": " + n + " examples are too few to hold out " + testFraction + " as a test set");
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] test = java.util.Arrays.copyOfRange(perm, 0, nTest);
        int[] train = java.util.Arrays.copyOfRange(perm, nTest, n);
        java.util.Arrays.sort(test);
        java.util.Arrays.sort(train);
        return new Dataset[] {data.subset(train, data.name() + " (train part)"), data.subset(test, data.name() + " (held-out part)")};
    }
}
