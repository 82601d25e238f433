package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HammingRetrievalTest {

    private static final int A = 0;
    private static final int B = 1;

    /** Five 4-bit database codes and their labels. */
    private static final long[] DB = {0b0001, 0b0000, 0b0011, 0b1000, 0b0000};
    private static final int[] DB_LABELS = {A, B, A, B, A};

    @Test
    void tinyExampleMatchesTheHandComputation() {
        BinaryCodes db = BinaryCodes.of(DB, 5, 4);
        // query 0 = 0000 (A): distances 1,0,2,1,0 -> ranking 1(B) 4(A) 0(A) 3(B) 2(A), relevant at
        // ranks 2, 3, 5: AP = (1/2 + 2/3 + 3/5) / 3 = 53/90.
        // query 1 = 0011 (B): distances 1,2,0,3,2 -> ranking 2(A) 0(A) 1(B) 4(A) 3(B), relevant at
        // ranks 3, 5: AP = (1/3 + 2/5) / 2 = 33/90.
        // query 2 = 1111 with label 7: no relevant item, left out of the mAP.
        BinaryCodes q = BinaryCodes.of(new long[] {0b0000, 0b0011, 0b1111}, 3, 4);
        assertThat(HammingRetrieval.ranking(q, 0, db)).containsExactly(1, 4, 0, 3, 2);
        assertThat(HammingRetrieval.ranking(q, 1, db)).containsExactly(2, 0, 1, 4, 3);
        HammingRetrieval.Result r = HammingRetrieval.evaluate(q, new int[] {A, B, 7}, db, DB_LABELS, 2);
        assertThat(r.averagePrecision()[0]).isCloseTo(53.0 / 90, within(1e-12));
        assertThat(r.averagePrecision()[1]).isCloseTo(33.0 / 90, within(1e-12));
        assertThat(r.averagePrecision()[2]).isNaN();
        assertThat(r.queriesWithoutRelevant()).isEqualTo(1);
        assertThat(r.meanAveragePrecision()).isCloseTo(43.0 / 90, within(1e-12));
        // precision at 2: query 0 keeps 1(B) 4(A) = 1/2, query 1 keeps 2(A) 0(A) = 0, query 2 = 0
        assertThat(r.precisionAtK()).isCloseTo(0.5 / 3, within(1e-12));
        assertThat(r.k()).isEqualTo(2);
        // k past the database: precision over all N items
        HammingRetrieval.Result all = HammingRetrieval.evaluate(q, new int[] {A, B, 7}, db, DB_LABELS, 100);
        assertThat(all.precisionAtK()).isCloseTo((3.0 / 5 + 2.0 / 5 + 0) / 3, within(1e-12));
    }

    @Test
    void perfectCodesGiveMapOne() {
        // each label has its own code: every relevant item is ranked before every other
        long[] words = {5, 9, 5, 9, 9, 5};
        int[] labels = {0, 1, 0, 1, 1, 0};
        BinaryCodes c = BinaryCodes.of(words, 6, 4);
        HammingRetrieval.Result r = HammingRetrieval.evaluate(c, labels, c, labels, 3);
        assertThat(r.meanAveragePrecision()).isEqualTo(1.0);
        assertThat(r.precisionAtK()).isEqualTo(1.0);
    }

    /** Against a plain sort, for one- and two-word codes. */
    @Test
    void agreesWithSortingTheDatabase() {
        Random rnd = new Random(11);
        for (int bits : new int[] {13, 64, 70}) {
            int n = 400;
            int m = 37;
            boolean[][] db = new boolean[n][bits];
            boolean[][] qs = new boolean[m][bits];
            int[] dbLabels = new int[n];
            int[] qLabels = new int[m];
            for (int i = 0; i < n; i++) {
                dbLabels[i] = rnd.nextInt(4);
                for (int b = 0; b < bits; b++) {
                    db[i][b] = rnd.nextInt(3) == 0; // skewed bits: many ties at small distances
                }
            }
            for (int i = 0; i < m; i++) {
                qLabels[i] = rnd.nextInt(5); // label 4 never occurs in the database
                for (int b = 0; b < bits; b++) {
                    qs[i][b] = rnd.nextInt(3) == 0;
                }
            }
            BinaryCodes dbc = BinaryCodes.fromBits(db);
            BinaryCodes qc = BinaryCodes.fromBits(qs);
            int k = 25;
            HammingRetrieval.Result r = HammingRetrieval.evaluate(qc, qLabels, dbc, dbLabels, k);
            double sum = 0;
            int counted = 0;
            double precision = 0;
            for (int i = 0; i < m; i++) {
                int qi = i;
                Integer[] order = new Integer[n];
                for (int j = 0; j < n; j++) {
                    order[j] = j;
                }
                Arrays.sort(order, Comparator.comparingInt((Integer j) -> qc.hamming(qi, dbc, j)).thenComparingInt(j -> j));
                assertThat(HammingRetrieval.ranking(qc, i, dbc)).containsExactly(Arrays.stream(order).mapToInt(j -> j).toArray());
                int found = 0;
                double ap = 0;
                for (int rank = 1; rank <= n; rank++) {
                    if (dbLabels[order[rank - 1]] == qLabels[i]) {
                        found++;
                        ap += (double) found / rank;
                    }
                    if (rank == k) {
                        precision += (double) found / k;
                    }
                }
                if (found > 0) {
                    assertThat(r.averagePrecision()[i]).isCloseTo(ap / found, within(1e-12));
                    sum += ap / found;
                    counted++;
                }
            }
            assertThat(r.meanAveragePrecision()).as(bits + " bits").isCloseTo(sum / counted, within(1e-12));
            assertThat(r.precisionAtK()).isCloseTo(precision / m, within(1e-12));
            assertThat(r.queriesWithoutRelevant()).isEqualTo(m - counted);
        }
    }

    @Test
    void badInputIsAOneLineError() {
        BinaryCodes db = BinaryCodes.of(DB, 5, 4);
        BinaryCodes q = BinaryCodes.of(new long[] {0}, 1, 4);
        assertThatThrownBy(() -> HammingRetrieval.evaluate(q, new int[] {0, 1}, db, DB_LABELS, 1))
                .isInstanceOf(InvalidInputException.class).hasMessage("retrieval: 1 query codes but 2 labels");
        assertThatThrownBy(() -> HammingRetrieval.evaluate(q, new int[] {0}, db, new int[] {0}, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("5 database codes but 1 labels");
        assertThatThrownBy(() -> HammingRetrieval.evaluate(BinaryCodes.of(new long[] {0}, 1, 5), new int[] {0}, db, DB_LABELS, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("codes of 5 bits against codes of 4 bits");
        assertThatThrownBy(() -> HammingRetrieval.evaluate(q, new int[] {0}, db, DB_LABELS, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("k >= 1");
        assertThatThrownBy(() -> HammingRetrieval.evaluate(q, new int[] {9}, db, DB_LABELS, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("mAP is undefined");
    }
}
