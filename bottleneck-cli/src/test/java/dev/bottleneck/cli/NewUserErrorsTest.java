package dev.bottleneck.cli;

import static dev.bottleneck.cli.Cli.assertNothingWritten;
import static dev.bottleneck.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 9, "Also found, tried as a new user would" (items 1, 2, 4 and 5): each case failed before
 * its fix. Every failure is one line {@code bottleneck: error: ...} naming the file and the
 * problem, with exit code 2 for invalid input and 1 for a runtime failure.
 */
class NewUserErrorsTest {

    private static final int INVALID = Main.INVALID_INPUT;
    private static final int RUNTIME = Main.RUNTIME_ERROR;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    /** 6 feature columns and a label, LF line endings. */
    static Path tableCsv;
    /** An anomaly model fitted on {@link #tableCsv} (label column "label"). */
    static Path anomalyModel;

    @TempDir
    Path tmp;

    @BeforeAll
    static void fitTinyModel() {
        tableCsv = shared.resolve("table.csv");
        Cli.planeCsv(tableCsv, 200, 6, 1);
        anomalyModel = shared.resolve("anomaly-model");
        run("anomaly", "fit", "--data", "csv:" + tableCsv, "--label-column", "label", "--arch", "mlp", "--hidden", "8",
                "--latent", "2", "--epochs", "2", "--batch", "32", "--no-pictures", "--quiet", "--out", anomalyModel).ok();
    }

    private Path copyOfModel() {
        Path m = tmp.resolve("model");
        Cli.copyTree(anomalyModel, m);
        return m;
    }

    private static void editJson(Path file, Consumer<ObjectNode> edit) {
        try {
            ObjectNode n = (ObjectNode) JSON.readTree(file.toFile());
            edit.accept(n);
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), n);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- 1. anomaly.json fields

    @ParameterizedTest
    @ValueSource(strings = {"null", "removed", "text"})
    void anAnomalyThresholdThatIsNotANumberIsRefused(String how) {
        // before: the threshold became 0, every row was flagged, exit 0
        Path model = copyOfModel();
        Path settings = model.resolve("anomaly.json");
        editJson(settings, n -> {
            switch (how) {
                case "null" -> n.putNull("threshold");
                case "removed" -> n.remove("threshold");
                default -> n.put("threshold", "high");
            }
        });
        Path out = tmp.resolve("scores.csv");
        run("anomaly", "score", model, "--data", "csv:" + tableCsv, "--out", out).fails(INVALID, settings.toString(), "field 'threshold'");
        assertNothingWritten(out, tmp);
        run("anomaly", "eval", model, "--data", "csv:" + tableCsv, "--json").fails(INVALID, settings.toString(), "field 'threshold'");
    }

    @Test
    void anAnomalyContaminationOutOfRangeNamesTheFileAndField() {
        Path model = copyOfModel();
        Path settings = model.resolve("anomaly.json");
        editJson(settings, n -> n.put("contamination", 3));
        run("anomaly", "score", model, "--data", "csv:" + tableCsv, "--out", tmp.resolve("s.csv"))
                .fails(INVALID, settings.toString(), "field 'contamination'", "at most 0.5");
    }

    // ---------------------------------------------------------------- 2. model.json sections

    @ParameterizedTest
    @ValueSource(strings = {"input.scaling", "training", "training.config"})
    void aManifestWithoutASectionIsInvalidInputNotAnInternalError(String field) {
        // before: "internal error: NullPointerException" (exit 1) from info and eval
        Path model = copyOfModel();
        Path manifest = model.resolve("model.json");
        editJson(manifest, n -> {
            String[] p = field.split("\\.");
            ObjectNode parent = p.length == 1 ? n : (ObjectNode) n.get(p[0]);
            parent.remove(p[p.length - 1]);
        });
        run("info", model).fails(INVALID, manifest.toString(), "field '" + field + "' is missing");
        run("eval", model, "--json").fails(INVALID, manifest.toString(), "field '" + field + "' is missing");
        run("anomaly", "score", model, "--data", "csv:" + tableCsv, "--out", tmp.resolve("s.csv"))
                .fails(INVALID, manifest.toString(), "field '" + field + "' is missing");
    }

    // ---------------------------------------------------------------- 4. one CSV reader

    @Test
    void crOnlyCsvScoresAsItTrains() throws IOException {
        // before: anomaly fit read the CR-only file, anomaly score read it as one line and
        // complained about its columns
        Path cr = tmp.resolve("cr.csv");
        Files.writeString(cr, Files.readString(tableCsv).replace("\n", "\r"));
        Path fitted = tmp.resolve("cr-model");
        run("anomaly", "fit", "--data", "csv:" + cr, "--label-column", "label", "--arch", "mlp", "--hidden", "8", "--latent", "2",
                "--epochs", "1", "--no-pictures", "--quiet", "--out", fitted).ok();
        Path fromCr = tmp.resolve("cr-scores.csv");
        Path fromLf = tmp.resolve("lf-scores.csv");
        run("anomaly", "score", anomalyModel, "--data", "csv:" + cr, "--out", fromCr, "--quiet").ok();
        run("anomaly", "score", anomalyModel, "--data", "csv:" + tableCsv, "--out", fromLf, "--quiet").ok();
        assertThat(Cli.lines(fromCr)).hasSize(201).isEqualTo(Cli.lines(fromLf));
    }

    // ---------------------------------------------------------------- 5. messages and checks

