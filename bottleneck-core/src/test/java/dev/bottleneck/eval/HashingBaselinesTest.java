package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** {@link RandomHyperplaneLsh} and {@link PcaItq}. */
class HashingBaselinesTest {

    /**
     * Labelled data with class structure: 10 classes, each a Gaussian of standard deviation 1
     * around a class mean of norm about 3.5 in 5 of the {@code d} dimensions (the rest is noise of
     * standard deviation 0.5), all offset by 0.5 (pixel-like data far from the origin).
     */
    private static float[] classes(int n, int d, long seed, int[] labels) {
        Random means = new Random(99); // the same classes for every seed
        float[][] mu = new float[10][d];
        for (float[] m : mu) {
            for (int f = 0; f < 5; f++) {
                m[f] = (float) (1.6 * means.nextGaussian());
            }
        }
        Random rnd = new Random(seed);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int c = rnd.nextInt(10);
            labels[i] = c;
            for (int f = 0; f < d; f++) {
                double noise = f < 5 ? 0.6 : 0.5;
                x[i * d + f] = (float) (0.5 + mu[c][f] + noise * rnd.nextGaussian());
            }
        }
        return x;
    }

    @Test
    void itqBeatsLshOnDataWithClassStructure() {
        int d = 40;
        int[] trainLabels = new int[3000];
        int[] testLabels = new int[300];
        float[] train = classes(3000, d, 1, trainLabels);
        float[] test = classes(300, d, 2, testLabels);
        for (int bits : new int[] {8, 16}) {
            RandomHyperplaneLsh lsh = RandomHyperplaneLsh.fit(train, 3000, bits, 3);
            PcaItq itq = PcaItq.fit(train, 3000, bits, 3);
            double lshMap = HammingRetrieval.evaluate(lsh.encode(test, 300), testLabels, lsh.encode(train, 3000),
                    trainLabels, 50).meanAveragePrecision();
            double itqMap = HammingRetrieval.evaluate(itq.encode(test, 300), testLabels, itq.encode(train, 3000),
                    trainLabels, 50).meanAveragePrecision();
            // measured: ITQ 0.62-0.67, LSH 0.23-0.34 over seeds 0-5
            assertThat(itqMap).as(bits + " bits: ITQ " + itqMap + " vs LSH " + lshMap).isGreaterThan(lshMap + 0.1);
            assertThat(lshMap).as("LSH beats chance (about 0.1)").isGreaterThan(0.15);
        }
    }

    @Test
    void itqQuantizationLossDecreases() {
        int[] labels = new int[2000];
        float[] x = classes(2000, 30, 4, labels);
        PcaItq itq = PcaItq.fit(x, 2000, 12, 5);
        double[] loss = itq.quantizationLoss();
        assertThat(loss).hasSize(PcaItq.DEFAULT_ITERATIONS + 1);
        for (int t = 1; t < loss.length; t++) {
            assertThat(loss[t]).as("iteration " + t).isLessThanOrEqualTo(loss[t - 1] * (1 + 1e-6));
        }
        assertThat(loss[loss.length - 1]).isLessThan(0.9 * loss[0]);
        // no iteration: PCA and the random rotation alone
        assertThat(PcaItq.fit(x, 2000, 12, 0, 5).quantizationLoss()).containsExactly(loss[0]);
    }

    @Test
    void codesHaveTheRequestedBitsAndDependOnlyOnTheSeed() {
        int[] labels = new int[500];
        float[] x = classes(500, 80, 6, labels);
        for (int bits : new int[] {1, 32, 64, 70}) {
            RandomHyperplaneLsh lsh = RandomHyperplaneLsh.fit(x, 500, bits, 7);
            PcaItq itq = PcaItq.fit(x, 500, bits, 10, 7);
            for (BinaryCodes c : new BinaryCodes[] {lsh.encode(x, 500), itq.encode(x, 500)}) {
                assertThat(c.bits()).isEqualTo(bits);
                assertThat(c.rows()).isEqualTo(500);
                assertThat(c.wordsPerRow()).isEqualTo((bits + 63) / 64);
            }
            assertThat(RandomHyperplaneLsh.fit(x, 500, bits, 7).encode(x, 500)).isEqualTo(lsh.encode(x, 500));
            assertThat(PcaItq.fit(x, 500, bits, 10, 7).encode(x, 500)).isEqualTo(itq.encode(x, 500));
            if (bits >= 32) {
                assertThat(RandomHyperplaneLsh.fit(x, 500, bits, 8).encode(x, 500)).isNotEqualTo(lsh.encode(x, 500));
                assertThat(PcaItq.fit(x, 500, bits, 10, 8).encode(x, 500)).isNotEqualTo(itq.encode(x, 500));
            }
        }
        // rows as a Java matrix give the same codes
        float[][] rows = new float[500][80];
        for (int i = 0; i < 500; i++) {
            System.arraycopy(x, i * 80, rows[i], 0, 80);
        }
        assertThat(RandomHyperplaneLsh.fit(rows, 16, 7).encode(rows)).isEqualTo(RandomHyperplaneLsh.fit(x, 500, 16, 7).encode(x, 500));
        assertThat(PcaItq.fit(rows, 16, 7).encode(rows)).isEqualTo(PcaItq.fit(x, 500, 16, 7).encode(x, 500));
        // centred bits are balanced: each LSH and ITQ bit is 1 for roughly half the rows
        BinaryCodes itq = PcaItq.fit(x, 500, 8, 1).encode(x, 500);
        for (int b = 0; b < 8; b++) {
            int ones = 0;
            for (int i = 0; i < 500; i++) {
                ones += itq.bit(i, b) ? 1 : 0;
            }
            assertThat(ones).as("ITQ bit " + b).isBetween(100, 400);
        }
    }

    @Test
    void codesAndScoresDoNotDependOnTheThreadCount() throws Exception {
        int n = 5000; // several chunks of rows
        int[] labels = new int[n];
        float[] x = classes(n, 30, 13, labels);
        java.util.concurrent.Callable<Object[]> run = () -> {
            PcaItq itq = PcaItq.fit(x, n, 16, 3);
            BinaryCodes lsh = RandomHyperplaneLsh.fit(x, n, 16, 3).encode(x, n);
            BinaryCodes codes = itq.encode(x, n);
            HammingRetrieval.Result r = HammingRetrieval.evaluate(codes, labels, codes, labels, 10);
            return new Object[] {codes, lsh, itq.quantizationLoss(), r.meanAveragePrecision(), r.averagePrecision()};
        };
        Object[] one = KMeansTest.inPool(1, run);
        Object[] three = KMeansTest.inPool(3, run);
        assertThat(java.util.Arrays.deepEquals(three, one)).as("codes, LSH codes, ITQ loss, mAP, APs").isTrue();
    }

    /** Charikar's property: two rows at angle theta differ in a bit with probability theta / pi. */
    @Test
    void lshBitsDifferInProportionToTheAngle() {
        // training rows u, -u, v, -v: mean 0, so the hash sees the vectors as they are
        int d = 20;
        float[] u = new float[d];
        float[] v = new float[d];
        u[0] = 1;
        v[0] = 0.5f; // 60 degrees from u
        v[1] = (float) Math.sqrt(0.75);
        float[] train = new float[4 * d];
        for (int f = 0; f < d; f++) {
            train[f] = u[f];
            train[d + f] = -u[f];
            train[2 * d + f] = v[f];
            train[3 * d + f] = -v[f];
        }
        int bits = 6000;
        BinaryCodes c = RandomHyperplaneLsh.fit(train, 4, bits, 9).encode(train, 4);
        assertThat((double) c.hamming(0, c, 2) / bits).isCloseTo(1.0 / 3, within(0.03));
        assertThat(c.hamming(0, c, 1)).isEqualTo(bits); // opposite vectors differ in every bit
    }

    @Test
    void covarianceMatchesTheDefinition() {
        int n = 300; // more than two blocks of rows
        int d = 21; // not a multiple of the task rows
        Random rnd = new Random(12);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(3) == 0 ? 0f : (float) (2 + rnd.nextGaussian()); // zeros are skipped
        }
        double[] mean = LinearHash.mean(x, n, d);
        org.ejml.data.DMatrixRMaj c = Covariance.of(x, n, d, mean);
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += (x[i * d + a] - mean[a]) * (x[i * d + b] - mean[b]);
                }
                assertThat(c.get(a, b)).as("(%d, %d)", a, b).isCloseTo(s / n, within(1e-5));
            }
        }
    }

    @Test
    void badInputIsAOneLineError() {
        float[] x = new float[10 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7;
        }
        assertThatThrownBy(() -> RandomHyperplaneLsh.fit(x, 10, 0, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessage("random-hyperplane LSH needs at least 1 bit, got 0");
        assertThatThrownBy(() -> PcaItq.fit(x, 10, 5, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessage("PCA-ITQ needs bits <= min(rows, values per row) = 4, got 5 bits");
        assertThatThrownBy(() -> PcaItq.fit(x, 10, 2, -1, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("iterations >= 0");
        assertThatThrownBy(() -> PcaItq.fit(new float[0], 0, 2, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one row");
        assertThatThrownBy(() -> RandomHyperplaneLsh.fit(x, 3, 2, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("40 values do not make 3 rows");
        float[] nan = x.clone();
        nan[5] = Float.NaN;
        assertThatThrownBy(() -> PcaItq.fit(nan, 10, 2, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("row 1, column 1 is not finite");
        PcaItq itq = PcaItq.fit(x, 10, 2, 0);
        assertThatThrownBy(() -> itq.encode(new float[5], 1)).isInstanceOf(InvalidInputException.class)
                .hasMessage("PCA-ITQ was fitted on 4 values per row, got 5");
        RandomHyperplaneLsh lsh = RandomHyperplaneLsh.fit(x, 10, 2, 0);
        assertThatThrownBy(() -> lsh.encode(new float[8], 4)).isInstanceOf(InvalidInputException.class)
                .hasMessage("random-hyperplane LSH was fitted on 4 values per row, got 2");
    }
}
