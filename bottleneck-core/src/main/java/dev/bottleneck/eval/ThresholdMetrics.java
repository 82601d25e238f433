package dev.bottleneck.eval;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a fixed threshold does: the confusion counts and precision, recall and F1 of the anomaly
 * class, flagging an example when {@code score > threshold} (PyOD's {@code predict}).
 *
 * <p>Precision is 0 when nothing is flagged and F1 is 0 when precision and recall are both 0
 * (scikit-learn's {@code zero_division=0}).
 *
 * @param threshold the threshold
 * @param truePositives anomalies flagged
 * @param falsePositives normal examples flagged
 * @param falseNegatives anomalies missed
 * @param trueNegatives normal examples not flagged
 * @param precision {@code TP / (TP + FP)}
 * @param recall {@code TP / (TP + FN)}
 * @param f1 harmonic mean of precision and recall
 */
public record ThresholdMetrics(
        @JsonProperty("threshold") double threshold,
        @JsonProperty("tp") long truePositives,
        @JsonProperty("fp") long falsePositives,
        @JsonProperty("fn") long falseNegatives,
        @JsonProperty("tn") long trueNegatives,
        @JsonProperty("precision") double precision,
        @JsonProperty("recall") double recall,
        @JsonProperty("f1") double f1) {

    /**
     * @param scores {@code (N)} anomaly scores
     * @param anomalous {@code (N)} true for an anomaly
     * @param threshold flag when {@code score > threshold}
     * @return the counts and rates
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static ThresholdMetrics of(float[] scores, boolean[] anomalous, double threshold) {
        Auroc.requireSameLength(scores, anomalous);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        long tn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean flag = scores[i] > threshold;
            if (anomalous[i]) {
                if (flag) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (flag) {
                fp++;
            } else {
                tn++;
            }
        }
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ThresholdMetrics(threshold, tp, fp, fn, tn, precision, recall, f1);
    }
}
