package dev.bottleneck.app;

import ai.djl.ndarray.NDArray;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.eval.PcaBaseline;
import dev.bottleneck.eval.ReconstructionMetrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's reconstruction metrics set beside the PCA baseline with the same code size, as {@code
 * eval} and {@code train} report them.
 */
public final class Evaluation {

    private Evaluation() {}

    /**
     * Fits PCA-{@code k} on the training data and reports it beside the model's metrics. Keys:
     * {@code n, mse, psnr, bce_per_image, loss} (from {@code rm}), {@code pca_k, pca_mse,
     * pca_psnr}, and {@code mse_vs_pca} = {@code 1 - mse / pca_mse} (0.3 means 30% below PCA).
     * Errors are in the metric scale ([0, 1] pixels for images). Without the PCA keys when {@code k}
     * is at least the number of values per example (PCA would reconstruct exactly).
     *
     * @param rm the model's metrics on {@code test}
     * @param train training data {@code (N, ...)}, model scale
     * @param test the same data {@code rm} was computed on, model scale
     * @param scaling the model's input scaling
     * @param k code size
     * @param seed for the randomized PCA solver (large inputs only)
     * @return the metrics, in a stable key order
     */
    public static Map<String, Object> withPca(ReconstructionMetrics rm, NDArray train, NDArray test, InputScaling scaling,
                                              int k, long seed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", rm.n());
        m.put("mse", rm.mse());
        if (rm.psnr() != null) {
            m.put("psnr", rm.psnr());
        }
        if (rm.bcePerImage() != null) {
            m.put("bce_per_image", rm.bcePerImage());
        }
        m.put("loss", rm.loss());
        int n = (int) train.getShape().get(0);
        int d = (int) (train.getShape().size() / n);
        if (k >= d) {
            // PCA with as many components as values reconstructs exactly: no baseline to compare with
            return m;
        }
        int kk = Math.min(k, n);
        float a = scaling.metricAffine()[0];
        PcaBaseline pca = PcaBaseline.fit(train, kk, seed);
        double pcaMse = pca.mse(test) * a * a;
        m.put("pca_k", kk);
        m.put("pca_mse", pcaMse);
        if (scaling.isPixelScale()) {
            m.put("pca_psnr", ReconstructionMetrics.psnr(pcaMse));
        }
        m.put("mse_vs_pca", pcaMse > 0 ? 1 - rm.mse() / pcaMse : 0.0);
        return m;
    }
}
