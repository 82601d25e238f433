package dev.bottleneck.cli;

import dev.bottleneck.check.Doctor;
import dev.bottleneck.data.DataHome;
import dev.bottleneck.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bottleneck doctor}: checks this machine (versions, CPU, threads, float32-vs-float64
 * gradients of the core ops, the engine's few-channel convolution kernel, data cache, disk) and
 * prints one row per check; exit code 1 if one fails.
 */
@Command(
        name = "doctor",
        description = {
            "Check this machine: Java and engine versions, CPU flags, threads, the float32 gradients of the",
            "core ops and of the quickstart model against float64, the engine's own few-channel convolution",
            "kernel (some AVX-512 CPUs compute its gradient wrongly; Bottleneck routes around it), the data",
            "cache and free disk. Takes a few seconds. Exit code 1 if a check fails.",
        },
        sortOptions = false,
        footer = {
            "",
            "Examples:",
            "  ./bottleneck doctor",
            "  ./bottleneck doctor --json",
        })
final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The dataset cache to check. Default: $BOTTLENECK_HOME/datasets or ~/.cache/bottleneck/datasets.")
    Path dataDir;

    @Option(names = "--json", description = "Print the rows as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        common.apply();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!json && !common.quiet) {
            err.println("* checking this machine (a few seconds)");
            err.flush();
        }
        List<Doctor.Row> rows = Doctor.run(DataHome.resolve(dataDir), Path.of("").toAbsolutePath(), r -> {
            if (!json) {
                out.printf(Locale.ROOT, "%-42s %-5s %s%n", r.check(), r.status(), r.detail());
                out.flush();
            }
        });
        long failed = rows.stream().filter(Doctor.Row::failed).count();
        if (json) {
            out.println(Json.compact(java.util.Map.of("ok", failed == 0, "checks", rows)));
        } else {
            out.println(failed == 0 ? "doctor: all checks passed" : "doctor: " + failed + " check(s) failed");
        }
        out.flush();
        return failed == 0 ? Main.OK : Main.RUNTIME_ERROR;
    }
}
