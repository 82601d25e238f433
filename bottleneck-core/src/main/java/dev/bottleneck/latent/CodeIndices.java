package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.bottleneck.InvalidInputException;

/** Checks integer codes given to {@link DiscreteLatent#embed}: whole numbers, in range. */
public final class CodeIndices {

    private CodeIndices() {}

    /**
     * @param codes indices of any shape and numeric type
     * @param size the codebook size: valid indices are {@code [0, size)}
     * @return the same indices as INT64
     * @throws InvalidInputException naming the first offending value: {@code "code 600 is out of
     *     range for a codebook of 512"}, or {@code "codes must be whole numbers, got 0.5"}
     */
    public static NDArray check(NDArray codes, long size) {
        if (codes.getDataType() == DataType.BOOLEAN) {
            codes = codes.toType(DataType.INT64, false);
        }
        if (!codes.getDataType().isFloating() && !codes.getDataType().isInteger()) {
            throw new InvalidInputException("codes must be integers, got an array of " + codes.getDataType());
        }
        if (codes.getDataType().isFloating()) {
            NDArray f = codes.toType(DataType.FLOAT64, false);
            NDArray bad = f.isNaN().logicalOr(f.isInfinite()).logicalOr(f.neq(f.round()));
            if (bad.any().getBoolean()) {
                double v = f.booleanMask(bad).getDouble(0);
                throw new InvalidInputException("codes must be whole numbers, got " + v);
            }
            codes = f.toType(DataType.INT64, false);
        } else if (codes.getDataType() != DataType.INT64) {
            codes = codes.toType(DataType.INT64, false);
        }
        if (codes.size() == 0) {
            return codes;
        }
        long min = codes.min().getLong();
        long max = codes.max().getLong();
        if (min < 0) {
            throw new InvalidInputException("code " + min + " is out of range for a codebook of " + size);
        }
        if (max >= size) {
            throw new InvalidInputException("code " + max + " is out of range for a codebook of " + size);
        }
        return codes;
    }
}
