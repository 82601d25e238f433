package dev.bottleneck.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.bottleneck.app.Evaluation;
import dev.bottleneck.app.LoadedModel;
import dev.bottleneck.app.PreparedData;
import dev.bottleneck.data.Dataset;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.eval.ReconstructionMetrics;
import dev.bottleneck.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bottleneck eval}: reconstruction error of a model beside the PCA baseline. */
@Command(
        name = "eval",
        description = {
            "Evaluate a model: reconstruction error beside the PCA baseline of the same code size.",
            "",
            "Reports reconstruction MSE and PSNR (pixels on the [0,1] scale), BCE per image for",
            "BCE-trained models, and the PCA baseline with the same code size fitted on the model's training data.",
        },
        sortOptions = false,
        footer = {
            "",
            "With --json, standard output is one JSON object with at least: mse, psnr, pca_mse, n.",
            "For a VAE it adds elbo, recon, kl (nats per image; elbo = -(recon + kl)), active_units (Burda et",
            "al. 2016: posterior-mean variance over the data > 0.01), latent, and with --nll-samples K: nll (the",
            "importance-sampled -log p(x) in nats, K samples per image), nll_samples, nll_standard_error,",
            "nll_seconds. Models trained with --binarize static|dynamic are evaluated on one fixed binarization",
            "of the data (seeded, the same for every run), named in the binarization field.",
            "",
            "Examples:",
            "  ./bottleneck eval runs/quickstart",
            "  ./bottleneck eval runs/quickstart --data mnist:test --json",
            "  ./bottleneck eval runs/vae --nll-samples 5000 --json",
        })
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelDataOptions input;

    @Option(names = "--json", description = "Print one JSON object on standard output.")
    boolean json;

    @Option(names = "--no-pca", negatable = false, description = "Skip the PCA baseline.")
    boolean noPca;

    @Option(names = "--nll-samples", paramLabel = "K",
            description = "VAE: estimate -log p(x) by importance sampling with K samples per image (Burda et al. use 5000).")
    Integer nllSamples;

    @Option(names = "--seed", paramLabel = "S",
            description = "VAE: seed of the sampling in the ELBO and NLL estimates. Default: the model's training seed.")
    Long seed;

    @Override
    public Integer call() {
        common.apply();
        Console console = new Console(spec.commandLine().getErr(), common.quiet || json);
        if (nllSamples != null && nllSamples < 1) {
            throw new dev.bottleneck.InvalidInputException("--nll-samples must be at least 1, got " + nllSamples);
        }
        try (LoadedModel lm = LoadedModel.open(input.modelDir)) {
            boolean vae = lm.manifest().model().modelType().capabilities().likelihood();
            if (!vae && (nllSamples != null || seed != null)) {
                throw new dev.bottleneck.InvalidInputException(input.modelDir, "is a '" + lm.manifest().model().type()
                        + "' model without a likelihood; --nll-samples and --seed are for VAEs (train --model vae)");
            }
            InputScaling scaling = lm.manifest().input().scaling();
            console.step("loading data");
            Dataset d = input.load(lm, console);
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = dev.bottleneck.app.VaeReport.forEvaluation(lm.manifest().model(), PreparedData.toArray(d, scaling, m));
                console.step("evaluating on " + d.name() + " (" + d.size() + " examples)");
                ReconstructionMetrics rm = ReconstructionMetrics.evaluate(lm.model(), x, scaling, null);
                Map<String, Object> out;
                if (noPca || !lm.manifest().model().modelType().pcaBaseline()) {
                    out = new LinkedHashMap<>();
                    out.put("n", rm.n());
                    out.put("mse", rm.mse());
                    if (rm.psnr() != null) {
                        out.put("psnr", rm.psnr());
                    }
                    if (rm.bcePerImage() != null) {
                        out.put("bce_per_image", rm.bcePerImage());
                    }
                    out.put("loss", rm.loss());
                } else {
                    console.step("fitting PCA-" + lm.manifest().model().latent() + " on the training data");
                    Dataset train = lm.loadTrainingData(input.dataOptions.toOptions(console.fetchProgress()));
                    NDArray t = PreparedData.toArray(train, scaling, m);
                    out = Evaluation.withPca(rm, t, x, scaling, lm.manifest().model().latent(),
                            lm.manifest().training().config().seed());
                }
                if (vae) {
                    console.step("computing the ELBO and active units");
                    Console progress = new Console(spec.commandLine().getErr(), common.quiet);
                    out.putAll(dev.bottleneck.app.VaeReport.metrics(lm.model(), x, d.name(),
                            seed != null ? seed : lm.manifest().training().config().seed(), nllSamples,
                            nllSamples == null ? null : progress.counter("-log p(x), " + nllSamples + " samples per image", d.size())));
                } else {
                    out.putAll(lm.manifest().model().modelType().evaluationMetrics(lm.model(), x, d.name(),
                            lm.manifest().training().config().seed()));
                }
                out.put("data", d.name());
                out.put("model", input.modelDir.toString());
                if (json) {
                    spec.commandLine().getOut().println(Json.compact(out));
                } else {
                    spec.commandLine().getOut().println(Summary.metricsLine(out));
                }
                spec.commandLine().getOut().flush();
            }
        }
        return Main.OK;
    }
}
