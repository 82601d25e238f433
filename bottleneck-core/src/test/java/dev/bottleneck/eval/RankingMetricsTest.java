package dev.bottleneck.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bottleneck.InvalidInputException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** AUROC, AUPRC and threshold metrics against values worked out by hand, ties included, and against brute force. */
class RankingMetricsTest {

    private static boolean[] labels(int... v) {
        boolean[] b = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i] == 1;
        }
        return b;
    }

    @Test
    void scikitLearnsDocumentationExample() {
        // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75; average_precision_score == 0.8333...
        float[] s = {0.1f, 0.4f, 0.35f, 0.8f};
        boolean[] y = labels(0, 0, 1, 1);
        assertThat(Auroc.of(s, y)).isCloseTo(0.75, within(1e-12));
        // descending: 0.8 (+) P=1 R=1/2; 0.4 (-) P=1/2 R=1/2; 0.35 (+) P=2/3 R=1 -> 1/2 + 1/2 * 2/3
        assertThat(Auprc.of(s, y)).isCloseTo(0.5 + 0.5 * 2.0 / 3.0, within(1e-12));
    }

    @Test
    void tiesGetMidranksAndEnterThePrecisionRecallCurveTogether() {
        float[] s = {1, 1, 2, 2, 3};
        boolean[] y = labels(0, 1, 0, 1, 1);
        // midranks ascending: score 1 -> 1.5, score 2 -> 3.5, score 3 -> 5; R+ = 1.5 + 3.5 + 5 = 10
        // AUROC = (10 - 3*4/2) / (3*2) = 4/6
        assertThat(Auroc.of(s, y)).isCloseTo(4.0 / 6.0, within(1e-12));
        // thresholds 3, 2, 1: (P, R) = (1, 1/3), (2/3, 2/3), (3/5, 1) -> 1/3 + 1/3*2/3 + 1/3*3/5 = 34/45
        assertThat(Auprc.of(s, y)).isCloseTo(34.0 / 45.0, within(1e-12));
    }

    @Test
    void allTiedIsChanceAndPerfectOrReversedOrderIsOneOrZero() {
        float[] same = {7, 7, 7, 7, 7};
        boolean[] y = labels(1, 0, 0, 1, 0);
        assertThat(Auroc.of(same, y)).isEqualTo(0.5);
        assertThat(Auprc.of(same, y)).isCloseTo(2.0 / 5.0, within(1e-12)); // one threshold: precision = prevalence
        float[] s = {0.1f, 0.2f, 0.3f, 0.9f, 1.0f};
        boolean[] up = labels(0, 0, 0, 1, 1);
        boolean[] down = labels(1, 1, 0, 0, 0);
        assertThat(Auroc.of(s, up)).isEqualTo(1.0);
        assertThat(Auprc.of(s, up)).isEqualTo(1.0);
        assertThat(Auroc.of(s, down)).isEqualTo(0.0);
        // negative zero and zero are the same score
        assertThat(Auroc.of(new float[] {-0.0f, 0.0f}, labels(1, 0))).isEqualTo(0.5);
    }

    @Test
    void agreesWithPairwiseCountingOnRandomDataWithManyTies() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 50 + r.nextInt(200);
            float[] s = new float[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                y[i] = r.nextDouble() < 0.3;
                s[i] = r.nextInt(12) + (y[i] ? r.nextInt(4) : 0) - 5; // few distinct values: many ties, some negative
            }
            y[0] = true;
            y[1] = false;
            double pairs = 0;
            double wins = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (y[i] && !y[j]) {
                        pairs++;
                        wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    }
                }
            }
            assertThat(Auroc.of(s, y)).isCloseTo(wins / pairs, within(1e-12));
            assertThat(Auprc.of(s, y)).isCloseTo(bruteForceAp(s, y), within(1e-12));
        }
    }

    /** Average precision straight from the definition: for each distinct threshold t, flag score >= t. */
    private static double bruteForceAp(float[] s, boolean[] y) {
        float[] t = s.clone();
        java.util.Arrays.sort(t);
        int positives = 0;
        for (boolean b : y) {
            positives += b ? 1 : 0;
        }
        double ap = 0;
        double prevRecall = 0;
        Float prev = null;
        for (int k = t.length - 1; k >= 0; k--) {
            if (prev != null && prev == t[k]) {
                continue;
            }
            prev = t[k];
            int tp = 0;
            int flagged = 0;
            for (int i = 0; i < s.length; i++) {
                if (s[i] >= t[k]) {
                    flagged++;
                    tp += y[i] ? 1 : 0;
                }
            }
            double recall = (double) tp / positives;
            ap += (recall - prevRecall) * tp / flagged;
            prevRecall = recall;
        }
        return ap;
    }

    @Test
    void rocCurveRunsFromTheOriginToOneOnePerDistinctScore() {
        double[][] c = Auroc.curve(new float[] {1, 1, 2, 2, 3}, labels(0, 1, 0, 1, 1));
        assertThat(c[0]).containsExactly(0, 0, 0.5, 1);
        assertThat(c[1]).containsExactly(0, 1.0 / 3, 2.0 / 3, 1);
    }

    @Test
    void precisionRecallAndF1AtAThreshold() {
        // flagged (> 0.5): scores 0.6 (+), 0.7 (-), 0.9 (+); missed: 0.2 (+); 0.1 (-) and 0.5 (-) are right
        ThresholdMetrics m = ThresholdMetrics.of(new float[] {0.1f, 0.2f, 0.5f, 0.6f, 0.7f, 0.9f}, labels(0, 1, 0, 1, 0, 1), 0.5);
        assertThat(m.truePositives()).isEqualTo(2);
        assertThat(m.falsePositives()).isEqualTo(1);
        assertThat(m.falseNegatives()).isEqualTo(1);
        assertThat(m.trueNegatives()).isEqualTo(2);
        assertThat(m.precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-12));
        ThresholdMetrics none = ThresholdMetrics.of(new float[] {0.1f, 0.2f}, labels(0, 1), 1.0);
        assertThat(none.precision()).isZero();
        assertThat(none.f1()).isZero();
    }

    @Test
    void oneClassOnlyOrNanIsAClearError() {
        assertThatThrownBy(() -> Auroc.of(new float[] {1, 2}, labels(0, 0)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("both normal and anomalous").hasMessageContaining("2 normal");
        assertThatThrownBy(() -> Auprc.of(new float[] {1, 2}, labels(1, 1))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Auroc.of(new float[] {1, Float.NaN}, labels(0, 1))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("NaN");
    }
}
