package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Reference NMI and ARI values come from scikit-learn 1.2.1 ({@code normalized_mutual_info_score},
 * {@code adjusted_rand_score}, called with the same vectors); accuracies are worked out by hand in
 * the comments.
 */
class ClusteringMetricsTest {

    private static final double EPS = 1e-12;

    @Test
    void aRenamedPerfectClusteringScoresOne() {
        ClusteringMetrics m = ClusteringMetrics.of(new int[] {0, 0, 1, 1, 2, 2}, new int[] {1, 1, 2, 2, 0, 0});
        assertThat(m.accuracy()).isEqualTo(1.0);
        assertThat(m.nmi()).isCloseTo(1.0, within(EPS));
        assertThat(m.ari()).isCloseTo(1.0, within(EPS));
        assertThat(m.mapping()).containsExactly(1, 2, 0);
    }

    @Test
    void matchesScikitLearnOnASquareCase() {
        int[] clusters = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
        int[] labels = {0, 0, 1, 1, 1, 2, 2, 2, 2, 0};
        ClusteringMetrics m = ClusteringMetrics.of(clusters, labels);
        // confusion rows {2,1,0}, {0,2,1}, {1,0,3}: the diagonal keeps 7 of 10
        assertThat(m.confusion()).isDeepEqualTo(new long[][] {{2, 1, 0}, {0, 2, 1}, {1, 0, 3}});
        assertThat(m.accuracy()).isCloseTo(0.7, within(EPS));
        assertThat(m.mapping()).containsExactly(0, 1, 2);
        assertThat(m.nmi()).isCloseTo(0.4427012833460501, within(EPS));
        assertThat(m.ari()).isCloseTo(0.20454545454545456, within(EPS));
    }

    @Test
    void moreClustersThanClassesLeavesAClusterUnmappedAndCountsItWrong() {
        int[] clusters = {1, 1, 0, 0, 0, 2, 2, 2, 3, 3, 3, 3};
        int[] labels = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0};
        ClusteringMetrics m = ClusteringMetrics.of(clusters, labels);
        // confusion {1,2,0}, {2,0,0}, {0,2,1}, {1,0,3}: cluster 1 -> 0 (2), cluster 0 or 2 -> 1 (2),
        // cluster 3 -> 2 (3): 7 of 12; the fourth cluster has no class
        assertThat(m.accuracy()).isCloseTo(7.0 / 12, within(EPS));
        assertThat(m.confusion()).hasDimensions(4, 3);
        int[] map = m.mapping();
        assertThat(map).containsOnlyOnce(-1);
        assertThat(map).contains(0, 1, 2);
        long kept = 0;
        for (int k = 0; k < 4; k++) {
            kept += map[k] < 0 ? 0 : m.confusion()[k][map[k]];
        }
        assertThat(kept).isEqualTo(7);
        assertThat(m.nmi()).isCloseTo(0.48270987152311606, within(EPS));
        assertThat(m.ari()).isCloseTo(0.20532319391634982, within(EPS));

        // fewer clusters than classes: the same data with the roles swapped
        ClusteringMetrics t = ClusteringMetrics.of(labels, clusters);
        assertThat(t.accuracy()).isCloseTo(7.0 / 12, within(EPS));
        assertThat(t.mapping()).doesNotContain(-1).doesNotHaveDuplicates();
        assertThat(t.nmi()).isCloseTo(m.nmi(), within(EPS));
        assertThat(t.ari()).isCloseTo(m.ari(), within(EPS));
    }

    @Test
    void limitCasesFollowScikitLearn() {
        // one cluster for two classes: nothing learned
        ClusteringMetrics one = ClusteringMetrics.of(new int[] {0, 0, 0, 0}, new int[] {0, 1, 0, 1});
        assertThat(one.nmi()).isEqualTo(0.0);
        assertThat(one.ari()).isCloseTo(0.0, within(EPS));
        assertThat(one.accuracy()).isCloseTo(0.5, within(EPS));
        // both labelings one group, a single example, all singletons: 1
        ClusteringMetrics both = ClusteringMetrics.of(new int[] {0, 0, 0}, new int[] {2, 2, 2});
        assertThat(both.nmi()).isEqualTo(1.0);
        assertThat(both.ari()).isEqualTo(1.0);
        assertThat(both.accuracy()).isEqualTo(1.0);
        assertThat(ClusteringMetrics.of(new int[] {0}, new int[] {0}).ari()).isEqualTo(1.0);
        ClusteringMetrics singletons = ClusteringMetrics.of(new int[] {0, 1, 2, 3}, new int[] {3, 2, 1, 0});
        assertThat(singletons.nmi()).isCloseTo(1.0, within(EPS));
        assertThat(singletons.ari()).isEqualTo(1.0);
        // worse than chance: ARI negative
        ClusteringMetrics crossed = ClusteringMetrics.of(new int[] {0, 0, 1, 1}, new int[] {0, 1, 0, 1});
        assertThat(crossed.nmi()).isEqualTo(0.0);
        assertThat(crossed.ari()).isCloseTo(-0.5, within(EPS));
    }

    @Test
    void unusedClustersGiveZeroRowsAndChangeNothing() {
        int[] clusters = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
        int[] labels = {0, 0, 1, 1, 1, 2, 2, 2, 2, 0};
        ClusteringMetrics m = ClusteringMetrics.of(clusters, 6, labels, 3);
        assertThat(m.confusion()).hasDimensions(6, 3);
        assertThat(m.accuracy()).isCloseTo(0.7, within(EPS));
        assertThat(m.nmi()).isCloseTo(0.4427012833460501, within(EPS));
        assertThat(m.ari()).isCloseTo(0.20454545454545456, within(EPS));
    }

    @Test
    void hungarianFindsTheOptimumOfRandomMatrices() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rnd.nextInt(6);
            long[][] cost = new long[n][n];
            for (long[] row : cost) {
                for (int j = 0; j < n; j++) {
                    row[j] = rnd.nextInt(trial % 2 == 0 ? 4 : 1000) - (trial % 3 == 0 ? 500 : 0); // ties, negatives
                }
            }
            int[] col = ClusteringMetrics.assign(cost);
            assertThat(col).hasSize(n).doesNotHaveDuplicates();
            long got = 0;
            for (int i = 0; i < n; i++) {
                got += cost[i][col[i]];
            }
            assertThat(got).as("trial " + trial).isEqualTo(bruteForceMin(cost, 0, new boolean[n]));
        }
    }

    private static long bruteForceMin(long[][] cost, int row, boolean[] used) {
        if (row == cost.length) {
            return 0;
        }
        long best = Long.MAX_VALUE;
        for (int j = 0; j < cost.length; j++) {
            if (!used[j]) {
                used[j] = true;
                best = Math.min(best, cost[row][j] + bruteForceMin(cost, row + 1, used));
                used[j] = false;
            }
        }
        return best;
    }

    @Test
    void badInputIsAOneLineError() {
        assertThatThrownBy(() -> ClusteringMetrics.of(new int[0], new int[0]))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one example");
        assertThatThrownBy(() -> ClusteringMetrics.of(new int[] {0, 1}, new int[] {0}))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("2 cluster indices but 1 labels");
        assertThatThrownBy(() -> ClusteringMetrics.of(new int[] {0, -1}, new int[] {0, 1}))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> ClusteringMetrics.of(new int[] {0, 3}, 3, new int[] {0, 1}, 2))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("outside [0, 3)");
        assertThatThrownBy(() -> ClusteringMetrics.of(new int[] {0}, 0, new int[] {0}, 1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 1 cluster");
    }
}
