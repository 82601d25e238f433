package dev.bottleneck.app;

import ai.djl.ndarray.NDManager;
import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GenerationTest {

    private static double norm(float[] z, int row, int k) {
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += z[row * k + j] * (double) z[row * k + j];
        }
        return Math.sqrt(s);
    }

    @Test
    void linearAndSphericalPathsJoinTheEnds() {
        float[] a = {3, 0, 0};
        float[] b = {0, 3, 0};
        float[] lin = Generation.path(a, b, 5, false);
        float[] sph = Generation.path(a, b, 5, true);
        assertThat(lin).hasSize(15);
        assertThat(new float[] {lin[0], lin[1], lin[12], lin[13]}).containsExactly(3f, 0f, 0f, 3f);
        assertThat(new float[] {sph[0], sph[1], sph[12], sph[13]}).containsExactly(3f, 0f, 0f, 3f);
        // the midpoint: linear cuts through the middle (norm 3/sqrt 2), slerp keeps the norm 3
        assertThat(norm(lin, 2, 3)).isCloseTo(3 / Math.sqrt(2), within(1e-5));
        for (int s = 0; s < 5; s++) {
            assertThat(norm(sph, s, 3)).isCloseTo(3, within(1e-5));
        }
        // parallel codes: slerp falls back to the linear path
        float[] p = Generation.path(new float[] {1, 1}, new float[] {2, 2}, 3, true);
        assertThat(p).containsExactly(1f, 1f, 1.5f, 1.5f, 2f, 2f);
    }

    @Test
    void manifoldGridIsEvenlySpacedInProbability() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] z = Generation.manifoldCodes(2, new double[] {0, 0}, new double[] {1, 1}, m);
            // quantiles 0.25 and 0.75 of N(0, 1): -/+0.6745; z1 high on the top row
            assertThat(z).hasSize(8);
            assertThat(z[0]).isCloseTo(-0.6745f, within(1e-3f));
            assertThat(z[1]).isCloseTo(0.6745f, within(1e-3f));
            assertThat(z[2]).isCloseTo(0.6745f, within(1e-3f));
            assertThat(z[7]).isCloseTo(-0.6745f, within(1e-3f));
            float[] shifted = Generation.manifoldCodes(3, new double[] {1, -2}, new double[] {2, 0.5}, m);
            assertThat(shifted[2 * 4]).as("the centre of a 3x3 grid").isCloseTo(1f, within(1e-5f));
            assertThat(shifted[2 * 4 + 1]).isCloseTo(-2f, within(1e-5f));
            assertThatThrownBy(() -> Generation.manifoldCodes(1, new double[2], new double[2], m))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("--size");
        }
    }
}
