package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.Messages;
import dev.bottleneck.OutOfMemory;
import dev.bottleneck.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code bottleneck} command: one subcommand per verb, each a {@code Callable<Integer>}. Exit
 * codes are mapped here and nowhere else: 0 success, 1 runtime failure, 2 invalid input (a bad
 * option, a bad data file, a model that does not fit the data).
 */
@Command(
        name = "bottleneck",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = {
            "Bottleneck: train, evaluate and apply autoencoders on real data, on the JVM.",
            "",
            "Start with @|bold ./bottleneck quickstart|@: it fetches MNIST, trains a convolutional",
            "autoencoder, and writes its pictures and figures beside a PCA baseline.",
        },
        subcommands = {
            QuickstartCommand.class,
            DataCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            ProbeCommand.class,
            AnomalyCommand.class,
            ReconstructCommand.class,
            EncodeCommand.class,
            DecodeCommand.class,
            CompressCommand.class,
            DecompressCommand.class,
            CodecBenchCommand.class,
            InfoCommand.class,
            DenoiseCommand.class,
            InpaintCommand.class,
            FiltersCommand.class,
            SampleCommand.class,
            InterpolateCommand.class,
            ManifoldCommand.class,
            LatentMapCommand.class,
            CodebookCommand.class,
            ClusterCommand.class,
            RetrieveCommand.class,
            ServeCommand.class,
            DoctorCommand.class,
            CommandLine.HelpCommand.class,
        },
        footer = {
            "",
            "Examples:",
            "  ./bottleneck quickstart",
            "  ./bottleneck train --data mnist --arch conv --latent 16 --epochs 10 --out runs/conv16",
            "  ./bottleneck eval runs/conv16 --json",
            "  ./bottleneck probe runs/conv16 --no-pixels",
            "  ./bottleneck anomaly fit --data mnist --normal-label 3 --arch mlp --out runs/digit3",
            "  ./bottleneck reconstruct runs/conv16 --data mnist:test --count 32 --out recon.png",
            "  ./bottleneck filters runs/conv16 --out filters.png",
            "  ./bottleneck sample runs/vae --count 64 --out samples.png",
            "  ./bottleneck serve runs/conv16 --port 8080",
            "  ./bottleneck doctor",
            "",
            "Exit codes: 0 success, 1 runtime failure, 2 invalid input.",
        })
public final class Main implements Runnable {

    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for a runtime failure (I/O error, diverged training, internal error). */
    public static final int RUNTIME_ERROR = 1;
    /** Exit code for invalid input (options, data files, model/data mismatch). */
    public static final int INVALID_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (start with: bottleneck quickstart)");
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        dev.bottleneck.engine.EngineSetup.startSampling();
        System.setProperty("java.awt.headless", "true");
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /**
     * Runs a command line in this process (used by tests).
     *
     * @param args command-line arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        // each command sweeps the folders it writes into for stale temporary files, as a new process would
        dev.bottleneck.io.AtomicFiles.forgetSweeps();
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli passes Errors through: a Java array too large for the heap, anywhere
            err.println("bottleneck: error: " + OutOfMemory.error(what(args), -1, e).getMessage());
            err.flush();
            return RUNTIME_ERROR;
        } catch (StackOverflowError e) {
            err.println("bottleneck: internal error: " + e + " (run with --verbose for the stack trace)");
            if (hasVerbose(args)) {
                e.printStackTrace(err);
            }
            err.flush();
            return RUNTIME_ERROR;
        }
    }

    /** @return what a command line does, for a message: {@code "anomaly score"} */
    private static String what(String[] args) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.length && i < 2 && !args[i].startsWith("-"); i++) {
            sb.append(sb.length() == 0 ? "" : " ").append(args[i]);
        }
        return sb.length() == 0 ? "this command" : "'bottleneck " + Messages.snippet(sb.toString(), 40) + "'";
    }

    private static boolean hasVerbose(String[] args) {
        for (String a : args) {
            if (a.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** @return the configured command line with exit-code mapping and one-line errors */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setUsageHelpWidth(100);
        TrainCommand.addTypeOptions(cl.getSubcommands().get("train").getCommandSpec());
        TrainCommand.addTypeOptions(cl.getSubcommands().get("anomaly").getSubcommands().get("fit").getCommandSpec());
        addHelpOptions(cl);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = parseResult.hasMatchedOption("--verbose") || hasVerbose(parseResult);
            PrintWriter err = commandLine.getErr();
            int code;
            if (ex instanceof InvalidInputException) {
                err.println("bottleneck: error: " + ex.getMessage());
                code = INVALID_INPUT;
            } else if (ex instanceof BottleneckException) {
                err.println("bottleneck: error: " + ex.getMessage());
                code = RUNTIME_ERROR;
            } else if (ex instanceof CommandLine.ParameterException) {
                throw ex;
            } else if (OutOfMemory.isAllocationFailure(ex)) {
                // a native allocation libtorch refused where the library did not name it
                err.println("bottleneck: error: " + OutOfMemory.error(what(parseResult.originalArgs().toArray(new String[0])), -1, ex)
                        .getMessage());
                code = RUNTIME_ERROR;
            } else {
                err.println("bottleneck: internal error: " + Messages.printable(String.valueOf(ex))
                        + (verbose ? "" : " (run with --verbose for the stack trace)"));
                code = RUNTIME_ERROR;
            }
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            PrintWriter err = c.getErr();
            err.println("bottleneck: error: " + usageLine(ex));
            err.flush();
            return INVALID_INPUT;
        });
        return cl;
    }

    /**
     * A usage error as one line, as every other error: picocli's message, its suggestions for a
     * misspelt option or verb, and where to look, e.g. {@code "Unknown option: '--epoch' (did you
     * mean --epochs?); see 'bottleneck train --help' for the options and an example"}.
     *
     * @param ex the parse error
     * @return the line, without the {@code "bottleneck: error: "} prefix
     */
    static String usageLine(CommandLine.ParameterException ex) {
        StringBuilder sb = new StringBuilder(Messages.printable(String.valueOf(ex.getMessage()).strip()));
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            java.util.List<String> s = u.getSuggestions();
            sb.append(" (did you mean ").append(Messages.printable(String.join(" or ", s.subList(0, Math.min(3, s.size()))))).append("?)");
        }
        sb.append("; see '").append(ex.getCommandLine().getCommandSpec().qualifiedName()).append(" --help' for the options and an example");
        return sb.toString();
    }

    /** Gives every subcommand {@code -h/--help} (and {@code -V/--version}). */
    private static void addHelpOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions() && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            addHelpOptions(sub);
        }
    }

    private static boolean hasVerbose(CommandLine.ParseResult pr) {
        for (CommandLine.ParseResult sub = pr; sub != null; sub = sub.subcommand()) {
            if (sub.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Prints the library version. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bottleneck " + Version.VERSION + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
