package dev.bottleneck.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvLoaderTest {

    @TempDir
    Path dir;

    private Path csv(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, text.getBytes(StandardCharsets.UTF_8));
        return p;
    }

    @Test
    void headerWithNamedTextLabelColumn() throws IOException {
        Path f = csv("iris.csv", "sepal,petal,species,width\n"
                + "5.1,1.4,setosa,0.2\n"
                + "7.0,4.7,versicolor,1.4\n"
                + "4.9,1.4,setosa,-0.25\n"
                + "6.3,6.0,virginica,2.5e1\n");
        Dataset ds = CsvLoader.load(f, "species");
        assertThat(ds.name()).isEqualTo("csv:iris.csv");
        assertThat(ds.kind()).isEqualTo(Dataset.Kind.TABLE);
        assertThat(ds.batchShape()).containsExactly(4, 3);
        assertThat(ds.values()).containsExactly(5.1f, 1.4f, 0.2f, 7.0f, 4.7f, 1.4f, 4.9f, 1.4f, -0.25f, 6.3f, 6.0f, 25f);
        assertThat(ds.columnNames()).containsExactly("sepal", "petal", "width");
        assertThat(ds.labels()).containsExactly(0, 1, 0, 2);
        assertThat(ds.classNames()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(ds.rawMax()).isNaN();
    }

    @Test
    void noHeaderIntegerLabelsByIndex() throws IOException {
        Path f = csv("d.csv", "1,2,7\n3,4,0\n5,6,3.0\n");
        Dataset ds = CsvLoader.load(f, "2");
        assertThat(ds.batchShape()).containsExactly(3, 2);
        assertThat(ds.values()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(ds.labels()).containsExactly(7, 0, 3);
        assertThat(ds.classNames()).isNull();
        assertThat(ds.columnNames()).isNull();
    }

    @Test
    void noLabelColumn() throws IOException {
        Path f = csv("d.csv", "a,b\n1,2\n");
        Dataset ds = CsvLoader.load(f, null);
        assertThat(ds.hasLabels()).isFalse();
        assertThat(ds.columnNames()).containsExactly("a", "b");
        assertThat(ds.values()).containsExactly(1, 2);
    }

    @Test
    void headerlessFileWhoseOnlyTextIsTheIndexedLabelColumn() throws IOException {
        Path f = csv("iris.data", "5.1,3.5,setosa\n6.2,2.9,virginica\n");
        Dataset ds = CsvLoader.load(f, "2");
        assertThat(ds.size()).isEqualTo(2);
        assertThat(ds.columnNames()).isNull();
        assertThat(ds.classNames()).containsExactly("setosa", "virginica");
        assertThat(ds.values()).containsExactly(5.1f, 3.5f, 6.2f, 2.9f);
    }

    @Test
    void negativeOrMixedLabelsBecomeClasses() throws IOException {
        Path f = csv("d.csv", "x,y\n1,1\n2,-1\n3,1\n");
        Dataset ds = CsvLoader.load(f, "y");
        assertThat(ds.labels()).containsExactly(0, 1, 0);
        assertThat(ds.classNames()).containsExactly("1", "-1");
    }

    @Test
    void semicolonAndTabSeparators() throws IOException {
        Dataset semi = CsvLoader.load(csv("s.csv", "a;b;c\n1;2;3\n4;5;6\n"), null);
        assertThat(semi.batchShape()).containsExactly(2, 3);
        assertThat(semi.values()).containsExactly(1, 2, 3, 4, 5, 6);
        Dataset tab = CsvLoader.load(csv("t.tsv", "a\tb\n1\t2\n"), null);
        assertThat(tab.columnNames()).containsExactly("a", "b");
        assertThat(tab.values()).containsExactly(1, 2);
    }

    @Test
    void quotesSpacesCrlfBomAndTrailingBlankLines() throws IOException {
        Path f = csv("q.csv", "\uFEFF\"first, name\",\"say \"\"hi\"\"\", plain \r\n"
                + " \"1.5\" , 2 ,\"-3\"\r\n"
                + "4,5,6\r\n"
                + "\r\n   \n\n");
        Dataset ds = CsvLoader.load(f, null);
        assertThat(ds.columnNames()).containsExactly("first, name", "say \"hi\"", "plain");
        assertThat(ds.values()).containsExactly(1.5f, 2f, -3f, 4f, 5f, 6f);
    }

    @Test
    void singleColumnWithoutHeader() throws IOException {
        Dataset ds = CsvLoader.load(csv("one.csv", "1\n2\n3\n"), null);
        assertThat(ds.batchShape()).containsExactly(3, 1);
    }

    @Test
    void writeThenReadIsBitExact() {
        float[] v = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
            1e-10f, 0.1f, 1f / 3f, 123456.79f, -2.5e-38f, 16777217f, 3.4028235e38f, 1.17549435E-38f, 7f};
        Path f = dir.resolve("out/codes.csv");
        CsvLoader.write(f, v, 4, List.of("z0", "z,1", "z 2 ", "\"q\""));
        Dataset ds = CsvLoader.load(f, null);
        assertThat(ds.columnNames()).containsExactly("z0", "z,1", "z 2 ", "\"q\"");
        assertThat(ds.batchShape()).containsExactly(4, 4);
        for (int i = 0; i < v.length; i++) {
            assertThat(Float.floatToRawIntBits(ds.values()[i])).as("value %d", i).isEqualTo(Float.floatToRawIntBits(v[i]));
        }
    }

    @Test
    void writeWithoutHeader() throws IOException {
        Path f = dir.resolve("codes.csv");
        CsvLoader.write(f, new float[] {1f, -0.5f, 2e-5f, 3f}, 2, null);
        assertThat(Files.readString(f)).isEqualTo("1.0,-0.5\n2.0E-5,3.0\n");
        Dataset ds = CsvLoader.load(f, null);
        assertThat(ds.columnNames()).isNull();
        assertThat(ds.values()).containsExactly(1f, -0.5f, 2e-5f, 3f);
    }

    @Test
    void writeRejectsWhatCannotBeReadBack() {
        Path f = dir.resolve("x.csv");
        assertThatThrownBy(() -> CsvLoader.write(f, new float[] {1, Float.NaN}, 2, null))
                .isInstanceOf(BottleneckException.class)
                .hasMessage(f + ": cannot write NaN at row 1, column 2 (CSV values must be finite)");
        assertThatThrownBy(() -> CsvLoader.write(f, new float[] {1, 2}, 2, List.of("0", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reader would take the header for a data row");
        assertThatThrownBy(() -> CsvLoader.write(f, new float[] {1, 2, 3}, 2, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CsvLoader.write(f, new float[] {1, 2}, 2, List.of("a")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(f).doesNotExist();
    }

    @Test
    void notANumberNamesRowColumnAndHeader() throws IOException {
        StringBuilder sb = new StringBuilder("id,height,age\n");
        for (int r = 2; r <= 11; r++) {
            sb.append(r).append(",1.5,30\n");
        }
        sb.append("12,1.7,abc\n");
        Path f = csv("data.csv", sb.toString());
        assertThatThrownBy(() -> CsvLoader.load(f, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(f + ": row 12, column 3 (\"age\"): not a number: 'abc'");
    }

    @Test
    void notANumberWithoutHeaderHasNoName() throws IOException {
        Path f = csv("data.csv", "1,2\n3,1.5f\n");
        assertThatThrownBy(() -> CsvLoader.load(f, null))
                .hasMessage(f + ": row 2, column 2: not a number: '1.5f'");
        Path g = csv("hex.csv", "1,2\n3,0x10\n");
        assertThatThrownBy(() -> CsvLoader.load(g, null))
                .hasMessage(g + ": row 2, column 2: not a number: '0x10'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "NaN|NaN is not allowed",
        "nan|NaN is not allowed",
        "-NAN|NaN is not allowed",
        "inf|infinity is not allowed: 'inf'",
        "-Infinity|infinity is not allowed: '-Infinity'",
        "+INF|infinity is not allowed: '+INF'",
        "1e39|out of float32 range: '1e39'",
        "''|empty cell",
    })
    void nonFiniteAndEmptyCellsAreErrors(String cell, String problem) throws IOException {
        Path f = csv("data.csv", "1,2\n3,4\n5,6\n7,8\n9," + cell + "\n");
        assertThatThrownBy(() -> CsvLoader.load(f, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(f + ": row 5, column 2: " + problem);
    }

    @Test
    void nanInTheFirstRowIsDataNotAHeader() throws IOException {
        Path f = csv("data.csv", "1,NaN\n3,4\n");
        assertThatThrownBy(() -> CsvLoader.load(f, null)).hasMessage(f + ": row 1, column 2: NaN is not allowed");
    }

    @Test
    void emptyCellWithHeaderNamesTheColumn() throws IOException {
        Path f = csv("data.csv", "a,b\n1,\n");
        assertThatThrownBy(() -> CsvLoader.load(f, null)).hasMessage(f + ": row 2, column 2 (\"b\"): empty cell");
    }

    @Test
    void rowWithAnotherNumberOfCells() throws IOException {
        Path f = csv("data.csv", "a,b,c\n1,2,3\n4,5\n");
        assertThatThrownBy(() -> CsvLoader.load(f, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(f + ": row 3: 2 cells but the header has 3 (separator ',')");
        Path g = csv("g.csv", "1;2\n3;4;5\n");
        assertThatThrownBy(() -> CsvLoader.load(g, null))
                .hasMessage(g + ": row 2: 3 cells but the first row has 2 (separator ';')");
    }

    @Test
    void unknownLabelColumn() throws IOException {
        Path f = csv("data.csv", "a,b,c\n1,2,3\n");
        assertThatThrownBy(() -> CsvLoader.load(f, "target"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(f + ": no column 'target' (columns: a, b, c)");
        assertThatThrownBy(() -> CsvLoader.load(f, "3"))
                .hasMessage(f + ": no column 3 (the file has 3 columns, numbered from 0)");
        Path g = csv("g.csv", "1,2\n");
        assertThatThrownBy(() -> CsvLoader.load(g, "label"))
                .hasMessage(g + ": no column 'label' (the file has no header row; give the label column as a 0-based index)");
    }

    @Test
    void headerNameWinsOverIndexAndDuplicatesAreRefused() throws IOException {
        Path f = csv("data.csv", "a,0,c\n1,2,3\n");
        Dataset ds = CsvLoader.load(f, "0");
        assertThat(ds.labels()).containsExactly(2);
        assertThat(ds.columnNames()).containsExactly("a", "c");
        Path g = csv("g.csv", "y,x,y\n1,2,3\n");
        assertThatThrownBy(() -> CsvLoader.load(g, "y"))
                .hasMessage(g + ": column name 'y' appears 2 times in the header; give the label column as a 0-based index");
    }

    @Test
    void emptyLabelCell() throws IOException {
        Path f = csv("data.csv", "x,label\n1,a\n2,\n");
        assertThatThrownBy(() -> CsvLoader.load(f, "label"))
                .hasMessage(f + ": row 3, column 2 (\"label\"): empty cell (every row needs a label)");
    }

    @Test
    void emptyFileAndHeaderWithoutRows() throws IOException {
        Path e = csv("empty.csv", "");
        assertThatThrownBy(() -> CsvLoader.load(e, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(e + ": empty file (no rows)");
        Path b = csv("blank.csv", "\n \n\n");
        assertThatThrownBy(() -> CsvLoader.load(b, null)).hasMessage(b + ": empty file (no rows)");
        Path h = csv("header.csv", "a,b\n\n");
        assertThatThrownBy(() -> CsvLoader.load(h, null)).hasMessage(h + ": empty dataset: a header row but no data rows");
    }

    @Test
    void noFeatureColumnLeft() throws IOException {
        Path f = csv("data.csv", "label\n1\n2\n");
        assertThatThrownBy(() -> CsvLoader.load(f, "label"))
                .hasMessage(f + ": no feature columns: the only column is the label column 1 (\"label\")");
    }

    @Test
    void blankLineBetweenRows() throws IOException {
        Path f = csv("data.csv", "1,2\n\n3,4\n");
        assertThatThrownBy(() -> CsvLoader.load(f, null))
                .hasMessage(f + ": row 2: blank line between rows (row 3 follows)");
    }

    @Test
    void unterminatedQuoteAndTextAfterQuote() throws IOException {
        Path f = csv("data.csv", "a,b\n1,\"2\n");
        assertThatThrownBy(() -> CsvLoader.load(f, null))
                .hasMessage(f + ": row 2, column 2: unterminated quoted cell (the quote at character 3 is not closed on this line)");
        Path g = csv("g.csv", "a,b\n1,\"2\"x\n");
        assertThatThrownBy(() -> CsvLoader.load(g, null))
                .hasMessage(g + ": row 2, column 2: text after the closing quote: 'x'");
    }

    @Test
    void controlCharactersInCellsStayOnOneLine() throws IOException {
        Path f = csv("bin.csv", "1,2\n3,\u0001\u0002zz\n");
        assertThatThrownBy(() -> CsvLoader.load(f, null))
                .hasMessage(f + ": row 2, column 2: not a number: '\\x01\\x02zz'");
    }

    @Test
    void missingFileAndFolder() {
        Path f = dir.resolve("nope.csv");
        assertThatThrownBy(() -> CsvLoader.load(f, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(f + ": no such file");
        assertThatThrownBy(() -> CsvLoader.load(dir, null)).hasMessage(dir + ": is a folder, not a file");
    }

    @Test
    void manyRowsGrowTheArray() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 20000; i++) {
            sb.append(i).append(',').append(i * 0.5).append(',').append(-i).append('\n');
        }
        Dataset ds = CsvLoader.load(csv("big.csv", sb.toString()), "c");
        assertThat(ds.size()).isEqualTo(20000);
        assertThat(ds.values()[2 * 19999]).isEqualTo(19999f);
        assertThat(ds.values()[2 * 19999 + 1]).isEqualTo(9999.5f);
        assertThat(ds.classNames()).hasSize(20000); // -i: negative, so the label column is categorical
        assertThat(ds.labels()[19999]).isEqualTo(19999);
    }

    @Test
    void crOnlyLineEndingsLoadAsLf() throws IOException {
        // old Mac OS and some spreadsheet exports end lines with CR alone; train and anomaly score
        // read them with the same parser (CsvChunkReader)
        Path lf = csv("lf.csv", "a,b,label\n1,2,0\n3,4,1\n");
        Path cr = csv("cr.csv", "a,b,label\r1,2,0\r3,4,1\r");
        Dataset a = CsvLoader.load(lf, "label");
        Dataset b = CsvLoader.load(cr, "label");
        assertThat(b.batchShape()).containsExactly(2, 2);
        assertThat(b.values()).containsExactly(a.values());
        assertThat(b.labels()).containsExactly(a.labels());
        assertThat(b.columnNames()).containsExactly("a", "b");
    }

    @Test
    void aBinaryHeaderIsNotEchoedRaw() throws IOException {
        Path f = csv("bin.csv", "\u007fELF\u0002\u0001,x\u001b[2J,c\n1,2,3\n");
        assertThatThrownBy(() -> CsvLoader.load(f, "zz"))
                .hasMessage(f + ": no column 'zz' (columns: \\x7fELF\\x02\\x01, x\\x1b[2J, c)");
    }
}
