package dev.bottleneck.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bottleneck.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandardizerTest {

    @Test
    void fitsPopulationMeanAndStdAndCentresConstantColumns() {
        // columns: (1, 3, 5) mean 3, population std sqrt(8/3); (7, 7, 7) constant; (1e6, 1e6+2, 1e6+4) far from zero
        float[] v = {1, 7, 1e6f, 3, 7, 1e6f + 2, 5, 7, 1e6f + 4};
        Standardizer s = Standardizer.fit(v, 3, List.of("a", "b", "c"));
        assertThat(s.mean()).containsExactly(3f, 7f, 1e6f + 2);
        assertThat(s.std()[0]).isCloseTo((float) Math.sqrt(8.0 / 3), within(1e-6f));
        assertThat(s.std()[1]).isEqualTo(1f);
        assertThat(s.std()[2]).isCloseTo((float) Math.sqrt(8.0 / 3), within(1e-3f)); // two-pass: no cancellation
        float[] z = v.clone();
        s.applyInPlace(z, 3);
        for (float x : z) {
            assertThat(Float.isFinite(x)).isTrue();
        }
        assertThat(new float[] {z[1], z[4], z[7]}).containsOnly(0f); // the constant column is centred
        assertThat(z[0] + z[3] + z[6]).isCloseTo(0f, within(1e-6f));
        s.invertInPlace(z);
        assertThat(z).containsExactly(v);
    }

    @Test
    void inputScalingStandardIsTheSameArithmetic() {
        float[] v = {0.3f, -2, 11, 4.5f, 0.7f, 9, -1.25f, 3, 10};
        Dataset d = Dataset.builder("t", Dataset.Kind.TABLE).exampleShape(3).values(v).build();
        InputScaling sc = InputScaling.fit("standard", d);
        Standardizer st = Standardizer.fit(v, 3, null);
        assertThat(sc.mean()).containsExactly(st.mean());
        assertThat(sc.std()).containsExactly(st.std());
        float[] viaScaling = sc.apply(d);
        float[] viaStandardizer = v.clone();
        st.applyInPlace(viaStandardizer, 3);
        assertThat(viaScaling).containsExactly(viaStandardizer); // bit for bit
    }

    @Test
    void roundTripsThroughJsonAndRejectsBadStatistics(@TempDir Path dir) {
        Standardizer s = Standardizer.fit(new float[] {1, 2, 3, 5}, 2, List.of("x", "y"));
        Path f = dir.resolve(Standardizer.FILE);
        s.write(f);
        Standardizer back = Standardizer.read(f);
        assertThat(back.columns()).containsExactly("x", "y");
        assertThat(back.mean()).containsExactly(s.mean());
        assertThat(back.std()).containsExactly(s.std());
        assertThatThrownBy(() -> new Standardizer(null, new float[] {0}, new float[] {0}))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("std > 0");
        dev.bottleneck.io.AtomicFiles.writeString(f, "{\"mean\": [1, 2], \"std\": [1]}");
        assertThatThrownBy(() -> Standardizer.read(f)).isInstanceOf(InvalidInputException.class).hasMessageContaining(f.toString());
    }
}
