package dev.bottleneck.eval;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** SSIM: 1 for the same image, lower as noise grows, a closed form for a constant shift, errors for bad sizes. */
class SsimTest {

    private static BufferedImage gray(int w, int h, int[] v) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSamples(0, 0, w, h, 0, v);
        return img;
    }

    @Test
    void identicalImagesScoreOneAndNoiseLowersTheScore() {
        SplittableRandom r = new SplittableRandom(1);
        int[] v = new int[28 * 28];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(256);
        }
        BufferedImage a = gray(28, 28, v);
        assertThat(Ssim.of(a, a)).isCloseTo(1.0, within(1e-12));
        double previous = 1;
        for (int noise : new int[] {5, 20, 60}) {
            int[] n = v.clone();
            for (int i = 0; i < n.length; i++) {
                n[i] = Math.max(0, Math.min(255, n[i] + r.nextInt(2 * noise + 1) - noise));
            }
            double s = Ssim.of(a, gray(28, 28, n));
            assertThat(s).isLessThan(previous);
            previous = s;
        }
    }

    @Test
    void aConstantImageAgainstAShiftedOneFollowsTheLuminanceTerm() {
        int[] a = new int[16 * 16];
        int[] b = new int[16 * 16];
        java.util.Arrays.fill(a, 51);  // 0.2
        java.util.Arrays.fill(b, 102); // 0.4
        double c1 = 1e-4;
        double c2 = 9e-4;
        // no variance: SSIM = (2 mx my + C1) / (mx^2 + my^2 + C1) (the contrast term is C2 / C2)
        double want = (2 * 0.2 * 0.4 + c1) * c2 / ((0.04 + 0.16 + c1) * c2);
        assertThat(Ssim.of(gray(16, 16, a), gray(16, 16, b))).isCloseTo(want, within(1e-9));
        assertThatThrownBy(() -> Ssim.of(gray(16, 16, a), gray(8, 32, a))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Ssim.of(gray(8, 8, new int[64]), gray(8, 8, new int[64]))).hasMessageContaining("at least 11x11");
    }

    @Test
    void multiScaleIsOneForTheSameImageFallsWithNoiseAndFollowsTheClosedFormForAShift() {
        int w = 200;
        int h = 180;
        SplittableRandom r = new SplittableRandom(2);
        int[] v = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = (int) (127 + 60 * Math.sin(x / 7.0) * Math.cos(y / 11.0)) + r.nextInt(21) - 10;
            }
        }
        BufferedImage a = gray(w, h, v);
        assertThat(Ssim.multiScale(a, a)).isCloseTo(1.0, within(1e-12));
        double previous = 1;
        for (int noise : new int[] {5, 20, 60}) {
            int[] n = v.clone();
            for (int i = 0; i < n.length; i++) {
                n[i] = Math.max(0, Math.min(255, n[i] + r.nextInt(2 * noise + 1) - noise));
            }
            double ms = Ssim.multiScale(a, gray(w, h, n));
            assertThat(ms).isLessThan(previous).isGreaterThan(0);
            previous = ms;
        }
        // constant images: every contrast-structure term is 1 and the last scale's SSIM is the
        // luminance term, so MS-SSIM = l^0.1333
        int[] c = new int[w * h];
        int[] d = new int[w * h];
        java.util.Arrays.fill(c, 51);  // 0.2
        java.util.Arrays.fill(d, 102); // 0.4
        double l = (2 * 0.2 * 0.4 + 1e-4) / (0.04 + 0.16 + 1e-4);
        assertThat(Ssim.multiScale(gray(w, h, c), gray(w, h, d))).isCloseTo(Math.pow(l, 0.1333), within(1e-9));
        // a colour image is the mean of its channels'
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        BufferedImage rgb2 = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        rgb.getRaster().setSamples(0, 0, w, h, 0, v);
        rgb.getRaster().setSamples(0, 0, w, h, 1, c);
        rgb.getRaster().setSamples(0, 0, w, h, 2, c);
        rgb2.getRaster().setSamples(0, 0, w, h, 0, v);
        rgb2.getRaster().setSamples(0, 0, w, h, 1, d);
        rgb2.getRaster().setSamples(0, 0, w, h, 2, c);
        assertThat(Ssim.multiScale(rgb, rgb2)).isCloseTo((1 + Math.pow(l, 0.1333) + 1) / 3, within(1e-9));
        assertThatThrownBy(() -> Ssim.multiScale(gray(175, 200, new int[175 * 200]), gray(175, 200, new int[175 * 200])))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 176x176");
    }
}
