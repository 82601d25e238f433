package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bottleneck.io.CrashPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN.md section 6 item 15, "a directory is a transaction", proven by killing real training
 * processes: a child {@code java} process runs {@code bottleneck train} on a small table and is
 * killed with SIGKILL ({@link Process#destroyForcibly()}), either at a named instant of the write
 * protocol ({@link CrashPoint}: the child stops there and waits for the kill) or after a delay.
 * After each kill:
 *
 * <ul>
 *   <li>the directory is either no run at all (a fresh {@code train} is not locked out), or
 *       {@code info} describes it and {@code eval} either works (a complete model) or says in one
 *       line that the run is unfinished and how to finish it;
 *   <li>{@code train --resume} finishes the run, and the result is a complete model whose
 *       per-epoch losses and final test MSE are those of an uninterrupted run, whose {@code
 *       model.params} matches the checksum in {@code model.json}, and which {@code info} and
 *       {@code eval} read;
 *   <li>no temporary file of an atomic write is left.
 * </ul>
 *
 * The same for a finished run trained further ({@code --resume --epochs 6}), and for {@code
 * anomaly score}, whose output is left as it was by a kill and cleaned up by the next run.
 *
 * <p>About a minute on two cores (each child is a JVM that trains 4 epochs in about a second).
 * More kills after random-looking delays: {@code mvn -B -pl bottleneck-cli -am test
 * -Dtest=CrashConsistencyTest#freshRunKilledAfterDelays -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbottleneck.crashKills=100}.
 */
class CrashConsistencyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Epochs of the killed runs. */
    private static final int EPOCHS = 4;

    /** Epochs of a finished run trained further. */
    private static final int MORE = 6;

    @TempDir
    static Path shared;

    static Path csv;
    static Path reference;
    static Path referenceMore;
    static double trainingStartsAt;
    static double runEndsAt;

    @TempDir
    Path tmp;

    /** The training command line of every killed run, without {@code --out}. */
    private static List<String> trainArgs() {
        return List.of("train", "--data", "csv:" + csv, "--label-column", "label", "--hidden", "16", "--latent", "2",
                "--epochs", String.valueOf(EPOCHS), "--batch", "16", "--seed", "7");
    }

    @BeforeAll
    static void referenceRuns() throws Exception {
        csv = shared.resolve("plane.csv");
        Cli.planeCsv(csv, 1500, 6, 11);
        // the uninterrupted run, in a child process like the killed ones; it also times the phases
        reference = shared.resolve("reference");
        Path err = shared.resolve("reference.err");
        long t0 = System.nanoTime();
        Process p = child(trainArgs(), reference, null, err);
        double trainAt = -1;
        while (p.isAlive()) {
            if (trainAt < 0 && read(err).contains("* training")) {
                trainAt = (System.nanoTime() - t0) / 1e9;
            }
            Thread.sleep(5);
        }
        assertThat(p.exitValue()).as(read(err)).isZero();
        runEndsAt = (System.nanoTime() - t0) / 1e9;
        trainingStartsAt = trainAt < 0 ? runEndsAt / 2 : trainAt;
        assertComplete(reference, reference, EPOCHS);
        // the same run trained further in one go, to compare the continued runs with
        referenceMore = shared.resolve("reference-more");
        Cli.copyTree(reference, referenceMore);
        run("train", "--resume", "--out", referenceMore, "--epochs", MORE, "--quiet").ok();
        assertComplete(referenceMore, referenceMore, MORE);
    }

    // ---------------------------------------------------------------- kills at named instants

    /**
     * A fresh run killed at each commit point of the protocol and between them: the first
     * manifest (half-written and in place), each file of a checkpoint, the metrics log, the last
     * checkpoint, the final evaluation, and each file of the finished model, including the instant
     * between {@code model.params} and the final {@code model.json} (which used to leave a
     * checksum mismatch).
     */
    @ParameterizedTest(name = "kill at {0}")
    @ValueSource(strings = {
        "before-rename model.json#1",
        "after-rename model.json#1",
        "before-rename metrics.jsonl#1",
        "before-rename epoch-0001.params",
        "before-rename epoch-0002.optim",
        "before-rename state.json#2",
        "after-rename state.json#2",
        "before-rename loss.png#3",
        "after-rename state.json#4",
        "after-rename model.json#2",
        "final-evaluation",
        "before-rename metrics.json",
        "before-rename model.params",
        "after-rename model.params",
        "before-rename model.json#3",
        "after-rename model.json#3",
    })
    void freshRunKilledAtAnInstant(String point) throws Exception {
        Path dir = tmp.resolve("run");
        killAt(trainArgs(), dir, point);
        checkAndFinish(dir, reference, EPOCHS);
    }

    /**
     * A finished run trained further and killed: as soon as it goes on training it is an
     * unfinished run (never a finished one whose weights and checksum disagree), and resuming
     * again finishes it.
     */
    @ParameterizedTest(name = "kill at {0}")
    @ValueSource(strings = {
        "after-rename model.json#1",
        "before-rename state.json#1",
        "after-rename model.params",
        "before-rename model.json#3",
    })
    void finishedRunTrainedFurtherKilledAtAnInstant(String point) throws Exception {
        Path dir = tmp.resolve("run");
        Cli.copyTree(reference, dir);
        killAt(List.of("train", "--resume", "--epochs", String.valueOf(MORE)), dir, point);
        checkAndFinish(dir, referenceMore, MORE);
    }

    // ---------------------------------------------------------------- kills after delays

    /**
     * Kills at delays spread over a whole run: during start-up and data loading, and from the
     * start of training to the end of the final evaluation (timed on the reference run).
     */
    @Test
    void freshRunKilledAfterDelays() throws Exception {
        int kills = Integer.getInteger("bottleneck.crashKills", 10);
        Map<String, Integer> landed = new LinkedHashMap<>();
        double span = Math.max(0.2, (runEndsAt - trainingStartsAt) * 0.9);
        for (int i = 0; i < kills; i++) {
            Path dir = tmp.resolve("run" + i);
            Path err = tmp.resolve("run" + i + ".err");
            // the first one during start-up, the others from the "* training" line on
            boolean early = i == 0;
            double delay = early ? trainingStartsAt * 0.5 : span * (i - 0.5) / (kills - 1);
            Process p = child(trainArgs(), dir, null, err);
            try {
                long t0 = System.nanoTime();
                if (!early) {
                    while (p.isAlive() && !read(err).contains("* training")) {
                        Thread.sleep(2);
                    }
                    t0 = System.nanoTime();
                }
                long until = t0 + (long) (delay * 1e9);
                while (p.isAlive() && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            landed.merge(state(dir), 1, Integer::sum);
            checkAndFinish(dir, reference, EPOCHS);
        }
        System.err.println("CrashConsistencyTest: " + kills + " timed kills left " + landed);
    }

    // ---------------------------------------------------------------- anomaly score

    @Test
    void killedScoringLeavesTheOldScoresAndTheNextRunCleansUp() throws Exception {
        Path model = tmp.resolve("detector");
        run("anomaly", "fit", "--data", "csv:" + csv, "--label-column", "label", "--hidden", "8", "--latent", "2",
                "--epochs", "2", "--no-pictures", "--quiet", "--out", model).ok();
        Path scores = tmp.resolve("out/scores.csv");
        run("anomaly", "score", model, "--data", "csv:" + csv, "--out", scores, "--quiet").ok();
        String before = Files.readString(scores);

        killAt(List.of("anomaly", "score", model.toString(), "--data", "csv:" + csv, "--per-feature"), scores,
                "before-rename scores.csv");
        assertThat(scores).as("the old scores file is left as it was").hasContent(before);
        assertThat(Cli.tempFiles(scores.getParent())).as("the kill left the temporary file").hasSize(1);

        run("anomaly", "score", model, "--data", "csv:" + csv, "--out", scores, "--per-feature", "--quiet").ok();
        assertThat(Cli.lines(scores).get(0)).startsWith("index,score,flag,err_");
        assertThat(Cli.lines(scores)).hasSize(1501);
        assertThat(Cli.tempFiles(scores.getParent())).as("the next run to the same file removed it").isEmpty();
    }

    // ---------------------------------------------------------------- the checks

    /**
     * Checks what a killed run left, then finishes it and checks the result.
     *
     * @param dir the model directory
     * @param ref the uninterrupted run with the same epochs
     * @param epochs the run's epochs
     */
    private static void checkAndFinish(Path dir, Path ref, int epochs) throws IOException {
        String state = state(dir);
        if (state.equals("none")) {
            // killed before the run started: no model, nothing to resume, and not locked
            run("info", dir).fails(2, dir.toString(), "model");
            run("eval", dir).fails(2, dir.toString(), "model");
            run("train", "--resume", "--out", dir).fails(2, dir.toString(), "nothing to resume");
            List<String> fresh = new ArrayList<>(trainArgs());
            fresh.addAll(List.of("--out", dir.toString(), "--quiet"));
            run(fresh.toArray()).ok();
        } else {
            Cli.Result info = run("info", dir).ok();
            if (state.equals("complete")) {
                run("eval", dir, "--quiet").ok();
            } else {
                assertThat(info.out()).contains("unfinished run").contains("train --resume --out " + dir);
                run("eval", dir).fails(2, dir.toString(), "unfinished run", "train --resume --out " + dir);
                run("encode", dir, "--out", dir.resolveSibling("codes.npy")).fails(2, dir.toString(), "unfinished run");
                List<String> fresh = new ArrayList<>(trainArgs());
                fresh.addAll(List.of("--out", dir.toString()));
                run(fresh.toArray()).fails(2, dir.toString(), "already exists", "unfinished run", "--resume", "--overwrite");
                run("train", "--resume", "--out", dir, "--quiet").ok();
            }
        }
        assertComplete(dir, ref, epochs);
    }

    /** @return none, training, evaluating or complete */
    private static String state(Path dir) {
        Path manifest = dir.resolve("model.json");
        if (!Files.isRegularFile(manifest)) {
            return "none";
        }
        try {
            JsonNode status = JSON.readTree(manifest.toFile()).get("status");
            return status == null ? "complete" : status.asText();
        } catch (IOException e) {
            throw new AssertionError(manifest + " is not valid JSON after a kill", e);
        }
    }

    /**
     * Asserts a complete model with the numbers of the uninterrupted run, readable by {@code info}
     * and {@code eval}, and no temporary files.
     */
    private static void assertComplete(Path dir, Path ref, int epochs) throws IOException {
        JsonNode m = JSON.readTree(dir.resolve("model.json").toFile());
        assertThat(m.get("status").asText()).isEqualTo("complete");
        assertThat(m.at("/training/epochs_completed").asInt()).isEqualTo(epochs);
        assertThat(sha256(dir.resolve("model.params"))).as("model.params matches model.json").isEqualTo(m.get("params_sha256").asText());
        JsonNode metrics = JSON.readTree(dir.resolve("metrics.json").toFile());
        assertThat(metrics.get("epochs").asInt()).isEqualTo(epochs);
        assertThat(m.at("/metrics/mse").asDouble()).isEqualTo(metrics.get("mse").asDouble());
        List<JsonNode> log = metricsLog(dir);
        assertThat(log.stream().map(n -> n.get("epoch").asInt()).collect(Collectors.toList()))
                .as("one line per epoch in metrics.jsonl").isEqualTo(java.util.stream.IntStream.rangeClosed(1, epochs).boxed().toList());
        assertThat(dir.resolve("loss.png")).isRegularFile();
        if (!dir.equals(ref)) {
            List<JsonNode> refLog = metricsLog(ref);
            for (int i = 0; i < epochs; i++) {
                for (String k : List.of("train_loss", "test_loss")) {
                    double a = log.get(i).get(k).asDouble();
                    double b = refLog.get(i).get(k).asDouble();
                    assertThat(a).as("%s of epoch %d, killed and resumed vs uninterrupted", k, i + 1).isCloseTo(b, within(1e-5 * Math.abs(b)));
                }
            }
            double mse = JSON.readTree(ref.resolve("metrics.json").toFile()).get("mse").asDouble();
            assertThat(metrics.get("mse").asDouble()).as("final test MSE").isCloseTo(mse, within(1e-5 * mse));
        }
        try (Stream<Path> s = Files.list(dir.resolve("checkpoint"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()))
                    .as("only the last checkpoint").containsExactly(String.format("epoch-%04d.optim", epochs),
                            String.format("epoch-%04d.params", epochs), "state.json");
        }
        Cli.Result info = run("info", dir).ok();
        assertThat(info.out()).doesNotContain("unfinished").contains(epochs + "/" + epochs + " epochs");
        run("eval", dir, "--quiet").ok();
        assertThat(Cli.tempFiles(dir)).as("no temporary files left").isEmpty();
    }

    // ---------------------------------------------------------------- child processes

    /**
     * Runs a command in a child process until it reaches a crash point, then kills it.
     *
     * @param command the command line without {@code --out}
     * @param out its {@code --out}
     * @param point the crash point to kill it at
     */
    private void killAt(List<String> command, Path out, String point) throws Exception {
        Path err = tmp.resolve("child.err");
        Process p = child(command, out, point, err);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!read(err).contains("crash point " + point)) {
                assertThat(p.isAlive()).as("the child reaches crash point '%s' before it ends (exit %s)\n%s", point,
                        p.isAlive() ? "-" : p.exitValue(), read(err)).isTrue();
                assertThat(System.nanoTime()).as("crash point '%s' within 2 minutes", point).isLessThan(deadline);
                Thread.sleep(2);
            }
        } finally {
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the killed child is gone").isTrue();
        }
    }

    /** Starts {@code bottleneck COMMAND --out OUT} in a new JVM with this test's class path. */
    private static Process child(List<String> command, Path out, String crashPoint, Path err) throws IOException {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
                "-Djava.awt.headless=true"));
        if (crashPoint != null) {
            cmd.add("-D" + CrashPoint.PROPERTY + "=" + crashPoint);
        }
        cmd.add(Main.class.getName());
        cmd.addAll(command);
        cmd.add("--out");
        cmd.add(out.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile());
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> metricsLog(Path dir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
