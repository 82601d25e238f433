package dev.bottleneck.latent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;

/**
 * How a quantizer (VQ, FSQ) reads an encoder output as vectors of dimension {@code D}, and writes
 * them back:
 *
 * <ul>
 *   <li>flat {@code (N, D*M)} from an MLP encoder: {@code M} vectors per example, vector {@code m}
 *       being the columns {@code [m*D, (m+1)*D)}; indices {@code (N, M)};
 *   <li>grid {@code (N, D, H', W')} from a conv encoder: one vector per position, the channels
 *       being its components (van den Oord et al. 2017 quantize a conv encoder's output this way);
 *       indices {@code (N, H', W')}.
 * </ul>
 *
 * The vectors are {@code (P, D)} with {@code P = N*M} or {@code N*H'*W'}, in row-major order of
 * the index shape.
 *
 * @param batchShape the encoder output's shape
 * @param dim the vector dimension {@code D}
 */
public record VectorLayout(Shape batchShape, int dim) {

    /**
     * @param encoderOutput the shape of a flat {@code (N, D*M)} or grid {@code (N, D, H', W')}
     *     encoder output
     * @param dim the vector dimension {@code D}
     * @return the layout
     * @throws InvalidInputException if the shape is neither, or does not divide into vectors of
     *     {@code D}
     */
    public static VectorLayout of(Shape encoderOutput, int dim) {
        int rank = encoderOutput.dimension();
        if (rank == 2) {
            if (encoderOutput.get(1) % dim != 0) {
                throw new InvalidInputException("an encoder output of width " + encoderOutput.get(1)
                        + " cannot be read as vectors of dimension " + dim + " (the width must be a multiple of it)");
            }
        } else if (rank == 4) {
            if (encoderOutput.get(1) != dim) {
                throw new InvalidInputException("a conv encoder output of shape " + encoderOutput
                        + " has " + encoderOutput.get(1) + " channels, the quantizer reads vectors of dimension " + dim);
            }
        } else {
            throw new InvalidInputException("a quantizer reads (N, D*M) or (N, D, H, W) encoder outputs, got " + encoderOutput);
        }
        return new VectorLayout(encoderOutput, dim);
    }

    /**
     * The layout that gives indices of a shape: {@code (N, M)} flat, {@code (N, H', W')} grid.
     *
     * @param codes the index shape
     * @param dim the vector dimension {@code D}
     * @return the layout of the matching encoder output
     * @throws InvalidInputException for another rank
     */
    public static VectorLayout ofIndices(Shape codes, int dim) {
        if (codes.dimension() == 2) {
            return new VectorLayout(new Shape(codes.get(0), codes.get(1) * dim), dim);
        }
        if (codes.dimension() == 3) {
            return new VectorLayout(new Shape(codes.get(0), dim, codes.get(1), codes.get(2)), dim);
        }
        throw new InvalidInputException("codes of shape " + codes + " are neither (N, M) nor (N, H, W) indices");
    }

    /** @return whether this is a conv grid {@code (N, D, H', W')} */
    public boolean grid() {
        return batchShape.dimension() == 4;
    }

    /** @return the shape of the indices: {@code (N, M)} or {@code (N, H', W')} */
    public Shape indexShape() {
        if (grid()) {
            return new Shape(batchShape.get(0), batchShape.get(2), batchShape.get(3));
        }
        return new Shape(batchShape.get(0), batchShape.get(1) / dim);
    }

    /** @return the number of vectors {@code P} */
    public long vectors() {
        return indexShape().size();
    }

    /**
     * @param encoderOutput of {@link #batchShape}
     * @return {@code (P, D)}
     */
    public NDArray toVectors(NDArray encoderOutput) {
        if (grid()) {
            return encoderOutput.transpose(0, 2, 3, 1).reshape(-1, dim);
        }
        return encoderOutput.reshape(-1, dim);
    }

    /**
     * @param vectors {@code (P, D)}
     * @return of {@link #batchShape}
     */
    public NDArray fromVectors(NDArray vectors) {
        if (grid()) {
            return vectors.reshape(batchShape.get(0), batchShape.get(2), batchShape.get(3), dim).transpose(0, 3, 1, 2);
        }
        return vectors.reshape(batchShape);
    }
}
