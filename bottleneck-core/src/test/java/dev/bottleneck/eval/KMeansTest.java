package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KMeansTest {

    /** {@code k} Gaussian blobs of standard deviation 0.3 around centres 10 apart per axis, in {@code d} dims. */
    static float[] blobs(int n, int d, int k, long seed, int[] labels) {
        Random rnd = new Random(seed);
        float[][] centres = new float[k][d];
        for (float[] c : centres) {
            for (int f = 0; f < d; f++) {
                c[f] = 10 * rnd.nextInt(5);
            }
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = rnd.nextInt(k);
            labels[i] = c;
            for (int f = 0; f < d; f++) {
                x[i * d + f] = centres[c][f] + (float) (0.3 * rnd.nextGaussian());
            }
        }
        return x;
    }

    @Test
    void recoversWellSeparatedClusters() {
        int n = 3001; // odd: the last row of the last chunk is paired with itself
        int d = 17;
        int[] labels = new int[n];
        float[] x = blobs(n, d, 7, 5, labels);
        KMeans.Result r = KMeans.of(7, 1).fit(x, n);
        assertThat(ClusteringMetrics.of(r.assignments(), labels).accuracy()).isEqualTo(1.0);
        assertThat(r.converged()).isTrue();
        assertThat(r.k()).isEqualTo(7);
        assertThat(r.centroids()).hasSize(7 * d);
        // inertia is the sum of squared distances to the assigned centroids, each the nearest
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < 7; j++) {
                best = Math.min(best, sq(x, i, r.centroids(), j, d));
            }
            double own = sq(x, i, r.centroids(), r.assignments()[i], d);
            assertThat(own).isCloseTo(best, within(1e-4));
            inertia += own;
        }
        assertThat(r.inertia()).isCloseTo(inertia, within(1e-6 * inertia));
        // about d * 0.3^2 per row
        assertThat(r.inertia() / n).isCloseTo(d * 0.09, within(0.1 * d * 0.09));
        assertThat(r.predict(x, n)).isEqualTo(r.assignments());
    }

    @Test
    void isDeterministicForASeed() {
        int n = 2000;
        int[] labels = new int[n];
        float[] x = blobs(n, 9, 12, 8, labels); // 12 blobs on a coarse grid, k = 5: the seeding matters
        KMeans km = KMeans.of(5, 42).withRestarts(2);
        KMeans.Result a = km.fit(x, n);
        KMeans.Result b = km.fit(x, n);
        assertThat(b.assignments()).isEqualTo(a.assignments());
        assertThat(b.centroids()).isEqualTo(a.centroids());
        assertThat(b.inertia()).isEqualTo(a.inertia());
        // restarts keep the best: more restarts never give a higher inertia for the same seed
        assertThat(km.withRestarts(6).fit(x, n).inertia()).isLessThanOrEqualTo(a.inertia());
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() throws Exception {
        int n = 5000; // several chunks of rows
        int[] labels = new int[n];
        float[] x = blobs(n, 9, 12, 8, labels);
        KMeans km = KMeans.of(6, 5).withRestarts(2);
        KMeans.Result one = inPool(1, () -> km.fit(x, n));
        KMeans.Result three = inPool(3, () -> km.fit(x, n));
        assertThat(three.assignments()).isEqualTo(one.assignments());
        assertThat(three.centroids()).isEqualTo(one.centroids());
        assertThat(three.inertia()).isEqualTo(one.inertia());
    }

    /** Runs a task in a fork-join pool of the given parallelism, where its parallel streams run. */
    static <T> T inPool(int threads, java.util.concurrent.Callable<T> task) throws Exception {
        java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
        try {
            return pool.submit(task).get();
        } finally {
            pool.shutdown();
        }
    }

    /**
     * The same 300 points (three noisy rings in 2-D, a deterministic formula) that scikit-learn
     * 1.2.1 clusters with {@code KMeans(k, n_init=20, tol=1e-10, algorithm="lloyd")} on their
     * float64 values; its inertia is also the best of 50 single runs, so likely the optimum.
     */
    @Test
    void reachesScikitLearnsInertia() {
        int n = 300;
        float[] x = new float[2 * n];
        double[] cx = {0, 4, 1};
        double[] cy = {0, 1, 5};
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) (cx[i % 3] + Math.cos(i * 0.7) * 1.5 * Math.sin(i * 0.31));
            x[2 * i + 1] = (float) (cy[i % 3] + Math.sin(i * 1.3) * 1.2 * Math.cos(i * 0.17));
        }
        KMeans km = new KMeans(3, 10, 300, 1e-10, 0);
        assertThat(km.fit(x, n).inertia()).isCloseTo(276.7464885749102, within(1e-3));
        assertThat(new KMeans(5, 10, 300, 1e-10, 0).fit(x, n).inertia()).isCloseTo(200.5239575547576, within(1e-3));
    }

    /** Hamerly's bounds only skip work: the same start gives plain Lloyd's result, step for step. */
    @Test
    void boundsGiveTheAssignmentsOfPlainLloyd() {
        int n = 1500;
        int d = 6;
        int k = 9;
        Random rnd = new Random(21);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat(); // no cluster structure: many rows move, for many iterations
        }
        float[] init = new float[k * d];
        System.arraycopy(x, 0, init, 0, k * d);
        KMeans.Result fast = new KMeans(k, 1, 200, 0, 0).fitFrom(x, n, init);

        double[] c = new double[k * d];
        for (int e = 0; e < c.length; e++) {
            c[e] = init[e];
        }
        int[] labels = new int[n];
        int iterations = 0;
        for (boolean changed = true; changed; iterations++) {
            changed = false;
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bestD = Double.POSITIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double s = 0;
                    for (int f = 0; f < d; f++) {
                        double e = x[i * d + f] - c[j * d + f];
                        s += e * e;
                    }
                    if (s < bestD) {
                        bestD = s;
                        best = j;
                    }
                }
                changed |= iterations == 0 || labels[i] != best;
                labels[i] = best;
            }
            double[] sum = new double[k * d];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                count[labels[i]]++;
                for (int f = 0; f < d; f++) {
                    sum[labels[i] * d + f] += x[i * d + f];
                }
            }
            for (int e = 0; e < c.length; e++) {
                c[e] = sum[e] / count[e / d];
            }
        }
        assertThat(iterations).as("the reference needs many iterations").isGreaterThan(15);
        assertThat(fast.iterations()).isEqualTo(iterations);
        assertThat(fast.assignments()).isEqualTo(labels);
        for (int e = 0; e < c.length; e++) {
            assertThat((double) fast.centroids()[e]).isCloseTo(c[e], within(1e-5));
        }
    }

    @Test
    void fewerDistinctRowsThanClustersStillFillsEveryCluster() {
        // 3 distinct rows, each 4 times, k = 3: all clusters used, inertia 0
        float[][] rows = new float[12][];
        for (int i = 0; i < 12; i++) {
            rows[i] = new float[] {i % 3, 2 * (i % 3)};
        }
        KMeans.Result r = KMeans.of(3, 0).fit(rows);
        assertThat(r.inertia()).isEqualTo(0.0);
        assertThat(ClusteringMetrics.of(r.assignments(), new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}).accuracy())
                .isEqualTo(1.0);
        // k = N distinct rows: every row its own cluster (D^2 seeding never draws a row twice)
        KMeans.Result all = KMeans.of(5, 3).fit(new float[] {4, 1, 3, 0, 2}, 5);
        assertThat(all.assignments()).doesNotHaveDuplicates();
        assertThat(all.inertia()).isEqualTo(0.0);
        // 2 distinct rows, k = 3: the third centre duplicates one, its cluster is emptied and refilled
        KMeans.Result dup = KMeans.of(3, 0).fit(new float[] {0, 0, 0, 5, 5, 5}, 6);
        assertThat(dup.inertia()).isEqualTo(0.0);
        assertThat(dup.assignments()[0]).isEqualTo(dup.assignments()[1]).isNotEqualTo(dup.assignments()[3]);
    }

    @Test
    void badInputIsAOneLineError() {
        assertThatThrownBy(() -> KMeans.of(0, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessage("k-means needs k >= 1 clusters, got 0");
        assertThatThrownBy(() -> KMeans.of(3, 0).withRestarts(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KMeans.of(3, 0).withMaxIterations(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KMeans.of(3, 0).withTolerance(Double.NaN)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KMeans.of(3, 0).fit(new float[0], 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one row");
        assertThatThrownBy(() -> KMeans.of(3, 0).fit(new float[0][])).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KMeans.of(1, 0).fit(new float[] {1, 2, 3}, 2)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("3 values do not make 2 rows");
        assertThatThrownBy(() -> KMeans.of(1, 0).fit(new float[][] {{1, 2}, {3}})).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("row 1 has 1 values");
        assertThatThrownBy(() -> KMeans.of(4, 0).fit(new float[] {1, 2, 3}, 3)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("k = 4 clusters but only 3 rows");
        assertThatThrownBy(() -> KMeans.of(1, 0).fit(new float[] {1, Float.NaN}, 2)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not finite");
        KMeans.Result r = KMeans.of(1, 0).fit(new float[] {1, 2, 3, 4}, 2);
        assertThatThrownBy(() -> r.predict(new float[] {1, 2, 3}, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("fitted on 2 values per row, got 3");
    }

    private static double sq(float[] x, int i, float[] c, int j, int d) {
        double s = 0;
        for (int f = 0; f < d; f++) {
            double e = x[i * d + f] - c[j * d + f];
            s += e * e;
        }
        return s;
    }
}
