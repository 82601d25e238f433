package dev.bottleneck.latent.vq;

import dev.bottleneck.InvalidInputException;

/**
 * The options of a {@link VectorQuantizer}, immutable and validated when built. Options that go
 * together are grouped in small records; an absent group ({@code null}) is switched off.
 *
 * @param codebookSize {@code K}, the number of codebook entries, {@code >= 1}
 * @param dim {@code D}, the dimension of one entry and of one encoder vector, {@code >= 1}
 * @param distance how vectors are compared ({@link Distance#L2} by default)
 * @param beta {@code beta}, the weight of the commitment loss {@code ||z_e - sg(e)||^2}, {@code >=
 *     0}; van den Oord et al. use 0.25
 * @param ema the codebook is learned by exponential moving averages of the assigned vectors
 *     (Razavi et al. 2019) instead of by the codebook loss; {@code null}: learned by gradient
 * @param deadCodeReset entries that fall out of use are moved onto encoder vectors of the current
 *     batch; {@code null}: never
 * @param kmeansInit the codebook starts as the k-means centroids of the first training batch(es)
 *     of encoder vectors; {@code null}: it starts uniform in {@code [-1/K, 1/K]}
 * @param seed seeds the picks of k-means and of the dead-code reset (the codebook's initial
 *     values come from the engine's generator, seeded by the model)
 */
