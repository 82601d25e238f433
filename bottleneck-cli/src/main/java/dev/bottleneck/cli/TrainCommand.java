package dev.bottleneck.cli;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.app.TrainingRun;
import dev.bottleneck.data.DataSpec;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bottleneck train}: trains an autoencoder and writes a model directory. */
@Command(
        name = "train",
        description = {
            "Train an autoencoder and write a model directory.",
            "",
            "Writes model.json, model.params, checkpoint/,",
            "metrics.jsonl (one line per epoch), metrics.json (final test figures beside PCA), loss.png and",
            "reconstructions.png.",
        },
        sortOptions = false,
        footer = {
            "",
            "Data (--data): mnist | fashion-mnist (train split; the test split is used for test loss),",
            "  folder:PATH (PNG/JPEG, class = subfolder), csv:PATH (numeric columns), npy:PATH,",
            "  idx:PATH (IDX images; labels from the sibling *labels-idx1* file).",
            "  Files have no test split: --holdout of them is kept aside (or give --test-data).",
            "",
            "Examples:",
            "  ./bottleneck train --data mnist --arch conv --latent 16 --epochs 10 --out runs/conv16",
            "  ./bottleneck train --data mnist --arch mlp --hidden none --latent 30 --activation tanh \\",
            "      --latent-activation tanh --scale pm1 --epochs 20 --out runs/mlp30",
            "  ./bottleneck train --data csv:sensors.csv --label-column label --hidden 64 --latent 4 \\",
            "      --out runs/sensors",
            "  ./bottleneck train --data mnist --model dae --noise mask:0.5,block:10 --latent 32 --out runs/dae",
            "  ./bottleneck train --data mnist --model cae --arch mlp --hidden none --latent 64 --lambda 0.1 --out runs/cae",
            "  ./bottleneck train --data mnist --model sparse --arch mlp --hidden 512 --latent 256 --rho 0.05 --out runs/sparse",
            "  ./bottleneck train --data mnist --model vae --arch mlp --hidden 400 --latent 20 --loss bce \\",
            "      --binarize dynamic --epochs 50 --out runs/vae",
            "  ./bottleneck train --data mnist --model vae --arch mlp --hidden 200,200 --activation tanh --latent 50 \\",
            "      --loss bce --binarize dynamic --iw-samples 5 --max-minutes 30 --batch 100 --out runs/iwae5",
            "  ./bottleneck train --resume --out runs/conv16 --epochs 20",
        })
