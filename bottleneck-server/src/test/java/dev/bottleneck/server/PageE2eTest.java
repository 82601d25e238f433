package dev.bottleneck.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page end to end in headless Chromium: starts a server in this JVM on two small models and
 * runs {@code src/test/e2e/page.e2e.cjs} (playwright-core driving Debian's {@code
 * /usr/bin/chromium}), which draws a stroke, waits for the reconstruction, score and neighbours,
 * moves a slider, hovers and clicks the latent map, switches models, and saves screenshots to
 * {@code target/e2e/}.
 *
 * <p>Chromium and playwright-core are test requirements, installed by {@code .ci/browser-setup}
 * ({@code apt-get install chromium}, {@code npm install --prefix .ci playwright-core}), which
 * {@code .ci/run} runs and this test runs itself when they are missing. If they still cannot be
 * had, this test fails and says so: it is never skipped silently.
 */
class PageE2eTest {

    @TempDir
    static Path tmp;

    /** @return what the browser test lacks, or {@code null} */
    private static String missing(Path playwright) {
        return !Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium (apt-get install chromium)"
                : !Files.isDirectory(playwright) ? playwright + " (npm install --prefix .ci playwright-core)"
                : !onPath("node") ? "node (apt-get install nodejs)" : null;
    }

    @Test
    void drawingSlidersMapAndModelPickerWorkInChromium() throws IOException, InterruptedException {
        Path repo = Path.of("").toAbsolutePath().getParent();
        Path script = Path.of("src/test/e2e/page.e2e.cjs").toAbsolutePath();
        Path playwright = repo.resolve(".ci/node_modules/playwright-core");
        if (missing(playwright) != null) {
            // a fresh machine: install them as .ci/run does (apt-get chromium, npm playwright-core)
            Process setup = new ProcessBuilder(repo.resolve(".ci/browser-setup").toString()).directory(repo.toFile())
                    .redirectErrorStream(true).start();
            String log = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean finished = setup.waitFor(600, TimeUnit.SECONDS);
            assertThat(finished && setup.exitValue() == 0).as(".ci/browser-setup installs the browser test's needs:\n" + log).isTrue();
        }
        String missing = missing(playwright);
        assertThat(missing).as("the browser test needs " + missing + "; run .ci/browser-setup (or .ci/run)").isNull();

        Path folder = TinyModel.imageFolder(tmp.resolve("shapes"), 40, 1);
        Path ae = TinyModel.train(folder, "ae", tmp.resolve("runs/shapes-ae"));
        Path vae = TinyModel.train(folder, "vae", tmp.resolve("runs/shapes-vae"));
        Path out = Path.of("target/e2e").toAbsolutePath();
        try (BottleneckServer server = BottleneckServer.start(new ServeOptions(List.of(ae, vae), ServeOptions.LOOPBACK, 0, null,
                1 << 20, 64, 500, 1000, null))) {
            ProcessBuilder pb = new ProcessBuilder("node", script.toString(), server.url(), out.toString())
                    .redirectErrorStream(true);
            Process p = pb.start();
            byte[] log;
            boolean done;
            try (var in = p.getInputStream()) {
                log = in.readAllBytes();
                done = p.waitFor(120, TimeUnit.SECONDS);
            } finally {
                p.destroyForcibly();
            }
            String text = new String(log, StandardCharsets.UTF_8);
            assertThat(done).as("the browser test finished within 120 s:\n" + text).isTrue();
            assertThat(p.exitValue()).as("browser test output:\n" + text).isZero();
            assertThat(text).contains("a reconstruction image appears", "an anomaly score with its threshold appears",
                    "moving slider z0 changes the decoded picture", "clicking two map points");
        }
        assertThat(out.resolve("serve-page.png")).isNotEmptyFile();
        assertThat(out.resolve("serve-draw.png")).isNotEmptyFile();
    }

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, exe))) {
                return true;
            }
        }
        return false;
    }
}
