package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bottleneck doctor} checks this machine and reports every row (issue 9). */
class DoctorCommandTest {

    @TempDir
    Path tmp;

    @Test
    void doctorChecksGradientsKernelDataAndDisk() throws Exception {
        Cli.Result r = run("doctor", "--json", "--data-dir", tmp.resolve("data").toString());
        JsonNode o = new ObjectMapper().readTree(r.out());
        List<String> checks = new ArrayList<>();
        for (JsonNode row : o.get("checks")) {
            checks.add(row.get("check").asText());
            assertThat(row.get("status").asText()).isIn("ok", "warn", "fail", "info");
        }
        assertThat(checks).contains("java", "engine", "cpu", "threads", "engine conv kernel", "convolution route", "data cache")
                .anyMatch(c -> c.startsWith("gradient conv 1<-16"))
                .anyMatch(c -> c.startsWith("gradient quickstart"))
                .anyMatch(c -> c.startsWith("disk"));
        // The suite's own gradient checks pass on this machine, so the doctor must too.
        assertThat(o.get("ok").asBoolean()).as(r.out()).isTrue();
        assertThat(r.code()).isZero();
        assertThat(o.toString()).contains("no dataset yet");
    }

    @Test
    void doctorPrintsATable() {
        Cli.Result r = run("doctor", "--quiet", "--data-dir", tmp.resolve("data").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("gradient conv 1<-16, 28x28, stride 1").contains("doctor: all checks passed");
    }
}
