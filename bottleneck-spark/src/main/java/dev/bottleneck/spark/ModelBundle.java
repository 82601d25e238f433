package dev.bottleneck.spark;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.anomaly.AnomalySettings;
import dev.bottleneck.data.Standardizer;
import dev.bottleneck.io.Manifest;
import dev.bottleneck.io.ModelDirectory;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of a model directory that scoring needs, held as bytes so that Spark can ship them:
 * {@code model.json}, {@code model.params} and, when present, {@code anomaly.json} and {@code
 * standardizer.json} (checkpoints, metrics and pictures stay behind). A bundle is what {@link
 * BottleneckTransformer} broadcasts to the executors and what it writes into a saved Pipeline.
 *
 * <p>The {@link #fingerprint()} (SHA-256 over the file names and bytes) identifies the model: an
 * executor JVM loads each fingerprint once ({@link ExecutorModels}).
 *
 * <p>Size: the weights dominate (4 bytes a parameter: a 30-16-4 MLP is 5 KB, the quickstart conv
 * model 250 KB); a bundle is limited to 2 GiB per file by Java arrays.
 */
public final class ModelBundle implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The files a bundle carries, in this order; the first two are required. */
    public static final List<String> FILES = List.of(ModelDirectory.MANIFEST, ModelDirectory.PARAMS, AnomalySettings.FILE,
            Standardizer.FILE);

    private final String source;
    private final TreeMap<String, byte[]> files;
    private final String fingerprint;

    private ModelBundle(String source, TreeMap<String, byte[]> files) {
        this.source = source;
        this.files = files;
        this.fingerprint = digest(files);
    }

    /**
     * Reads a model directory on the local file system.
     *
     * @param dir a model directory written by {@code train} or {@code anomaly fit}
     * @return the bundle ({@link #source()} is {@code dir} as given)
     * @throws InvalidInputException if the folder is not a model directory, has no weights, or
     *     its training is unfinished (the message names the folder)
     */
    public static ModelBundle read(Path dir) {
        ModelDirectory md = ModelDirectory.open(dir);
        Manifest m = md.manifest();
        if (!m.complete()) {
            throw new InvalidInputException(dir, "is an unfinished run (status " + m.status() + "); finish it with: bottleneck train --resume --out " + dir);
        }
        TreeMap<String, byte[]> files = new TreeMap<>();
        for (String name : FILES) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) {
                try {
                    files.put(name, Files.readAllBytes(f));
                } catch (IOException e) {
                    throw new BottleneckException(f + ": cannot read (" + e.getMessage() + ")", e);
                }
            }
        }
        if (!files.containsKey(ModelDirectory.PARAMS)) {
            throw new InvalidInputException(dir, "has no " + ModelDirectory.PARAMS + " (the weights)");
        }
        return new ModelBundle(dir.toString(), files);
    }

    /**
     * A bundle from files read elsewhere (a saved Pipeline on any Hadoop file system).
     *
     * @param source where the files came from, for messages
     * @param files file name to bytes; names outside {@link #FILES} are ignored
     * @return the bundle
     * @throws InvalidInputException if {@code model.json} or {@code model.params} is missing
     */
    public static ModelBundle of(String source, Map<String, byte[]> files) {
        TreeMap<String, byte[]> kept = new TreeMap<>();
        for (String name : FILES) {
            if (files.containsKey(name)) {
                kept.put(name, files.get(name));
            }
        }
        for (String required : FILES.subList(0, 2)) {
            if (!kept.containsKey(required)) {
                throw new InvalidInputException(source + ": no " + required + " in the saved model");
            }
        }
        return new ModelBundle(source, kept);
    }

    /**
     * Writes the files into {@code root/<fingerprint>/}, once: a folder that is already complete
     * is reused, a new one is written under a temporary name and renamed, so concurrent callers
     * (tasks, JVMs sharing a disk) never see half a model.
     *
     * @param root a local folder (created if missing)
     * @return the model directory
     * @throws BottleneckException if the files cannot be written
     */
    public Path materialize(Path root) {
        Path dir = root.resolve(fingerprint);
        if (Files.isRegularFile(dir.resolve(ModelDirectory.MANIFEST))) {
            return dir;
        }
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempDirectory(root, "." + fingerprint.substring(0, 12) + "-");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                Files.write(tmp.resolve(e.getKey()), e.getValue());
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isRegularFile(dir.resolve(ModelDirectory.MANIFEST))) {
                    throw raced;
                }
                deleteTree(tmp); // another task got there first
            }
            return dir;
        } catch (IOException e) {
            throw new BottleneckException(root + ": cannot write the model files (" + e.getMessage() + ")", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    /** @return where the model came from (a directory or a saved Pipeline's stage folder), for messages */
    public String source() {
        return source;
    }

    /** @return the files, name to bytes (read-only view; do not change the arrays) */
    public Map<String, byte[]> files() {
        return Collections.unmodifiableMap(files);
    }

    /** @return whether the model was fitted as an anomaly detector ({@code anomaly.json} present) */
    public boolean isDetector() {
        return files.containsKey(AnomalySettings.FILE);
    }

    /** @return the SHA-256, in hex, of every file's name and bytes: the model's identity */
    public String fingerprint() {
        return fingerprint;
    }

    /** @return the bytes of all files */
    public long size() {
        long n = 0;
        for (byte[] b : files.values()) {
            n += b.length;
        }
        return n;
    }

    private static String digest(TreeMap<String, byte[]> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(Long.toString(e.getValue().length).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.getValue());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ModelBundle[" + source + ", " + fingerprint.substring(0, 12) + ", " + size() + " bytes]";
    }
}