    @Test
    void binaryFilesAreNotEchoedRaw() throws IOException {
        Path bin = tmp.resolve("program.csv");
        byte[] b = new byte[600];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 37 + 1);
        }
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 0x1b; // ESC: would start a terminal escape sequence
        Files.write(bin, b);
        Path out = tmp.resolve("run");
        Cli.Result r = run("train", "--data", "csv:" + bin, "--label-column", "target", "--out", out);
        r.fails(INVALID, bin.toString());
        assertThat(r.err().chars().filter(c -> c < 0x20 && c != '\n' || c == 0x7f).toArray()).as(r.describe()).isEmpty();
        assertThat(r.err()).contains("\\x1b");
        assertNothingWritten(out, tmp);
    }

    @Test
    void aWeightMatrixTooLargeForMemoryIsAClearRuntimeError() {
        // before: "internal error: ai.djl.engine.EngineException: [enforce fail at alloc_cpu.cpp:119] ..."
        // (65536 x 2e9 floats is 477 TiB, beyond any address space, even with memory overcommit)
        Path out = tmp.resolve("run");
        run("train", "--data", "csv:" + tableCsv, "--label-column", "label", "--hidden", "65536", "--latent", "2000000000",
                "--epochs", "1", "--out", out).fails(RUNTIME, "not enough memory for the weights", "bytes needed");
        assertNothingWritten(out, tmp);
    }

    @Test
    void aTruncatedOptimizerStateSaysSo() throws IOException {
        // before: "corrupt optimizer state (null)"
        Path model = copyOfModel();
        Path optim;
        try (var s = Files.list(model.resolve("checkpoint"))) {
            optim = s.filter(p -> p.toString().endsWith(".optim")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(optim);
        Files.write(optim, Arrays.copyOf(b, b.length / 2));
        run("train", "--resume", "--epochs", "3", "--out", model).fails(INVALID, optim.toString(), "truncated", "ends early");
    }

    @Test
    void aDamagedCheckpointStateNamesTheField() {
        Path model = copyOfModel();
        Path state = model.resolve("checkpoint/state.json");
        editJson(state, n -> n.put("optimizer", "../../../etc/passwd"));
        run("train", "--resume", "--epochs", "3", "--out", model).fails(INVALID, state.toString(), "field 'optimizer'");
    }

    @Test
    void usageErrorsAreOneLine() {
        // before: two or three lines (the error, "Did you mean", "Try ... --help")
        String line = run("train", "--data", "csv:" + tableCsv, "--epoch", "3", "--out", tmp.resolve("run"))
                .fails(INVALID, "--epoch", "did you mean --epochs", "bottleneck train --help");
        assertThat(line).doesNotContain("\n");
        run("trian", "--data", "mnist").fails(INVALID, "'trian'", "did you mean", " train ", "bottleneck --help");
        run("encode", anomalyModel).fails(INVALID, "missing required option", "--out", "bottleneck encode --help");
        run("train", "--data", "csv:" + tableCsv, "--latent", "many", "--out", tmp.resolve("run"))
                .fails(INVALID, "--latent", "'many' is not an int", "bottleneck train --help");
        run().fails(INVALID, "missing command");
    }

    @Test
    void anomalyScoreChecksItsOutputBeforeScoring() {
        // before: the whole file was scored, then "cannot write" (exit 1)
        Path file = tmp.resolve("notes.txt");
        Cli.write(file, "hello");
        Path out = file.resolve("scores.csv");
        Cli.Result r = run("anomaly", "score", anomalyModel, "--data", "csv:" + tableCsv, "--out", out);
        r.fails(INVALID, out.toString(), "notes.txt is not a folder");
        assertThat(r.err()).as("nothing was scored").doesNotContain("scoring");
        assertThat(file).hasContent("hello");
        run("anomaly", "eval", anomalyModel, "--data", "csv:" + tableCsv, "--pictures", file)
                .fails(INVALID, file.toString(), "is a file, not a folder");
    }

    @Test
    void noiseOnAPlainAutoencoderIsRefusedWithThePointerToDae() {
        // before: accepted silently; the model was saved as an ae that trained on corrupted inputs
        Path out = tmp.resolve("run");
        String line = run("train", "--data", "csv:" + tableCsv, "--label-column", "label", "--model", "ae", "--noise", "mask:0.5",
                "--out", out).fails(INVALID, "--noise", "--model dae --noise mask:0.5");
        assertThat(line).doesNotContain(tableCsv.toString()); // refused before the data is read
        run("train", "--data", "csv:" + tableCsv, "--label-column", "label", "--noise", "gaussian:0.1", "--out", out)
                .fails(INVALID, "--model dae");
        assertNothingWritten(out, tmp);
        assertThat(run("train", "--help").ok().out().replaceAll("\\s+", " ")).contains("--model ae refuses it");
    }

    @Test
    void errorLinesAreWrittenInUtf8OnOneLine() {
        // a header with a line separator and a bidi override would otherwise reorder or split the line
        Path csv = tmp.resolve("odd.csv");
        Cli.write(csv, "a\u2028b,c\u202E,d\n1,2,3\n");
        Cli.Result r = run("train", "--data", "csv:" + csv, "--label-column", "nope", "--out", tmp.resolve("run"));
        String line = r.fails(INVALID, "no column 'nope'", "\\u2028", "\\u202e");
        assertThat(line.getBytes(StandardCharsets.UTF_8)).doesNotContain((byte) 0x0a);
    }
}
