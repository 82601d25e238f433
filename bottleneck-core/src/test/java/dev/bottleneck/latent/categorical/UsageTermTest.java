package dev.bottleneck.latent.categorical;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The usage term log C - H(batch-mean q(y|x)): log C for a collapsed batch, 0 for a balanced one. */
class UsageTermTest {

    private static double usage(float[] logits, int n, int c) {
        GumbelSoftmaxLatent l = new GumbelSoftmaxLatent(new CategoricalConfig(1, c, true, TemperatureSchedule.constant(1), null, 0, 1));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray h = m.create(logits, new Shape(n, c));
            return l.forward(h, true).lossTerms().get("usage_penalty").getFloat();
        }
    }

    @Test
    void collapsedBatchesCostLogCAndBalancedOnesNothing() {
        // every example sure of category 0: the batch uses one category
        float[] collapsed = {20, 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0};
        assertThat(usage(collapsed, 4, 4)).isCloseTo(Math.log(4), within(1e-3));
        // each example sure of a different category: the batch mean is uniform
        float[] balanced = {20, 0, 0, 0, 0, 20, 0, 0, 0, 0, 20, 0, 0, 0, 0, 20};
        assertThat(usage(balanced, 4, 4)).isCloseTo(0, within(1e-3));
        assertThatThrownBy(() -> new CategoricalConfig(1, 4, true, null, null, 0, -1)).hasMessageContaining("usage weight");
    }
}
