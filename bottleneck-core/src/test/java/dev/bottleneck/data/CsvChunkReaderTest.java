package dev.bottleneck.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bottleneck.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunked CSV reading: the same values, labels and errors as {@link CsvLoader}, in bounded pieces. */
class CsvChunkReaderTest {

    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void chunksGiveTheSameValuesAndLabelsAsTheWholeFileLoader() throws IOException {
        Random r = new Random(1);
        StringBuilder sb = new StringBuilder("a,b,kind,c\n");
        for (int i = 0; i < 47; i++) {
            sb.append(String.format(Locale.ROOT, "%.4f, %.3e,%s,\"%d\"%n", r.nextGaussian(), r.nextGaussian() * 1e5,
                    i % 3 == 0 ? "bad" : "ok", r.nextInt(100)));
        }
        sb.append("\n\n"); // blank lines at the end are fine
        Path f = write("t.csv", sb.toString());
        Dataset whole = CsvLoader.load(f, "kind");
        try (CsvChunkReader rd = CsvChunkReader.open(f, "kind", true)) {
            assertThat(rd.columns()).isEqualTo(3);
            assertThat(rd.featureNames()).containsExactly("a", "b", "c");
            assertThat(rd.hasLabels()).isTrue();
            float[] all = new float[47 * 3];
            int[] labels = new int[47];
            float[] buf = new float[5 * 3];
            int[] lab = new int[5];
            int rows = 0;
            int n;
            while ((n = rd.read(buf, lab, 5)) > 0) {
                assertThat(n).isLessThanOrEqualTo(5);
                System.arraycopy(buf, 0, all, rows * 3, n * 3);
                System.arraycopy(lab, 0, labels, rows, n);
                rows += n;
            }
            assertThat(rows).isEqualTo(47);
            assertThat(rd.rowsRead()).isEqualTo(47);
            assertThat(all).containsExactly(whole.values());
            assertThat(rd.labelNames()).containsExactlyElementsOf(whole.classNames());
            assertThat(labels).containsExactly(whole.labels());
            assertThat(rd.integerLabels()).isNull();
            assertThat(rd.bytesRead()).isEqualTo(Files.size(f));
        }
    }

    @Test
    void headerlessSemicolonFilesAndIntegerLabels() throws IOException {
        Path f = write("s.csv", "1;2;0\n3;4;1.0\n5;6;1\n");
        try (CsvChunkReader rd = CsvChunkReader.open(f, "2", true)) {
            assertThat(rd.header()).isNull();
            float[] v = new float[6];
            int[] l = new int[3];
            assertThat(rd.read(v, l, 3)).isEqualTo(3);
            assertThat(v).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(rd.labelNames()).containsExactly("0", "1.0", "1");
            int[] ints = rd.integerLabels();
            assertThat(new int[] {ints[l[0]], ints[l[1]], ints[l[2]]}).containsExactly(0, 1, 1);
            assertThat(rd.read(v, l, 3)).isZero();
        }
    }

    @Test
    void aRememberedLabelColumnMayBeAbsentButAGivenOneMayNot() throws IOException {
        Path f = write("n.csv", "x,y\n1,2\n");
        try (CsvChunkReader rd = CsvChunkReader.open(f, "label", false)) {
            assertThat(rd.hasLabels()).isFalse();
            assertThat(rd.columns()).isEqualTo(2);
        }
        assertThatThrownBy(() -> CsvChunkReader.open(f, "label", true)).isInstanceOf(InvalidInputException.class)
                .hasMessage(f + ": no column 'label' (columns: x, y)");
    }

    @Test
    void badCellsNameTheRowAndColumnAsCsvLoaderDoes() throws IOException {
        assertError("x,y\n1,2\n3,abc\n", "row 3, column 2 (\"y\"): not a number: 'abc'");
        assertError("x,y\n1,2\n3,\n", "row 3, column 2 (\"y\"): empty cell");
        assertError("x,y\n1,NaN\n", "row 2, column 2 (\"y\"): NaN is not allowed");
        assertError("x,y\n1,1e39\n", "row 2, column 2 (\"y\"): out of float32 range");
        assertError("x,y\n1,2\n3,4,5\n", "row 3: 3 cells but the header has 2");
        assertError("x,y\n1,2\n\n3,4\n", "row 3: blank line between rows (row 4 follows)");
        assertError("", "empty file");
        assertError("\n\n", "empty file");
    }

    private void assertError(String text, String message) throws IOException {
        Path f = write("bad.csv", text);
        assertThatThrownBy(() -> {
            try (CsvChunkReader rd = CsvChunkReader.open(f, null, true)) {
                float[] v = new float[100];
                while (rd.read(v, null, 10) > 0) {
                    // read to the end
                }
            }
        }).isInstanceOf(InvalidInputException.class).hasMessageStartingWith(f + ": ").hasMessageContaining(message);
        // and the whole-file loader says the same
        if (!text.isBlank()) {
            assertThatThrownBy(() -> CsvLoader.load(f, null)).hasMessageContaining(message.replace(" (\"y\")", " (\"y\")"));
        }
    }

