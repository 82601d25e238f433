package dev.bottleneck.io;

import dev.bottleneck.BottleneckException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes files so that readers never see a half-written one: the content goes to a temporary file
 * in the same folder ({@code .name.tmp-<pid>-<random>}), which is then renamed over the target. If
 * the writer fails, the temporary file is deleted and the target is left as it was.
 *
 * <p>A process killed while writing ({@code kill -9}, a power cut) leaves its temporary file
 * behind. Such a file is <em>stale</em> once the process named in it is gone ({@link #isStale});
 * a process's first write into a folder deletes the stale temporary files in that folder (once per
 * folder and process, or per command ({@link #forgetSweeps}): writing 10,000 files into one folder
 * used to list it 10,000 times), and
 * {@link #cleanStale} sweeps a folder on demand (a model directory does so when it is opened for
 * writing).
 * The temporary files of a live writer are never touched.
 *
 * <p>Errors are {@link BottleneckException}s whose message names the target file and the reason,
 * e.g. {@code "out/codes.npy: cannot write (Permission denied)"}.
 */
public final class AtomicFiles {

    /** Writes the content of one file to a stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * @param out the stream to the temporary file; do not close it
         * @throws IOException on a write error
         */
        void write(OutputStream out) throws IOException;
    }

    /** What the name of every temporary file holds, after the target's name. */
    public static final String TEMP_MARK = ".tmp-";

    private static final long PID = ProcessHandle.current().pid();

    /** When this process started; a temporary file older than that is not this process's. */
    private static final Instant STARTED = ProcessHandle.current().info().startInstant().orElse(Instant.now());

    /**
     * Process start times come from the kernel in coarse units (the boot time in whole seconds),
     * so "older than a process" allows this much slack.
     */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(2);

    /** Folders this process has swept for stale temporary files (on its first write into each). */
    private static final java.util.Set<Path> SWEPT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private AtomicFiles() {}

    /**
     * Makes the next write into each folder sweep it again for stale temporary files, as a new
     * process's would (the command-line tool calls this at the start of every command it runs in
     * one JVM; a long-running program may call it now and then).
     */
    public static void forgetSweeps() {
        SWEPT.clear();
    }

    /**
     * @param name a file name
     * @return whether it is named like the temporary file of an atomic write ({@code
     *     .NAME.tmp-...})
     */
    public static boolean isTempName(String name) {
        return name.startsWith(".") && name.contains(TEMP_MARK);
    }

    /**
     * Whether a temporary file was left behind by a writer that is gone: the process whose id is
     * in its name ({@code .NAME.tmp-<pid>-<random>}) is no longer running, or is a later process
     * that reuses the id (it started after the file was last written). A temporary file without
     * a process id (written by an older version) is stale when it is older than this process.
     *
     * @param file a file
     * @return whether it is a temporary file that nobody will finish or rename
     */
    public static boolean isStale(Path file) {
        String name = file.getFileName().toString();
        if (!isTempName(name)) {
            return false;
        }
        Instant modified;
        try {
            modified = Files.getLastModifiedTime(file, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            return false; // gone already, or unreadable: leave it
        }
        String tail = name.substring(name.lastIndexOf(TEMP_MARK) + TEMP_MARK.length());
        int dash = tail.indexOf('-');
        long pid = -1;
        if (dash > 0) {
            try {
                pid = Long.parseLong(tail.substring(0, dash));
            } catch (NumberFormatException e) {
                pid = -1;
            }
        }
        if (pid < 0) {
            return modified.isBefore(STARTED.minus(CLOCK_SLACK));
        }
        if (pid == PID) {
            return modified.isBefore(STARTED.minus(CLOCK_SLACK));
        }
        java.util.Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return true;
        }
        java.util.Optional<Instant> start = h.get().info().startInstant();
        return start.isPresent() && modified.isBefore(start.get().minus(CLOCK_SLACK));
    }

    /**
     * Deletes the stale temporary files ({@link #isStale}) in a folder, not in its subfolders.
     * Best effort: a file that cannot be deleted stays.
     *
     * @param dir the folder (nothing happens if it does not exist)
     * @return how many files were deleted
     */
    public static int cleanStale(Path dir) {
        return cleanStale(dir, ".");
    }

    private static int cleanStale(Path dir, String prefix) {
        int n = 0;
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : files) {
                if (isStale(p) && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.deleteIfExists(p);
                        n++;
                    } catch (IOException ignored) {
                        // best effort: the file has a hidden name and is tried again next time
                    }
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException ignored) {
            // no such folder, or unreadable: nothing to clean
        }
        return n;
    }

    /**
     * Writes a file atomically. Missing parent folders are created.
     *
     * @param target the file to create or replace
     * @param writer writes the content
     * @throws BottleneckException naming {@code target} if the folder cannot be created, the file
     *     cannot be written, or the writer throws
     */
    public static void write(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            String prefix = "." + target.getFileName() + TEMP_MARK;
            if (SWEPT.add(dir.normalize())) {
                cleanStale(dir, ".");
            }
            tmp = newTempFile(dir, prefix + PID + "-");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.write(out);
            }
            CrashPoint.reach("before-rename " + target.getFileName());
            moveIntoPlace(tmp, target);
            tmp = null;
            CrashPoint.reach("after-rename " + target.getFileName());
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            throw new BottleneckException(target + ": cannot write (" + describe(e) + ")", e);
        } catch (IOException e) {
            throw new BottleneckException(target + ": cannot write (" + describe(e) + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file has a hidden name
                }
            }
        }
    }

    /**
     * Creates an empty file with a fresh random name. Unlike {@link Files#createTempFile}, which
     * makes the file readable by its owner only (0600), the file gets the permissions of any new
     * file (0666 less the umask), and so does the target it is renamed to.
     */
    private static Path newTempFile(Path dir, String prefix) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36));
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Writes a UTF-8 text file atomically.
     *
     * @param target the file to create or replace
     * @param text its content
     * @throws BottleneckException naming {@code target} if it cannot be written
     */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Renames {@code tmp} over {@code target}, atomically where the file system allows it.
     *
     * @param tmp a finished temporary file in the target's folder
     * @param target the final name
     * @throws IOException if the rename fails
     */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A short reason for an I/O error, for one-line messages ("Permission denied", "No such file
     * or directory", "Not a directory").
     *
     * @param e the error
     * @return the reason without the path the JDK repeats
     */
    public static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory: " + ((NoSuchFileException) e).getFile();
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file is in the way: " + ((FileAlreadyExistsException) e).getFile();
        }
        if (e instanceof java.nio.file.FileSystemException) {
            java.nio.file.FileSystemException fse = (java.nio.file.FileSystemException) e;
            String reason = fse.getReason();
            return reason != null ? reason : e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
