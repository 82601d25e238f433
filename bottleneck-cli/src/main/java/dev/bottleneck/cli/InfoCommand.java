package dev.bottleneck.cli;

import dev.bottleneck.io.Json;
import dev.bottleneck.io.Manifest;
import dev.bottleneck.io.ModelDirectory;
import dev.bottleneck.model.Architectures;
import dev.bottleneck.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bottleneck info}: what a model directory holds, read from {@code model.json} alone (the
 * native engine is not started, so this is fast). It also describes an unfinished run (one that
 * is training, or was interrupted): how far it got and how to finish it.
 */
@Command(
        name = "info",
        description = "Describe a model directory: architecture, parameter count, input spec, training config, metrics.",
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck info runs/quickstart",
            "  ./bottleneck info runs/quickstart --json",
        })
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "The model directory.")
    Path modelDir;

    @Option(names = "--json", description = "Print model.json plus derived fields as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        common.apply();
        ModelDirectory dir = ModelDirectory.open(modelDir);
        Manifest m = dir.manifest();
        ModelConfig c = m.model();
        String arch = Architectures.get(c.arch()).describe(c);
        String completeness = c.undercomplete() ? "undercomplete" : "overcomplete";
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model_dir", modelDir.toString());
            o.put("architecture", arch);
            o.put("code", completeness);
            if (!m.complete()) {
                o.put("unfinished", dir.describeUnfinished(m));
                o.put("checkpoint_epoch", dir.checkpointEpoch());
            }
            o.put("manifest", m);
            out.println(Json.compact(o));
            out.flush();
            return Main.OK;
        }
        out.printf(Locale.ROOT, "model        %s: %s%n", c.type(), c.modelType().description());
        out.printf(Locale.ROOT, "architecture %s%n", arch);
        out.printf(Locale.ROOT, "code         K = %d, %s (input has %d values), %s code%n", c.latent(), completeness, c.inputSize(),
                c.modelType().describeCode(c));
        out.printf(Locale.ROOT, "loss         %s, output %s%n", c.loss(), c.output());
        if (c.options() != null) {
            out.printf(Locale.ROOT, "%-12s %s%n", c.type(), c.options().describe(c));
        }
        out.printf(Locale.ROOT, "parameters   %,d%n", m.parameters());
        Manifest.InputSpec in = m.input();
        out.printf(Locale.ROOT, "input        %s %s, scaling %s%n", in.kind(), Arrays.toString(in.shape()), in.scaling().type());
        out.printf(Locale.ROOT, "data         train %s, test %s%n", in.data(),
                in.testData() != null ? in.testData() : "held-out " + in.holdout() + " of the training data");
        if (in.labelColumn() != null || in.resize() != null) {
            out.printf(Locale.ROOT, "reading      %s%s%n", in.labelColumn() == null ? "" : "label column " + in.labelColumn() + " ",
                    in.resize() == null ? "" : "resize " + in.resize());
        }
        if (m.training() != null) {
            Manifest.TrainingInfo t = m.training();
            int done = m.complete() ? t.epochsCompleted() : dir.checkpointEpoch();
            out.printf(Locale.ROOT, "training     %s, batch %d, Adam lr %s, seed %d, %.1f s%s%n",
                    t.config().epochs() == Integer.MAX_VALUE ? done + " epochs" : done + "/" + t.config().epochs() + " epochs",
                    t.config().batchSize(), java.math.BigDecimal.valueOf(t.config().learningRate()).stripTrailingZeros().toPlainString(), t.config().seed(), t.trainSeconds(),
                    (t.threads() == null ? "" : ", " + t.threads() + " threads"
                            + (t.ompWaitPolicy() == null ? "" : " (OMP_WAIT_POLICY=" + t.ompWaitPolicy() + ")"))
                            + (t.config().maxMinutes() == null ? "" : ", budget --max-minutes "
                                    + java.math.BigDecimal.valueOf(t.config().maxMinutes()).stripTrailingZeros().toPlainString()));
        }
        if (!m.complete()) {
            out.printf(Locale.ROOT, "status       %s; finish it with: bottleneck train --resume --out %s%n", dir.describeUnfinished(m), modelDir);
        }
        if (m.metrics() != null && m.metrics().get("mse") != null) {
            out.printf(Locale.ROOT, "metrics      %s%n", Summary.metricsLine(m.metrics()));
        }
        out.printf(Locale.ROOT, "files        %s%n", modelDir);
        out.printf(Locale.ROOT, "library      bottleneck %s, created %s%n", m.library(), m.created());
        out.flush();
        return Main.OK;
    }
}
