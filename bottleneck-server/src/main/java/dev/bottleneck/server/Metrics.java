package dev.bottleneck.server;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request counters and latency percentiles, per route and in total, for {@code GET /metrics}.
 * Latencies are kept in a ring of the last {@value #WINDOW} requests per route (so percentiles
 * follow the current load); counts are totals since start. Thread-safe.
 */
public final class Metrics {

    /** Latencies kept per route for the percentiles. */
    public static final int WINDOW = 10_000;

    private final long started = System.nanoTime();
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Route total = new Route();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();

    /**
     * Records one finished request.
     *
     * @param route the route template, e.g. {@code "POST /api/models/{model}/encode"}, or the
     *     status text for paths that matched none
     * @param status the HTTP status sent
     * @param millis time spent handling it, milliseconds
     */
    public void record(String route, int status, double millis) {
        total.add(status, millis);
        routes.computeIfAbsent(route, r -> new Route()).add(status, millis);
        byStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
    }

    /** @return total requests recorded */
    public long requests() {
        return total.count.get();
    }

    /** @return requests answered with a status of 400 or more */
    public long errors() {
        return total.errors.get();
    }

    /**
     * A snapshot for JSON: {@code requests}, {@code errors}, {@code by_status}, {@code
     * latency_ms} ({@code p50}, {@code p90}, {@code p99}, {@code max} over the window) and the
     * same per route.
     *
     * @return the snapshot
     */
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uptime_s", (System.nanoTime() - started) / 1e9);
        m.putAll(total.toMap());
        Map<String, Long> st = new TreeMap<>();
        byStatus.forEach((k, v) -> st.put(String.valueOf(k), v.get()));
        m.put("by_status", st);
        Map<String, Object> r = new TreeMap<>();
        routes.forEach((k, v) -> r.put(k, v.toMap()));
        m.put("routes", r);
        return m;
    }

    /** Counts and a latency ring of one route. */
    private static final class Route {
        final AtomicLong count = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        private final double[] ring = new double[WINDOW];
        private long filled;

        void add(int status, double millis) {
            count.incrementAndGet();
            if (status >= 400) {
                errors.incrementAndGet();
            }
            synchronized (this) {
                ring[(int) (filled++ % WINDOW)] = millis;
            }
        }

        Map<String, Object> toMap() {
            double[] v;
            synchronized (this) {
                v = Arrays.copyOf(ring, (int) Math.min(filled, WINDOW));
            }
            Arrays.sort(v);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", count.get());
            m.put("errors", errors.get());
            Map<String, Object> lat = new LinkedHashMap<>();
            lat.put("window", v.length);
            lat.put("p50", pct(v, 0.50));
            lat.put("p90", pct(v, 0.90));
            lat.put("p99", pct(v, 0.99));
            lat.put("max", v.length == 0 ? 0 : v[v.length - 1]);
            m.put("latency_ms", lat);
            return m;
        }

        /** Nearest-rank percentile of sorted values; 0 when empty. */
        private static double pct(double[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, i))] * 1000) / 1000.0;
        }
    }
}
