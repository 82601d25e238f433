package dev.bottleneck.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bottleneck.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code DataSources.Options.keepLabel}: training on one class (anomaly fit --normal-label). */
class KeepLabelTest {

    @TempDir
    Path tmp;

    @Test
    void keepsTheRowsOfOneTextOrIntegerLabel() throws IOException {
        Path text = tmp.resolve("t.csv");
        Files.writeString(text, "a,b,state\n1,2,ok\n3,4,bad\n5,6,ok\n");
        DataSources.Options o = new DataSources.Options(null, "state", null, null).keeping("ok");
        Dataset d = DataSources.load(DataSpec.parse("csv:" + text), o);
        assertThat(d.values()).containsExactly(1, 2, 5, 6);
        assertThat(d.name()).contains("label ok");

        Path ints = tmp.resolve("i.csv");
        Files.writeString(ints, "a,y\n1,0\n2,1\n3,1.0\n4,0\n");
        Dataset one = DataSources.load(DataSpec.parse("csv:" + ints), new DataSources.Options(null, "y", null, null, "1"));
        assertThat(one.values()).containsExactly(2, 3);
    }

    @Test
    void classNamesOrIndicesOfImageDatasets() {
        Dataset d = Dataset.builder("imgs", Dataset.Kind.IMAGE).exampleShape(1, 1, 2).rawMax(255)
                .values(new float[] {1, 1, 2, 2, 3, 3}).labels(new int[] {0, 1, 1}).classNames(List.of("cat", "dog")).build();
        assertThat(DataSources.keepLabel(d, "dog").values()).containsExactly(2, 2, 3, 3);
        assertThat(DataSources.keepLabel(d, "0").values()).containsExactly(1, 1);
        assertThatThrownBy(() -> DataSources.keepLabel(d, "bird")).isInstanceOf(InvalidInputException.class)
                .hasMessage("imgs: no example has label 'bird' (labels: cat, dog)");
        Dataset unlabelled = Dataset.builder("u", Dataset.Kind.TABLE).exampleShape(1).values(new float[] {1}).build();
        assertThatThrownBy(() -> DataSources.keepLabel(unlabelled, "1")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has no labels").hasMessageContaining("--label-column");
    }
}
