package dev.bottleneck;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a failed allocation into a clear one-line {@link BottleneckException}: {@code "not enough
 * memory for the model's weights: 2,048,000,000,000 bytes needed (1.9 TiB); this machine has
 * 23.4 GiB"}. Two kinds of failure are recognised: the JVM's {@link OutOfMemoryError} (Java arrays:
 * decoded images, a loaded table), and libtorch's allocator refusing a native array, which DJL
 * reports as an {@code EngineException} whose message says {@code "you tried to allocate N
 * bytes"} (weights, the dataset on the native side).
 */
public final class OutOfMemory {

    private static final Pattern NATIVE = Pattern.compile("(?:tried to allocate|allocate)\\s+(\\d+)\\s+bytes");

    private OutOfMemory() {}

    /**
     * @param e any throwable
     * @return whether it, or a throwable in its cause chain, is a failed allocation
     */
    public static boolean isAllocationFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError || nativeBytes(t) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param e a throwable
     * @return the byte count of a native allocation that libtorch refused, or -1
     */
    static long nativeBytes(Throwable e) {
        String m = e.getMessage();
        if (m == null || !m.contains("alloc")) {
            return -1;
        }
        Matcher x = NATIVE.matcher(m);
        if (x.find()) {
            try {
                return Long.parseLong(x.group(1));
            } catch (NumberFormatException ignored) {
                return Long.MAX_VALUE;
            }
        }
        return m.contains("DefaultCPUAllocator") || m.contains("can't allocate memory") ? 0 : -1;
    }

    /**
     * The exception to throw for a failed allocation.
     *
     * @param what what was being allocated, e.g. {@code "the model's weights"}
     * @param bytesNeeded the size asked for, or {@code <= 0} when unknown (the native size from
     *     {@code cause} is used when there is one)
     * @param cause the allocation failure
     * @return {@code "not enough memory for <what>: N bytes needed (...); <what is available>"}
     */
    public static BottleneckException error(String what, long bytesNeeded, Throwable cause) {
        long bytes = bytesNeeded;
        boolean heap = false;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            long n = nativeBytes(t);
            if (n > 0 && bytes <= 0) {
                bytes = n;
            }
            heap |= t instanceof OutOfMemoryError;
        }
        StringBuilder sb = new StringBuilder("not enough memory for ").append(what);
        if (bytes > 0) {
            sb.append(String.format(Locale.ROOT, ": %,d bytes needed (%s)", bytes, human(bytes)));
        }
        if (heap) {
            Runtime rt = Runtime.getRuntime();
            sb.append(String.format(Locale.ROOT, "; the Java heap may grow to %s and %s of it is in use"
                    + " (raise the limit with BOTTLENECK_JAVA_OPTS=-Xmx...)", human(rt.maxMemory()), human(rt.totalMemory() - rt.freeMemory())));
        } else {
            long total = physicalMemory();
            if (total > 0) {
                sb.append(String.format(Locale.ROOT, "; this machine has %s", human(total)));
            }
        }
        return new BottleneckException(sb.toString(), cause);
    }

    /**
     * Rethrows an allocation failure as {@link #error}, anything else as it is.
     *
     * @param what what was being allocated
     * @param bytesNeeded the size asked for, or {@code <= 0} when unknown
     * @param e the failure
     * @return never returns; typed so callers can write {@code throw OutOfMemory.rethrow(...)}
     */
    public static RuntimeException rethrow(String what, long bytesNeeded, Throwable e) {
        if (isAllocationFailure(e)) {
            throw error(what, bytesNeeded, e);
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new BottleneckException(String.valueOf(e.getMessage()), e);
    }

    /**
     * @param bytes a size
     * @return it in binary units, e.g. {@code "1.9 TiB"}
     */
    static String human(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static long physicalMemory() {
        try {
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                return sun.getTotalMemorySize();
            }
        } catch (RuntimeException | LinkageError ignored) {
            // not available on this JVM
        }
        return -1;
    }
}
