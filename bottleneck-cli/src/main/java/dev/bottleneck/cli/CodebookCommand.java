package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.CodebookReport;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.io.Json;
import dev.bottleneck.io.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bottleneck codebook}: how a discrete code's entries are used on a dataset, with pictures
 * (issue 10).
 */
@Command(
        name = "codebook",
        description = {
            "How a discrete model (vq, fsq, categorical, binary) uses its codebook on a dataset: entry usage",
            "histogram, perplexity, entries used and dead, the decoded entries (every code position set to one",
            "entry, most used first) and the most frequent whole codes decoded.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck codebook runs/vq --data mnist:test --out codebook/",
            "  ./bottleneck codebook runs/vq --json --out codebook/",
        })
final class CodebookCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelDataOptions input;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Folder for usage.png, entries.png and frequent-codes.png.")
    Path out;

    @Option(names = "--count", paramLabel = "N", defaultValue = "64", description = "Entries and frequent codes to draw (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        common.apply();
        if (count < 1) {
            throw new InvalidInputException("--count must be at least 1, got " + count);
        }
        OutputPaths.requireWritableDir(out);
        Console console = new Console(spec.commandLine().getErr(), common.quiet || json);
        try (LoadedModel lm = LoadedModel.open(input.modelDir)) {
            if (!lm.manifest().model().modelType().capabilities().discreteCodes()) {
                throw new InvalidInputException(input.modelDir, "is a '" + lm.manifest().model().type()
                        + "' model with a continuous code; codebook is for vq, fsq, categorical and binary models");
            }
            Dataset d = input.load(lm, console);
            console.step("encoding " + d.name() + " (" + d.size() + " examples)");
            CodebookReport.Result r = CodebookReport.analyse(lm.model(), d, lm.manifest().input().scaling(), count);
            java.nio.file.Files.createDirectories(out);
            CodebookReport.histogram(r, lm.manifest().model().type() + " on " + d.name() + ": perplexity "
                    + String.format(Locale.ROOT, "%.1f", r.perplexity()), out.resolve("usage.png"));
            boolean images = "image".equals(lm.manifest().input().kind());
            if (images) {
                CodebookReport.pictures(lm.model(), r, count, lm.manifest().input().scaling(), out.resolve("entries.png"),
                        out.resolve("frequent-codes.png"));
            }
            if (json) {
                java.util.Map<String, Object> o = r.toMap();
                o.put("data", d.name());
                o.put("model", input.modelDir.toString());
                spec.commandLine().getOut().println(Json.compact(o));
            } else {
                spec.commandLine().getOut().printf(Locale.ROOT, "%s on %s: %d examples x %d indices; %d of %d entries used (%.1f%%), "
                                + "%d dead; perplexity %.1f%n", input.modelDir, d.name(), r.n(), r.width(), r.used(), r.entries(),
                        100.0 * r.used() / r.entries(), r.entries() - r.used(), r.perplexity());
                console.info("wrote " + out + "/{usage.png" + (images ? ", entries.png, frequent-codes.png" : "") + "}");
            }
            spec.commandLine().getOut().flush();
        } catch (java.io.IOException e) {
            throw new dev.bottleneck.BottleneckException(out + ": cannot create the folder (" + e.getMessage() + ")", e);
        }
        return Main.OK;
    }
}