public record VqConfig(int codebookSize, int dim, Distance distance, double beta, Ema ema, DeadCodeReset deadCodeReset,
        KMeansInit kmeansInit, long seed) {

    /**
     * Exponential-moving-average codebook updates with Laplace smoothing (Razavi et al.,
     * "Generating Diverse High-Fidelity Images with VQ-VAE-2", NeurIPS 2019, appendix A; the same
     * update as van den Oord et al. 2017, appendix A.1): after each step {@code N_k <- gamma N_k +
     * (1 - gamma) n_k}, {@code m_k <- gamma m_k + (1 - gamma) sum_{i: k(i) = k} z_i}, {@code N'_k =
     * (N_k + eps) / (n + K eps) * n} with {@code n = sum_k N_k}, {@code e_k = m_k / N'_k}.
     *
     * @param decay {@code gamma} in [0, 1); 0.99 in the papers
     * @param epsilon the Laplace smoothing {@code eps > 0}; 1e-5 in the papers
     */
    public record Ema(double decay, double epsilon) {
        /** Validates. */
        public Ema {
            if (!(decay >= 0 && decay < 1)) {
                throw new InvalidInputException("the EMA decay must be in [0, 1), got " + decay);
            }
            if (!(epsilon > 0)) {
                throw new InvalidInputException("the EMA Laplace smoothing epsilon must be positive, got " + epsilon);
            }
        }

        /** @return decay 0.99, epsilon 1e-5 (the papers' values) */
        public static Ema standard() {
            return new Ema(0.99, 1e-5);
        }
    }

    /**
     * Dead-code reset: the quantizer keeps an exponential moving average {@code u_k} of the share
     * of each batch's vectors assigned to entry {@code k} (starting at the uniform share {@code
     * 1/K}); after a step, every entry with {@code u_k < fraction / K} is dead and is replaced by
     * an encoder vector of the current batch picked at random (distinct ones while the batch has
     * enough), and its {@code u_k} restarts at {@code 1/K}. The threshold scales with {@code K}: it
     * is the same share of uniform use whatever the codebook size. (Random restarts from encoder
     * outputs as in Dhariwal et al., "Jukebox", 2020, section 2.2, and vector-quantize-pytorch's
     * {@code expire_codes_}.)
     *
     * @param fraction the share of uniform use below which an entry is dead, in (0, 1]; 0.1 by
     *     default: an entry used ten times less than its uniform share
     * @param decay the decay of {@code u_k}, in [0, 1); with 0.99 an entry that stops being used
     *     at uniform share is reset after {@code ln(fraction)/ln(decay)} = 230 steps
     */
    public record DeadCodeReset(double fraction, double decay) {
        /** Validates. */
        public DeadCodeReset {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new InvalidInputException("the dead-code threshold fraction must be in (0, 1], got " + fraction);
            }
            if (!(decay >= 0 && decay < 1)) {
                throw new InvalidInputException("the dead-code usage decay must be in [0, 1), got " + decay);
            }
        }

        /** @return fraction 0.1, decay 0.99 */
        public static DeadCodeReset standard() {
            return new DeadCodeReset(0.1, 0.99);
        }
    }

    /**
     * k-means initialization: the first training forward passes collect encoder vectors until
     * there are at least {@code K}, then k-means (k-means++ seeding, then Lloyd's iterations) sets
     * the codebook (vector-quantize-pytorch's {@code kmeans_init}; Dhariwal et al. 2020 and
     * Łańcucki et al., "Robust Training of Vector Quantized Bottleneck Models", IJCNN 2020, who
     * show it prevents early collapse). Until then the initial codebook is used.
     *
     * @param iterations Lloyd iterations, {@code >= 0} (0 keeps the random vectors)
     */
    public record KMeansInit(int iterations) {
        /** Validates. */
        public KMeansInit {
            if (iterations < 0) {
                throw new InvalidInputException("k-means iterations must be >= 0, got " + iterations);
            }
        }
    }

    /** Validates. */
    public VqConfig {
        if (codebookSize < 1) {
            throw new InvalidInputException("--codebook-size must be at least 1, got " + codebookSize);
        }
        if (dim < 1) {
            throw new InvalidInputException("the codebook vector dimension must be at least 1, got " + dim);
        }
        if (distance == null) {
            distance = Distance.L2;
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new InvalidInputException("the commitment weight beta must be >= 0, got " + beta);
        }
    }

    /** @return whether the codebook is learned by EMA rather than by gradient */
    public boolean usesEma() {
        return ema != null;
    }

    /**
     * @param codebookSize {@code K}
     * @param dim {@code D}
     * @return a builder with the defaults: L2, beta 0.25, codebook by gradient, no reset, no
     *     k-means, seed 0
     */
    public static Builder builder(int codebookSize, int dim) {
        return new Builder(codebookSize, dim);
    }

    /** Builds a {@link VqConfig}; {@code opt*} methods set optional groups, {@link #build} validates. */
    public static final class Builder {
        private final int codebookSize;
        private final int dim;
        private Distance distance = Distance.L2;
        private double beta = 0.25;
        private Ema ema;
        private DeadCodeReset deadCodeReset;
        private KMeansInit kmeansInit;
        private long seed;

        private Builder(int codebookSize, int dim) {
            this.codebookSize = codebookSize;
            this.dim = dim;
        }

        /**
         * @param d the distance
         * @return this
         */
        public Builder optDistance(Distance d) {
            this.distance = d;
            return this;
        }

        /**
         * @param b the commitment weight
         * @return this
         */
        public Builder optBeta(double b) {
            this.beta = b;
            return this;
        }

        /**
         * @param e EMA updates, or {@code null} for a codebook learned by gradient
         * @return this
         */
        public Builder optEma(Ema e) {
            this.ema = e;
            return this;
        }

        /**
         * @param r the reset rule, or {@code null} for none
         * @return this
         */
        public Builder optDeadCodeReset(DeadCodeReset r) {
            this.deadCodeReset = r;
            return this;
        }

        /**
         * @param k k-means initialization, or {@code null} for none
         * @return this
         */
        public Builder optKMeansInit(KMeansInit k) {
            this.kmeansInit = k;
            return this;
        }

        /**
         * @param s the seed of k-means and reset picks
         * @return this
         */
        public Builder optSeed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * @return the config
         * @throws InvalidInputException if an option is out of range
         */
        public VqConfig build() {
            return new VqConfig(codebookSize, dim, distance, beta, ema, deadCodeReset, kmeansInit, seed);
        }
    }
}
