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
}
