package dev.bottleneck.check;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.Version;
import dev.bottleneck.data.DatasetFetcher;
import dev.bottleneck.engine.EngineSetup;
import dev.bottleneck.nn.ConvRoute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Checks the machine Bottleneck runs on (issue 9): Java and engine versions, CPU and its vector
 * extensions, the engine set-up (threads, OpenMP wait policy, convolution route), the float32
 * gradients of the core ops and of the quickstart model against float64 ({@link GradientChecks}),
 * the engine's own few-channel convolution kernel (is this a machine with the oneDNN fault?), the
 * data cache and free disk. {@code bottleneck doctor} prints the rows; it fails (exit 1) when a row
 * fails.
 */
public final class Doctor {

    /** Trials of the engine's direct few-channel convolution per shape (the fault is intermittent). */
    public static final int KERNEL_TRIALS = 10;
    /** Free disk below which the disk row warns: a run directory with checkpoints takes tens of MB. */
    public static final long LOW_DISK_BYTES = 1L << 30;

    private Doctor() {}

    /**
     * One row of the report.
     *
     * @param check what was checked
     * @param status {@code ok}, {@code warn}, {@code fail} or {@code info}
     * @param detail what was found
     */
    public record Row(String check, String status, String detail) {
        /** @return whether this row fails the doctor */
        public boolean failed() {
            return status.equals("fail");
        }
    }

    /**
     * Runs every check.
     *
     * @param dataHome the dataset cache folder
     * @param workDir the folder whose free disk matters (where runs are written)
     * @param progress receives each row as it is done (may be a no-op)
     * @return the rows
     */
    public static List<Row> run(Path dataHome, Path workDir, Consumer<Row> progress) {
        List<Row> rows = new ArrayList<>();
        Consumer<Row> add = r -> {
            rows.add(r);
            progress.accept(r);
        };
        add.accept(new Row("bottleneck", "info", Version.VERSION));
        add.accept(new Row("java", "info", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("os.arch") + ")"));
        EngineSetup.Settings s = EngineSetup.ensureApplied();
        Engine engine = Engine.getInstance();
        add.accept(new Row("engine", "info", "DJL " + Engine.getDjlVersion() + ", " + engine.getEngineName() + " " + engine.getVersion()));
        add.accept(new Row("cpu", "info", cpuDescription()));
        add.accept(new Row("threads", "info", ai.djl.pytorch.jni.JniUtils.getNumThreads() + " native threads on "
                + Runtime.getRuntime().availableProcessors() + " cores; OMP_WAIT_POLICY "
                + (s.ompWaitPolicy() == null ? "default (spin)" : s.ompWaitPolicy()) + " (" + s.ompWaitPolicyReason() + ")"
                + (s.mallocTuned() ? "; malloc thresholds set" : "")));
        // the engine's own kernel: is this a machine with the oneDNN fault?
        int[][] shapes = {{1, 16, 28, 16}, {3, 32, 16, 16}, {4, 16, 28, 16}};
        int wrong = 0;
        int trials = 0;
        double worst = 0;
        for (int[] sh : shapes) {
            for (int t = 0; t < KERNEL_TRIALS; t++) {
                double e = directConvInputGradientError(sh[0], sh[1], sh[2], sh[3], 100 + t);
                trials++;
                worst = Math.max(worst, e);
                if (!(e <= GradientCheck.TOLERANCE)) {
                    wrong++;
                }
            }
        }
        boolean faulty = wrong > 0;
        boolean direct = ConvRoute.current() == ConvRoute.DIRECT;
        add.accept(new Row("engine conv kernel", faulty ? (direct ? "fail" : "warn") : "ok", String.format(Locale.ROOT,
                "input gradient of the engine's own conv with 1, 3, 4 output channels: wrong in %d of %d trials (worst relative error %.2g)%s",
                wrong, trials, worst, faulty
                        ? (direct ? "; the convolution route is 'direct': set BOTTLENECK_CONV_ROUTE=padded"
                                  : "; this CPU has the oneDNN fault, and Bottleneck routes around it (convolution route 'padded')")
                        : "")));
        add.accept(new Row("convolution route", "info", ConvRoute.current().name().toLowerCase(Locale.ROOT)
                + (faulty || !direct ? "" : " (right on this machine)")));
        List<GradientChecks.Case> core = new ArrayList<>(GradientChecks.convolutions());
        for (GradientChecks.Case c : GradientChecks.blocks()) {
            if (c.name().startsWith("linear") || c.name().startsWith("upsample")) {
                core.add(c);
            }
        }
        core.addAll(GradientChecks.losses());
        for (GradientChecks.Case c : GradientChecks.models()) {
            if (c.name().startsWith("quickstart") || c.name().startsWith("vae mlp bce")) {
                core.add(c);
            }
        }
        for (GradientChecks.Case c : core) {
            GradientCheck.Report r;
            try {
                r = c.run().get();
            } catch (RuntimeException e) {
                add.accept(new Row("gradient " + c.name(), "fail", "error: " + e));
                continue;
            }
            add.accept(new Row("gradient " + c.name(), r.passed() ? "ok" : "fail",
                    String.format(Locale.ROOT, "float32 vs float64: worst relative error %.2g (tolerance %.0e)", r.worstError(),
                            GradientCheck.TOLERANCE) + (r.passed() ? "" : "; wrong: " + r.failures())));
        }
        add.accept(dataRow(dataHome));
        add.accept(diskRow("disk (runs)", workDir));
        if (!dataHome.toAbsolutePath().normalize().startsWith(workDir.toAbsolutePath().normalize())) {
            add.accept(diskRow("disk (data cache)", dataHome));
        }
        return rows;
    }

