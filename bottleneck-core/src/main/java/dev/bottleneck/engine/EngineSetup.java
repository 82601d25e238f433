package dev.bottleneck.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.nn.ConvRoute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one set-up of the native engine (libtorch through DJL) for every verb of the command line
 * and for Java programs that use the library: native threads, OpenMP's wait policy, glibc's
 * allocator thresholds and the convolution route ({@link ConvRoute}). Call {@link #apply} once,
 * first thing, before any {@code NDManager} or model is created; {@link
 * dev.bottleneck.model.Autoencoder#create} and the trainer call {@link #ensureApplied()}, which
 * applies the defaults if nobody did.
 *
 * <p>What it sets, and why (measurements in {@code docs/benchmarks.md}):
 * <ul>
 *   <li><b>Threads</b>: {@code ai.djl.pytorch.num_threads} (libtorch's intra-op threads) when
 *       given; default the number of cores.
 *   <li><b>OMP_WAIT_POLICY</b>: libtorch's OpenMP threads spin between operations by default,
 *       fastest on an idle machine (MLP: about 85k samples/s spinning, 60k passive on 2 cores) and
 *       3-10x slower when another process keeps a core busy (20-30k spinning, 70k passive). Rule,
 *       the same for every verb: {@code PASSIVE} when other processes used more than 30% of the
 *       machine's CPU time during a sampling window (from the first call of {@link
 *       #startSampling()}, e.g. the start of {@code main}, to {@link #apply}; at least 50 ms),
 *       else OpenMP's default. OpenMP reads the variable when libtorch is loaded, so it is set
 *       with the C library's {@code setenv} (through JNA) before that; a value in the environment
 *       at start-up wins.
 *   <li><b>glibc malloc</b>: {@code mallopt(M_MMAP_THRESHOLD, 32 MiB)} and {@code
 *       mallopt(M_TRIM_THRESHOLD, 512 MiB)}: libtorch has no CPU caching allocator, and glibc
 *       returns every freed block above 128 KiB to the kernel, so each minibatch page-faults its
 *       tensors back in (3-epoch MLP: 413k page faults before, 254k after; conv training 1.6x
 *       faster). {@code MALLOC_MMAP_THRESHOLD_} / {@code MALLOC_TRIM_THRESHOLD_} in the
 *       environment win.
 *   <li><b>Convolution route</b>: {@link ConvRoute#PADDED} unless configured otherwise.
 * </ul>
 *
 * <p>What only the launcher can do, because it must happen before the JVM starts: the JVM's own
 * flags ({@code -XX:+UseSerialGC -XX:TieredStopAtLevel=1}, see the {@code bottleneck} script) and
 * {@code -Dai.djl.offline=true}.
 */
public final class EngineSetup {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSetup.class);
    /** Share of the machine's CPU time used by other processes above which threads sleep. */
    public static final double BUSY_SHARE = 0.30;
    private static final long MIN_WINDOW_NANOS = 50_000_000L;
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int MMAP_THRESHOLD_BYTES = 32 << 20;
    private static final int TRIM_THRESHOLD_BYTES = 512 << 20;

    private static CpuSample windowStart;
    private static Settings applied;

    private EngineSetup() {}

    /**
     * What the caller asks for; null fields take the defaults.
     *
     * @param threads native intra-op threads ({@code >= 1}), or null for the number of cores
     * @param waitPolicy {@code "auto"} (the busy rule), {@code "passive"} or {@code "active"}, or null for auto
     * @param convRoute the convolution route, or null for the configured one ({@link ConvRoute#current()})
     */
    public record Options(Integer threads, String waitPolicy, ConvRoute convRoute) {
        /** The defaults: all cores, the busy rule, the configured route. */
        public static final Options DEFAULT = new Options(null, null, null);

        /**
         * @throws InvalidInputException if threads is below 1 or the wait policy is unknown
         */
        public Options {
            if (threads != null && threads < 1) {
                throw new InvalidInputException("--threads must be at least 1, got " + threads);
            }
            if (waitPolicy != null && !List.of("auto", "passive", "active").contains(waitPolicy)) {
                throw new InvalidInputException("unknown OpenMP wait policy '" + waitPolicy + "' (known: auto, passive, active)");
            }
        }
    }

    /**
     * What is in force after {@link #apply}.
     *
     * @param threads the native threads requested (null: libtorch's default, the number of cores)
     * @param ompWaitPolicy the {@code OMP_WAIT_POLICY} set or found (null: OpenMP's default, spinning)
     * @param ompWaitPolicyReason why: {@code "environment"}, {@code "busy machine: 45% of CPU used by other processes"}, ...
     * @param mallocTuned whether the allocator thresholds were set here (false when the environment set them, or the call failed)
     * @param convRoute the convolution route
     * @param engineWasLoaded whether libtorch was already loaded when the set-up ran (then the wait
     *     policy and threads could not take effect)
     */
    public record Settings(Integer threads, String ompWaitPolicy, String ompWaitPolicyReason, boolean mallocTuned,
                           ConvRoute convRoute, boolean engineWasLoaded) {}

    /** The C library calls used here. */
    private interface CLib extends Library {
        int setenv(String name, String value, int overwrite);

        int mallopt(int param, int value);
    }

    /**
     * Starts the window over which the busy rule samples the other processes' CPU use. Cheap;
     * call it as early as possible (the command line does at the start of {@code main}). Later
     * calls do nothing.
     */
    public static synchronized void startSampling() {
        if (windowStart == null) {
            windowStart = CpuSample.read();
        }
    }

    /**
     * Applies the defaults unless {@link #apply} already ran.
     *
     * @return the settings in force
     */
    public static synchronized Settings ensureApplied() {
        return applied != null ? applied : apply(Options.DEFAULT);
    }

    /** @return the settings in force, or null if the set-up has not run */
    public static synchronized Settings current() {
        return applied;
    }

    /**
     * Sets up the engine. Runs once per JVM; later calls only change the convolution route (and
     * log that the rest is already in force).
     *
     * @param options what the caller asks for
     * @return the settings in force
     */
    public static synchronized Settings apply(Options options) {
        if (options.convRoute() != null) {
            ConvRoute.set(options.convRoute());
        }
        if (applied != null) {
            applied = new Settings(applied.threads(), applied.ompWaitPolicy(), applied.ompWaitPolicyReason(), applied.mallocTuned(),
                    ConvRoute.current(), applied.engineWasLoaded());
            return applied;
        }
        boolean loaded = libtorchLoaded();
        if (options.threads() != null) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(options.threads()));
        }
        CLib c = clib();
        String policy = System.getenv("OMP_WAIT_POLICY");
        String reason;
        if (policy != null && !policy.isBlank()) {
            reason = "environment";
        } else {
            String asked = options.waitPolicy() == null ? "auto" : options.waitPolicy();
            if (asked.equals("auto")) {
                double share = otherProcessesShare();
                boolean busy = share > BUSY_SHARE;
                policy = busy ? "PASSIVE" : null;
                reason = String.format("%s machine: %.0f%% of CPU time used by other processes", busy ? "busy" : "idle", 100 * share);
            } else {
                policy = asked.toUpperCase(java.util.Locale.ROOT);
                reason = "requested";
            }
            if (policy != null) {
                if (c == null || c.setenv("OMP_WAIT_POLICY", policy, 1) != 0) {
                    reason += " (could not be set: no C library access)";
                    policy = null;
                }
            }
        }
        boolean malloc = false;
        if (System.getenv("MALLOC_MMAP_THRESHOLD_") == null && System.getenv("MALLOC_TRIM_THRESHOLD_") == null && c != null) {
            malloc = c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1 & c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1;
        }
        if (loaded) {
            LOG.debug("libtorch was loaded before the engine set-up: OMP_WAIT_POLICY and the thread count apply from the next JVM on");
            if (options.threads() != null) {
                try {
                    ai.djl.pytorch.jni.JniUtils.setNumThreads(options.threads());
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("could not set the thread count: {}", e.toString());
                }
            }
        }
        applied = new Settings(options.threads(), policy, reason, malloc, ConvRoute.current(), loaded);
        LOG.debug("engine set-up: {}", applied);
        return applied;
    }

    /** @return the share of the machine's CPU time other processes used in the sampling window */
    private static double otherProcessesShare() {
        CpuSample start = windowStart;
        if (start == null) {
            start = CpuSample.read();
        }
        long waited = System.nanoTime() - start.nanos();
        if (waited < MIN_WINDOW_NANOS) {
            try {
                Thread.sleep((MIN_WINDOW_NANOS - waited) / 1_000_000 + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CpuSample end = CpuSample.read();
        return start.otherShareUntil(end);
    }

    private static CLib clib() {
        try {
            return Native.load("c", CLib.class);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("no access to the C library through JNA: {}", e.toString());
            return null;
        }
    }

    /** @return whether libtorch is mapped into this process already */
    public static boolean libtorchLoaded() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.contains("libtorch_cpu") || line.contains("libtorch.so")) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /**
     * Machine-wide busy and total CPU ticks ({@code /proc/stat}) and this process's own ticks
     * ({@code /proc/self/stat}) at one instant.
     */
    record CpuSample(long nanos, long busy, long total, long self) {

        static CpuSample read() {
            long busy = 0;
            long total = 0;
            long self = 0;
            try {
                String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
                String[] f = cpu.trim().split("\\s+");
                // cpu user nice system idle iowait irq softirq steal
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) {
                        busy += v;
                    }
                }
                String st = Files.readString(Path.of("/proc/self/stat"));
                String[] s = st.substring(st.lastIndexOf(')') + 2).trim().split("\\s+");
                self = Long.parseLong(s[11]) + Long.parseLong(s[12]); // utime, stime (fields 14, 15)
            } catch (IOException | RuntimeException e) {
                return new CpuSample(System.nanoTime(), 0, 0, 0);
            }
            return new CpuSample(System.nanoTime(), busy, total, self);
        }

        /** @return other processes' share of all CPU time between this sample and {@code end}, in [0, 1] */
        double otherShareUntil(CpuSample end) {
            long total = end.total - this.total;
            if (total <= 0) {
                return 0;
            }
            long other = (end.busy - this.busy) - (end.self - this.self);
            return Math.max(0, Math.min(1, (double) other / total));
        }
    }
}
