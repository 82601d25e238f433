package dev.bottleneck.codec;

import dev.bottleneck.BottleneckException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The codecs a user would otherwise pick, through the JDK's ImageIO: baseline JPEG at a quality
 * (the IJG quantization tables scaled, 4:2:0 for colour) and lossless PNG. For tiny images JPEG's
 * tables dominate the file, so {@link #jpegWithoutTables} also gives the length of the same
 * stream as an <em>abbreviated</em> one (ISO/IEC 10918-1, B.4: tables sent once beforehand and
 * shared): the file minus its DQT, DHT, APPn and COM segments.
 */
public final class ClassicalCodecs {

    private ClassicalCodecs() {}

    /** A JPEG coding of one image: the whole file, and the decoded image. */
    public record Jpeg(byte[] file, BufferedImage decoded) {}

    /**
     * @param img an 8-bit grayscale or RGB image
     * @param quality JPEG quality in {@code [1, 100]} (ImageIO's {@code 0.01 * quality})
     * @return the whole JPEG file and its decoding
     * @throws BottleneckException if ImageIO cannot write or read it
     */
    public static Jpeg jpeg(BufferedImage img, int quality) {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            w.setOutput(out);
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality / 100f);
            w.write(null, new IIOImage(img, null, null), p);
        } catch (IOException e) {
            throw new BottleneckException("JPEG encoding failed: " + e.getMessage(), e);
        } finally {
            w.dispose();
        }
        byte[] file = bytes.toByteArray();
        try {
            return new Jpeg(file, ImageIO.read(new ByteArrayInputStream(file)));
        } catch (IOException e) {
            throw new BottleneckException("JPEG decoding failed: " + e.getMessage(), e);
        }
    }

    /**
     * The length of a JPEG file as an abbreviated stream: without its table and application
     * segments (DQT {@code FFDB}, DHT {@code FFC4}, APP0-APP15 {@code FFE0-FFEF}, COM {@code FFFE}),
     * which a sender of many images transmits once.
     *
     * @param file a baseline JPEG file
     * @return its length minus those segments, bytes
     */
    public static int jpegWithoutTables(byte[] file) {
        int drop = 0;
        int pos = 2; // after SOI
        while (pos + 4 <= file.length && (file[pos] & 0xff) == 0xff) {
            int marker = file[pos + 1] & 0xff;
            if (marker == 0xda) {
                break; // start of scan: entropy-coded data follows
            }
            int len = ((file[pos + 2] & 0xff) << 8) | (file[pos + 3] & 0xff);
            if (marker == 0xdb || marker == 0xc4 || (marker >= 0xe0 && marker <= 0xef) || marker == 0xfe) {
                drop += 2 + len;
            }
            pos += 2 + len;
        }
        return file.length - drop;
    }

    /**
     * @param img an 8-bit image
     * @return the length of its PNG file (lossless), bytes
     * @throws BottleneckException if ImageIO cannot write it
     */
    public static int png(BufferedImage img) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new BottleneckException("PNG encoding failed: " + e.getMessage(), e);
        }
        return bytes.size();
    }

    /**
     * The mean squared error between two 8-bit images of the same size, on [0, 1] pixel values.
     *
     * @param a an image
     * @param b another of the same size and channels
     * @return MSE per value
     */
    public static double mse(BufferedImage a, BufferedImage b) {
        int w = a.getWidth();
        int h = a.getHeight();
        int bands = a.getRaster().getNumBands();
        double s = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < bands; c++) {
                    double d = (a.getRaster().getSample(x, y, c) - b.getRaster().getSample(x, y, Math.min(c, b.getRaster().getNumBands() - 1))) / 255.0;
                    s += d * d;
                }
            }
        }
        return s / ((double) w * h * bands);
    }
}
