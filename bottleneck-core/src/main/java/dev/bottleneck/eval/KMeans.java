package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * k-means clustering in plain Java: k-means++ seeding (Arthur and Vassilvitskii 2007), Lloyd
 * iterations, several restarts keeping the one of lowest inertia, as scikit-learn's {@code
 * KMeans(init="k-means++", algorithm="lloyd")} does (without its greedy extra seeding trials).
 *
 * <p><b>Seeding</b>: the first centre is a row drawn uniformly; each next one is a row drawn with
 * probability proportional to its squared distance to the nearest centre chosen so far ({@code D^2}
 * sampling). <b>Lloyd</b>: assign each row to the nearest centroid (Euclidean), then move each
 * centroid to the mean of its rows. It stops when no assignment changes, or when the summed squared
 * movement of the centroids is at most {@code tolerance} times the mean per-feature variance of the
 * data (scikit-learn's relative {@code tol}), or after {@code maxIterations}; a last assignment then
 * makes the returned assignments those of the returned centroids. A cluster left empty is given the
 * row farthest from its centroid (as scikit-learn relocates empty clusters).
 *
 * <p><b>Speed</b>: rows are one flat row-major {@code float[]}; the nearest centroid minimizes {@code
 * ||c||^2 - 2 x.c} with float dot products computed two rows by two centroids at a time ({@link Dots}),
 * rows in chunks of 1,024 on the common fork-join pool; Hamerly's (2010) distance bounds skip the
 * rows whose nearest centroid cannot have changed (most rows after the first iterations); the
 * centroid sums are kept in double and updated by the rows that moved. Each number is computed in
 * a fixed order, so the result depends on the seed only, not on the thread count. Measured on
 * MNIST's training set ({@code 60,000 x 784} pixels in [0, 1], {@code k = 10}, 2 shared cores):
 * about 3 s a restart (70 Lloyd iterations), 9-11 s with the default {@value #DEFAULT_RESTARTS}
 * restarts, with the C1 or the C2 JIT alike.
 *
 * @param k number of clusters, {@code >= 1} and at most the number of rows fitted
 * @param restarts independent seedings and Lloyd runs ({@code n_init}), {@code >= 1}
 * @param maxIterations most Lloyd iterations per restart, {@code >= 1}
 * @param tolerance relative tolerance on the centroid movement, {@code >= 0} (0: run until no
 *     assignment changes or {@code maxIterations})
 * @param seed seeds the restarts' seedings
 */
public record KMeans(int k, int restarts, int maxIterations, double tolerance, long seed) {

    /** Rows summed in float before their sum is added in double, in the centroid update. */
    static final int SUM_BLOCK = 1024;

    /** Default restarts. */
    public static final int DEFAULT_RESTARTS = 4;

    /** Default most Lloyd iterations per restart (scikit-learn's). */
    public static final int DEFAULT_MAX_ITERATIONS = 300;

    /** Default relative tolerance (scikit-learn's). */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    /**
     * Validates the settings.
     *
     * @throws InvalidInputException if a setting is out of range
     */
    public KMeans {
        if (k < 1) {
            throw new InvalidInputException("k-means needs k >= 1 clusters, got " + k);
        }
        if (restarts < 1) {
            throw new InvalidInputException("k-means needs at least 1 restart, got " + restarts);
        }
        if (maxIterations < 1) {
            throw new InvalidInputException("k-means needs at least 1 iteration, got " + maxIterations);
        }
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new InvalidInputException("k-means tolerance must be a finite number >= 0, got " + tolerance);
        }
    }

    /**
     * k-means with the default restarts ({@value #DEFAULT_RESTARTS}), iterations ({@value
     * #DEFAULT_MAX_ITERATIONS}) and tolerance ({@code 1e-4}).
     *
     * @param k number of clusters, {@code >= 1}
     * @param seed seeds the seedings
     * @return the settings
     * @throws InvalidInputException if {@code k < 1}
     */
    public static KMeans of(int k, long seed) {
        return new KMeans(k, DEFAULT_RESTARTS, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, seed);
    }

    /**
     * @param n restarts, {@code >= 1}
     * @return these settings with {@code n} restarts
     */
    public KMeans withRestarts(int n) {
        return new KMeans(k, n, maxIterations, tolerance, seed);
    }

    /**
     * @param n most Lloyd iterations per restart, {@code >= 1}
     * @return these settings with at most {@code n} iterations
     */
    public KMeans withMaxIterations(int n) {
        return new KMeans(k, restarts, n, tolerance, seed);
    }

    /**
     * @param tol relative tolerance, {@code >= 0}
     * @return these settings with tolerance {@code tol}
     */
    public KMeans withTolerance(double tol) {
        return new KMeans(k, restarts, maxIterations, tol, seed);
    }

    /**
     * A fitted clustering.
     *
     * @param assignments {@code (N)} cluster of each fitted row, in {@code [0, k)}
     * @param centroids {@code (k, D)} row-major cluster means, in the data's units
     * @param dims {@code D}, values per row
     * @param inertia sum over rows of the squared Euclidean distance to the assigned centroid (data
     *     units squared, not divided by {@code N})
     * @param iterations Lloyd iterations of the kept restart
     * @param converged whether the kept restart stopped by the tolerance or a fixed point rather
     *     than by {@code maxIterations}
     */
    public record Result(int[] assignments, float[] centroids, int dims, double inertia, int iterations,
                         boolean converged) {

        /** @return the number of clusters {@code k} */
        public int k() {
            return centroids.length / dims;
        }

        /**
         * Assigns rows to the nearest centroid.
         *
         * @param x {@code (M, D)} row-major values
         * @param rows {@code M >= 1}
         * @return {@code (M)} cluster indices
         * @throws InvalidInputException if {@code x} does not hold {@code M} rows of {@code D} values
         */
        public int[] predict(float[] x, int rows) {
            int d = checkRows(x, rows, "k-means predict");
            if (d != dims) {
                throw new InvalidInputException("k-means was fitted on " + dims + " values per row, got " + d);
            }
            int[] labels = new int[rows];
            assign(x, rows, d, centroids, k(), labels, null);
            return labels;
        }
    }

    /**
     * Clusters rows given as a Java matrix (copied to a flat array first).
     *
     * @param x {@code (N, D)} rows, all of length {@code D >= 1}
     * @return the clustering of lowest inertia among the restarts
     * @throws InvalidInputException if there are no rows, rows differ in length, a value is not
     *     finite or {@code k > N}
     */
    public Result fit(float[][] x) {
        return fit(flatten(x, "k-means"), x.length);
    }

    /**
     * Clusters rows.
     *
     * @param x {@code (N, D)} row-major values, any units (MNIST pixels in [0, 1] say)
     * @param rows {@code N >= k}
     * @return the clustering of lowest inertia among the restarts (the earliest on a tie)
     * @throws InvalidInputException if {@code N < 1}, {@code x.length} is not a positive multiple of
     *     {@code N}, a value is not finite or {@code k > N}
     */
    public Result fit(float[] x, int rows) {
        int d = checkRows(x, rows, "k-means");
        if (k > rows) {
            throw new InvalidInputException("k-means: k = " + k + " clusters but only " + rows + " rows");
        }
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new InvalidInputException("k-means: value " + x[i] + " at row " + i / d + ", column "
                        + i % d + " is not finite");
            }
        }
        double tolAbs = tolerance * meanVariance(x, rows, d);
        double[] rowNorms = rowNorms(x, rows, d);
        SplittableRandom master = new SplittableRandom(seed);
        Result best = null;
        for (int r = 0; r < restarts; r++) {
            Result run = lloyd(x, rows, d, plusPlus(x, rows, d, new SplittableRandom(master.nextLong())), tolAbs,
                    rowNorms);
            if (best == null || run.inertia() < best.inertia()) {
                best = run;
            }
        }
        return best;
    }

    /**
     * Lloyd's iterations from given centroids (for tests: the same start as a reference implementation).
     *
     * @param x {@code (N, D)} row-major values
     * @param rows {@code N}
     * @param initial {@code (k, D)} starting centroids
     * @return the clustering
     */
    Result fitFrom(float[] x, int rows, float[] initial) {
        int d = checkRows(x, rows, "k-means");
        return lloyd(x, rows, d, initial.clone(), tolerance * meanVariance(x, rows, d), rowNorms(x, rows, d));
    }

    private static double[] rowNorms(float[] x, int n, int d) {
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int f = 0; f < d; f++) {
                double v = x[i * d + f];
                s += v * v;
            }
            norms[i] = s;
        }
        return norms;
    }

    /** k-means++ seeding: {@code k} rows, each next drawn with probability proportional to D^2. */
    private float[] plusPlus(float[] x, int n, int d, SplittableRandom rnd) {
        float[] c = new float[k * d];
        int first = rnd.nextInt(n);
        System.arraycopy(x, first * d, c, 0, d);
        double[] d2 = new double[n];
        Arrays.fill(d2, Double.POSITIVE_INFINITY);
        for (int j = 1; j < k; j++) {
            updateNearest(x, n, d, c, j - 1, d2);
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int pick;
            if (total > 0) {
                double u = rnd.nextDouble() * total;
                pick = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += d2[i];
                    if (acc > u && d2[i] > 0) {
                        pick = i;
                        break;
                    }
                }
            } else {
                pick = rnd.nextInt(n); // fewer distinct rows than k: duplicates are relocated later
            }
            System.arraycopy(x, pick * d, c, j * d, d);
        }
        return c;
    }

    /** {@code d2[i] = min(d2[i], ||x_i - c_j||^2)}. */
    private static void updateNearest(float[] x, int n, int d, float[] c, int j, double[] d2) {
        int off = j * d;
        IntStream.range(0, Dots.chunks(n)).parallel().forEach(ch -> {
            int to = Math.min(n, (ch + 1) * Dots.CHUNK);
            for (int i = ch * Dots.CHUNK; i < to; i++) {
                double s = fastSquaredDistance(x, i * d, c, off, d);
                if (s < d2[i]) {
                    d2[i] = s;
                }
            }
        });
    }

    /**
     * Lloyd's iterations from the centroids {@code c}, with Hamerly's (2010) bounds to skip rows whose
     * nearest centroid cannot have changed: {@code u[i]} bounds the distance to the assigned centroid
     * from above, {@code l[i]} the distance to every other one from below. A row is looked at only
     * when {@code u[i] > max(l[i], s[a])}, {@code s[a]} half the distance from its centroid to the
     * nearest other one; then {@code u[i]} is recomputed, and only if the test still fails are all
     * {@code k} distances computed. After the centroids move, {@code u[i]} grows by its centroid's
     * move and {@code l[i]} shrinks by the largest move of another centroid. The assignments are
     * those of plain Lloyd (up to float round-off in near-ties).
     */
    private Result lloyd(float[] x, int n, int d, float[] c, double tolAbs, double[] rowNorms) {
        int[] labels = new int[n];
        int[] previous = new int[n];
        double[] upper = new double[n];
        double[] lower = new double[n];
        double[] sums = new double[k * d];
        int[] counts = new int[k];
        int it = 0;
        boolean converged = false;
        boolean full = true; // every row gets all k distances (first iteration, after a relocation)
        while (it < maxIterations) {
            hamerlyAssign(x, n, d, c, rowNorms, labels, upper, lower, full);
            it++;
            if (it > 1 && Arrays.equals(labels, previous)) {
                converged = true; // a fixed point: the centroids would not move
                break;
            }
            full = relocateEmpty(x, n, d, c, labels, counts);
            updateSums(x, n, d, labels, it == 1 ? null : previous, sums);
            float[] next = centroids(sums, counts, d);
            double shift = 0;
            double[] moved = new double[k];
            for (int j = 0; j < k; j++) {
                double m = squaredDistance(next, j * d, c, j * d, d);
                shift += m;
                moved[j] = Math.sqrt(m);
            }
            c = next;
            System.arraycopy(labels, 0, previous, 0, n);
            if (shift <= tolAbs) {
                converged = true;
                break;
            }
            if (!full) {
                loosenBounds(labels, upper, lower, moved);
            }
        }
        // the assignments of the returned centroids, with exact distances for the inertia
        double[] dist = new double[n];
        assign(x, n, d, c, k, labels, dist);
        double inertia = 0;
        for (double v : dist) {
            inertia += v;
        }
        return new Result(labels, c, d, inertia, it, converged);
    }

    /** {@code u[i] += move[a_i]}; {@code l[i] -= } the largest move among the other centroids. */
    private void loosenBounds(int[] labels, double[] upper, double[] lower, double[] moved) {
        int top = 0;
        for (int j = 1; j < k; j++) {
            if (moved[j] > moved[top]) {
                top = j;
            }
        }
        double second = 0;
        for (int j = 0; j < k; j++) {
            if (j != top) {
                second = Math.max(second, moved[j]);
            }
        }
        double first = moved[top];
        for (int i = 0; i < labels.length; i++) {
            int a = labels[i];
            upper[i] += moved[a];
            lower[i] -= a == top ? second : first;
        }
    }

    /**
     * One assignment step with Hamerly's bounds (see {@link #lloyd}); {@code full} computes all
     * {@code k} distances of every row. Rows that need all distances are gathered per chunk and go
     * through {@link Dots#rowsAt}; {@code u} is then the distance to the nearest centroid (float,
     * four partial sums), {@code l} the float estimate {@code sqrt(||x||^2 + ||c||^2 - 2 x.c)} of
     * the second nearest.
     */
    private void hamerlyAssign(float[] x, int n, int d, float[] c, double[] rowNorms, int[] labels, double[] upper,
                               double[] lower, boolean full) {
        float[] norms = norms(c, k, d);
        double[] half = new double[k]; // half the distance to the nearest other centroid
        Arrays.fill(half, Double.POSITIVE_INFINITY);
        for (int j = 0; j < k; j++) {
            for (int m = j + 1; m < k; m++) {
                double h = 0.5 * Math.sqrt(squaredDistance(c, j * d, c, m * d, d));
                half[j] = Math.min(half[j], h);
                half[m] = Math.min(half[m], h);
            }
        }
        IntStream.range(0, Dots.chunks(n)).parallel().forEach(ch -> {
            int from = ch * Dots.CHUNK;
            int to = Math.min(n, from + Dots.CHUNK);
            int[] list = new int[to - from];
            int count = 0;
            for (int i = from; i < to; i++) {
                if (!full) {
                    int a = labels[i];
                    double bound = Math.max(half[a], lower[i]);
                    if (upper[i] <= bound) {
                        continue;
                    }
                    upper[i] = Math.sqrt(fastSquaredDistance(x, i * d, c, a * d, d));
                    if (upper[i] <= bound) {
                        continue;
                    }
                }
                list[count++] = i;
            }
            if (count == 0) {
                return;
            }
            float[] dots = new float[count * k];
            Dots.rowsAt(x, list, count, d, c, k, dots);
            for (int t = 0; t < count; t++) {
                int i = list[t];
                int o = t * k;
                float best = Float.POSITIVE_INFINITY;
                float next = Float.POSITIVE_INFINITY;
                int label = 0;
                for (int j = 0; j < k; j++) {
                    float v = norms[j] - 2 * dots[o + j];
                    if (v < best) {
                        next = best;
                        best = v;
                        label = j;
                    } else if (v < next) {
                        next = v;
                    }
                }
                labels[i] = label;
                upper[i] = Math.sqrt(fastSquaredDistance(x, i * d, c, label * d, d));
                lower[i] = next == Float.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY
                        : Math.sqrt(Math.max(0, rowNorms[i] + next));
            }
        });
    }

    /**
     * Counts the rows of every cluster and gives each empty cluster the row farthest from its
     * centroid (rows taken once, ties: lower index), as scikit-learn relocates empty clusters.
     *
     * @return whether a row was moved (the bounds are then recomputed)
     */
    private boolean relocateEmpty(float[] x, int n, int d, float[] c, int[] labels, int[] counts) {
        Arrays.fill(counts, 0);
        for (int l : labels) {
            counts[l]++;
        }
        boolean any = false;
        for (int j = 0; j < k && !any; j++) {
            any = counts[j] == 0;
        }
        if (!any) {
            return false;
        }
        double[] dist = new double[n];
        for (int i = 0; i < n; i++) {
            dist[i] = squaredDistance(x, i * d, c, labels[i] * d, d);
        }
        boolean[] taken = new boolean[n];
        for (int j = 0; j < k; j++) {
            if (counts[j] > 0) {
                continue;
            }
            int far = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && counts[labels[i]] > 1 && (far < 0 || dist[i] > dist[far])) {
                    far = i;
                }
            }
            if (far < 0) {
                continue; // cannot happen while k <= N
            }
            taken[far] = true;
            counts[labels[far]]--;
            labels[far] = j;
            counts[j] = 1;
        }
        return true;
    }

    /**
     * Brings the per-cluster sums of rows ({@code (k, D)}, double) up to date with {@code labels}:
     * from scratch when there are no previous labels or more than a quarter of the rows moved, else
     * by moving only the rows whose cluster changed (late Lloyd iterations move few rows).
     */
    private void updateSums(float[] x, int n, int d, int[] labels, int[] previous, double[] sums) {
        int moved = 0;
        if (previous != null) {
            for (int i = 0; i < n; i++) {
                moved += labels[i] != previous[i] ? 1 : 0;
            }
        }
        if (previous == null || moved > n / 4) {
            sumAll(x, n, d, labels, sums);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] != previous[i]) {
                int xo = i * d;
                int from = previous[i] * d;
                int to = labels[i] * d;
                for (int f = 0; f < d; f++) {
                    sums[from + f] -= x[xo + f];
                    sums[to + f] += x[xo + f];
                }
            }
        }
    }

    /**
     * Per-cluster sums of rows from scratch, features split across tasks of 64; each task sums
     * blocks of {@value #SUM_BLOCK} rows in float and adds the block sums in double.
     */
    private void sumAll(float[] x, int n, int d, int[] labels, double[] sums) {
        Arrays.fill(sums, 0);
        int width = 64;
        int tasks = (d + width - 1) / width;
        IntStream.range(0, tasks).parallel().forEach(t -> {
            int from = t * width;
            int to = Math.min(d, from + width);
            int w = to - from;
            float[] acc = new float[k * w];
            for (int start = 0; start < n; start += SUM_BLOCK) {
                Arrays.fill(acc, 0f);
                int end = Math.min(n, start + SUM_BLOCK);
                for (int i = start; i < end; i++) {
                    int xo = i * d + from;
                    int ao = labels[i] * w;
                    for (int f = 0; f < w; f++) {
                        acc[ao + f] += x[xo + f];
                    }
                }
                for (int j = 0; j < k; j++) {
                    for (int f = 0; f < w; f++) {
                        sums[j * d + from + f] += acc[j * w + f];
                    }
                }
            }
        });
    }

    /** Cluster means from sums and counts; every cluster has rows here. */
    private float[] centroids(double[] sums, int[] counts, int d) {
        float[] c = new float[k * d];
        for (int j = 0; j < k; j++) {
            double inv = 1.0 / counts[j];
            for (int f = 0; f < d; f++) {
                c[j * d + f] = (float) (sums[j * d + f] * inv);
            }
        }
        return c;
    }

    /**
     * Nearest centroid of every row, {@code labels[i]}, and its exact squared distance {@code
     * dist[i]} (summed in double). The search minimizes {@code ||c||^2 - 2 x.c} with the float dot
     * products of {@link Dots}; ties go to the lower centroid index.
     *
     * @param dist where the distances go, or null for none
     */
    static void assign(float[] x, int n, int d, float[] c, int k, int[] labels, double[] dist) {
        float[] norms = norms(c, k, d);
        Dots.forEachChunk(x, n, d, c, k, (from, to, dots) -> {
            for (int i = from; i < to; i++) {
                int o = (i - from) * k;
                float best = Float.POSITIVE_INFINITY;
                int label = 0;
                for (int j = 0; j < k; j++) {
                    float v = norms[j] - 2 * dots[o + j];
                    if (v < best) {
                        best = v;
                        label = j;
                    }
                }
                labels[i] = label;
                if (dist != null) {
                    dist[i] = squaredDistance(x, i * d, c, label * d, d);
                }
            }
        });
    }

    private static float[] norms(float[] c, int k, int d) {
        float[] norms = new float[k];
        for (int j = 0; j < k; j++) {
            float s = 0;
            for (int f = 0; f < d; f++) {
                float v = c[j * d + f];
                s += v * v;
            }
            norms[j] = s;
        }
        return norms;
    }

    /**
     * {@code ||x - c||^2} in float with four partial sums (for instruction-level parallelism): the
     * bounds and the seeding, where a relative error near {@code 1e-7} is harmless.
     */
    private static float fastSquaredDistance(float[] x, int xo, float[] c, int co, int d) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int f = 0;
        for (; f + 4 <= d; f += 4) {
            float e0 = x[xo + f] - c[co + f];
            float e1 = x[xo + f + 1] - c[co + f + 1];
            float e2 = x[xo + f + 2] - c[co + f + 2];
            float e3 = x[xo + f + 3] - c[co + f + 3];
            s0 += e0 * e0;
            s1 += e1 * e1;
            s2 += e2 * e2;
            s3 += e3 * e3;
        }
        for (; f < d; f++) {
            float e = x[xo + f] - c[co + f];
            s0 += e * e;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double squaredDistance(float[] x, int xo, float[] c, int co, int d) {
        double s = 0;
        for (int f = 0; f < d; f++) {
            double e = x[xo + f] - c[co + f];
            s += e * e;
        }
        return s;
    }

    private static double meanVariance(float[] x, int n, int d) {
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < d; f++) {
                mean[f] += x[i * d + f];
            }
        }
        for (int f = 0; f < d; f++) {
            mean[f] /= n;
        }
        double var = 0;
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < d; f++) {
                double e = x[i * d + f] - mean[f];
                var += e * e;
            }
        }
        return var / ((double) n * d);
    }

    /**
     * Checks that {@code x} holds {@code rows} rows of equal length and returns that length.
     *
     * @throws InvalidInputException if {@code rows < 1} or {@code x.length} is not a positive multiple of {@code rows}
     */
    static int checkRows(float[] x, int rows, String who) {
        if (x == null || rows < 1 || x.length == 0) {
            throw new InvalidInputException(who + " needs at least one row, got " + Math.max(0, rows)
                    + " rows and " + (x == null ? 0 : x.length) + " values");
        }
        if (x.length % rows != 0) {
            throw new InvalidInputException(who + ": " + x.length + " values do not make " + rows + " rows of equal length");
        }
        return x.length / rows;
    }

    /**
     * Copies a Java matrix to a flat row-major array.
     *
     * @throws InvalidInputException if there are no rows, a row is empty or rows differ in length
     */
    static float[] flatten(float[][] x, String who) {
        if (x == null || x.length == 0 || x[0] == null || x[0].length == 0) {
            throw new InvalidInputException(who + " needs at least one non-empty row, got none");
        }
        int d = x[0].length;
        float[] flat = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new InvalidInputException(who + ": row " + i + " has " + (x[i] == null ? 0 : x[i].length)
                        + " values, row 0 has " + d);
            }
            System.arraycopy(x[i], 0, flat, i * d, d);
        }
        return flat;
    }
}
