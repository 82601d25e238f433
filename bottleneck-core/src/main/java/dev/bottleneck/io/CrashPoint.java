package dev.bottleneck.io;

/**
 * Named points in the write protocol of a model directory where a crash-consistency test can stop
 * the process, so that it can be killed ({@code SIGKILL}) at that exact instant rather than at a
 * random one.
 *
 * <p>Inert unless the system property {@value #PROPERTY} is set, which no user sets: then the
 * {@code n}-th time the named point is reached ({@code -Dbottleneck.crashpoint=NAME} or {@code
 * NAME#n}), the process prints one line {@code bottleneck: crash point NAME#n reached} on standard
 * error and sleeps, waiting to be killed (after a minute it halts with status 137 by itself, as if
 * it had been).
 *
 * <p>The points: {@code before-rename FILE} (the temporary file of an atomic write holds the
 * whole new content, the target still the old one) and {@code after-rename FILE} in {@link
 * AtomicFiles}, and {@code final-evaluation} when a training run starts its final evaluation.
 */
public final class CrashPoint {

    /** The system property that names the point to stop at. */
    public static final String PROPERTY = "bottleneck.crashpoint";

    private static final String SPEC = System.getProperty(PROPERTY);
    private static final String NAME;
    private static final int NTH;
    private static int seen;

    static {
        if (SPEC == null || SPEC.isBlank()) {
            NAME = null;
            NTH = 0;
        } else {
            int hash = SPEC.lastIndexOf('#');
            NAME = hash < 0 ? SPEC : SPEC.substring(0, hash);
            NTH = hash < 0 ? 1 : Integer.parseInt(SPEC.substring(hash + 1));
        }
    }

    private CrashPoint() {}

    /**
     * Marks that the process reached a point; stops here if it is the one asked for.
     *
     * @param name the point, e.g. {@code "before-rename model.json"}
     */
    public static void reach(String name) {
        if (NAME == null || !NAME.equals(name)) {
            return;
        }
        synchronized (CrashPoint.class) {
            if (++seen != NTH) {
                return;
            }
        }
        System.err.println("bottleneck: crash point " + name + "#" + NTH + " reached");
        System.err.flush();
        try {
            Thread.sleep(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(137);
    }
}
