package dev.bottleneck.latent.vq;

import ai.djl.ndarray.NDArray;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.nn.Scalars;

import java.util.List;

/**
 * How a vector quantizer compares encoder vectors with codebook entries (a strategy, so options do
 * not multiply constructor arguments). Both the vectors and the entries first go through {@link
 * #prepare}; the quantizer then picks the entry of least {@link #distances distance}, and the code
 * the decoder reads is the prepared entry.
 *
 * <ul>
 *   <li>{@link #L2}: squared Euclidean distance on the raw vectors (van den Oord et al., "Neural
 *       Discrete Representation Learning", NeurIPS 2017).
 *   <li>{@link #COSINE}: vectors and entries are l2-normalized, so the nearest entry is the one of
 *       largest cosine similarity and codes lie on the unit sphere (Yu et al., "Vector-quantized
 *       Image Modeling with Improved VQGAN", ICLR 2022, section 3.2, which reports better codebook
 *       usage).
 * </ul>
 */
public interface Distance {

    /** Squared Euclidean distance. */
    Distance L2 = new Distance() {
        @Override
        public String name() {
            return "l2";
        }

        @Override
        public NDArray prepare(NDArray v) {
            return v;
        }

        @Override
        public NDArray distances(NDArray x, NDArray e) {
            NDArray xx = x.square().sum(new int[] {1}, true);
            NDArray ee = e.square().sum(new int[] {1}).expandDims(0);
            return xx.add(ee).sub(Scalars.mul(x.matMul(e.transpose()), 2));
        }
    };

    /** Cosine distance {@code 1 - cos} on l2-normalized vectors. */
    Distance COSINE = new Distance() {
        @Override
        public String name() {
            return "cosine";
        }

        @Override
        public NDArray prepare(NDArray v) {
            return v.normalize(2, v.getShape().dimension() - 1, 1e-12);
        }

        @Override
        public NDArray distances(NDArray x, NDArray e) {
            return x.matMul(e.transpose()).neg().add(1f);
        }
    };

    /** @return the names {@link #parse} knows */
    static List<String> names() {
        return List.of("l2", "cosine");
    }

    /**
     * @param name {@code l2} or {@code cosine}, case-insensitive
     * @return the distance
     * @throws InvalidInputException for another name
     */
    static Distance parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (n) {
            case "l2" -> L2;
            case "cosine" -> COSINE;
            default -> throw new InvalidInputException("unknown distance '" + name + "' (known: l2, cosine)");
        };
    }

    /** @return the name, e.g. {@code "l2"} */
    String name();

    /**
     * @param v vectors {@code (..., D)}
     * @return the vectors as compared and as emitted: unchanged for L2, l2-normalized on the last
     *     axis for cosine (differentiable)
     */
    NDArray prepare(NDArray v);

    /**
     * @param x prepared vectors {@code (P, D)}
     * @param e prepared codebook {@code (K, D)}
     * @return {@code (P, K)} distances; only their order along {@code K} matters
     */
    NDArray distances(NDArray x, NDArray e);
}
