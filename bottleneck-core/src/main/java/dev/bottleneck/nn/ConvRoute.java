package dev.bottleneck.nn;

import java.util.Locale;

/**
 * How {@link Conv2d} computes a convolution whose output-channel count is not a multiple of
 * {@link #BLOCK} while gradients are recorded.
 *
 * <p>Why: libtorch 2.7.1 runs CPU convolutions on oneDNN 3.7.1, whose {@code jit:avx512_core}
 * (and {@code jit:avx2}) {@code backward_data} kernels compute the input gradient of a
 * convolution with fewer than 16 output channels wrongly on some AVX-512 machines (AMD EPYC
 * Zen 5 under KVM: 7-20 of 20 random trials wrong, about half of them NaN; issue 9 and
 * {@code ../shared/DESIGN.md}, "Known DJL / libtorch pitfalls"). Forward passes and weight
 * gradients are right, and so is every case with 16 or 32 output channels. The last layer of an
 * image decoder has 1 or 3 channels, so without a work-around convolutional training diverges
 * there.
 *
 * <ul>
 *   <li>{@link #PADDED} (the default): the weight {@code (C_out, C_in, kH, kW)} gets fixed zero
 *       filters up to the next multiple of 16 output channels, the convolution runs with that
 *       many, and the output is sliced back to {@code C_out}. The zero filters take no gradient
 *       (they are constants), the result and the gradients are the same numbers, and oneDNN runs
 *       the configuration it computes right. It costs the extra memory traffic of the padded
 *       output, measured in {@code docs/benchmarks.md} (issue 9).
 *   <li>{@link #DIRECT}: the convolution as DJL's {@code Conv2d} runs it. Only for machines whose
 *       kernels {@code bottleneck doctor} found right, or for measuring the cost of the padding.
 * </ul>
 *
 * <p>Inference (no gradient recorded) always takes the direct route: forward results are right.
 * The route is read from the system property {@code bottleneck.conv.route} or, if unset, the
 * environment variable {@code BOTTLENECK_CONV_ROUTE} ({@code padded} or {@code direct}), and can
 * be set at run time with {@link #set(ConvRoute)}.
 */
public enum ConvRoute {
    /** Pad the output channels with zero filters to a multiple of {@link #BLOCK}, then slice. */
    PADDED,
    /** Call the engine's convolution as it is. */
    DIRECT;

    /** The channel block oneDNN's AVX-512 kernels use, and the padding target. */
    public static final int BLOCK = 16;

    private static volatile ConvRoute current = fromConfiguration();

    /**
     * @return the route in force
     */
    public static ConvRoute current() {
        return current;
    }

    /**
     * Sets the route for every {@link Conv2d} of this JVM from the next forward pass on.
     *
     * @param route the route
     * @throws NullPointerException if {@code route} is null
     */
    public static void set(ConvRoute route) {
        current = java.util.Objects.requireNonNull(route, "route");
    }

    /**
     * Parses a route name.
     *
     * @param name {@code padded} or {@code direct}, any case
     * @return the route
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ConvRoute parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "padded" -> PADDED;
            case "direct" -> DIRECT;
            default -> throw new IllegalArgumentException("unknown convolution route '" + name + "' (known: padded, direct)");
        };
    }

    private static ConvRoute fromConfiguration() {
        String v = System.getProperty("bottleneck.conv.route");
        if (v == null || v.isBlank()) {
            v = System.getenv("BOTTLENECK_CONV_ROUTE");
        }
        if (v == null || v.isBlank()) {
            return PADDED;
        }
        try {
            return parse(v);
        } catch (IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(ConvRoute.class).warn("{}; using padded", e.getMessage());
            return PADDED;
        }
    }

    /**
     * @param channels an output-channel count
     * @return {@code channels} rounded up to a multiple of {@link #BLOCK}
     */
    public static long padded(long channels) {
        return (channels + BLOCK - 1) / BLOCK * BLOCK;
    }
}
