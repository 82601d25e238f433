package dev.bottleneck.app;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The classical rate-distortion points: quality rises with JPEG's quality, MS-SSIM where images are large enough. */
class RateDistortionTest {

    private static BufferedImage picture(int w, int h, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (int) (120 + 80 * Math.sin(x / 9.0) * Math.cos(y / 13.0)) + r.nextInt(17) - 8;
                img.getRaster().setPixel(x, y, new int[] {v, Math.max(0, v - 40), Math.min(255, v + 30)});
            }
        }
        return img;
    }

    @Test
    void jpegPointsImproveWithQualityAndCarryMsSsimOnlyForLargeImages() {
        List<RateDistortion.Point> large = RateDistortion.classical(List.of(picture(192, 180, 1), picture(200, 176, 2)), new int[] {10, 50, 90});
        List<RateDistortion.Point> jpeg = large.stream().filter(p -> p.method().equals("JPEG")).toList();
        assertThat(jpeg).hasSize(3);
        for (int i = 1; i < jpeg.size(); i++) {
            assertThat(jpeg.get(i).bpp()).isGreaterThan(jpeg.get(i - 1).bpp());
            assertThat(jpeg.get(i).psnr()).isGreaterThan(jpeg.get(i - 1).psnr());
            assertThat(jpeg.get(i).msssim()).isGreaterThan(jpeg.get(i - 1).msssim());
        }
        assertThat(jpeg.get(0).msssim()).isBetween(0.3, 1.0);
        assertThat(jpeg.get(2).msssim()).isBetween(0.95, 1.0);
        // the abbreviated stream decodes to the same pixels, in fewer bytes
        RateDistortion.Point noTables = large.stream().filter(p -> p.method().equals("JPEG, no tables")).findFirst().orElseThrow();
        assertThat(noTables.msssim()).isEqualTo(jpeg.get(0).msssim());
        assertThat(noTables.bpp()).isLessThan(jpeg.get(0).bpp());
        RateDistortion.Point png = large.get(large.size() - 1);
        assertThat(png.method()).isEqualTo("PNG");
        assertThat(png.msssim()).isEqualTo(1.0);

        // one image below 176 pixels a side: no MS-SSIM for the set, SSIM still
        List<RateDistortion.Point> small = RateDistortion.classical(List.of(picture(192, 180, 1), picture(64, 48, 3)), new int[] {50});
        assertThat(small).allSatisfy(p -> assertThat(p.msssim()).isNaN());
        assertThat(small.get(0).ssim()).isBetween(0.5, 1.0);
    }
}
