package dev.bottleneck.cli;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
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
            InfoCommand.class,
            DenoiseCommand.class,
            InpaintCommand.class,
            FiltersCommand.class,
            SampleCommand.class,
            InterpolateCommand.class,
            ManifoldCommand.class,
            LatentMapCommand.class,
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
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try: bottleneck quickstart, or bottleneck --help)");
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
        return cl.execute(args);
    }

    /** @return the configured command line with exit-code mapping and one-line errors */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setUsageHelpWidth(100);
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
            } else {
                err.println("bottleneck: internal error: " + ex + (verbose ? "" : " (run with --verbose for the stack trace)"));
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
            err.println("bottleneck: error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the options and an example.");
            err.flush();
            return INVALID_INPUT;
        });
        return cl;
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
