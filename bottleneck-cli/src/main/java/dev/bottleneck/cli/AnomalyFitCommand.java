package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.anomaly.AnomalyDetector;
import dev.bottleneck.anomaly.AnomalyFit;
import dev.bottleneck.anomaly.AnomalyScore;
import dev.bottleneck.anomaly.ReconstructionProbability;
import dev.bottleneck.app.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * {@code bottleneck anomaly fit}: trains an autoencoder as {@code train} does (every training
 * option applies), on the normal rows only when {@code --normal-label} is given, then sets the
 * anomaly threshold and writes {@code anomaly.json} (and {@code standardizer.json} for tables).
 */
@Command(
        name = "fit",
        description = {
            "Train on normal data and set the anomaly threshold (every option of train applies).",
            "",
            "Trains an autoencoder as train does, scores the training rows and sets the threshold at",
            "their (1 - contamination) quantile (PyOD's rule).",
            "",
            "With --normal-label, only the examples with that label train (a CSV's --label-column, or the",
            "class of mnist, fashion-mnist and image folders); otherwise every row trains. Tables are",
            "standardized with the training rows' mean and std (standardizer.json).",
            "",
            "Writes the model directory of train plus anomaly.json (score, threshold, contamination,",
            "normal label, columns) and standardizer.json.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck anomaly fit --data csv:sensors.csv --label-column label --normal-label ok \\",
            "      --hidden 64,16 --latent 4 --contamination 0.01 --out runs/sensors",
            "  ./bottleneck anomaly fit --data mnist --normal-label 3 --arch mlp --hidden 256 --latent 16 \\",
            "      --epochs 20 --out runs/digit3",
            "  ./bottleneck anomaly fit --data csv:sensors.csv --model vae --score recon-prob --latent 4 --out runs/sensors-vae",
            "  ./bottleneck anomaly fit --data folder:parts --normal-label good --resize 64x64 --model dae --out runs/parts",
        })
final class AnomalyFitCommand extends TrainCommand {

    @Option(names = "--normal-label", paramLabel = "V",
            description = "Train only on examples with this label (a class name or an integer label); others are left out.")
    String normalLabel;

    @Option(names = "--contamination", paramLabel = "C", defaultValue = "0.01",
            description = "Expected fraction of anomalies in the training data, in (0, 0.5]; sets the threshold (default: ${DEFAULT-VALUE}).")
    double contamination;

    @Option(names = "--score", paramLabel = "S", defaultValue = "mse",
            description = "Anomaly score: mse (reconstruction error per value), recon-prob (a VAE's reconstruction probability, "
                    + "-mean log p(x|z) over posterior samples, nats per row; needs --model vae) (default: ${DEFAULT-VALUE}).")
    String score;

    @Option(names = "--score-samples", paramLabel = "L", defaultValue = "10",
            description = "Posterior samples per row for --score recon-prob (default: ${DEFAULT-VALUE}).")
    int scoreSamples;

    @Override
    public Integer call() {
        // options first, before any data is read
        AnomalyDetector.requireContamination(contamination);
        String s = score.trim().toLowerCase(Locale.ROOT);
        if (!AnomalyScore.NAMES.contains(s)) {
            throw new InvalidInputException("unknown --score '" + score + "' (known: " + String.join(", ", AnomalyScore.NAMES) + ")");
        }
        if (resume) {
            throw new InvalidInputException("anomaly fit cannot --resume; fit a new run");
        }
        if (s.equals(ReconstructionProbability.NAME)) {
            AnomalyFit.requireVae(model == null ? "ae" : model.trim().toLowerCase(Locale.ROOT));
            if (scoreSamples < 1) {
                throw new InvalidInputException("--score-samples must be at least 1, got " + scoreSamples);
            }
        }
        if (normalLabel != null && normalLabel.isBlank()) {
            throw new InvalidInputException("--normal-label is empty");
        }
        if (normalLabel != null && data != null && dataOptions.labelColumn == null
                && data.trim().toLowerCase(Locale.ROOT).startsWith("csv:")) {
            throw new InvalidInputException("--normal-label needs --label-column for " + data.trim() + " (which column holds the labels?)");
        }
        dataOptions.keepLabel = normalLabel;
        return super.call();
    }

    @Override
    Integer run(TrainingRun.Request req, Console console) {
        AnomalyFit.Result r = AnomalyFit.run(req, contamination, score.trim().toLowerCase(Locale.ROOT), scoreSamples, console.trainingListener(), console);
        printSummary(console, r.training());
        console.info(String.format(Locale.ROOT, "threshold %.6g: the %.4g%% quantile of %,d training scores (median %.4g); flags %,d of them (%.2f%%)",
                r.settings().threshold(), 100 * (1 - contamination), r.trainingScores().length, r.settings().trainScores().median(),
                r.flagged(), 100.0 * r.flagged() / r.trainingScores().length));
        console.info("wrote " + r.training().dir() + "/anomaly.json"
                + (java.nio.file.Files.exists(r.training().dir().resolve(dev.bottleneck.data.Standardizer.FILE)) ? " and standardizer.json" : ""));
        return Main.OK;
    }
}
