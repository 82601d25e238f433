package dev.bottleneck.data;

import dev.bottleneck.InvalidInputException;
import dev.bottleneck.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Shared checks and error messages of the loaders: every problem with a user's file becomes an
 * {@link InvalidInputException} whose one-line message starts with the path.
 */
final class DataFiles {

    private DataFiles() {}

    /**
     * Checks that {@code file} is an existing regular file.
     *
     * @param file the file to check
     * @throws InvalidInputException {@code "<file>: no such file"} or {@code "<file>: is a folder,
     *     not a file"}
     */
    static void requireFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new InvalidInputException(file, "is a folder, not a file");
        }
        if (!Files.exists(file)) {
            throw new InvalidInputException(file, "no such file");
        }
    }

    /**
     * Checks that {@code dir} is an existing folder.
     *
     * @param dir the folder to check
     * @throws InvalidInputException {@code "<dir>: no such folder"} or {@code "<dir>: not a folder"}
     */
    static void requireFolder(Path dir) {
        if (!Files.exists(dir)) {
            throw new InvalidInputException(dir, "no such folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir, "not a folder");
        }
    }

    /**
     * Reads a whole file into memory.
     *
     * @param file the file
     * @return its bytes
     * @throws InvalidInputException if it is missing, a folder, larger than 2 GiB or unreadable
     */
    static byte[] readAll(Path file) {
        requireFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new InvalidInputException(file, "too large (" + size + " bytes; at most 2 GiB can be loaded)");
            }
            byte[] buf = new byte[(int) size];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (bb.hasRemaining() && ch.read(bb) >= 0) {
                // keep reading until full or end of file
            }
            return bb.hasRemaining() ? Arrays.copyOf(buf, bb.position()) : buf;
        } catch (IOException e) {
            throw readError(file, e);
        }
    }

    /**
     * Turns an I/O error on a user's file into an {@link InvalidInputException} naming it.
     *
     * @param file the file being read
     * @param e the error
     * @return the exception to throw: {@code "<file>: no such file"} or {@code "<file>: cannot read
     *     (<reason>)"}
     */
    static InvalidInputException readError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new InvalidInputException(file, "no such file", e);
        }
        if (e instanceof AccessDeniedException) {
            return new InvalidInputException(file, "cannot read (permission denied)", e);
        }
        return new InvalidInputException(file, "cannot read (" + oneLine(AtomicFiles.describe(e)) + ")", e);
    }

    /**
     * Makes text safe for a one-line message: control characters escaped, long text cut.
     *
     * @param text any text (a cell, a header)
     * @param max the most characters kept
     * @return the text on one line, at most {@code max} characters plus an ellipsis
     * @see dev.bottleneck.Messages#snippet
     */
    static String snippet(String text, int max) {
        return dev.bottleneck.Messages.snippet(text, max);
    }

    /**
     * @param text a message that may span lines
     * @return its first line, trimmed
     */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return (nl >= 0 ? text.substring(0, nl) : text).trim();
    }

    /**
     * Formats a shape the way NumPy prints it: {@code (100, 784)}, {@code (5,)}, {@code ()}.
     *
     * @param shape the dimensions
     * @return the text
     */
    static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        if (shape.length == 1) {
            sb.append(',');
        }
        return sb.append(')').toString();
    }

    /**
     * Formats a float the short way for messages ({@code 255} rather than {@code 255.0}).
     *
     * @param v a value
     * @return the text
     */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Float.toString((float) v);
    }
}