    /**
     * The relative error of the input gradient of the engine's convolution called directly (no
     * padding), float32 against float64, for random weights, input and upstream gradient.
     *
     * @param out output channels
     * @param in input channels
     * @param size height and width
     * @param batch batch size
     * @param seed the engine seed
     * @return the worst relative error, infinity if not finite
     */
    public static double directConvInputGradientError(int out, int in, int size, int batch, long seed) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            NDArray x = m.randomNormal(new Shape(batch, in, size, size));
            NDArray w = m.randomNormal(new Shape(out, in, 3, 3)).mul(0.1f);
            NDArray r = m.randomNormal(new Shape(batch, out, size, size));
            Shape one = new Shape(1, 1);
            GradientCheck.Report rep = GradientCheck.checkFunction("direct conv", new NDList(x, w, r), List.of("input", "weight", "upstream"),
                    a -> a.get(0).getNDArrayInternal().convolution(a.get(0), a.get(1), null, one, one, one, 1).singletonOrThrow()
                            .mul(a.get(2).stopGradient()).sum(), seed);
            return rep.results().get(0).relativeError();
        }
    }

    private static String cpuDescription() {
        String model = "unknown";
        Set<String> flags = Set.of();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    flags = Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                }
            }
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores";
        }
        List<String> vector = new ArrayList<>();
        for (String f : List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
                "amx_tile", "amx_bf16")) {
            if (flags.contains(f)) {
                vector.add(f);
            }
        }
        return model + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + String.join(" ", vector);
    }

    private static Row dataRow(Path dataHome) {
        DatasetFetcher f = new DatasetFetcher(dataHome);
        List<String> have = new ArrayList<>();
        for (String d : f.datasets()) {
            try {
                if (f.cached(d, false).isPresent()) {
                    have.add(d);
                }
            } catch (RuntimeException e) {
                return new Row("data cache", "warn", dataHome + ": " + d + " is unreadable (" + e.getMessage() + ")");
            }
        }
        boolean writable = Files.isDirectory(dataHome) ? Files.isWritable(dataHome)
                : dataHome.toAbsolutePath().getParent() != null && Files.isWritable(nearestExisting(dataHome));
        return new Row("data cache", writable ? "ok" : "warn", dataHome + (have.isEmpty() ? ": no dataset yet (bottleneck data fetch mnist)"
                : ": " + String.join(", ", have)) + (writable ? "" : "; not writable"));
    }

    private static Path nearestExisting(Path p) {
        Path q = p.toAbsolutePath();
        while (q != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return q == null ? Path.of("/") : q;
    }

    private static Row diskRow(String name, Path dir) {
        try {
            long free = Files.getFileStore(nearestExisting(dir)).getUsableSpace();
            return new Row(name, free < LOW_DISK_BYTES ? "warn" : "ok", String.format(Locale.ROOT, "%s: %.1f GiB free", nearestExisting(dir),
                    free / (double) (1L << 30)));
        } catch (IOException e) {
            return new Row(name, "warn", dir + ": cannot tell (" + e.getMessage() + ")");
        }
    }
}
