package dev.bottleneck.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.anomaly.AnomalySettings;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.data.Standardizer;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every field a verb reads from a model directory is checked when the file is read (issue 9, items
 * 1 and 2): a field that is missing, null, of the wrong type or out of range is an {@link
 * InvalidInputException} naming the file and the field, never a silent 0 or a later {@code
 * NullPointerException}.
 */
class ModelFilesValidationTest {

    @TempDir
    Path dir;

    /** A valid table model's manifest: MLP 3 -> 4 -> [2], standard scaling, held-out test set. */
    private ObjectNode tableManifest() {
        ModelConfig c = ModelConfig.builder().arch("mlp").inputShape(3).hidden(4).latent(2).output("none").build();
        Manifest m = new Manifest(Manifest.FORMAT, Manifest.COMPLETE, "test", "now", c, 42, "ab".repeat(32),
                new Manifest.InputSpec("table", new int[] {3}, new InputScaling("standard", null, new float[] {0, 1, 2},
                        new float[] {1, 2, 3}), "csv:t.csv", null, 0.1, "label", null, null, List.of("a", "b", "c")),
                new Manifest.TrainingInfo(new TrainConfig(2, 8, 1e-3, 7), 2, 1.5, 2, null, 90),
                Map.of("mse", 0.5, "psnr", "Infinity", "data", "csv:t.csv (held-out part)"));
        return Json.MAPPER.valueToTree(m);
    }

    private ObjectNode anomaly() {
        AnomalySettings s = new AnomalySettings(1, "mse", null, null, 0.01, 2.5, null, "label", List.of("a", "b", "c"), 90,
                new AnomalySettings.ScoreSummary(0.1, 0.5, 0.6, 2.5, 3));
        return Json.MAPPER.valueToTree(s);
    }

