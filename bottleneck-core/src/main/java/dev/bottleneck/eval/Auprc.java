package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;

/**
 * Area under the precision–recall curve of anomaly scores, as average precision: scikit-learn's
 * {@code average_precision_score}.
 *
 * <p>Thresholds are the distinct scores, from the highest down (an example is flagged when its
 * score is at or above the threshold, so tied scores enter together). With precision {@code P_k}
 * and recall {@code R_k} at the k-th threshold and {@code R_0 = 0}, {@code AP = sum_k (R_k -
 * R_{k-1}) P_k}: a step function, no interpolation (which would be optimistic). A random scorer
 * gets about the anomaly fraction.
 */
public final class Auprc {

    private Auprc() {}

    /**
     * @param scores {@code (N)} anomaly scores, higher = more anomalous (not NaN)
     * @param anomalous {@code (N)} true for an anomaly (the positive class)
     * @return average precision in [0, 1]
     * @throws InvalidInputException if one class is missing or a score is NaN
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static double of(float[] scores, boolean[] anomalous) {
        Auroc.requireSameLength(scores, anomalous);
        return of(RankedScores.of(scores, anomalous, scores.length));
    }

    static double of(RankedScores r) {
        r.requireBothClasses("AUPRC");
        double ap = 0;
        double prevRecall = 0;
        long tp = 0;
        long fp = 0;
        for (int g = r.groups - 1; g >= 0; g--) {
            tp += r.pos[g];
            fp += r.neg[g];
            double recall = (double) tp / r.totalPos;
            double precision = (double) tp / (tp + fp);
            ap += (recall - prevRecall) * precision;
            prevRecall = recall;
        }
        return ap;
    }
}
