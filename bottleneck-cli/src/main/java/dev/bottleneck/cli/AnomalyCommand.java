package dev.bottleneck.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bottleneck anomaly}: anomaly detection by reconstruction error (fit, score, eval). */
@Command(
        name = "anomaly",
        description = {
            "Anomaly detection by reconstruction error: an autoencoder trained on normal data rebuilds",
            "normal data well and anomalies badly, so its reconstruction error is an anomaly score.",
            "",
            "  fit    train on the normal rows and set a threshold from the contamination rate",
            "  score  write index,score,flag (and per-feature errors) for every input row, streaming CSV",
            "  eval   AUROC, AUPRC, precision/recall/F1 at the threshold, histogram and ROC pictures",
        },
        subcommands = {AnomalyFitCommand.class, AnomalyScoreCommand.class, AnomalyEvalCommand.class},
        footer = {
            "",
            "Examples:",
            "  ./bottleneck anomaly fit --data csv:sensors.csv --label-column label --normal-label ok \\",
            "      --out runs/sensors",
            "  ./bottleneck anomaly score runs/sensors --data csv:new.csv --out scores.csv --per-feature",
            "  ./bottleneck anomaly eval runs/sensors --data csv:test.csv --label-column label",
            "  ./bottleneck anomaly fit --data mnist --normal-label 3 --arch mlp --out runs/digit3",
            "  ./bottleneck anomaly eval runs/digit3 --json",
        })
final class AnomalyCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: fit, score or eval");
    }
}
