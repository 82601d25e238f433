package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.Clustering;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.eval.ClusteringMetrics;
import dev.bottleneck.io.Json;
import dev.bottleneck.io.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bottleneck cluster}: unsupervised classification with a one-hot code (issue 10). */
@Command(
        name = "cluster",
        description = {
            "Unsupervised classification with a categorical model: each example's cluster is the argmax of its",
            "one-hot code. Accuracy under the best one-to-one map of clusters to labels (Hungarian), NMI and",
            "ARI, beside k-means on the raw pixels (and on another model's codes with --baseline), on the same",
            "examples; a confusion-matrix picture and examples per cluster.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck cluster runs/onehot --data mnist:test --out cluster/",
            "  ./bottleneck cluster runs/onehot --data mnist:test --baseline runs/ae10 --json --out cluster/",
        })
final class ClusterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelDataOptions input;

    @Option(names = "--baseline", paramLabel = "MODEL_DIR",
            description = "Also k-means on the codes of this model (e.g. a plain autoencoder of the same code size).")
    Path baseline;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for confusion.png and clusters.png.")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the k-means baselines (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print the table as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        common.apply();
        OutputPaths.requireWritableDir(out);
        Console console = new Console(spec.commandLine().getErr(), common.quiet || json);
        try (LoadedModel lm = LoadedModel.open(input.modelDir)) {
            if (!lm.manifest().model().modelType().capabilities().discreteCodes()) {
                throw new InvalidInputException(input.modelDir, "is a '" + lm.manifest().model().type()
                        + "' model with a continuous code; cluster needs --model categorical");
            }
            Dataset d = input.load(lm, console);
            if (!d.hasLabels()) {
                throw new InvalidInputException(input.modelDir, "the data " + d.name() + " have no labels to score the clusters against");
            }
            int k = Clustering.categories(lm.model());
            int classes = 0;
            for (int l : d.labels()) {
                classes = Math.max(classes, l + 1);
            }
            console.step("clustering " + d.name() + " (" + d.size() + " examples) by the argmax of the one-hot code");
            int[] c = Clustering.clusters(lm.model(), d, lm.manifest().input().scaling());
            List<Clustering.Row> rows = new ArrayList<>();
            ClusteringMetrics ours = ClusteringMetrics.of(c, k, d.labels(), classes);
            rows.add(new Clustering.Row("one-hot code (" + lm.manifest().model().type() + ")", k, ours));
            console.step("k-means on the inputs, k = " + k);
            rows.add(new Clustering.Row("k-means on inputs", k,
                    ClusteringMetrics.of(Clustering.kmeansOnInputs(d, lm.manifest().input().scaling(), k, seed), k, d.labels(), classes)));
            if (baseline != null) {
                try (LoadedModel b = LoadedModel.open(baseline)) {
                    console.step("k-means on the codes of " + baseline);
                    rows.add(new Clustering.Row("k-means on " + b.manifest().model().type() + " codes (K=" + b.manifest().model().latent() + ")", k,
                            ClusteringMetrics.of(Clustering.kmeansOnCodes(b.model(), d, b.manifest().input().scaling(), k, seed), k,
                                    d.labels(), classes)));
                }
            }
            Files.createDirectories(out);
            Clustering.confusionPicture(ours, String.format(Locale.ROOT, "%s: accuracy %.1f%%", input.modelDir, 100 * ours.accuracy()),
                    out.resolve("confusion.png"));
            if ("image".equals(lm.manifest().input().kind())) {
                Clustering.examplesPicture(d, c, k, 12, lm.manifest().input().scaling(), lm.manifest().model().inputShape(),
                        out.resolve("clusters.png"));
            }
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("n", d.size());
                o.put("data", d.name());
                o.put("model", input.modelDir.toString());
                List<Map<String, Object>> table = new ArrayList<>();
                rows.forEach(r -> table.add(r.toMap()));
                o.put("methods", table);
                spec.commandLine().getOut().println(Json.compact(o));
            } else {
                spec.commandLine().getOut().printf(Locale.ROOT, "clustering %s (%d examples, %d classes, %d clusters)%n", d.name(), d.size(),
                        classes, k);
                for (Clustering.Row r : rows) {
                    spec.commandLine().getOut().printf(Locale.ROOT, "  %-38s accuracy %6.2f%%  NMI %.4f  ARI %.4f%n", r.method(),
                            100 * r.metrics().accuracy(), r.metrics().nmi(), r.metrics().ari());
                }
                console.info("wrote " + out + "/{confusion.png, clusters.png}");
            }
            spec.commandLine().getOut().flush();
        }
        return Main.OK;
    }
}