class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--data", paramLabel = "SPEC", description = "Training data (see below). Required unless --resume.")
    String data;

    @Option(names = "--test-data", paramLabel = "SPEC", description = "Test data. Default: the dataset's test split, or --holdout of a file.")
    String testData;

    @Option(names = "--holdout", paramLabel = "F", defaultValue = "0.1",
            description = "Fraction of a file dataset kept aside as test set when there is no --test-data (default: ${DEFAULT-VALUE}).")
    double holdout;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--model", paramLabel = "TYPE", defaultValue = "ae",
            description = "Model type (default: ${DEFAULT-VALUE}): ${COMPLETION-CANDIDATES}; "
                    + "a type's own options are listed below with its name first (e.g. vae: --beta).",
            completionCandidates = TrainCommand.ModelTypeNames.class)
    String model;

    @Option(names = "--noise", paramLabel = "SPEC",
            description = "Input corruption while training (dae default mask:0.25): gaussian:SIGMA, mask:P, dropout:P "
                    + "(kept values x 1/(1-P)), saltpepper:P, block:SIZE, or a list such as mask:0.5,block:10 (one per batch). "
                    + "For --model dae (also cae, sparse); --model ae refuses it: an ae trained on corrupted inputs is a dae.")
    String noise;

    @Option(names = "--lambda", paramLabel = "L",
            description = "Penalty weight: cae's contractive weight (default 0.05), sparse's KL or L1 weight (default 0.05).")
    Double lambda;

    @Option(names = "--sparsity", paramLabel = "KIND", description = "sparse: kl (mean activation to --rho, default) or l1.")
    String sparsity;

    @Option(names = "--rho", paramLabel = "R", description = "sparse --sparsity kl: target mean activation of each code unit (default 0.05).")
    Double rho;

    @Option(names = "--tied", description = "MLP: decoder weights are the transposed encoder weights.")
    boolean tied;

    @Option(names = "--batch-norm", description = "Batch normalization after each hidden encoder layer (batch statistics in training, "
            + "running averages in evaluation); helps clustering and hashing with --vat-weight.")
    boolean batchNorm;

    @Option(names = "--arch", paramLabel = "ARCH", description = "Architecture: conv (images), mlp, or conv-grid (images; the code is a grid of vectors, one per position of the last feature map, for --model vq or fsq, e.g. 7x7 on MNIST: --latent = code-dim x 49). Default: conv for images, mlp for tables.")
    String arch;

    @Option(names = "--latent", paramLabel = "K", defaultValue = "16", description = "Code size K, the bottleneck (default: ${DEFAULT-VALUE}).")
    int latent;

    @Option(names = "--hidden", paramLabel = "SIZES", defaultValue = "512,256",
            description = "MLP hidden widths from input to code, or none (default: ${DEFAULT-VALUE}).")
    String hidden;

    @Option(names = "--channels", paramLabel = "SIZES", defaultValue = "16,32",
            description = "Conv channels from input to code; each layer halves H and W (default: ${DEFAULT-VALUE}).")
    String channels;

    @Option(names = "--activation", paramLabel = "F", defaultValue = "relu",
            description = "Hidden activation: relu, leaky_relu, elu, gelu, tanh, sigmoid (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--latent-activation", paramLabel = "F", defaultValue = "none",
            description = "Activation on the code: none (linear), tanh, sigmoid, relu (default: ${DEFAULT-VALUE}).")
    String latentActivation;

    @Option(names = "--loss", paramLabel = "L", defaultValue = "mse",
            description = "Reconstruction loss: mse, or bce (inputs in [0,1]) (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--scale", paramLabel = "S",
            description = "Input scaling: unit ([0,1] pixels), pm1 ([-1,1] pixels), standard (per-column z-score), none. "
                    + "Default: unit for images, standard for tables.")
    String scale;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 10; with --resume: the saved number).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3",
            description = "Adam learning rate (default: ${DEFAULT-VALUE}; with --resume: the saved one unless given).")
    double lr;

    @Option(names = "--clip-norm", paramLabel = "C",
            description = "Scale the gradient down to global L2 norm C when it is larger (as PyTorch's clip_grad_norm_): "
                    + "guards against loss spikes. Default: 1.0 for --model codec (CompressAI's), else no clipping; "
                    + "with --resume: the saved one unless given. "
                    + "Each epoch line then says how many steps were clipped and the gradient norms' mean and maximum.")
    Double clipNorm;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-minutes", paramLabel = "M",
            description = "Wall-clock budget: stop before an epoch that would end past M minutes (training, test loss, checkpoints); "
                    + "--epochs stays an upper bound (without --epochs: none).")
    Double maxMinutes;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "The model directory to write, e.g. runs/NAME.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint: finish an interrupted run "
            + "(killed, or stopped), or train a finished one further with --epochs N.")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace --out if it already holds a run.")
    boolean overwrite;

    @Option(names = "--no-pictures", negatable = false, description = "Do not draw loss.png and reconstructions.png.")
    boolean noPictures;

    @Override
    public Integer call() {
        common.apply();
        if (resume && overwrite) {
            throw new InvalidInputException("--resume and --overwrite exclude each other");
        }
        if (!resume && data == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--data=SPEC'");
        }
        Console console = new Console(spec.commandLine().getErr(), common.quiet);
        ModelConfig.Builder b = null;
        TrainConfig tc = null;
        DataSpec trainSpec = data == null ? null : DataSpec.parse(data);
        if (!resume) {
            // Fail on a misspelt name before any data is read.
            dev.bottleneck.model.ModelTypes.get(model);
            if (arch != null) {
                dev.bottleneck.model.Architectures.require(arch.toLowerCase(java.util.Locale.ROOT));
            }
            dev.bottleneck.nn.Activations.validate(activation, "--activation");
            dev.bottleneck.nn.Activations.validate(latentActivation, "--latent-activation");
            if (!ModelConfig.LOSSES.contains(loss.toLowerCase(java.util.Locale.ROOT))) {
                throw new InvalidInputException("unknown --loss '" + loss + "' (known: " + String.join(", ", ModelConfig.LOSSES) + ")");
            }
            if (scale != null && !dev.bottleneck.data.InputScaling.TYPES.contains(scale.toLowerCase(java.util.Locale.ROOT))) {
                throw new InvalidInputException("unknown --scale '" + scale + "' (known: " + String.join(", ", dev.bottleneck.data.InputScaling.TYPES) + ")");
            }
            if (noise != null) {
                dev.bottleneck.data.Corruption.parse(noise, 0f, 1f); // syntax and ranges, before any data is read
                dev.bottleneck.model.ModelTypes.get(model).requireNoiseAllowed(noise);
            }
            if (latent < 1) {
                throw new InvalidInputException("--latent must be at least 1, got " + latent);
            }
            b = ModelConfig.builder().type(model).options(typeOptions(model.toLowerCase(java.util.Locale.ROOT))).arch(arch).noise(noise).penalty(penaltySpec(model.toLowerCase(java.util.Locale.ROOT))).tied(tied).batchNorm(batchNorm)
                    .latent(latent).hidden(Sizes.parse(hidden, "--hidden")).channels(Sizes.parse(channels, "--channels"))
                    .activation(activation).latentActivation(latentActivation).loss(loss);
            tc = new TrainConfig(epochs != null ? epochs : maxMinutes != null ? Integer.MAX_VALUE : 10, batch, lr, seed, maxMinutes,
                    clipNorm != null ? clipNorm : dev.bottleneck.model.ModelTypes.get(model).defaultClipNorm());
        } else {
            // On --resume the architecture, data scaling, batch size and seed are the run's own;
            // only the epoch count, the learning rate and the clipping threshold may change.
            java.util.List<String> fixedOptions = new java.util.ArrayList<>(java.util.List.of("--model", "--noise", "--lambda", "--sparsity",
                    "--rho", "--tied", "--batch-norm", "--arch", "--latent", "--hidden", "--channels", "--activation", "--latent-activation", "--loss",
                    "--scale", "--batch", "--seed", "--holdout", "--test-data", "--max-minutes"));
            dev.bottleneck.model.ModelTypes.cliOptions().values().forEach(l -> l.forEach(o -> fixedOptions.add(o.name())));
            for (String fixed : fixedOptions) {
                if (spec.commandLine().getParseResult().hasMatchedOption(fixed)) {
                    throw new InvalidInputException(fixed + " cannot change when resuming " + out
                            + " (only --epochs, --lr and --clip-norm can); train a new run instead");
                }
            }
        }
        TrainingRun.Request req = new TrainingRun.Request(trainSpec, testData == null ? null : DataSpec.parse(testData),
                holdout, dataOptions.toOptions(console.fetchProgress()), b, scale, tc, out, resume,
                resume ? epochs : null, resume && spec.commandLine().getParseResult().hasMatchedOption("--lr") ? lr : null,
                resume ? clipNorm : null, overwrite, !noPictures);
        return run(req, console);
    }

    /**
     * Runs the request built from the options ({@code anomaly fit} trains the same way, then
     * fits its detector).
     *
     * @param req the training request
     * @param console human output
     * @return the exit code
     */
    Integer run(TrainingRun.Request req, Console console) {
        TrainingRun.Result r = TrainingRun.run(req, console.trainingListener(), console);
        printSummary(console, r);
        return Main.OK;
    }

    /**
     * Builds the model type's options from the type options given on the command line.
     *
     * @param type the model type
     * @return the type's options, or null for a type without options
     * @throws InvalidInputException if an option of another type is given, or a value is bad
     */
    private dev.bottleneck.model.TypeOptions typeOptions(String type) {
        // an option name may belong to several types (--vat-weight: binary and categorical)
        java.util.Map<String, java.util.List<String>> owners = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, java.util.List<dev.bottleneck.model.ModelType.CliOption>> e
                : dev.bottleneck.model.ModelTypes.cliOptions().entrySet()) {
            for (dev.bottleneck.model.ModelType.CliOption o : e.getValue()) {
                owners.computeIfAbsent(o.name(), k -> new java.util.ArrayList<>()).add(e.getKey());
            }
        }
        java.util.Map<String, String> given = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, java.util.List<String>> e : owners.entrySet()) {
            picocli.CommandLine.Model.OptionSpec os = spec.findOption(e.getKey());
            String v = os == null ? null : os.getValue();
            if (v == null) {
                continue;
            }
            if (!e.getValue().contains(type)) {
                throw new InvalidInputException(e.getKey() + " is for --model " + String.join(" or --model ", e.getValue()));
            }
            given.put(e.getKey(), v);
        }
        return dev.bottleneck.model.ModelTypes.get(type).options(given, loss);
    }

    /**
     * Adds every registered model type's own options ({@link dev.bottleneck.model.ModelType#cliOptions()})
     * to {@code train} or {@code anomaly fit}: the command line has the options of the types known
     * when it is built, a type registered by a library user included.
     *
     * @param spec the command's spec
     */
    static void addTypeOptions(picocli.CommandLine.Model.CommandSpec spec) {
        for (java.util.List<dev.bottleneck.model.ModelType.CliOption> l : dev.bottleneck.model.ModelTypes.cliOptions().values()) {
            for (dev.bottleneck.model.ModelType.CliOption o : l) {
                if (spec.findOption(o.name()) == null) {
                    spec.addOption(picocli.CommandLine.Model.OptionSpec.builder(o.name()).paramLabel(o.label()).type(String.class)
                            .description(o.description()).build());
                }
            }
        }
    }

    /** The registered model type names, for {@code --model}'s help. */
    static final class ModelTypeNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return dev.bottleneck.model.ModelTypes.names().iterator();
        }
    }

    /**
     * Builds the penalty spec from --lambda, --sparsity and --rho, checking that they fit the model.
     *
     * @param type the model type
     * @return the spec, or null for the type's default
     */
    private String penaltySpec(String type) {
        if (lambda != null && (!(lambda >= 0) || lambda.isInfinite())) {
            throw new InvalidInputException("--lambda must be a finite number >= 0, got " + lambda);
        }
        if (rho != null && !(rho > 0 && rho < 1)) {
            throw new InvalidInputException("--rho must be in (0, 1), got " + rho);
        }
        switch (type) {
            case "cae":
                if (sparsity != null || rho != null) {
                    throw new InvalidInputException("--sparsity and --rho are for --model sparse");
                }
                return lambda == null ? null : "contractive:" + lambda;
            case "sparse": {
                String kind = sparsity == null ? "kl" : sparsity.toLowerCase(java.util.Locale.ROOT);
                if (kind.equals("l1")) {
                    if (rho != null) {
                        throw new InvalidInputException("--rho is for --sparsity kl");
                    }
                    return "l1:" + (lambda == null ? 0.05 : lambda);
                }
                if (!kind.equals("kl")) {
                    throw new InvalidInputException("unknown --sparsity '" + sparsity + "' (known: kl, l1)");
                }
                return lambda == null && rho == null ? null : "kl:" + (rho == null ? 0.05 : rho) + ":" + (lambda == null ? 0.05 : lambda);
            }
            default:
                if (lambda != null || sparsity != null || rho != null) {
                    throw new InvalidInputException("--lambda, --sparsity and --rho are for --model cae or sparse");
                }
                return null;
        }
    }

    static void printSummary(Console console, TrainingRun.Result r) {
        Map<String, Object> m = r.metrics();
        console.info(Summary.metricsLine(m));
        console.info("wrote " + r.dir() + "/ (model.json, model.params, metrics.json, metrics.jsonl"
                + (java.nio.file.Files.exists(r.dir().resolve("reconstructions.png")) ? ", loss.png, reconstructions.png" : "")
                + ")");
    }
}
