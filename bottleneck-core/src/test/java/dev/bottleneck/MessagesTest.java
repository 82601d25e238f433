package dev.bottleneck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Error messages stay one printable line whatever bytes a file held. */
class MessagesTest {

    @Test
    void controlAndInvisibleCharactersAreEscaped() {
        assertThat(Messages.printable("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
        assertThat(Messages.printable("\u0000\u001b[2J\u007f\u0085")).isEqualTo("\\x00\\x1b[2J\\x7f\\x85");
        assertThat(Messages.printable("x\u2028y\u202Ez\uFEFF")).isEqualTo("x\\u2028y\\u202ez\\ufeff");
        assertThat(Messages.printable("lone \uD800 surrogate")).isEqualTo("lone \\ud800 surrogate");
    }

    @Test
    void printableTextIsKept() {
        String s = "café, 数据, \uD83D\uDE00, \uFFFD, back\\slash";
        assertThat(Messages.printable(s)).isSameAs(s);
        assertThat(Messages.printable(Messages.printable("a\u0001"))).isEqualTo("a\\x01");
        assertThat(Messages.printable(null)).isEqualTo("null");
    }

    @Test
    void snippetsCutAndEscape() {
        assertThat(Messages.snippet("abcdef", 3)).isEqualTo("abc...");
        assertThat(Messages.snippet("\u0001\u0002", 10)).isEqualTo("\\x01\\x02");
        assertThat(Messages.snippet("ab\uD83D\uDE00", 3)).as("a pair is not cut in two").isEqualTo("ab...");
    }

    @Test
    void everyExceptionMessageIsOneLine() {
        InvalidInputException e = new InvalidInputException(Path.of("data.bin"), "not a number: '\u0007\n'");
        assertThat(e.getMessage()).isEqualTo("data.bin: not a number: '\\x07\\n'");
        assertThat(new BottleneckException("two\nlines").getMessage()).isEqualTo("two\\nlines");
    }
}
