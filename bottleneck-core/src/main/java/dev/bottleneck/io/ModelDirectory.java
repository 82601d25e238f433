package dev.bottleneck.io;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.train.EpochResult;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A model directory, what {@code train} writes and every other verb reads:
 *
 * <pre>
 * runs/NAME/
 *   model.json      manifest ({@link Manifest})
 *   model.params    weights (DJL parameter stream), SHA-256 recorded in model.json
 *   checkpoint/     latest weights + optimizer state + epoch, for --resume
 *   metrics.jsonl   one JSON object per epoch ({@link EpochResult})
 *   *.png           pictures
 * </pre>
 *
 * All writes are atomic (temporary file, then rename), and the directory is a transaction: a
 * process killed at any instant leaves it in one of these states, never between two.
 *
 * <ol>
 *   <li><b>none</b>: no {@code model.json} (the folder may not exist, or hold only stale
 *       temporary files). Not a model; {@code train} may start here.
 *   <li><b>training</b>: {@code model.json} with status {@value Manifest#TRAINING}, written before
 *       the first epoch (and before a finished run is trained further). It holds everything
 *       {@code train --resume} needs; {@code checkpoint/state.json}, once there, is the progress
 *       (each checkpoint commits by its own rename, {@link dev.bottleneck.train.Checkpoints}), and
 *       {@code metrics.jsonl} is written before each checkpoint, so it holds at least the
 *       checkpoint's epochs. {@code model.params} and {@code metrics.json} are not part of this
 *       state: they may be missing, old, or already new.
 *   <li><b>evaluating</b>: status {@value Manifest#EVALUATING}, the epochs are done (the
 *       checkpoint holds the final weights), the final evaluation is not.
 *   <li><b>complete</b>: status {@value Manifest#COMPLETE}. Written last, after {@code
 *       model.params}, {@code metrics.json} and the pictures are in place, so its {@code
 *       params_sha256} is the one of the {@code model.params} beside it: {@code model.params} is
 *       only ever replaced while the manifest says the run is unfinished.
 * </ol>
 *
 * Verbs that use the model ({@link #loadModel}) refuse an unfinished run with a message that says
 * how to finish it; {@code train --resume} finishes any unfinished run. Temporary files left by a
 * killed writer are removed when the directory is opened for writing ({@link #cleanUp}).
 */
public final class ModelDirectory {

    /** Manifest file name. */
    public static final String MANIFEST = "model.json";
    /** Weights file name. */
    public static final String PARAMS = "model.params";
    /** Per-epoch metrics file name. */
    public static final String METRICS_LOG = "metrics.jsonl";
    /** Checkpoint folder name. */
    public static final String CHECKPOINT = "checkpoint";

    private final Path dir;

    private ModelDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens an existing model directory.
     *
     * @param dir the folder
     * @return the model directory
     * @throws InvalidInputException if the folder or its {@code model.json} is missing
     */
    public static ModelDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir, Files.exists(dir) ? "not a directory" : "no such model directory");
        }
        if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw new InvalidInputException(dir, "not a model directory (no " + MANIFEST + ")");
        }
        return new ModelDirectory(dir);
    }

    /**
     * A model directory that may not exist yet (for {@code train}).
     *
     * @param dir the folder
     * @return the model directory (nothing is created until something is written)
     */
    public static ModelDirectory at(Path dir) {
        return new ModelDirectory(dir);
    }

    /** @return the folder */
    public Path path() {
        return dir;
    }

    /** @return the checkpoint folder */
    public Path checkpointDir() {
        return dir.resolve(CHECKPOINT);
    }

    /**
     * @return the manifest, every field a verb reads checked ({@link ManifestFields})
     * @throws InvalidInputException naming {@code model.json} and the field if the file is
     *     missing, not valid JSON, or a field is missing, null, of the wrong type or out of range
     */
    public Manifest manifest() {
        Path f = dir.resolve(MANIFEST);
        com.fasterxml.jackson.databind.JsonNode tree = Json.readTree(f);
        ManifestFields.check(JsonFields.of(f, tree));
        return Json.bind(f, tree, Manifest.class);
    }

    /**
     * Writes the manifest atomically.
     *
     * @param manifest the manifest
     */
    public void writeManifest(Manifest manifest) {
        Json.write(dir.resolve(MANIFEST), manifest);
    }

    /**
     * Writes the weights atomically and returns their SHA-256 (hex), to be stored in the manifest.
     *
     * @param model the model
     * @return the checksum of what was written
     */
    public String writeParams(Autoencoder model) {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try {
            model.saveParameters(buf);
        } catch (IOException e) {
            throw new BottleneckException(dir.resolve(PARAMS) + ": cannot serialise weights (" + e.getMessage() + ")", e);
        }
        byte[] bytes = buf.toByteArray();
        AtomicFiles.write(dir.resolve(PARAMS), out -> out.write(bytes));
        return sha256(bytes);
    }

    /**
     * Loads the model: rebuilds it from the manifest and reads {@code model.params}, after
     * checking the file's SHA-256 against the manifest.
     *
     * @return the model; close it when done
     * @throws InvalidInputException if the run is unfinished, or the weights are missing, corrupt
     *     or do not match
     */
    public Autoencoder loadModel() {
        Manifest m = manifest();
        requireComplete(m);
        Path params = dir.resolve(PARAMS);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(params);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(params, "no such file (the model directory is incomplete)", e);
        } catch (IOException e) {
            throw new InvalidInputException(params, "cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
        if (m.paramsSha256() != null && !m.paramsSha256().equalsIgnoreCase(sha256(bytes))) {
            throw new InvalidInputException(params, "corrupt: its SHA-256 does not match the one recorded in " + MANIFEST
                    + " (" + bytes.length + " bytes; truncated or modified)");
        }
        return Autoencoder.load(m.model(), new ByteArrayInputStream(bytes), params);
    }

    /**
     * @param m this directory's manifest
     * @throws InvalidInputException naming the directory if it holds an unfinished run, with the
     *     command that finishes it
     */
    public void requireComplete(Manifest m) {
        if (!m.complete()) {
            throw new InvalidInputException(dir, describeUnfinished(m) + "; finish it with: bottleneck train --resume --out " + dir);
        }
    }

    /**
     * @param m this directory's manifest, not complete
     * @return e.g. {@code "unfinished run (training stopped after epoch 3 of 10)"}
     */
    public String describeUnfinished(Manifest m) {
        int saved = checkpointEpoch();
        String of = m.training() == null || m.training().config() == null || m.training().config().epochs() == Integer.MAX_VALUE
                ? "" : " of " + m.training().config().epochs();
        if (Manifest.EVALUATING.equals(m.status())) {
            return "unfinished run (all " + saved + " epochs are done, the final evaluation is not)";
        }
        return "unfinished run (" + (saved <= 0 ? "no epoch saved yet" : "training stopped after epoch " + saved + of) + ")";
    }

    /**
     * @return the epoch of the last checkpoint, 0 if there is none (or it cannot be read)
     */
    public int checkpointEpoch() {
        return new dev.bottleneck.train.Checkpoints(checkpointDir()).savedEpoch();
    }

    /**
     * Deletes what killed writers left: their temporary files in the directory and its
     * checkpoint folder ({@link AtomicFiles#isStale}; those of a live writer stay), and checkpoint
     * files that the checkpoint's {@code state.json} does not name. For a writer about to take
     * over the directory ({@code train}, {@code train --resume}).
     *
     * @return how many temporary files were deleted in the directory itself
     */
    public int cleanUp() {
        new dev.bottleneck.train.Checkpoints(checkpointDir()).removeUnused();
        return AtomicFiles.cleanStale(dir);
    }

    /**
     * Rewrites {@code metrics.jsonl} with these epochs (atomically).
     *
     * @param epochs all epochs so far
     */
    public void writeMetricsLog(List<EpochResult> epochs) {
        StringBuilder sb = new StringBuilder();
        for (EpochResult r : epochs) {
            sb.append(Json.compact(r)).append('\n');
        }
        AtomicFiles.writeString(dir.resolve(METRICS_LOG), sb.toString());
    }

    /**
     * Reads {@code metrics.jsonl}.
     *
     * @return the epochs logged so far (empty if there is no log)
     * @throws InvalidInputException naming the line (and the field) if a line is not a valid
     *     epoch record: not a JSON object, no {@code epoch} or {@code train_loss}, a figure that is
     *     not a number
     */
    public List<EpochResult> readMetricsLog() {
        Path f = dir.resolve(METRICS_LOG);
        List<EpochResult> out = new ArrayList<>();
        if (!Files.exists(f)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                com.fasterxml.jackson.databind.JsonNode tree;
                try {
                    tree = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    throw new InvalidInputException(f, "line " + no + " is not a valid epoch record", e);
                }
                JsonFields e = JsonFields.of(f, "line " + no, tree);
                e.intValue("epoch", 1, Integer.MAX_VALUE);
                e.real("train_loss");
                e.optionalReals("train_terms");
                e.optionalReal("test_loss");
                e.optionalReals("test_terms");
                e.optionalReals("metrics");
                for (String k : new String[] {"train_seconds", "eval_seconds", "samples_per_second", "rss_mb"}) {
                    e.optionalReal(k);
                }
                try {
                    out.add(Json.MAPPER.treeToValue(tree, EpochResult.class));
                } catch (IOException | IllegalArgumentException ex) {
                    throw new InvalidInputException(f, "line " + no + " is not a valid epoch record", ex);
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException(f, "cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
        return out;
    }

    /**
     * @param bytes data
     * @return its SHA-256 as lower-case hex
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
