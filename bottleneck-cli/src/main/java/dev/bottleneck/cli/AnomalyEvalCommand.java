package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.anomaly.AnomalyEvaluation;
import dev.bottleneck.anomaly.AnomalyModel;
import dev.bottleneck.anomaly.Scoring;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.eval.Auroc;
import dev.bottleneck.io.AnomalyPlots;
import dev.bottleneck.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bottleneck anomaly eval}: how well the scores separate labelled normal and anomalous data. */
@Command(
        name = "eval",
        description = {
            "AUROC, AUPRC and precision/recall/F1 at the threshold on labelled data, with pictures.",
            "",
            "Evaluates a fitted detector: AUROC, AUPRC (average precision), and precision, recall and",
            "F1 at the saved threshold, anomalies being the positive class.",
            "Rows whose label is not the normal label are anomalies. The normal label is --normal-label,",
            "else the one the detector was fitted with, else 0 when the labels are 0/1.",
            "",
            "Pictures: scores-histogram.png (score histogram by class with the threshold), roc.png and,",
            "for images, most-anomalous.png (the highest scores above their reconstructions).",
        },
        sortOptions = false,
        footer = {
            "",
            "With --json, standard output is one JSON object with at least: n, normal, anomalous, auroc,",
            "auprc, threshold, precision, recall, f1.",
            "",
            "Examples:",
            "  ./bottleneck anomaly eval runs/digit3                      (mnist:test, digit 3 normal)",
            "  ./bottleneck anomaly eval runs/sensors --data csv:test.csv --label-column label --json",
        })
final class AnomalyEvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "The model directory (written by anomaly fit).")
    Path modelDir;

    @Option(names = "--data", paramLabel = "SPEC",
            description = "Labelled data. Default: the model's test split (mnist, fashion-mnist: all classes).")
    String data;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--normal-label", paramLabel = "V", description = "The label of normal rows. Default: the one fitted with, else 0 for 0/1 labels.")
    String normalLabel;

    @Option(names = "--json", description = "Print one JSON object on standard output.")
    boolean json;

    @Option(names = "--pictures", paramLabel = "DIR", description = "Where to write the pictures. Default: the model directory.")
    Path pictures;

    @Option(names = "--no-pictures", negatable = false, description = "Draw no pictures.")
    boolean noPictures;

    @Option(names = "--top", paramLabel = "N", defaultValue = "16",
            description = "Images in most-anomalous.png (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() {
        common.apply();
        if (top < 1) {
            throw new InvalidInputException("--top must be at least 1, got " + top);
        }
        if (pictures != null) {
            dev.bottleneck.io.OutputPaths.requireWritableDir(pictures); // before the scoring, not after it
        }
        Console console = new Console(spec.commandLine().getErr(), common.quiet || json);
        try (AnomalyModel am = AnomalyModel.open(modelDir)) {
            DataSpec ds = data == null ? null : DataSpec.parse(data);
            if (ds == null && am.loaded().manifest().input().testData() == null) {
                throw new InvalidInputException("give --data: " + modelDir + " was fitted on a file, and anomaly eval needs labelled data");
            }
            Scoring.Result r;
            Dataset images = null;
            String name;
            if (ds != null && ds.source().equals("csv")) {
                String label = dataOptions.labelColumn != null ? dataOptions.labelColumn : am.settings().labelColumn();
                if (label == null) {
                    throw new InvalidInputException(ds.path(), "anomaly eval needs labels: give --label-column");
                }
                name = ds.toString();
                long size = AnomalyScoreCommand.sizeOf(ds.path());
                console.step(String.format(Locale.ROOT, "scoring %s (%,.1f MiB)", name, size / 1048576.0));
                try (Console.ByteProgress p = console.byteProgress("scoring", size)) {
                    r = Scoring.csv(am, ds.path(), label, true, null, false, true, p);
                }
            } else {
                console.step("loading " + (ds == null ? am.loaded().manifest().input().testData() : ds));
                Dataset d = am.loaded().loadData(ds, dataOptions.toOptions(console.fetchProgress()));
                name = d.name();
                if (!d.hasLabels()) {
                    throw new InvalidInputException(d.name() + ": anomaly eval needs labels, and this data has none"
                            + (d.kind() == Dataset.Kind.TABLE ? " (give --label-column)" : " (put the images in class subfolders)"));
                }
                console.step(String.format(Locale.ROOT, "scoring %s (%,d examples)", name, d.size()));
                r = Scoring.dataset(am, d, null, false, true);
                if (d.kind() == Dataset.Kind.IMAGE && (d.exampleShape()[0] == 1 || d.exampleShape()[0] == 3)) {
                    images = d;
                }
            }
            String normal = normalLabel != null ? normalLabel : am.settings().normalLabel();
            if (normal == null) {
                normal = AnomalyEvaluation.defaultNormalLabel(r.labels(), r.labelNames());
                if (normal == null) {
                    throw new InvalidInputException(name + ": which label is normal? give --normal-label (the labels are not a 0/1 coding)");
                }
                console.step("label 0 is normal, label 1 anomalous");
            }
            boolean[] anomalous = AnomalyEvaluation.anomalous(r.labels(), r.labelNames(), normal, name);
            AnomalyEvaluation.Report rep = AnomalyEvaluation.report(r.scores(), anomalous, am.detector(), modelDir.toString(), name,
                    normal, r.seconds());
            List<String> drawn = new ArrayList<>();
            if (!noPictures) {
                Path dir = pictures != null ? pictures : modelDir;
                String title = modelDir.getFileName() + " on " + name + " (normal: " + normal + ")";
                AnomalyPlots.histogram(dir.resolve("scores-histogram.png"), r.scores(), anomalous, am.detector().threshold(), title,
                        "anomaly score (" + am.detector().score().name() + ")");
                drawn.add("scores-histogram.png");
                double[][] roc = Auroc.curve(r.scores(), anomalous);
                AnomalyPlots.roc(dir.resolve("roc.png"), roc[0], roc[1], rep.auroc(), title);
                drawn.add("roc.png");
                if (images != null) {
                    AnomalyEvaluation.mostAnomalous(am.detector(), images, r.scores(), top, dir.resolve("most-anomalous.png"));
                    drawn.add("most-anomalous.png");
                }
                console.info("wrote " + dir + "/{" + String.join(", ", drawn) + "}");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? Json.compact(rep) + "\n" : text(rep));
            out.flush();
        }
        return Main.OK;
    }

    static String text(AnomalyEvaluation.Report r) {
        return String.format(Locale.ROOT,
                "anomaly eval of %s on %s: %,d examples, %,d normal (label %s), %,d anomalous%n"
                        + "  AUROC %.4f   AUPRC %.4f%n"
                        + "  threshold %.6g (contamination %s): %,d flagged; precision %.4f, recall %.4f, F1 %.4f%n",
                r.model(), r.data(), r.n(), r.normal(), r.normalLabel(), r.anomalous(), r.auroc(), r.auprc(), r.threshold(),
                stripZeros(r.contamination()), r.flagged(), r.precision(), r.recall(), r.f1());
    }

    private static String stripZeros(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
