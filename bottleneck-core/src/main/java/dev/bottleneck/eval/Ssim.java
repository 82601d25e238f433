package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;

import java.awt.image.BufferedImage;

/**
 * The structural similarity index (Wang, Bovik, Sheikh and Simoncelli, "Image quality assessment:
 * from error visibility to structural similarity", IEEE TIP 2004) of two 8-bit images: the mean
 * over positions (and channels) of {@code (2 mu_x mu_y + C1)(2 s_xy + C2) / ((mu_x^2 + mu_y^2 +
 * C1)(s_x^2 + s_y^2 + C2))}, local statistics under an 11x11 Gaussian window of standard deviation
 * 1.5 over the positions where the window fits ("valid"), {@code C1 = (0.01 L)^2}, {@code C2 =
 * (0.03 L)^2}, {@code L = 1} for pixels in [0, 1] — the paper's settings, as scikit-image's
 * {@code structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False)}.
 * MS-SSIM needs images of at least 161 pixels a side; MNIST's 28x28 takes SSIM.
 */
public final class Ssim {

    private static final int WINDOW = 11;
    private static final double[] KERNEL = kernel();

    private Ssim() {}

    private static double[] kernel() {
        double[] k = new double[WINDOW];
        double s = 0;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - WINDOW / 2;
            k[i] = Math.exp(-d * d / (2 * 1.5 * 1.5));
            s += k[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            k[i] /= s;
        }
        return k;
    }

    /**
     * @param a an 8-bit image, at least 11x11
     * @param b another of the same size (channels beyond {@code b}'s repeat its last)
     * @return SSIM in {@code [-1, 1]}, 1 for identical images
     * @throws InvalidInputException if the sizes differ or an image is smaller than the window
     */
    public static double of(BufferedImage a, BufferedImage b) {
        int w = a.getWidth();
        int h = a.getHeight();
        if (b.getWidth() != w || b.getHeight() != h) {
            throw new InvalidInputException("SSIM needs images of the same size, got " + w + "x" + h + " and " + b.getWidth() + "x" + b.getHeight());
        }
        if (w < WINDOW || h < WINDOW) {
            throw new InvalidInputException("SSIM needs images of at least " + WINDOW + "x" + WINDOW + " pixels, got " + w + "x" + h);
        }
        double c1 = 0.01 * 0.01;
        double c2 = 0.03 * 0.03;
        int bands = a.getRaster().getNumBands();
        int ow = w - WINDOW + 1;
        int oh = h - WINDOW + 1;
        double total = 0;
        for (int c = 0; c < bands; c++) {
            int cb = Math.min(c, b.getRaster().getNumBands() - 1);
            double[] x = plane(a, c);
            double[] y = plane(b, cb);
            double[] xx = new double[w * h];
            double[] yy = new double[w * h];
            double[] xy = new double[w * h];
            for (int i = 0; i < w * h; i++) {
                xx[i] = x[i] * x[i];
                yy[i] = y[i] * y[i];
                xy[i] = x[i] * y[i];
            }
            double[] mx = blur(x, w, h);
            double[] my = blur(y, w, h);
            double[] sxx = blur(xx, w, h);
            double[] syy = blur(yy, w, h);
            double[] sxy = blur(xy, w, h);
            for (int i = 0; i < ow * oh; i++) {
                double vx = sxx[i] - mx[i] * mx[i];
                double vy = syy[i] - my[i] * my[i];
                double cxy = sxy[i] - mx[i] * my[i];
                total += (2 * mx[i] * my[i] + c1) * (2 * cxy + c2) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
            }
        }
        return total / ((double) bands * ow * oh);
    }

    /** One channel as values in [0, 1], row-major. */
    private static double[] plane(BufferedImage img, int band) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] s = img.getRaster().getSamples(0, 0, w, h, band, (int[]) null);
        double[] out = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i] / 255.0;
        }
        return out;
    }

    /** The Gaussian-weighted local mean over the valid positions: {@code (h - 10) x (w - 10)}, row-major. */
    private static double[] blur(double[] v, int w, int h) {
        int ow = w - WINDOW + 1;
        int oh = h - WINDOW + 1;
        double[] rows = new double[h * ow];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) {
                    s += KERNEL[k] * v[y * w + x + k];
                }
                rows[y * ow + x] = s;
            }
        }
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int k = 0; k < WINDOW; k++) {
                    s += KERNEL[k] * rows[(y + k) * ow + x];
                }
                out[y * ow + x] = s;
            }
        }
        return out;
    }
}
