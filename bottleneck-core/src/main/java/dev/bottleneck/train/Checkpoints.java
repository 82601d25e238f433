package dev.bottleneck.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.io.AtomicFiles;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.Autoencoder;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The {@code checkpoint/} folder of a run: the latest weights, Adam state and epoch, for {@code
 * --resume}.
 *
 * <p>Layout: {@code epoch-NNNN.params} (DJL parameter stream), {@code epoch-NNNN.optim} (Adam
 * state) and {@code state.json}, which names them. Each file is written atomically and {@code
 * state.json} last, so it is the commit point: an interrupted save leaves the previous checkpoint
 * valid, and files of an epoch are never overwritten while a {@code state.json} names them (a
 * resumed run rewrites only the epoch after the checkpoint's). Older epoch files, and temporary
 * files left by a killed writer, are deleted after the new {@code state.json} is in place.
 */
public final class Checkpoints {

    private final Path dir;

    /** @param dir the checkpoint folder (created on first save) */
    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    /**
     * The contents of {@code state.json}.
     *
     * @param format format version (1)
     * @param epoch epochs completed
     * @param step optimizer steps taken
     * @param params weights file name, relative to the folder
     * @param optimizer optimizer state file name, relative to the folder
     */
    public record State(
            @JsonProperty("format") int format,
            @JsonProperty("epoch") int epoch,
            @JsonProperty("step") long step,
            @JsonProperty("params") String params,
            @JsonProperty("optimizer") String optimizer) {

        /**
         * Reads {@code state.json}, checking each field first.
         *
         * @param file the file
         * @return the state
         * @throws InvalidInputException naming the file and the field that is missing, null, out
         *     of range, or a file name that leaves the checkpoint folder
         */
        static State read(Path file) {
            com.fasterxml.jackson.databind.JsonNode tree = Json.readTree(file);
            dev.bottleneck.io.JsonFields f = dev.bottleneck.io.JsonFields.of(file, tree);
            f.intValue("format", 1, 1);
            f.intValue("epoch", 0, Integer.MAX_VALUE);
            f.integer("step", 0, Long.MAX_VALUE);
            for (String k : new String[] {"params", "optimizer"}) {
                String name = f.string(k);
                if (!name.matches("[A-Za-z0-9_][A-Za-z0-9._-]*")) {
                    throw f.error(k, "must name a file in the checkpoint folder, got '" + dev.bottleneck.Messages.snippet(name, 40) + "'");
                }
            }
            return Json.bind(file, tree, State.class);
        }
    }

    /** @return whether a checkpoint exists ({@code state.json} is present) */
    public boolean exists() {
        return Files.isRegularFile(dir.resolve("state.json"));
    }

    /**
     * @return the epoch of the saved checkpoint, or 0 if there is none or its {@code state.json}
     *     cannot be read
     */
    public int savedEpoch() {
        if (!exists()) {
            return 0;
        }
        try {
            return Json.read(dir.resolve("state.json"), State.class).epoch();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Writes a checkpoint after {@code epoch}.
     *
     * @param model the model
     * @param optimizer its optimizer
     * @param epoch epochs completed
     * @throws BottleneckException if a file cannot be written
     */
    public void save(Autoencoder model, Adam optimizer, int epoch) {
        String stem = String.format("epoch-%04d", epoch);
        AtomicFiles.write(dir.resolve(stem + ".params"), model::saveParameters);
        AtomicFiles.write(dir.resolve(stem + ".optim"), out -> optimizer.save(new DataOutputStream(out)));
        Json.write(dir.resolve("state.json"), new State(1, epoch, optimizer.step(), stem + ".params", stem + ".optim"));
        removeAllBut(stem);
    }

    /**
     * Deletes what an interrupted save left: epoch files that {@code state.json} does not name
     * (a kill after the files of the next epoch were written, or after {@code state.json} and
     * before the old files were deleted), and stale temporary files ({@link AtomicFiles#isStale}).
     * Nothing is deleted if {@code state.json} exists but cannot be read.
     */
    public void removeUnused() {
        String keep = "";
        if (exists()) {
            try {
                String params = Json.read(dir.resolve("state.json"), State.class).params();
                keep = params.substring(0, params.lastIndexOf('.'));
            } catch (RuntimeException e) {
                return;
            }
        }
        removeAllBut(keep);
    }

    private void removeAllBut(String stem) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("epoch-") && (stem.isEmpty() || !n.startsWith(stem + ".")) || AtomicFiles.isStale(p);
            }).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // an old checkpoint file left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // listing failed: old files stay, the checkpoint is complete
        }
    }

    /**
     * Loads the checkpoint into a model and optimizer.
     *
     * @param model a model built from the same config
     * @param optimizer a fresh optimizer for it
     * @return epochs completed
     * @throws InvalidInputException if there is nothing to resume or a file is corrupt
     */
    public int restore(Autoencoder model, Adam optimizer) {
        Path stateFile = dir.resolve("state.json");
        if (!Files.isRegularFile(stateFile)) {
            throw new InvalidInputException(dir.getParent() == null ? dir : dir.getParent(),
                    "nothing to resume (no " + dir.getFileName() + "/state.json; train without --resume first)");
        }
        State s = State.read(stateFile);
        Path params = dir.resolve(s.params());
        Path optim = dir.resolve(s.optimizer());
        try (InputStream in = new BufferedInputStream(Files.newInputStream(params))) {
            model.loadParameters(in, params);
        } catch (IOException e) {
            throw new InvalidInputException(params, "cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(optim)))) {
            optimizer.load(in, model.parameters());
        } catch (java.io.EOFException e) {
            throw new InvalidInputException(optim, "truncated: the optimizer state ends early (" + sizeOf(optim) + " bytes)", e);
        } catch (IOException e) {
            throw new InvalidInputException(optim, "cannot read the optimizer state (" + AtomicFiles.describe(e) + ")", e);
        } catch (InvalidInputException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw new InvalidInputException(optim, "corrupt optimizer state (an array in it claims more memory than there is)", e);
        } catch (RuntimeException e) {
            // a BottleneckException from Adam, or DJL failing to decode a damaged array
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new InvalidInputException(optim, "corrupt optimizer state (" + why + ")", e);
        }
        return s.epoch();
    }

    private static String sizeOf(Path file) {
        try {
            return String.valueOf(Files.size(file));
        } catch (IOException e) {
            return "?";
        }
    }
}
