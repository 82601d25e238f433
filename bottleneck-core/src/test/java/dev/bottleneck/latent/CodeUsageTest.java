package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The quantizers' health accumulator, code-index checks and the vector layouts. */
class CodeUsageTest {

    @Test
    void perplexityOfAKnownHistogram() {
        // p = (1/4, 1/4, 1/2): H = 1.5 ln 2 nats, perplexity 2^1.5
        assertThat(CodeUsage.perplexity(new long[] {1, 1, 2, 0})).isCloseTo(Math.pow(2, 1.5), within(1e-12));
        assertThat(CodeUsage.perplexity(new long[] {5, 5, 5, 5})).isCloseTo(4, within(1e-12));
        assertThat(CodeUsage.perplexity(new long[] {7, 0, 0})).isCloseTo(1, within(1e-12));
        assertThat(CodeUsage.perplexity(new long[] {0, 0})).isZero();
    }

    @Test
    void usageDeadCodesAndResets() {
        CodeUsage u = new CodeUsage(8);
        u.addCounts(new long[] {3, 3, 3, 3, 0, 0, 0, 0});
        u.addResets(2);
        assertThat(u.perplexity()).isCloseTo(4, within(1e-12));
        assertThat(u.usedFraction()).isEqualTo(0.5);
        assertThat(u.deadCodes()).isEqualTo(4);
        CodeUsage.Summary s = u.summary();
        assertThat(s.total()).isEqualTo(12);
        assertThat(s.resets()).isEqualTo(2);
        Map<String, Double> m = s.toMap();
        assertThat(m).containsEntry("codes_used_fraction", 0.5).containsEntry("dead_codes", 4.0).containsEntry("resets", 2.0);
        u.clear();
        assertThat(u.total()).isZero();
        assertThat(u.resets()).isZero();
        assertThat(u.deadCodes()).isEqualTo(8);
    }

    @Test
    void theEpochPerplexityComesFromTheEpochHistogramNotFromBatchMeans() {
        try (NDManager m = NDManager.newBaseManager()) {
            CodeUsage u = new CodeUsage(4);
            // each batch uses one code (batch perplexity 1), the epoch uses two equally: 2
            u.add(m.create(new long[] {0, 0, 0, 0}));
            u.add(m.create(new long[] {1, 1, 1, 1}));
            assertThat(u.perplexity()).isCloseTo(2, within(1e-12));
            assertThat(u.counts()).containsExactly(4, 4, 0, 0);
        }
    }

    @Test
    void positionsWithTheirOwnCodebooksCountInTheirOwnSlots() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 3 bits of 2 examples: bit 0 varies, bits 1 and 2 are always 1
            CodeUsage u = new CodeUsage(2, 3);
            u.add(m.create(new long[] {0, 1, 1, 1, 1, 1}, new Shape(2, 3)));
            assertThat(u.slots()).isEqualTo(6);
            assertThat(u.counts()).containsExactly(1, 1, 0, 2, 0, 2);
            assertThat(u.deadCodes()).isEqualTo(2);
            assertThatThrownBy(() -> u.add(m.create(new long[] {0, 1}, new Shape(1, 2)))).hasMessageContaining("3 positions");
            assertThatThrownBy(() -> u.add(m.create(new long[] {0, 2, 0}, new Shape(1, 3))))
                    .hasMessage("code 2 is out of range for a codebook of 2");
        }
    }

    @Test
    void codeIndicesAreCheckedWithAOneLineMessage() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> CodeIndices.check(m.create(new int[] {3, 600, 7}), 512))
                    .isInstanceOf(InvalidInputException.class).hasMessage("code 600 is out of range for a codebook of 512");
            assertThatThrownBy(() -> CodeIndices.check(m.create(new long[] {-1, 0}), 512))
                    .isInstanceOf(InvalidInputException.class).hasMessage("code -1 is out of range for a codebook of 512");
            assertThatThrownBy(() -> CodeIndices.check(m.create(new float[] {1f, 0.5f}), 512))
                    .isInstanceOf(InvalidInputException.class).hasMessage("codes must be whole numbers, got 0.5");
            assertThatThrownBy(() -> CodeIndices.check(m.create(new float[] {Float.NaN}), 512))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("codes must be whole numbers");
            NDArray ok = CodeIndices.check(m.create(new float[] {1f, 511f}), 512);
            assertThat(ok.toLongArray()).containsExactly(1, 511);
        }
    }

    @Test
    void flatAndGridLayoutsRoundTrip() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray flat = m.arange(24f).reshape(2, 12);
            VectorLayout f = VectorLayout.of(flat.getShape(), 4);
            NDArray v = f.toVectors(flat);
            assertThat(v.getShape()).isEqualTo(new Shape(6, 4));
            assertThat(v.get(1).toFloatArray()).containsExactly(4, 5, 6, 7); // example 0, vector 1
            assertThat(f.indexShape()).isEqualTo(new Shape(2, 3));
            assertThat(f.fromVectors(v).toFloatArray()).containsExactly(flat.toFloatArray());

            NDArray grid = m.arange(2f * 3 * 2 * 2).reshape(2, 3, 2, 2);
            VectorLayout g = VectorLayout.of(grid.getShape(), 3);
            NDArray gv = g.toVectors(grid);
            assertThat(gv.getShape()).isEqualTo(new Shape(8, 3));
            // the vector at example 0, position (0, 1) is channels 0..2 there: 1, 5, 9
            assertThat(gv.get(1).toFloatArray()).containsExactly(1, 5, 9);
            assertThat(g.indexShape()).isEqualTo(new Shape(2, 2, 2));
            assertThat(g.fromVectors(gv).toFloatArray()).containsExactly(grid.toFloatArray());
            assertThat(VectorLayout.ofIndices(new Shape(2, 2, 2), 3).batchShape()).isEqualTo(grid.getShape());

            assertThatThrownBy(() -> VectorLayout.of(new Shape(2, 10), 4)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("width 10 cannot be read as vectors of dimension 4");
            assertThatThrownBy(() -> VectorLayout.of(new Shape(2, 5, 7, 7), 4)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("5 channels");
        }
    }

    @Test
    void oldCallersOfLatentOutputGetNoMetrics() {
        LatentOutput o = new LatentOutput(null, Map.of());
        assertThat(o.metrics()).isEmpty();
        assertThat(new LatentOutput(null, null, null).lossTerms()).isEmpty();
    }
}