    private Path write(String name, JsonNode tree) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, Json.pretty(tree));
        return f;
    }

    private Manifest readManifest(JsonNode tree) throws IOException {
        write(ModelDirectory.MANIFEST, tree);
        return ModelDirectory.open(dir).manifest();
    }

    /** Applies an edit at a dotted path: {@code remove}, {@code null} or a JSON value to set. */
    private static ObjectNode edit(ObjectNode root, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode parent = root;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (value.equals("remove")) {
            parent.remove(last);
        } else {
            try {
                parent.set(last, Json.MAPPER.readTree(value));
            } catch (IOException e) {
                throw new IllegalArgumentException(value, e);
            }
        }
        return root;
    }

    @Test
    void theValidFixturesRead() throws IOException {
        Manifest m = readManifest(tableManifest());
        assertThat(m.input().scaling().type()).isEqualTo("standard");
        assertThat(m.training().config().seed()).isEqualTo(7);
        write(AnomalySettings.FILE, anomaly());
        assertThat(AnomalySettings.read(dir).threshold()).isEqualTo(2.5);
    }

    @ParameterizedTest(name = "model.json {0} = {1}")
    @CsvSource(delimiter = '|', value = {
        // item 2 of the issue: these gave a NullPointerException in info and eval
        "input.scaling       | remove | field 'input.scaling' is missing",
        "training            | remove | field 'training' is missing",
        "training.config     | remove | field 'training.config' is missing",
        "training.config     | null   | field 'training.config' is null",
        "model               | remove | field 'model' is missing",
        "input               | 3      | field 'input' must be an object, got 3",
        "format              | remove | field 'format' is missing",
        "format              | 2      | field 'format' is 2, which this version does not support",
        "format              | '\"1\"' | field 'format' must be an integer, got the string '1'",
        "model.type          | null   | field 'model.type' is null",
        "model.type          | '\"xae\"' | field 'model.type' is 'xae', not one of ae, dae",
        "model.latent        | remove | field 'model.latent' is missing",
        "model.latent        | 0      | field 'model.latent' must be an integer >= 1, got 0",
        "model.latent        | 2.5    | field 'model.latent' must be an integer, got 2.5",
        "model.input_shape   | '[3, -1]' | field 'model.input_shape[1]' must be an integer >= 1, got -1",
        "model.input_shape   | '[50000, 50000, 50000]' | field 'model.input_shape' [50000, 50000, 50000] has more than",
        "model.hidden        | '[4, null]' | field 'model.hidden[1]' is null",
        "model.loss          | 1      | field 'model.loss' must be a string, got 1",
        "input.kind          | '\"video\"' | field 'input.kind' is 'video', not one of image, table",
        "input.shape         | '[4]'  | field 'input.shape' is [4], but model.input_shape is [3]",
        "input.scaling.type  | null   | field 'input.scaling.type' is null",
        "input.scaling.mean  | '[0, 1]' | field 'input.scaling.mean' has 2 values, expected 3",
        "input.scaling.std   | '[1, 0, 3]' | field 'input.scaling.std[1]' must be above 0, got 0",
        "input.scaling.std   | remove | field 'input.scaling.std' is missing",
        "input.scaling.mean  | '[0, 1e39, 2]' | field 'input.scaling.mean[1]' is out of float32 range",
        "input.data          | remove | field 'input.data' is missing",
        "input.holdout       | remove | field 'input.holdout' is missing (expected the held-out fraction",
        "input.holdout       | 1.5    | field 'input.holdout' must be at most 1, got 1.5",
        "input.resize        | '\"big\"' | field 'input.resize' is not an image size HxW",
        "input.column_names  | '[\"a\"]' | field 'input.column_names' has 1 names for 3 columns",
        "training.config.seed | 1e30  | field 'training.config.seed' must be a 64-bit integer, got",
        "training.config.learning_rate | 0 | field 'training.config.learning_rate' must be above 0, got 0",
        "training.config.epochs | null | field 'training.config.epochs' is null",
        "training.epochs_completed | -1 | field 'training.epochs_completed' must be an integer >= 0, got -1",
        "training.train_seconds | '\"fast\"' | field 'training.train_seconds' must be a number, got the string 'fast'",
        "metrics.mse         | '\"low\"' | field 'metrics.mse' must be a number, got the string 'low'",
        "params_sha256       | '\"abc\"' | field 'params_sha256' must be 64 hexadecimal digits",
    })
    void everyFieldAVerbReadsIsChecked(String path, String value, String message) {
        ObjectNode m = edit(tableManifest(), path.trim(), value.trim());
        assertThatThrownBy(() -> readManifest(m)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(dir.resolve("model.json") + ": ")
                .hasMessageContaining(message.trim());
    }

    @Test
    void nonObjectAndEmptyManifests() throws IOException {
        Path f = dir.resolve("model.json");
        for (String text : new String[] {"", "null", "[1, 2]", "\"model\"", "42"}) {
            Files.writeString(f, text);
            assertThatThrownBy(() -> ModelDirectory.open(dir).manifest()).as(text).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith(f + ": ");
        }
    }

    @ParameterizedTest(name = "anomaly.json {0} = {1}")
    @CsvSource(delimiter = '|', value = {
        // item 1 of the issue: a null or missing threshold became 0 and flagged every row
        "threshold     | null   | field 'threshold' is null (expected a finite number)",
        "threshold     | remove | field 'threshold' is missing (expected a finite number)",
        "threshold     | '\"2.5\"' | field 'threshold' must be a number, got the string '2.5'",
        "threshold     | '\"Infinity\"' | field 'threshold' must be a number, got the string 'Infinity'",
        "contamination | remove | field 'contamination' is missing",
        "contamination | 0.7    | field 'contamination' must be at most 0.5, got 0.7",
        "contamination | 0      | field 'contamination' must be above 0, got 0",
        "score         | null   | field 'score' is null",
        "score         | '\"l2\"' | field 'score' is 'l2', not one of mse, recon-prob",
        "score_samples | 0      | field 'score_samples' must be an integer >= 1, got 0",
        "format        | remove | field 'format' is missing",
        "columns       | '[\"a\", 1]' | field 'columns[1]' must be a string, got 1",
        "label_column  | '{}'   | field 'label_column' must be a string, got an object",
        "train_scores.median | null | field 'train_scores.median' is null",
    })
    void everyAnomalyFieldIsChecked(String path, String value, String message) throws IOException {
        write(AnomalySettings.FILE, edit(anomaly(), path.trim(), value.trim()));
        assertThatThrownBy(() -> AnomalySettings.read(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(dir.resolve(AnomalySettings.FILE) + ": ")
                .hasMessageContaining(message.trim());
    }

    @Test
    void aThresholdBeyondDoubleRangeIsNotInfinity() throws IOException {
        String text = Json.pretty(anomaly()).replaceFirst("\"threshold\" : [^,]+,", "\"threshold\" : 1e400,");
        Files.writeString(dir.resolve(AnomalySettings.FILE), text);
        assertThatThrownBy(() -> AnomalySettings.read(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessage(dir.resolve(AnomalySettings.FILE) + ": field 'threshold' must be a finite number, got Infinity");
    }

    @Test
    void metricsLogLinesAreChecked() throws IOException {
        // train --resume reads every line; a "null" line was a NullPointerException there
        ModelDirectory d = ModelDirectory.at(dir);
        Path f = dir.resolve(ModelDirectory.METRICS_LOG);
        String good = "{\"epoch\":1,\"train_loss\":0.5,\"train_terms\":{\"recon_mse\":0.5},\"test_loss\":\"NaN\","
                + "\"train_seconds\":1.5,\"eval_seconds\":0.1,\"samples_per_second\":1000,\"rss_mb\":300}";
        Files.writeString(f, good + "\n");
        assertThat(d.readMetricsLog().get(0).testLoss()).isNaN();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("null", "line 2: expected a JSON object, got null");
        cases.put("[1]", "line 2: expected a JSON object, got a list");
        cases.put("{\"train_loss\":0.5}", "line 2: field 'epoch' is missing");
        cases.put("{\"epoch\":0,\"train_loss\":0.5}", "line 2: field 'epoch' must be an integer >= 1, got 0");
        cases.put("{\"epoch\":2,\"train_loss\":null}", "line 2: field 'train_loss' is null");
        cases.put("{\"epoch\":2,\"train_loss\":1,\"test_terms\":{\"kl\":\"x\"}}", "line 2: field 'test_terms.kl' must be a number");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(f, good + "\n" + c.getKey() + "\n");
            assertThatThrownBy(d::readMetricsLog).as(c.getKey()).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith(f + ": " + c.getValue());
        }
    }

    @Test
    void standardizerFieldsAreChecked() throws IOException {
        ObjectNode ok = Json.MAPPER.valueToTree(new Standardizer(List.of("a", "b"), new float[] {1, 2}, new float[] {3, 4}));
        assertThat(Standardizer.read(write("s.json", ok)).std()).containsExactly(3, 4);
        Map<Consumer<ObjectNode>, String> cases = Map.of(
                n -> n.remove("mean"), "field 'mean' is missing",
                n -> n.putNull("std"), "field 'std' is null",
                n -> ((ArrayNode) n.get("std")).set(1, Json.MAPPER.getNodeFactory().numberNode(-1)), "field 'std[1]' must be above 0",
                n -> n.putArray("mean"), "field 'mean' is empty",
                n -> ((ArrayNode) n.get("columns")).add("c"), "field 'columns' has 3 names for 2 columns");
        for (Map.Entry<Consumer<ObjectNode>, String> c : cases.entrySet()) {
            ObjectNode n = ok.deepCopy();
            c.getKey().accept(n);
            Path f = write("s.json", n);
            assertThatThrownBy(() -> Standardizer.read(f)).as(c.getValue()).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith(f + ": ").hasMessageContaining(c.getValue());
        }
    }
}
