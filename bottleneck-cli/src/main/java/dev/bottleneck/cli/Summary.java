package dev.bottleneck.cli;

import java.util.Locale;
import java.util.Map;

/** Formats metrics for people (one line) — scripts use {@code --json}. */
final class Summary {

    private Summary() {}

    /**
     * @param m metrics as produced by {@code Evaluation.withPca}
     * @return e.g. {@code "test MSE 0.00921 (PSNR 20.4 dB); PCA-16 0.02690 (15.7 dB): 66% lower error than PCA"}
     */
    static String metricsLine(Map<String, Object> m) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "test MSE %.5f", num(m.get("mse"))));
        if (m.get("psnr") != null) {
            s.append(String.format(Locale.ROOT, " (PSNR %.2f dB)", num(m.get("psnr"))));
        }
        if (m.get("bce_per_image") != null) {
            s.append(String.format(Locale.ROOT, ", BCE %.2f nats/image", num(m.get("bce_per_image"))));
        }
        if (m.get("pca_mse") != null) {
            s.append(String.format(Locale.ROOT, "; PCA-%s baseline MSE %.5f", m.get("pca_k"), num(m.get("pca_mse"))));
            if (m.get("pca_psnr") != null) {
                s.append(String.format(Locale.ROOT, " (%.2f dB)", num(m.get("pca_psnr"))));
            }
            double gain = num(m.get("mse_vs_pca"));
            s.append(String.format(Locale.ROOT, ": %.0f%% %s error than PCA", Math.abs(gain) * 100, gain >= 0 ? "lower" : "higher"));
        }
        if (m.get("bits_per_pixel_estimate") != null) {
            s.append(String.format(Locale.ROOT, "; rate %.4f bits per pixel (%.1f bits per image, the density's estimate)",
                    num(m.get("bits_per_pixel_estimate")), num(m.get("bits_per_image_estimate"))));
        }
        if (m.get("elbo") != null) {
            s.append(String.format(Locale.ROOT, "; ELBO %.2f nats/image (recon %.2f, KL %.2f), %s/%s active units",
                    num(m.get("elbo")), num(m.get("recon")), num(m.get("kl")), m.get("active_units"), m.get("latent")));
        }
        if (m.get("nll") != null) {
            s.append(String.format(Locale.ROOT, "; -log p(x) %.2f nats (%s importance samples)", num(m.get("nll")), m.get("nll_samples")));
        }
        s.append(String.format(Locale.ROOT, " [n=%s]", m.get("n")));
        return s.toString();
    }

    /** A metric as a number: Jackson writes non-finite values as the strings "NaN" and "Infinity". */
    private static double num(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
