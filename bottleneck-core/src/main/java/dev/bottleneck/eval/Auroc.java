package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;

/**
 * Area under the ROC curve of anomaly scores, and the curve itself.
 *
 * <p>AUROC is computed exactly as the Mann–Whitney statistic with midranks: rank all {@code N}
 * scores ascending, give tied scores the mean of the ranks they span, sum the ranks {@code R+} of
 * the {@code P} anomalies, then {@code AUROC = (R+ - P (P + 1) / 2) / (P * Q)} with {@code Q}
 * normal examples. It equals the probability that a random anomaly scores above a random normal
 * example, ties counting one half, and the trapezoidal area under the ROC curve (scikit-learn's
 * {@code roc_auc_score}, which ties handle the same way).
 */
public final class Auroc {

    private Auroc() {}

    /**
     * @param scores {@code (N)} anomaly scores, higher = more anomalous (not NaN)
     * @param anomalous {@code (N)} true for an anomaly (the positive class)
     * @return AUROC in [0, 1]; 0.5 is chance
     * @throws InvalidInputException if one class is missing or a score is NaN
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static double of(float[] scores, boolean[] anomalous) {
        requireSameLength(scores, anomalous);
        return of(RankedScores.of(scores, anomalous, scores.length));
    }

    static double of(RankedScores r) {
        r.requireBothClasses("AUROC");
        double rankSum = 0;
        long below = 0;
        for (int g = 0; g < r.groups; g++) {
            long count = r.pos[g] + r.neg[g];
            double midrank = below + (count + 1) / 2.0; // ranks below+1 .. below+count
            rankSum += r.pos[g] * midrank;
            below += count;
        }
        double p = r.totalPos;
        return (rankSum - p * (p + 1) / 2) / (p * r.totalNeg);
    }

    /**
     * The ROC curve: one point per distinct score used as threshold (flag when {@code score >=
     * t}), from the highest threshold down, starting at (0, 0) and ending at (1, 1), as
     * scikit-learn's {@code roc_curve(drop_intermediate=False)}.
     *
     * @param scores {@code (N)} anomaly scores
     * @param anomalous {@code (N)} true for an anomaly
     * @return {@code {fpr, tpr}}, each of length (distinct scores + 1)
     * @throws InvalidInputException if one class is missing or a score is NaN
     */
    public static double[][] curve(float[] scores, boolean[] anomalous) {
        requireSameLength(scores, anomalous);
        RankedScores r = RankedScores.of(scores, anomalous, scores.length);
        r.requireBothClasses("the ROC curve");
        double[] fpr = new double[r.groups + 1];
        double[] tpr = new double[r.groups + 1];
        long tp = 0;
        long fp = 0;
        for (int g = r.groups - 1, k = 1; g >= 0; g--, k++) {
            tp += r.pos[g];
            fp += r.neg[g];
            fpr[k] = (double) fp / r.totalNeg;
            tpr[k] = (double) tp / r.totalPos;
        }
        return new double[][] {fpr, tpr};
    }

    static void requireSameLength(float[] scores, boolean[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + labels.length + " labels");
        }
    }
}
