package dev.bottleneck.data;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CorruptionTest {

    private static final int N = 200;
    private static final Shape IMAGES = new Shape(N, 1, 20, 25);

    @BeforeEach
    void seed() {
        Engine.getInstance().setRandomSeed(1234);
    }

    /** Tolerance of a binomial proportion: 5 standard deviations. */
    private static double tol(double p, long n) {
        return 5 * Math.sqrt(p * (1 - p) / n);
    }

    @Test
    void maskDropsTheStatedFractionAndKeepsTheRest() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0.1f, 1f, IMAGES);
            Corruption.Corrupted c = Corruption.parse("mask:0.3", 0, 1).apply(x);
            assertThat(c.input().getShape()).isEqualTo(IMAGES);
            float[] in = x.toFloatArray();
            float[] out = c.input().toFloatArray();
            float[] keep = c.keep().toFloatArray();
            long dropped = 0;
            for (int i = 0; i < in.length; i++) {
                assertThat(keep[i]).isIn(0f, 1f);
                assertThat(out[i]).isEqualTo(keep[i] == 1f ? in[i] : 0f);
                dropped += keep[i] == 0f ? 1 : 0;
            }
            assertThat(dropped / (double) in.length).isCloseTo(0.3, within(tol(0.3, in.length)));
        }
    }

    @Test
    void theByteTrainingPathDropsExactlyDyadicFractionsAndFollowsTheEngineSeed() {
        // p = 0.5 and 0.25 take the random-byte path; the fraction dropped matches p, the kept
        // values of dropout are scaled by 1/(1-p), and the same engine seed gives the same masks.
        for (double p : new double[] {0.5, 0.25}) {
            float[][] runs = new float[2][];
            for (int r = 0; r < 2; r++) {
                ai.djl.engine.Engine.getInstance().setRandomSeed(5);
                try (NDManager m = NDManager.newBaseManager()) {
                    NDArray x = m.full(IMAGES, 0.8f);
                    runs[r] = Corruption.parse("dropout:" + p, 0, 1).corruptInput(x).toFloatArray();
                }
            }
            assertThat(runs[1]).containsExactly(runs[0]);
            long zeros = 0;
            for (float v : runs[0]) {
                assertThat(v).isCloseTo(v == 0f ? 0f : (float) (0.8 / (1 - p)), within(1e-6f));
                zeros += v == 0f ? 1 : 0;
            }
            assertThat(zeros / (double) runs[0].length).isCloseTo(p, within(tol(p, runs[0].length)));
        }
        ai.djl.engine.Engine.getInstance().setRandomSeed(6);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] other = Corruption.parse("dropout:0.5", 0, 1).corruptInput(m.full(IMAGES, 0.8f)).toFloatArray();
            ai.djl.engine.Engine.getInstance().setRandomSeed(5);
            float[] first = Corruption.parse("dropout:0.5", 0, 1).corruptInput(m.full(IMAGES, 0.8f)).toFloatArray();
            assertThat(other).as("another seed, other masks").isNotEqualTo(first);
        }
    }

    @Test
    void theFusedTrainingPathHasTheSameStatistics() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(IMAGES, 0.8f);
            float[] masked = Corruption.parse("mask:0.3", 0, 1).corruptInput(x).toFloatArray();
            float[] dropped = Corruption.parse("dropout:0.3", 0, 1).corruptInput(x).toFloatArray();
            long zerosMask = 0;
            long zerosDrop = 0;
            for (int i = 0; i < masked.length; i++) {
                assertThat(masked[i]).isIn(0f, 0.8f);
                assertThat(dropped[i]).isCloseTo(dropped[i] == 0f ? 0f : 0.8f / 0.7f, within(1e-6f));
                zerosMask += masked[i] == 0f ? 1 : 0;
                zerosDrop += dropped[i] == 0f ? 1 : 0;
            }
            assertThat(zerosMask / (double) masked.length).isCloseTo(0.3, within(tol(0.3, masked.length)));
            assertThat(zerosDrop / (double) dropped.length).isCloseTo(0.3, within(tol(0.3, dropped.length)));
        }
    }

    @Test
    void dropoutRescalesTheKeptValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(IMAGES);
            Corruption.Corrupted c = Corruption.parse("dropout:0.5", -1, 1).apply(x);
            float[] out = c.input().toFloatArray();
            double mean = 0;
            for (float v : out) {
                assertThat(v).isIn(0f, 2f);
                mean += v;
            }
            mean /= out.length;
            // expected value unchanged (1), within 5 sd of the mean of 2*Bernoulli(0.5)
            assertThat(mean).isCloseTo(1.0, within(5 * 1.0 / Math.sqrt(out.length)));
        }
    }

    @Test
    void gaussianHasTheStatedSpreadAndIsClippedToTheRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(IMAGES, 0.5f);
            float[] unbounded = Corruption.parse("gaussian:0.1", Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY).apply(x).input().toFloatArray();
            double mean = 0;
            double sq = 0;
            for (float v : unbounded) {
                mean += v - 0.5;
                sq += (v - 0.5) * (v - 0.5);
            }
            mean /= unbounded.length;
            double sd = Math.sqrt(sq / unbounded.length - mean * mean);
            assertThat(mean).isCloseTo(0, within(5 * 0.1 / Math.sqrt(unbounded.length)));
            assertThat(sd).isCloseTo(0.1, within(0.005));
            Corruption.Corrupted big = Corruption.parse("gaussian:2", 0, 1).apply(x);
            assertThat(big.keep()).isNull();
            for (float v : big.input().toFloatArray()) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void saltAndPepperHitsTheStatedFractionWithExtremes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(IMAGES, 0.25f);
            Corruption.Corrupted c = Corruption.parse("saltpepper:0.2", -1, 1).apply(x);
            float[] out = c.input().toFloatArray();
            long salt = 0;
            long pepper = 0;
            for (float v : out) {
                assertThat(v).isIn(0.25f, -1f, 1f);
                salt += v == 1f ? 1 : 0;
                pepper += v == -1f ? 1 : 0;
            }
            assertThat((salt + pepper) / (double) out.length).isCloseTo(0.2, within(tol(0.2, out.length)));
            assertThat(salt / (double) out.length).isCloseTo(0.1, within(tol(0.1, out.length)));
        }
    }

    @Test
    void blockRemovesOneSquarePerImageInEveryChannel() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape s = new Shape(50, 3, 12, 9);
            NDArray x = m.ones(s);
            float[] out = Corruption.parse("block:4", 0, 1).apply(x).input().toFloatArray();
            int plane = 12 * 9;
            for (int i = 0; i < 50; i++) {
                int minY = 99;
                int maxY = -1;
                int minX = 99;
                int maxX = -1;
                int zeros = 0;
                for (int y = 0; y < 12; y++) {
                    for (int xx = 0; xx < 9; xx++) {
                        float v = out[i * 3 * plane + y * 9 + xx];
                        for (int ch = 1; ch < 3; ch++) {
                            assertThat(out[i * 3 * plane + ch * plane + y * 9 + xx]).isEqualTo(v);
                        }
                        if (v == 0f) {
                            zeros++;
                            minY = Math.min(minY, y);
                            maxY = Math.max(maxY, y);
                            minX = Math.min(minX, xx);
                            maxX = Math.max(maxX, xx);
                        }
                    }
                }
                assertThat(zeros).isEqualTo(16);
                assertThat(maxY - minY).isEqualTo(3);
                assertThat(maxX - minX).isEqualTo(3);
            }
            assertThatThrownBy(() -> Corruption.parse("block:13", 0, 1).apply(x)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("larger than");
            assertThatThrownBy(() -> Corruption.parse("block:2", 0, 1).apply(m.ones(new Shape(4, 10))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("images");
        }
    }

    @Test
    void aMixtureUsesEachKind() {
        try (NDManager m = NDManager.newBaseManager()) {
            Corruption c = Corruption.parse("mask:0.5, block:3", 0, 1).withSeed(7);
            assertThat(c.spec()).isEqualTo("mask:0.5,block:3");
            int blocks = 0;
            int masks = 0;
            for (int i = 0; i < 40; i++) {
                float[] keep = c.apply(m.ones(new Shape(1, 1, 10, 10))).keep().toFloatArray();
                double kept = 0;
                for (float v : keep) {
                    kept += v;
                }
                if (kept == 91) {
                    blocks++;
                } else {
                    masks++;
                }
            }
            assertThat(blocks).isBetween(8, 32);
            assertThat(masks).isBetween(8, 32);
        }
    }

    @Test
    void badSpecsAreClearErrors() {
        assertThatThrownBy(() -> Corruption.parse("mask:1.5", 0, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("mask:1.5").hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> Corruption.parse("speckle:0.1", 0, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("unknown --noise 'speckle:0.1'");
        assertThatThrownBy(() -> Corruption.parse("gaussian:-1", 0, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("sigma");
        assertThatThrownBy(() -> Corruption.parse("block:0", 0, 1)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Corruption.parse("mask", 0, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Corruption.parse("saltpepper:0.1", Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("bounded");
        assertThatThrownBy(() -> Corruption.parse("mask:abc", 0, 1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a number");
    }
}
