package dev.bottleneck.cli;

import dev.bottleneck.engine.EngineSetup;
import picocli.CommandLine.Option;

/** Options every verb shares: verbosity and native threads. */
public final class CommonOptions {

    @Option(names = {"-q", "--quiet"}, description = "Print only results and errors (no progress).")
    boolean quiet;

    @Option(names = "--verbose", description = "Print debug logs and stack traces of errors.")
    boolean verbose;

    @Option(names = "--threads", paramLabel = "T",
            description = "Native (libtorch) threads for tensor operations. Default: the number of cores.")
    Integer threads;

    /**
     * Applies the options before the engine starts: log level, then the one engine set-up of
     * every verb ({@link EngineSetup}: threads, OpenMP wait policy, allocator, convolution route).
     *
     * @throws dev.bottleneck.InvalidInputException if {@code --threads} is below 1
     */
    void apply() {
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
        EngineSetup.apply(new EngineSetup.Options(threads, null, null));
    }
}
