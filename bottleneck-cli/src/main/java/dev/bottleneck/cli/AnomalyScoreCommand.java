package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.anomaly.AnomalyModel;
import dev.bottleneck.anomaly.Scoring;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bottleneck anomaly score}: one line per input row with its score and flag, streaming CSV input. */
@Command(
        name = "score",
        description = {
            "Score data: one line index,score,flag per row; CSV input is streamed.",
            "",
            "Writes one CSV line per input row, index,score,flag[,err_<column>...]:",
            "index counts data rows from 0, score is the reconstruction error (MSE per value, standardized",
            "units for tables, [0,1] pixels for images), flag is 1 above the threshold of anomaly.json,",
            "and --per-feature adds each feature's squared error (H2O's per_feature; their mean is the score).",
            "",
            "CSV input is streamed in chunks (bounded memory whatever the file size); its feature columns",
            "must be the model's. The scores file is written whole or not at all.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck anomaly score runs/sensors --data csv:today.csv --out scores.csv",
            "  ./bottleneck anomaly score runs/sensors --data csv:today.csv --out scores.csv --per-feature",
            "  ./bottleneck anomaly score runs/digit3 --data mnist:test --out digit3-scores.csv",
        })
final class AnomalyScoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "The model directory (written by anomaly fit).")
    Path modelDir;

    @Option(names = "--data", paramLabel = "SPEC", required = true,
            description = "The data to score: csv:PATH, mnist[:test], fashion-mnist[:test], folder:PATH, npy:PATH, idx:PATH.")
    String data;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The scores CSV to write.")
    Path out;

    @Option(names = "--per-feature", description = "Also write each feature's squared reconstruction error (err_<column>).")
    boolean perFeature;

    @Override
    public Integer call() {
        common.apply();
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        DataSpec ds = DataSpec.parse(data);
        if (Files.isDirectory(out)) {
            throw new InvalidInputException(out, "is a folder; --out names the scores file to write");
        }
        // before the model is loaded and the data scored: a long run must not end in "cannot write"
        dev.bottleneck.io.OutputPaths.requireWritableFile(out);
        try (AnomalyModel am = AnomalyModel.open(modelDir)) {
            Scoring.Result r;
            String name;
            if (ds.source().equals("csv")) {
                boolean explicit = dataOptions.labelColumn != null;
                String label = explicit ? dataOptions.labelColumn : am.settings().labelColumn();
                name = ds.toString();
                long size = sizeOf(ds.path());
                console.step(String.format(Locale.ROOT, "scoring %s (%,.1f MiB) with %s", name, size / 1048576.0, modelDir));
                try (Console.ByteProgress p = console.byteProgress("scoring", size)) {
                    r = Scoring.csv(am, ds.path(), label, explicit, out, perFeature, false, p);
                }
            } else {
                console.step("loading " + ds);
                Dataset d = am.loaded().loadData(ds, dataOptions.toOptions(console.fetchProgress()));
                name = d.name();
                console.step(String.format(Locale.ROOT, "scoring %s (%,d examples) with %s", name, d.size(), modelDir));
                r = Scoring.dataset(am, d, out, perFeature, false);
            }
            console.info(String.format(Locale.ROOT, "scored %,d rows in %.1f s (%,.0f rows/s); %,d flagged (%.2f%%) above the threshold %.6g",
                    r.rows(), r.seconds(), r.rows() / Math.max(1e-9, r.seconds()), r.flagged(), 100.0 * r.flagged() / r.rows(),
                    am.detector().threshold()));
            console.info("wrote " + out);
        }
        return Main.OK;
    }

    static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0; // the reader reports a missing file with its own message
        }
    }
}
