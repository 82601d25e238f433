package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bottleneck serve}: help with an example, and one-line errors before anything listens. */
class ServeCommandTest {

    @TempDir
    Path tmp;

    @Test
    void helpHasAnExample() {
        Cli.Result r = run("serve", "--help").ok();
        assertThat(r.out()).startsWith("Usage: bottleneck serve").containsPattern("(?m)^Examples?:$")
                .contains("./bottleneck serve runs/quickstart --port 8080", "127.0.0.1", "--token", "--max-body", "--max-batch");
    }

    @Test
    void badModelDirectoriesAndOptionsAreUsageErrors() throws Exception {
        run("serve").fails(2, "MODEL_DIR");
        run("serve", tmp.resolve("nope").toString()).fails(2, "nope");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        run("serve", empty.toString()).fails(2, "empty");
        run("serve", empty.toString(), "--port", "70000").fails(2, "--port", "70000");
        run("serve", empty.toString(), "--max-body", "lots").fails(2, "--max-body", "lots");
        run("serve", empty.toString(), "--max-batch", "0").fails(2, "--max-batch");
    }

    @Test
    void sizesParse() {
        assertThat(ServeCommand.parseBytes("16M")).isEqualTo(16L << 20);
        assertThat(ServeCommand.parseBytes("512k")).isEqualTo(512L << 10);
        assertThat(ServeCommand.parseBytes("1000")).isEqualTo(1000);
    }
}
