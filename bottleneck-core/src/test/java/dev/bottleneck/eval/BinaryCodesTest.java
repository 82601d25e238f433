package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BinaryCodesTest {

    @Test
    void packsBitsLeastSignificantFirstAcrossWords() {
        boolean[][] bits = new boolean[2][70];
        bits[0][0] = true;
        bits[0][63] = true;
        bits[0][64] = true;
        bits[1][69] = true;
        BinaryCodes c = BinaryCodes.fromBits(bits);
        assertThat(c.rows()).isEqualTo(2);
        assertThat(c.bits()).isEqualTo(70);
        assertThat(c.wordsPerRow()).isEqualTo(2);
        assertThat(c.words()).containsExactly(1L | 1L << 63, 1L, 0L, 1L << 5);
        assertThat(c.bit(0, 63)).isTrue();
        assertThat(c.bit(0, 62)).isFalse();
        assertThat(c.bit(1, 69)).isTrue();
        assertThat(c.hamming(0, c, 1)).isEqualTo(4);
        assertThat(c.hamming(1, c, 1)).isZero();
        assertThat(BinaryCodes.of(c.words(), 2, 70)).isEqualTo(c);
    }

    @Test
    void thresholdsRealValues() {
        float[] sigmoid = {0.9f, 0.1f, 0.5f, 0.51f, 0f, 1f};
        BinaryCodes c = BinaryCodes.fromThreshold(sigmoid, 2, 0.5f);
        assertThat(c.bits()).isEqualTo(3);
        assertThat(c.words()).containsExactly(0b001L, 0b101L); // 0.5 is not above 0.5
    }

    @Test
    void isImmutable() {
        long[] words = {3};
        BinaryCodes c = BinaryCodes.of(words, 1, 2);
        words[0] = 0;
        c.words()[0] = 0;
        assertThat(c.bit(0, 0)).isTrue();
    }

    @Test
    void badInputIsAOneLineError() {
        assertThatThrownBy(() -> BinaryCodes.of(new long[] {4}, 1, 2)).isInstanceOf(InvalidInputException.class)
                .hasMessage("binary codes: row 0 has bits set past bit 1");
        assertThatThrownBy(() -> BinaryCodes.of(new long[] {0}, 1, 65)).isInstanceOf(InvalidInputException.class)
                .hasMessage("binary codes: 1 rows of 65 bits need 2 64-bit words, got 1");
        assertThatThrownBy(() -> BinaryCodes.of(new long[] {0}, 1, 0)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least 1 bit");
        assertThatThrownBy(() -> BinaryCodes.of(new long[0], 0, 8)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one row");
        assertThatThrownBy(() -> BinaryCodes.fromBits(new boolean[][] {{true}, {true, false}}))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("row 1 has 2 bits, row 0 has 1");
        assertThatThrownBy(() -> BinaryCodes.fromBits(new boolean[0][])).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> BinaryCodes.fromThreshold(new float[] {1, 2, 3}, 2, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("do not make 2 rows");
        assertThatThrownBy(() -> BinaryCodes.fromThreshold(new float[] {Float.NaN}, 1, 0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("NaN");
    }
}