    @Test
    void chunksNeverExceedTheBuffer() throws IOException {
        Path f = write("w.csv", "1,2\n3,4\n");
        try (CsvChunkReader rd = CsvChunkReader.open(f, null, true)) {
            assertThatThrownBy(() -> rd.read(new float[3], null, 2)).isInstanceOf(IllegalArgumentException.class);
            float[] v = new float[2];
            assertThat(rd.read(v, null, 1)).isEqualTo(1);
            assertThat(Arrays.copyOf(v, 2)).containsExactly(1, 2);
        }
    }

    @Test
    void tinyBuffersCrlfByteOrderMarkAndQuotedCellsReadTheSame() throws IOException {
        String text = "\uFEFF\r\n\"first col\" ,b;x,label\r\n 1.5 ,\"-2e3\",\"ok, fine\"\r\n+3,.25,\"x\"\"y\"\r\n4., 5 ,ok, fine\r\n";
        Path f = write("q.csv", text.replace("ok, fine\r\n", "\"ok, fine\"\r\n"));
        for (int size : new int[] {8, 13, 64, 1 << 20}) {
            try (CsvChunkReader rd = CsvChunkReader.open(f, "label", true, size)) {
                assertThat(rd.header()).as("buffer " + size).containsExactly("first col", "b;x", "label");
                float[] v = new float[6];
                int[] l = new int[3];
                assertThat(rd.read(v, l, 3)).isEqualTo(3);
                assertThat(v).containsExactly(1.5f, -2000f, 3f, 0.25f, 4f, 5f);
                assertThat(rd.labelNames()).containsExactly("ok, fine", "x\"y");
                assertThat(l).containsExactly(0, 1, 0);
            }
        }
        Path data = write("d.csv", "1,2\n3,4\n5,6");
        try (CsvChunkReader rd = CsvChunkReader.open(data, null, true, 4)) {
            float[] v = new float[6];
            assertThat(rd.read(v, null, 3)).as("first line is data, last line has no newline").isEqualTo(3);
            assertThat(v).containsExactly(1, 2, 3, 4, 5, 6);
        }
    }

    @Test
    void quotingErrorsAndTrailingSeparators() throws IOException {
        assertError("x,y\n1,\"2\n", "row 2, column 2: unterminated quoted cell (the quote at character 3 is not closed on this line)");
        assertError("x,y\n1,\"2\" z\n", "row 2, column 2: text after the closing quote: 'z'");
        assertError("x,y\n1,2,\n", "row 2: 3 cells but the header has 2");
        assertError("x,y,z\n1,2,\n", "row 2, column 3 (\"z\"): empty cell");
        assertError("x,y\n1,0x1F\n", "row 2, column 2 (\"y\"): not a number: '0x1F'");
        assertError("x,y\n1,2.5f\n", "row 2, column 2 (\"y\"): not a number: '2.5f'");
        assertError("x,y\n1,-inf\n", "row 2, column 2 (\"y\"): infinity is not allowed");
        assertError("x,y\n1,é\n", "row 2, column 2 (\"y\"): not a number: 'é'");
    }

    @Test
    void crOnlyCrlfAndLfLineEndingsReadTheSameWithAnyBuffer() throws IOException {
        String lf = "a,b,label\n1,2,x\n3.5,-4,y\n\n5,6,x\n";
        for (String eol : new String[] {"\n", "\r\n", "\r"}) {
            String text = lf.replace("\n\n", "\n").replace("\n", eol); // no blank line: it would be between rows
            Path f = write("eol.csv", text);
            for (int size : new int[] {3, 7, 8, 64, 1 << 20}) {
                String as = "line ending " + eol.replace("\r", "CR").replace("\n", "LF") + ", buffer " + size;
                try (CsvChunkReader rd = CsvChunkReader.open(f, "label", true, size)) {
                    assertThat(rd.header()).as(as).containsExactly("a", "b", "label");
                    float[] v = new float[8];
                    int[] l = new int[4];
                    assertThat(rd.read(v, l, 4)).as(as).isEqualTo(3);
                    assertThat(Arrays.copyOf(v, 6)).as(as).containsExactly(1, 2, 3.5f, -4, 5, 6);
                    assertThat(Arrays.copyOf(l, 3)).as(as).containsExactly(0, 1, 0);
                    assertThat(rd.read(v, l, 4)).as(as).isZero();
                }
            }
            Dataset d = CsvLoader.load(f, "label");
            assertThat(d.values()).containsExactly(1, 2, 3.5f, -4, 5, 6);
            assertThat(d.classNames()).containsExactly("x", "y");
        }
        // a CR-only file's errors name the right row, as an LF file's do
        assertError("x,y\r1,2\r3,abc\r", "row 3, column 2 (\"y\"): not a number: 'abc'");
        assertError("x,y\r1,2\r\r3,4\r", "row 3: blank line between rows (row 4 follows)");
    }
}
