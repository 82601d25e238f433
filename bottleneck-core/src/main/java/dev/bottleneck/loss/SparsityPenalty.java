package dev.bottleneck.loss;

import dev.bottleneck.nn.Scalars;
import ai.djl.ndarray.NDArray;

/**
 * Sparsity penalties on the code {@code h (N, K)} of a sparse autoencoder (Ng, "Sparse
 * autoencoder", CS294A lecture notes, 2011; the options H2O and DL4J offer).
 */
public final class SparsityPenalty {

    private SparsityPenalty() {}

    /** {@code lambda * mean |h|} over the batch and the K units. */
    public static final class L1 implements Penalty {
        private final double lambda;

        /** @param lambda weight, {@code >= 0} */
        public L1(double lambda) {
            this.lambda = lambda;
        }

        @Override
        public String name() {
            return "sparsity_l1";
        }

        @Override
        public String spec() {
            return "l1:" + Penalty.fmt(lambda);
        }

        @Override
        public NDArray compute(Context c) {
            return Scalars.mul(c.code().abs().mean(), lambda);
        }
    }

    /**
     * {@code beta * sum_j KL(rho || rho_hat_j)} with {@code rho_hat_j} the mean activation of unit
     * {@code j} over the batch, {@code KL(p||q) = p log(p/q) + (1-p) log((1-p)/(1-q))} in nats. Needs
     * codes in (0, 1) (a sigmoid code); {@code rho_hat} is clipped to {@code [1e-6, 1 - 1e-6]}.
     */
    public static final class Kl implements Penalty {
        private final double rho;
        private final double beta;

        /**
         * @param rho target mean activation, in (0, 1)
         * @param beta weight, {@code >= 0}
         */
        public Kl(double rho, double beta) {
            this.rho = rho;
            this.beta = beta;
        }

        @Override
        public String name() {
            return "sparsity_kl";
        }

        @Override
        public String spec() {
            return "kl:" + Penalty.fmt(rho) + ":" + Penalty.fmt(beta);
        }

        /** @return the target mean activation rho */
        public double rho() {
            return rho;
        }

        @Override
        public NDArray compute(Context c) {
            NDArray q = c.code().mean(new int[] {0}).clip(1e-6f, 1 - 1e-6f); // (K)
            float p = (float) rho;
            NDArray kl = Scalars.mul(q.log().neg().add((float) Math.log(p)), p)
                    .add(Scalars.mul(q.neg().add(1f).log().neg().add((float) Math.log(1 - p)), 1 - p));
            return Scalars.mul(kl.sum(), beta);
        }
    }
}
