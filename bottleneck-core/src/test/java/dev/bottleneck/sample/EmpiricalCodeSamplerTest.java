package dev.bottleneck.sample;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The histogram sampler of discrete codes: counts, draws in proportion, temperature, densities, errors. */
class EmpiricalCodeSamplerTest {

    // 4 codes of 2 positions over 3 values: position 0 is 0,0,0,1; position 1 is 2,2,1,2
    private static final int[] CODES = {0, 2, 0, 2, 0, 1, 1, 2};

    @Test
    void drawsEachPositionInProportionToItsHistogram() {
        EmpiricalCodeSampler s = EmpiricalCodeSampler.fit(CODES, 2, 3);
        assertThat(s.dimension()).isEqualTo(2);
        assertThat(s.probabilities(0)).containsExactly(0.75, 0.25, 0.0);
        assertThat(s.probabilities(1)).containsExactly(0.0, 0.25, 0.75);
        float[] draw = s.sample(20_000, 1, 7);
        int[][] counts = new int[2][3];
        for (int i = 0; i < draw.length; i++) {
            assertThat(draw[i]).isEqualTo((float) Math.rint(draw[i]));
            counts[i % 2][(int) draw[i]]++;
        }
        assertThat(counts[0][0] / 20_000.0).isCloseTo(0.75, within(0.02));
        assertThat(counts[0][2]).isZero();
        assertThat(counts[1][0]).isZero();
        assertThat(counts[1][2] / 20_000.0).isCloseTo(0.75, within(0.02));
        // the same seed gives the same codes
        assertThat(s.sample(50, 1, 3)).containsExactly(s.sample(50, 1, 3));
    }

    @Test
    void temperatureZeroTakesTheMostFrequentIndexAndLowTemperaturesSharpen() {
        EmpiricalCodeSampler s = EmpiricalCodeSampler.fit(CODES, 2, 3);
        float[] mode = s.sample(10, 0, 1);
        for (int i = 0; i < 10; i++) {
            assertThat(mode[2 * i]).isEqualTo(0f);
            assertThat(mode[2 * i + 1]).isEqualTo(2f);
        }
        float[] cool = s.sample(20_000, 0.5, 2);
        int zeros = 0;
        for (int i = 0; i < 20_000; i++) {
            zeros += cool[2 * i] == 0f ? 1 : 0;
        }
        // p^(1/T) with T = 0.5: 0.75^2 / (0.75^2 + 0.25^2) = 0.9
        assertThat(zeros / 20_000.0).isCloseTo(0.9, within(0.01));
    }

    @Test
    void logDensityIsTheSumOverPositions() {
        EmpiricalCodeSampler s = EmpiricalCodeSampler.fit(CODES, 2, 3);
        double[] lp = s.logDensity(new float[] {0, 2, 2, 2});
        assertThat(lp[0]).isCloseTo(2 * Math.log(0.75), within(1e-12));
        assertThat(lp[1]).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> s.logDensity(new float[] {0.5f, 1})).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void badCodesAndDrawsAreOneLineErrors() {
        assertThatThrownBy(() -> EmpiricalCodeSampler.fit(new int[] {0, 3}, 2, 3)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("outside 0..2");
        assertThatThrownBy(() -> EmpiricalCodeSampler.fit(new int[] {0, 1, 2}, 2, 3)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> EmpiricalCodeSampler.fit(new int[0], 2, 3)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> EmpiricalCodeSampler.fit(CODES, 2, 3).sample(3, -1, 0)).hasMessageContaining("--temperature");
        assertThat(Samplers.parse("codes").kind()).isEqualTo("codes");
        assertThat(Samplers.parse("codes").needsCodes()).isFalse();
    }
}
