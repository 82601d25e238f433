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
 * {@link #multiScale} is MS-SSIM, for images of at least 176 pixels a side; MNIST's 28x28 takes SSIM.
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
        requireSameSize(a, b, WINDOW, "SSIM");
        int w = a.getWidth();
        int h = a.getHeight();
        int bands = a.getRaster().getNumBands();
        double total = 0;
        for (int c = 0; c < bands; c++) {
            total += stats(plane(a, c), plane(b, Math.min(c, b.getRaster().getNumBands() - 1)), w, h)[0];
        }
        return total / bands;
    }

    /** The smallest side MS-SSIM takes: the 11-pixel window must fit after four halvings. */
    public static final int MS_SSIM_MIN_SIDE = WINDOW << 4;

    /** The weights of the five scales, finest first (Wang, Simoncelli and Bovik 2003, Table 1). */
    private static final double[] MS_WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

    /**
     * Multi-scale SSIM (Wang, Simoncelli and Bovik, "Multiscale structural similarity for image
     * quality assessment", Asilomar 2003): per channel, the contrast-structure term of SSIM at
     * scales 1 to 4 and the whole SSIM at scale 5, each a mean over the valid window positions,
     * raised to the paper's weights and multiplied; between scales both images are halved by
     * 2x2 averaging (an odd last row or column dropped). Negative terms count as 0 (as
     * {@code pytorch_msssim}). The mean over channels is returned.
     *
     * @param a an 8-bit image, at least {@value #MS_SSIM_MIN_SIDE} pixels a side
     * @param b another of the same size (channels beyond {@code b}'s repeat its last)
     * @return MS-SSIM in {@code [0, 1]}, 1 for identical images
     * @throws InvalidInputException if the sizes differ or a side is under {@value #MS_SSIM_MIN_SIDE}
     */
    public static double multiScale(BufferedImage a, BufferedImage b) {
        requireSameSize(a, b, MS_SSIM_MIN_SIDE, "MS-SSIM");
        int bands = a.getRaster().getNumBands();
        double total = 0;
        for (int c = 0; c < bands; c++) {
            double[] x = plane(a, c);
            double[] y = plane(b, Math.min(c, b.getRaster().getNumBands() - 1));
            int w = a.getWidth();
            int h = a.getHeight();
            double product = 1;
            for (int scale = 0; scale < MS_WEIGHTS.length; scale++) {
                double[] st = stats(x, y, w, h);
                double term = scale == MS_WEIGHTS.length - 1 ? st[0] : st[1];
                product *= Math.pow(Math.max(term, 0), MS_WEIGHTS[scale]);
                if (scale < MS_WEIGHTS.length - 1) {
                    x = halve(x, w, h);
                    y = halve(y, w, h);
                    w /= 2;
                    h /= 2;
                }
            }
            total += product;
        }
        return total / bands;
    }

    private static void requireSameSize(BufferedImage a, BufferedImage b, int min, String what) {
        int w = a.getWidth();
        int h = a.getHeight();
        if (b.getWidth() != w || b.getHeight() != h) {
            throw new InvalidInputException(what + " needs images of the same size, got " + w + "x" + h + " and " + b.getWidth() + "x" + b.getHeight());
        }
        if (w < min || h < min) {
            throw new InvalidInputException(what + " needs images of at least " + min + "x" + min + " pixels, got " + w + "x" + h);
        }
    }

    /**
     * One channel's SSIM statistics over the valid window positions.
     *
     * @return {@code {mean SSIM, mean contrast-structure term (2 s_xy + C2) / (s_x^2 + s_y^2 + C2)}}
     */
    private static double[] stats(double[] x, double[] y, int w, int h) {
        double c1 = 0.01 * 0.01;
        double c2 = 0.03 * 0.03;
        int n = w * h;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] mx = blur(x, w, h);
        double[] my = blur(y, w, h);
        double[] sxx = blur(xx, w, h);
        double[] syy = blur(yy, w, h);
        double[] sxy = blur(xy, w, h);
        double ssim = 0;
        double cs = 0;
        for (int i = 0; i < mx.length; i++) {
            double vx = sxx[i] - mx[i] * mx[i];
            double vy = syy[i] - my[i] * my[i];
            double cxy = sxy[i] - mx[i] * my[i];
            double contrast = (2 * cxy + c2) / (vx + vy + c2);
            cs += contrast;
            ssim += (2 * mx[i] * my[i] + c1) / (mx[i] * mx[i] + my[i] * my[i] + c1) * contrast;
        }
        return new double[] {ssim / mx.length, cs / mx.length};
    }

    /** 2x2 averaging, {@code (h, w) -> (h / 2, w / 2)}, row-major. */
    private static double[] halve(double[] v, int w, int h) {
        int ow = w / 2;
        int oh = h / 2;
        double[] out = new double[ow * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int i = 2 * y * w + 2 * x;
                out[y * ow + x] = (v[i] + v[i + 1] + v[i + w] + v[i + w + 1]) / 4;
            }
        }
        return out;
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
