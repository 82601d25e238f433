package dev.bottleneck.sample;

import dev.bottleneck.InvalidInputException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

import java.util.SplittableRandom;

/** Full-covariance Gaussian helpers shared by the samplers; matrices are row-major {@code double[]}. */
final class Gaussians {

    static final double LOG_2PI = Math.log(2 * Math.PI);

    private Gaussians() {}

    /**
     * Weighted mean and covariance (divisor: the sum of the weights).
     *
     * @param x {@code (N, K)}
     * @param k {@code K}
     * @param w {@code (N)} non-negative weights with a positive sum
     * @param mean out: {@code (K)}
     * @param cov out: {@code (K, K)}
     * @return the sum of the weights
     */
    static double weightedMoments(float[] x, int k, double[] w, double[] mean, double[] cov) {
        int n = w.length;
        double total = 0;
        java.util.Arrays.fill(mean, 0);
        java.util.Arrays.fill(cov, 0);
        for (int i = 0; i < n; i++) {
            double wi = w[i];
            if (wi == 0) {
                continue;
            }
            total += wi;
            for (int a = 0; a < k; a++) {
                mean[a] += wi * x[i * k + a];
            }
        }
        for (int a = 0; a < k; a++) {
            mean[a] /= total;
        }
        double[] d = new double[k];
        for (int i = 0; i < n; i++) {
            double wi = w[i];
            if (wi == 0) {
                continue;
            }
            for (int a = 0; a < k; a++) {
                d[a] = x[i * k + a] - mean[a];
            }
            for (int a = 0; a < k; a++) {
                double da = wi * d[a];
                for (int b = 0; b <= a; b++) {
                    cov[a * k + b] += da * d[b];
                }
            }
        }
        for (int a = 0; a < k; a++) {
            for (int b = 0; b <= a; b++) {
                cov[a * k + b] /= total;
                cov[b * k + a] = cov[a * k + b];
            }
        }
        return total;
    }

    /** Adds {@code scale} times the mean diagonal (or {@code scale} when that is 0) to the diagonal. */
    static void ridge(double[] cov, int k, double scale) {
        double tr = 0;
        for (int a = 0; a < k; a++) {
            tr += cov[a * k + a];
        }
        double r = tr > 0 ? scale * tr / k : scale;
        for (int a = 0; a < k; a++) {
            cov[a * k + a] += r;
        }
    }

    /**
     * @return the lower Cholesky factor {@code L} of {@code cov = L L^T} (EJML)
     * @throws InvalidInputException if {@code cov} is not positive definite
     */
    static double[] cholesky(double[] cov, int k) {
        CholeskyDecomposition_F64<DMatrixRMaj> c = DecompositionFactory_DDRM.chol(k, true);
        DMatrixRMaj m = new DMatrixRMaj(k, k, true, cov);
        if (!c.decompose(m)) {
            throw new InvalidInputException("the codes' covariance is not positive definite (are the codes constant?)");
        }
        DMatrixRMaj l = c.getT(null);
        double[] out = new double[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b <= a; b++) {
                out[a * k + b] = l.get(a, b);
            }
        }
        return out;
    }

    /** @return {@code L L^T} */
    static double[] product(double[] l, int k) {
        double[] c = new double[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double s = 0;
                for (int j = 0; j <= Math.min(a, b); j++) {
                    s += l[a * k + j] * l[b * k + j];
                }
                c[a * k + b] = s;
            }
        }
        return c;
    }

    /** @return {@code log det(L L^T) = 2 sum log L_aa} */
    static double logDetFromCholesky(double[] l, int k) {
        double s = 0;
        for (int a = 0; a < k; a++) {
            s += Math.log(l[a * k + a]);
        }
        return 2 * s;
    }

    /**
     * {@code log N(x_i; m, L L^T)} by forward substitution.
     *
     * @param y scratch {@code (K)}
     */
    static double logDensity(float[] x, int i, double[] m, double[] l, int k, double logDet, double[] y) {
        double q = 0;
        for (int a = 0; a < k; a++) {
            double s = x[i * k + a] - m[a];
            for (int b = 0; b < a; b++) {
                s -= l[a * k + b] * y[b];
            }
            y[a] = s / l[a * k + a];
            q += y[a] * y[a];
        }
        return -0.5 * (q + logDet + k * LOG_2PI);
    }

    /** Writes {@code m + t L eps} into row {@code i} of {@code out}. */
    static void draw(SplittableRandom r, double[] m, double[] l, int k, double t, double[] eps, float[] out, int i) {
        for (int a = 0; a < k; a++) {
            eps[a] = Samplers.gaussian(r);
        }
        for (int a = 0; a < k; a++) {
            double s = 0;
            for (int b = 0; b <= a; b++) {
                s += l[a * k + b] * eps[b];
            }
            out[i * k + a] = (float) (m[a] + t * s);
        }
    }
}
