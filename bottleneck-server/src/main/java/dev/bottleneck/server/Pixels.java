package dev.bottleneck.server;

import dev.bottleneck.io.ImageGrid;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * PNG bytes to model pixels and back. Pixels travel as {@code (C, H, W)} row-major floats: raw
 * units ({@code 0..rawMax}) on the way in, the metric scale ({@code [0, 1]}) on the way out.
 */
public final class Pixels {

    private Pixels() {}

    /**
     * Decodes a PNG (or any format ImageIO reads: JPEG, BMP, GIF) to one example of the model's
     * shape, by the image-folder loader's rules: grey values from the raster (16-bit scaled to
     * 0..255), colour values as stored (alpha dropped). A colour image sent to a greyscale model is
     * reduced to its luminance {@code 0.299 R + 0.587 G + 0.114 B}, rounded; a grey image sent to
     * a colour model is repeated into R, G and B.
     *
     * @param bytes the file's bytes
     * @param shape the model's example shape {@code (C, H, W)}, {@code C} 1 or 3
     * @param rawMax the raw value of a white pixel (255 for 8-bit data)
     * @param out receives {@code C H W} raw values
     * @param offset where in {@code out} the example starts
     * @throws ApiException 400 if the bytes are not an image or the size differs from the model's
     */
    public static void decode(byte[] bytes, int[] shape, float rawMax, float[] out, int offset) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw ApiException.badRequest("the body is not a readable PNG image (" + e.getMessage() + ")");
        }
        if (img == null) {
            throw ApiException.badRequest("the body is not a PNG image (" + bytes.length + " bytes, no image format recognised)");
        }
        int c = shape[0];
        int h = shape[1];
        int w = shape[2];
        if (img.getWidth() != w || img.getHeight() != h) {
            throw ApiException.badRequest("the image is " + img.getWidth() + "x" + img.getHeight() + " pixels, but this model takes "
                    + w + "x" + h + " (resize it first)");
        }
        float s = rawMax / 255f;
        int plane = h * w;
        int[] gray = grayValues(img);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (gray != null) {
                    for (int ch = 0; ch < c; ch++) {
                        out[offset + ch * plane + i] = gray[i] * s;
                    }
                    continue;
                }
                int argb = img.getRGB(x, y);
                int r = (argb >> 16) & 0xff;
                int g = (argb >> 8) & 0xff;
                int b = argb & 0xff;
                if (c == 1) {
                    out[offset + i] = Math.round(0.299f * r + 0.587f * g + 0.114f * b) * s;
                } else {
                    out[offset + i] = r * s;
                    out[offset + plane + i] = g * s;
                    out[offset + 2 * plane + i] = b * s;
                }
            }
        }
    }

    /**
     * Grey values 0..255 of a greyscale image read from the raster, as the image-folder loader
     * reads them ({@code getRGB} would apply a gamma curve to a grey colour space); {@code null}
     * for a colour image.
     */
    private static int[] grayValues(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int[] px = new int[w * h];
        if (cm instanceof IndexColorModel icm) {
            for (int i = 0; i < icm.getMapSize(); i++) {
                if (icm.getRed(i) != icm.getGreen(i) || icm.getRed(i) != icm.getBlue(i)) {
                    return null;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    px[y * w + x] = icm.getRed(raster.getSample(x, y, 0));
                }
            }
            return px;
        }
        if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            int bits = cm.getComponentSize(0);
            double scale = 255.0 / ((1L << bits) - 1);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = raster.getSample(x, y, 0);
                    px[y * w + x] = bits == 8 ? v : (int) Math.round(v * scale);
                }
            }
            return px;
        }
        return null;
    }

    /**
     * Encodes one example as a PNG at its own size (8-bit grayscale or RGB).
     *
     * @param metric {@code (N, C, H, W)} row-major in [0, 1]
     * @param index which example
     * @param shape {@code (C, H, W)}
     * @return the PNG bytes
     */
    public static byte[] png(float[] metric, int index, int[] shape) {
        return write(ImageGrid.image(metric, index, new ImageGrid.Shape(shape[0], shape[1], shape[2])));
    }

    /**
     * Encodes several examples as one PNG grid, magnified for viewing.
     *
     * @param metric {@code (N, C, H, W)} row-major in [0, 1]
     * @param n how many examples
     * @param shape {@code (C, H, W)}
     * @return the PNG bytes
     */
    public static byte[] grid(float[] metric, int n, int[] shape) {
        ImageGrid.Shape s = new ImageGrid.Shape(shape[0], shape[1], shape[2]);
        return write(ImageGrid.grid(metric, n, s, Math.min(n, 16), 2));
    }

    /**
     * @param png PNG bytes
     * @return a {@code data:image/png;base64,...} URL for an {@code <img src>}
     */
    public static String dataUrl(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    private static byte[] write(BufferedImage img) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream(1024);
        try {
            ImageIO.write(img, "png", bo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }
}
