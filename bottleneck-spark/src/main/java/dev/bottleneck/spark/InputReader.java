package dev.bottleneck.spark;

import dev.bottleneck.InvalidInputException;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.List;

/**
 * Copies one row's input values into a float array: either {@code F} numeric columns (one value
 * each, in the model's column order) or one column holding {@code F} values (an array of numbers or
 * an ML {@link Vector}). Numbers become float32 as Java's {@code (float)} cast makes them; a CSV
 * read with a {@code float} schema therefore gives the same floats as {@code bottleneck anomaly
 * score} parses from the same file.
 *
 * <p>Errors are one line naming the column: a null cell, or an array/vector of another length than
 * the model's {@code F}.
 */
final class InputReader implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How the input is laid out. */
    enum Kind {
        /** {@code F} numeric columns. */
        COLUMNS,
        /** One array column of numbers. */
        ARRAY,
        /** One ML vector column. */
        VECTOR
    }

    private final Kind kind;
    private final String[] names;
    private final int[] ordinals;
    private final int width;
    private final String model;

    /**
     * @param kind the layout
     * @param names the input column names (one for {@code ARRAY} and {@code VECTOR})
     * @param ordinals their positions in the input rows
     * @param width {@code F}, values per example
     * @param model the model's source, for messages
     */
    InputReader(Kind kind, String[] names, int[] ordinals, int width, String model) {
        this.kind = kind;
        this.names = names.clone();
        this.ordinals = ordinals.clone();
        this.width = width;
        this.model = model;
    }

    /**
     * Reads one row.
     *
     * @param row an input row
     * @param dst receives {@code F} values from {@code offset}
     * @param offset where the row's values start
     * @throws InvalidInputException for a null cell or a wrong length, naming the column
     */
    void read(Row row, float[] dst, int offset) {
        switch (kind) {
            case COLUMNS:
                for (int j = 0; j < ordinals.length; j++) {
                    Object v = row.get(ordinals[j]);
                    if (v == null) {
                        throw new InvalidInputException("column '" + names[j] + "' is null in a row; the model " + model
                                + " needs a number in every input column (drop or fill nulls first)");
                    }
                    dst[offset + j] = ((Number) v).floatValue();
                }
                return;
            case ARRAY: {
                Object v = row.get(ordinals[0]);
                if (v == null) {
                    throw nullCell();
                }
                List<Object> a = row.getList(ordinals[0]);
                requireLength(a.size());
                for (int j = 0; j < width; j++) {
                    Object x = a.get(j);
                    if (x == null) {
                        throw new InvalidInputException("column '" + names[0] + "' has a null element (index " + j + ") in a row; the model "
                                + model + " needs " + width + " numbers");
                    }
                    dst[offset + j] = ((Number) x).floatValue();
                }
                return;
            }
            default: {
                Object v = row.get(ordinals[0]);
                if (v == null) {
                    throw nullCell();
                }
                Vector vec = (Vector) v;
                requireLength(vec.size());
                double[] d = vec instanceof DenseVector ? ((DenseVector) vec).values() : vec.toArray();
                for (int j = 0; j < width; j++) {
                    dst[offset + j] = (float) d[j];
                }
            }
        }
    }

    private InvalidInputException nullCell() {
        return new InvalidInputException("column '" + names[0] + "' is null in a row; the model " + model + " needs " + width
                + " values in every row");
    }

    private void requireLength(int n) {
        if (n != width) {
            throw new InvalidInputException("column '" + names[0] + "' has " + n + " values in a row, but the model " + model
                    + " takes " + width);
        }
    }
}
