package dev.bottleneck.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bottleneck.InvalidInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The project's one Jackson {@link ObjectMapper} and helpers to read and write JSON files. */
public final class Json {

    /** Shared mapper: unknown properties ignored where the record says so, non-finite doubles allowed. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private static final ObjectMapper COMPACT = new ObjectMapper();

    private Json() {}

    /**
     * @param value any Jackson-serialisable value
     * @return indented JSON with a trailing newline
     */
    public static String pretty(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * @param value any Jackson-serialisable value
     * @return one-line JSON (for JSON Lines files and {@code --json} output)
     */
    public static String compact(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Writes a value as indented JSON, atomically.
     *
     * @param file the target
     * @param value the value
     * @throws dev.bottleneck.BottleneckException if the file cannot be written
     */
    public static void write(Path file, Object value) {
        AtomicFiles.writeString(file, pretty(value));
    }

    /**
     * Reads a JSON file into a type.
     *
     * @param file the file
     * @param type the record or class to bind
     * @param <T> the type
     * @return the value
     * @throws InvalidInputException naming the file if it is missing, unreadable or not valid for
     *     the type (with Jackson's line and column)
     */
    public static <T> T read(Path file, Class<T> type) {
        return bind(file, readTree(file), type);
    }

    /**
     * Reads a JSON file as a tree, to check its fields ({@link JsonFields}) before binding it.
     *
     * @param file the file
     * @return the document ({@code MissingNode} for an empty file)
     * @throws InvalidInputException naming the file if it is missing, unreadable or not valid JSON
     *     (with Jackson's line and column)
     */
    public static com.fasterxml.jackson.databind.JsonNode readTree(Path file) {
        try {
            return MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file, "no such file", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidInputException(file, "not valid JSON" + where + " (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new InvalidInputException(file, "cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    /**
     * Binds a JSON tree read from a file to a type.
     *
     * @param file the file the tree came from (for messages)
     * @param tree the document
     * @param type the record or class to bind
     * @param <T> the type
     * @return the value
     * @throws InvalidInputException naming the file if the tree does not fit the type or the
     *     type's constructor rejects a value
     */
    public static <T> T bind(Path file, com.fasterxml.jackson.databind.JsonNode tree, Class<T> type) {
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidInputException(file, "empty file (expected a JSON object)");
        }
        try {
            T value = MAPPER.treeToValue(tree, type);
            if (value == null) {
                throw new InvalidInputException(file, "expected a JSON object, got null");
            }
            return value;
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable c = e.getCause();
            String msg = c instanceof InvalidInputException ? c.getMessage() : e.getOriginalMessage();
            throw new InvalidInputException(file, "invalid content: " + msg, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException jme ? fieldPath(jme) : "";
            throw new InvalidInputException(file, "invalid content" + field + ": " + firstLine(e.getOriginalMessage()), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file, "invalid content: " + firstLine(e.getMessage()), e);
        }
    }

    /** The JSON path of a mapping error, e.g. {@code " in field 'input.shape[1]'"}, or empty. */
    private static String fieldPath(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "" : " in field '" + sb + "'";
    }

    /** The first line of a possibly multi-line library message. */
    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).trim();
    }
}
