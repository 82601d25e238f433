package dev.bottleneck.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.Messages;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Field-by-field checks of a JSON object read from a model directory ({@code model.json}, {@code
 * anomaly.json}, {@code standardizer.json}, {@code checkpoint/state.json}): a required field that
 * is missing or {@code null}, a value of the wrong type or out of range is an {@link
 * InvalidInputException} naming the file and the field, e.g. {@code "runs/x/anomaly.json: field
 * 'threshold' is null (expected a finite number)"}.
 *
 * <p>Jackson alone would bind a missing or {@code null} {@code double} to 0 and a missing object to
 * {@code null}, so a hand-edited file could flag every row or fail later with a {@code
 * NullPointerException}. Each file's reader checks its fields with this class first, then binds
 * the tree to its record ({@link Json#bind}).
 *
 * <p>Field names in messages are paths from the file's top level: {@code input.scaling.type},
 * {@code model.input_shape[2]}.
 */
public final class JsonFields {

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** How Jackson writes non-finite doubles (as strings), accepted by {@link #real}. */
    private static final List<String> NON_FINITE = List.of("NaN", "Infinity", "-Infinity");

    private final Path file;
    private final String where;
    private final String prefix;
    private final JsonNode node;

    private JsonFields(Path file, String where, String prefix, JsonNode node) {
        this.file = file;
        this.where = where;
        this.prefix = prefix;
        this.node = node;
    }

    /**
     * Checks that the document is a JSON object and returns its fields.
     *
     * @param file the file the document came from (for messages)
     * @param root the parsed document
     * @return the top-level fields
     * @throws InvalidInputException if the document is not an object
     */
    public static JsonFields of(Path file, JsonNode root) {
        return of(file, "", root);
    }

    /**
     * As {@link #of(Path, JsonNode)} for one record of a file that holds several, e.g. a line
     * of a JSON Lines file.
     *
     * @param file the file the document came from (for messages)
     * @param where where in the file, e.g. {@code "line 3"} (messages read {@code "<file>: line
     *     3: field 'epoch' ..."}), or empty
     * @param root the parsed document
     * @return the top-level fields
     * @throws InvalidInputException if the document is not an object
     */
    public static JsonFields of(Path file, String where, JsonNode root) {
        String at = where.isEmpty() ? "" : where + ": ";
        if (root == null || !root.isObject()) {
            throw new InvalidInputException(file, at + "expected a JSON object, got " + describe(root));
        }
        return new JsonFields(file, at, "", root);
    }

    /** @return the JSON object these fields belong to */
    public JsonNode node() {
        return node;
    }

    /** @return the file (for messages) */
    public Path file() {
        return file;
    }

    /**
     * @param name a field name
     * @return whether the field is present and not {@code null}
     */
    public boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /**
     * An error about one field of this object.
     *
     * @param name the field name
     * @param problem what is wrong, e.g. {@code "must be at least 1, got 0"}
     * @return the exception to throw: {@code "<file>: field '<path>' <problem>"}
     */
    public InvalidInputException error(String name, String problem) {
        return new InvalidInputException(file, where + "field '" + prefix + name + "' " + problem);
    }

    private JsonNode required(String name, String expected) {
        JsonNode v = node.get(name);
        if (v == null || v.isMissingNode()) {
            throw error(name, "is missing (expected " + expected + ")");
        }
        if (v.isNull()) {
            throw error(name, "is null (expected " + expected + ")");
        }
        return v;
    }

    // ------------------------------------------------------------------ objects

    /**
     * @param name a field that must hold an object
     * @return its fields
     */
    public JsonFields object(String name) {
        JsonNode v = required(name, "an object");
        if (!v.isObject()) {
            throw error(name, "must be an object, got " + describe(v));
        }
        return new JsonFields(file, where, prefix + name + ".", v);
    }

    /**
     * @param name a field that may be absent or {@code null}, or else holds an object
     * @return its fields, or {@code null}
     */
    public JsonFields optionalObject(String name) {
        return has(name) ? object(name) : null;
    }

    // ------------------------------------------------------------------ text

    /**
     * @param name a field that must hold a string
     * @return the string
     */
    public String string(String name) {
        JsonNode v = required(name, "a string");
        if (!v.isTextual()) {
            throw error(name, "must be a string, got " + describe(v));
        }
        return v.textValue();
    }

    /**
     * @param name a field that may be absent or {@code null}, or else holds a string
     * @return the string, or {@code null}
     */
    public String optionalString(String name) {
        return has(name) ? string(name) : null;
    }

    /**
     * @param name a field that must hold one of the given names (case-insensitive)
     * @param allowed the accepted names, lower case
     * @return the value, lower case
     */
    public String oneOf(String name, Collection<String> allowed) {
        String s = string(name);
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(t)) {
            throw error(name, "is '" + Messages.snippet(s, 40) + "', not one of " + String.join(", ", allowed));
        }
        return t;
    }

    /**
     * @param name a field that may be absent or {@code null}, or else holds a list of strings
     * @return the list, or {@code null}
     */
    public List<String> optionalStrings(String name) {
        if (!has(name)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isArray()) {
            throw error(name, "must be a list of strings, got " + describe(v));
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) {
                throw error(name + "[" + i + "]", "must be a string, got " + describe(e));
            }
            out.add(e.textValue());
        }
        return out;
    }

    // ------------------------------------------------------------------ numbers

    /**
     * @param name a field that must hold a finite number in {@code [min, max]}
     * @param min the smallest accepted value
     * @param max the largest accepted value
     * @return the value
     */
    public double number(String name, double min, double max) {
        return checkNumber(name, required(name, "a finite number"), min, max, false);
    }

    /**
     * @param name a field that must hold a finite number in {@code (min, max]}
     * @param min the accepted values are above this
     * @param max the largest accepted value
     * @return the value
     */
    public double numberAbove(String name, double min, double max) {
        return checkNumber(name, required(name, "a finite number"), min, max, true);
    }

    /**
     * @param name a field that may be absent or {@code null}, or else holds a finite number in
     *     {@code (min, max]}
     * @param min the accepted values are above this
     * @param max the largest accepted value
     * @return the value, or {@code null}
     */
    public Double optionalNumberAbove(String name, double min, double max) {
        return has(name) ? numberAbove(name, min, max) : null;
    }

    private double checkNumber(String name, JsonNode v, double min, double max, boolean exclusiveMin) {
        if (!v.isNumber()) {
            throw error(name, "must be a number, got " + describe(v));
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw error(name, "must be a finite number, got " + v.asText());
        }
        if (exclusiveMin ? !(d > min) : d < min) {
            throw error(name, "must be " + (exclusiveMin ? "above " : "at least ") + fmt(min) + ", got " + fmt(d));
        }
        if (d > max) {
            throw error(name, "must be at most " + fmt(max) + ", got " + fmt(d));
        }
        return d;
    }

    /**
     * A measured figure (a loss, a metric): any number, including the non-finite values that
     * Jackson writes as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}.
     *
     * @param name a field that must hold such a figure
     * @return the value
     */
    public double real(String name) {
        JsonNode v = required(name, "a number");
        if (v.isTextual() && NON_FINITE.contains(v.textValue())) {
            return Double.parseDouble(v.textValue());
        }
        if (!v.isNumber()) {
            throw error(name, "must be a number, got " + describe(v));
        }
        return v.doubleValue();
    }

    /**
     * @param name a field that may be absent or {@code null}, or else holds a figure ({@link
     *     #real})
     * @return the value, or {@code null}
     */
    public Double optionalReal(String name) {
        return has(name) ? real(name) : null;
    }

    /**
     * @param name a field that may be absent or {@code null}, or else holds an object whose
     *     values are figures ({@link #real}), e.g. named loss terms
     */
    public void optionalReals(String name) {
        JsonFields o = optionalObject(name);
        if (o != null) {
            for (java.util.Iterator<String> it = o.node.fieldNames(); it.hasNext(); ) {
                o.real(it.next());
            }
        }
    }

    /**
     * @param name a field that must hold an integer in {@code [min, max]}
     * @param min the smallest accepted value
     * @param max the largest accepted value
     * @return the value
     */
    public long integer(String name, long min, long max) {
        return checkInteger(name, required(name, "an integer"), min, max);
    }

    /**
     * @param name a field that must hold an integer in {@code [min, max]}, {@code int}-sized
     * @param min the smallest accepted value
     * @param max the largest accepted value
     * @return the value
     */
    public int intValue(String name, int min, int max) {
        return (int) integer(name, min, max);
    }

    /**
     * @param name a field that may be absent or {@code null}, or else holds an integer in {@code
     *     [min, max]}
     * @param min the smallest accepted value
     * @param max the largest accepted value
     * @return the value, or {@code null}
     */
    public Long optionalInteger(String name, long min, long max) {
        return has(name) ? integer(name, min, max) : null;
    }

    private long checkInteger(String name, JsonNode v, long min, long max) {
        if (!v.isNumber()) {
            throw error(name, "must be an integer, got " + describe(v));
        }
        BigInteger b;
        if (v.isIntegralNumber()) {
            b = v.bigIntegerValue();
        } else if (v.canConvertToExactIntegral()) {
            b = v.decimalValue().toBigIntegerExact();
        } else {
            throw error(name, "must be an integer, got " + v.asText());
        }
        if (b.compareTo(LONG_MIN) < 0 || b.compareTo(LONG_MAX) > 0 || b.longValue() < min || b.longValue() > max) {
            throw error(name, "must be " + range(min, max) + ", got " + b);
        }
        return b.longValue();
    }

    /**
     * @param name a field that may be absent or {@code null}, or else holds {@code true} or {@code
     *     false}
     * @return the value, {@code false} when absent
     */
    public boolean optionalBoolean(String name) {
        if (!has(name)) {
            return false;
        }
        JsonNode v = node.get(name);
        if (!v.isBoolean()) {
            throw error(name, "must be true or false, got " + describe(v));
        }
        return v.booleanValue();
    }

    // ------------------------------------------------------------------ arrays

    /**
     * @param name a field that must hold a list of integers, each in {@code [min, max]}
     * @param minLength the fewest elements
     * @param maxLength the most elements
     * @param min the smallest accepted element
     * @param max the largest accepted element
     * @return the values
     */
    public int[] ints(String name, int minLength, int maxLength, int min, int max) {
        JsonNode v = required(name, "a list of integers");
        if (!v.isArray()) {
            throw error(name, "must be a list of integers, got " + describe(v));
        }
        if (v.size() < minLength || v.size() > maxLength) {
            throw error(name, "must have " + (minLength == maxLength ? String.valueOf(minLength) : minLength + " to " + maxLength)
                    + " elements, got " + v.size());
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = v.get(i);
            if (e.isNull()) {
                throw error(name + "[" + i + "]", "is null (expected an integer)");
            }
            out[i] = (int) checkInteger(name + "[" + i + "]", e, min, max);
        }
        return out;
    }

    /**
     * @param name a field that may be absent or {@code null}, or else holds a list of integers,
     *     each in {@code [min, max]}
     * @param min the smallest accepted element
     * @param max the largest accepted element
     * @return the values, or {@code null}
     */
    public int[] optionalInts(String name, int min, int max) {
        return has(name) ? ints(name, 0, Integer.MAX_VALUE, min, max) : null;
    }

    /**
     * @param name a field that must hold a list of {@code length} finite numbers, each in {@code
     *     (above, +inf)} when {@code positive}
     * @param length the number of elements
     * @param positive whether every element must be above 0
     * @return the values as float32 (a value out of float32 range is an error)
     */
    public float[] floats(String name, int length, boolean positive) {
        JsonNode v = required(name, "a list of numbers");
        if (!v.isArray()) {
            throw error(name, "must be a list of numbers, got " + describe(v));
        }
        if (v.size() != length) {
            throw error(name, "has " + v.size() + " values, expected " + length + " (one per column)");
        }
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            JsonNode e = v.get(i);
            String at = name + "[" + i + "]";
            if (e.isNull()) {
                throw error(at, "is null (expected a finite number)");
            }
            double d = checkNumber(at, e, positive ? 0 : -Double.MAX_VALUE, Double.MAX_VALUE, positive);
            out[i] = (float) d;
            if (!Float.isFinite(out[i]) || (positive && !(out[i] > 0))) {
                throw error(at, "is out of float32 range: " + fmt(d));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ text of values

    /**
     * @param v a JSON value, or {@code null}
     * @return what it is, for a message: {@code "the string 'abc'"}, {@code "an object"}, {@code
     *     "true"}, {@code "null"}
     */
    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isNull()) {
            return "null";
        }
        if (v.isTextual()) {
            return "the string '" + Messages.snippet(v.textValue(), 40) + "'";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isBoolean()) {
            return String.valueOf(v.booleanValue());
        }
        return Messages.snippet(v.asText(), 40);
    }

    private static String range(long min, long max) {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return "a 64-bit integer";
        }
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return "an integer >= " + min;
        }
        return "an integer in [" + min + ", " + max + "]";
    }

    private static String fmt(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
