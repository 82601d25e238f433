package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.app.Retrieval;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bottleneck retrieve}: semantic hashing with a binary code (issue 10). */
@Command(
        name = "retrieve",
        description = {
            "Semantic hashing with a binary model: each query (an example of --data) ranks the database (the",
            "model's training data) by Hamming distance between codes; mean average precision with relevant =",
            "same label, beside random-hyperplane LSH and PCA-ITQ codes of the same number of bits fitted on",
            "the database.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck retrieve runs/bits32 --data mnist:test",
            "  ./bottleneck retrieve runs/bits32 --data mnist:test --json",
        })
final class RetrieveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelDataOptions input;

    @Option(names = "--top", paramLabel = "K", defaultValue = "100", description = "Precision at the top K (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the LSH and ITQ baselines (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print the table as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        common.apply();
        if (top < 1) {
            throw new InvalidInputException("--top must be at least 1, got " + top);
        }
        Console console = new Console(spec.commandLine().getErr(), common.quiet || json);
        try (LoadedModel lm = LoadedModel.open(input.modelDir)) {
            if (!(lm.model().latent() instanceof dev.bottleneck.latent.binary.BinaryLatent)) {
                throw new InvalidInputException(input.modelDir, "is a '" + lm.manifest().model().type() + "' model; retrieve needs --model binary");
            }
            Dataset q = input.load(lm, console);
            console.step("loading the database (the model's training data)");
            Dataset db = lm.loadTrainingData(input.dataOptions.toOptions(console.fetchProgress()));
            console.step("ranking " + q.size() + " queries against " + db.size() + " codes; fitting PCA-ITQ and LSH");
            List<Retrieval.Row> rows = Retrieval.evaluate(lm.model(), q, db, lm.manifest().input().scaling(), top, seed);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("queries", q.size());
                o.put("database", db.size());
                o.put("data", q.name());
                o.put("model", input.modelDir.toString());
                List<Map<String, Object>> t = new ArrayList<>();
                rows.forEach(r -> t.add(r.toMap()));
                o.put("methods", t);
                spec.commandLine().getOut().println(Json.compact(o));
            } else {
                spec.commandLine().getOut().printf(Locale.ROOT, "retrieval: %d queries (%s) against %d database codes, relevant = same label%n",
                        q.size(), q.name(), db.size());
                for (Retrieval.Row r : rows) {
                    spec.commandLine().getOut().printf(Locale.ROOT, "  %-28s %2d bits  mAP %.4f  precision@%d %.4f%n", r.method(), r.bits(),
                            r.result().meanAveragePrecision(), top, r.result().precisionAtK());
                }
            }
            spec.commandLine().getOut().flush();
        }
        return Main.OK;
    }
}
