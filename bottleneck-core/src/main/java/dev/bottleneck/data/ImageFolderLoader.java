package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.AreaAveragingScaleFilter;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.FilteredImageSource;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelGrabber;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads a folder of PNG and JPEG images (extensions {@code .png .jpg .jpeg}, any case) with
 * {@link ImageIO} into a {@link Dataset.Kind#IMAGE} dataset.
 *
 * <ul>
 *   <li>Labels: either every image lies in a first-level subfolder, whose name is its class
 *       (subfolders may nest; the first level decides), or every image lies directly in the folder
 *       and there are no labels. Both at once is an error. Classes are the subfolders that hold
 *       images, sorted by name, numbered 0..K-1.
 *   <li>Order: classes in name order, and within a class (or the folder) files in order of their
 *       relative path, so the same folder always gives the same dataset.
 *   <li>Skipped: files with other extensions and names starting with a dot (hidden files and
 *       folders).
 *   <li>Channels: when every image is greyscale (a grey colour model, or a palette of greys) the
 *       dataset has {@code C = 1}; otherwise {@code C = 3} and grey images are repeated into R, G
 *       and B. Alpha is dropped: colour values are kept as stored, not blended with a background.
 *       Grey values are read from the raster (not through {@code getRGB}, which would apply a gamma
 *       curve); 16-bit images are scaled to 0..255.
 *   <li>Size: all images must have the same size unless {@code resizeHW} is given. Resizing uses
 *       java.awt: area averaging ({@link AreaAveragingScaleFilter}) when neither side grows, else
 *       bilinear interpolation ({@link Graphics2D} with {@link RenderingHints#VALUE_INTERPOLATION_BILINEAR});
 *       the aspect ratio is not kept. Results are rounded to whole 0..255 values.
 * </ul>
 *
 * <p>Pixels are stored as {@code (C, H, W)} per image, row-major, R then G then B planes; raw
 * values 0..255, {@code rawMax = 255}.
 */
public final class ImageFolderLoader {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})\\s*[xX\u00D7]\\s*(\\d{1,9})");
    /** The largest side {@link #parseSize} accepts. */
    public static final int MAX_SIDE = 16384;

    private ImageFolderLoader() {}

    /**
     * Loads a folder of images.
     *
     * @param dir the folder: images directly in it (no labels) or in class subfolders
     * @param resizeHW {@code null} to keep the images' own (common) size, or {@code {H, W}} to
     *     resize every image to {@code H} rows by {@code W} columns
     * @return a dataset named {@code images:<folder name>}, batch shape {@code (N, C, H, W)} with
     *     {@code C} 1 or 3, raw pixels 0..255, {@code rawMax = 255}; labels and class names when
     *     the images are in subfolders
     * @throws InvalidInputException if {@code dir} is missing or not a folder, holds no images,
     *     holds images both directly and in subfolders, an image cannot be read or decoded (naming
     *     it), or, without {@code resizeHW}, images differ in size ({@code "photos/: images have
     *     different sizes (photos/a.png is 28x28, photos/b.png is 32x32); pass --resize HxW"},
     *     sizes given as height x width)
     * @throws IllegalArgumentException if {@code resizeHW} is not two numbers {@code >= 1}
     */
    public static Dataset load(Path dir, int[] resizeHW) {
        if (resizeHW != null && (resizeHW.length != 2 || resizeHW[0] < 1 || resizeHW[1] < 1)) {
            throw new IllegalArgumentException("resizeHW must be {H, W} with H, W >= 1");
        }
        DataFiles.requireFolder(dir);
        List<Path> rootImages = new ArrayList<>();
        List<String> classNames = new ArrayList<>();
        List<List<Path>> classImages = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> sorted = entries.filter(p -> !hidden(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .collect(Collectors.toList());
            for (Path p : sorted) {
                if (Files.isDirectory(p)) {
                    List<Path> imgs = imagesUnder(p);
                    if (!imgs.isEmpty()) {
                        classNames.add(p.getFileName().toString());
                        classImages.add(imgs);
                    }
                } else if (isImageName(p)) {
                    rootImages.add(p);
                }
            }
        } catch (IOException e) {
            throw DataFiles.readError(dir, e);
        } catch (UncheckedIOException e) {
            throw DataFiles.readError(dir, e.getCause());
        }
        if (!rootImages.isEmpty() && !classImages.isEmpty()) {
            throw new InvalidInputException(folder(dir) + ": has images both directly in it (" + rootImages.get(0)
                    + ") and in subfolders (" + classImages.get(0).get(0)
                    + "); put all images in class subfolders, or all directly in the folder");
        }
        if (rootImages.isEmpty() && classImages.isEmpty()) {
            throw new InvalidInputException(folder(dir) + ": empty dataset: no .png, .jpg or .jpeg images in the folder"
                    + " or its subfolders");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        if (!rootImages.isEmpty()) {
            files.addAll(rootImages);
        } else {
            for (int c = 0; c < classImages.size(); c++) {
                for (Path p : classImages.get(c)) {
                    files.add(p);
                    labelList.add(c);
                }
            }
        }

        List<Decoded> images = new ArrayList<>(files.size());
        boolean allGray = true;
        Decoded first = null;
        for (Path f : files) {
            Decoded d = decode(f, images.size(), files.size());
            if (resizeHW != null && (d.h != resizeHW[0] || d.w != resizeHW[1])) {
                d = resize(f, d, resizeHW[0], resizeHW[1]);
            }
            if (first == null) {
                first = d;
            } else if (d.h != first.h || d.w != first.w) {
                throw new InvalidInputException(folder(dir) + ": images have different sizes (" + first.file + " is "
                        + first.h + "x" + first.w + ", " + f + " is " + d.h + "x" + d.w + "); pass --resize HxW");
            }
            allGray &= d.gray;
            images.add(d);
        }
        int c = allGray ? 1 : 3;
        int h = first.h;
        int w = first.w;
        int plane = h * w;
        long total = (long) images.size() * c * plane;
        if (total > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(folder(dir) + ": too large: " + images.size() + " images of " + c + "x" + h
                    + "x" + w + " make " + total + " values; at most " + (Integer.MAX_VALUE - 8) + " can be loaded");
        }
        float[] values;
        try {
            values = new float[(int) total];
        } catch (OutOfMemoryError e) {
            images = null;
            throw dev.bottleneck.OutOfMemory.error(files.size() + " images of " + c + "x" + h + "x" + w + " from " + folder(dir),
                    total * Float.BYTES, e);
        }
        int at = 0;
        for (Decoded d : images) {
            for (int ch = 0; ch < c; ch++) {
                int src = d.gray ? 0 : ch * plane;
                for (int i = 0; i < plane; i++) {
                    values[at++] = d.pixels[src + i] & 0xFF;
                }
            }
        }
        int[] labels = null;
        if (!labelList.isEmpty()) {
            labels = labelList.stream().mapToInt(Integer::intValue).toArray();
        }
        String name = "images:" + (dir.getFileName() != null ? dir.getFileName() : dir);
        return Dataset.builder(name, Dataset.Kind.IMAGE)
                .exampleShape(c, h, w)
                .values(values)
                .labels(labels)
                .classNames(labels == null ? null : classNames)
                .rawMax(255f)
                .build();
    }

    /**
     * Loads one image file at its own size, for the verbs that take images of any size (a fully
     * convolutional codec's {@code compress}).
     *
     * @param file a PNG or JPEG file
     * @return a dataset of one image named after the file, batch shape {@code (1, C, H, W)} with
     *     {@code C = 1} for a greyscale image and 3 otherwise (alpha dropped), raw pixels 0..255
     * @throws InvalidInputException naming the file if it cannot be read or decoded, or is too large
     */
    public static Dataset loadFile(Path file) {
        Decoded d = decode(file, 0, 1);
        int c = d.gray ? 1 : 3;
        float[] values = new float[c * d.h * d.w];
        for (int i = 0; i < values.length; i++) {
            values[i] = d.pixels[i] & 0xFF;
        }
        return Dataset.builder("image:" + file.getFileName(), Dataset.Kind.IMAGE).exampleShape(c, d.h, d.w).values(values).rawMax(255f).build();
    }

    /**
     * Parses an image size written {@code HxW} (height, then width), as in {@code --resize 28x28}.
     * {@code X} and {@code ×} are accepted for {@code x}, and spaces around the numbers.
     *
     * @param text e.g. {@code "28x28"} or {@code "32 x 64"}
     * @return {@code {H, W}}
     * @throws InvalidInputException if the text is not two whole numbers joined by {@code x}, or
     *     a side is 0 or above {@link #MAX_SIDE}
     */
    public static int[] parseSize(String text) {
        if (text == null) {
            throw new InvalidInputException("missing image size: expected HxW (height x width), e.g. 28x28");
        }
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidInputException("bad image size '" + DataFiles.snippet(text, 40)
                    + "': expected HxW (height x width), e.g. 28x28");
        }
        long h = Long.parseLong(m.group(1));
        long w = Long.parseLong(m.group(2));
        if (h < 1 || w < 1 || h > MAX_SIDE || w > MAX_SIDE) {
            throw new InvalidInputException("bad image size '" + DataFiles.snippet(text, 40)
                    + "': height and width must be between 1 and " + MAX_SIDE);
        }
        return new int[] {(int) h, (int) w};
    }

    // ------------------------------------------------------------------------------------------

    /** One decoded image: a grey plane or R, G, B planes of unsigned bytes. */
    private static final class Decoded {
        final Path file;
        final int h;
        final int w;
        final boolean gray;
        final byte[] pixels;

        Decoded(Path file, int h, int w, boolean gray, byte[] pixels) {
            this.file = file;
            this.h = h;
            this.w = w;
            this.gray = gray;
            this.pixels = pixels;
        }
    }

    private static String folder(Path dir) {
        String s = dir.toString();
        return s.endsWith("/") ? s : s + "/";
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    /**
     * @param p a path
     * @return whether its name ends in .png, .jpg or .jpeg (any case)
     */
    public static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** Image files under a class folder, at any depth, skipping hidden names, in path order. */
    private static List<Path> imagesUnder(Path classDir) throws IOException {
        try (Stream<Path> walk = Files.walk(classDir)) {
            return walk.filter(p -> {
                        Path rel = classDir.relativize(p);
                        for (Path part : rel) {
                            if (part.toString().startsWith(".")) {
                                return false;
                            }
                        }
                        return Files.isRegularFile(p) && isImageName(p);
                    })
                    .sorted(Comparator.comparing(p -> classDir.relativize(p).toString()))
                    .collect(Collectors.toList());
        }
    }

    /** The most pixels one image may have: its R, G, B planes must fit one Java array. */
    private static final long MAX_PIXELS = (Integer.MAX_VALUE - 8) / 3;

    /**
     * Decodes image {@code index} (0-based) of {@code count}; its size is read from the header
     * first, so that an image too large to decode is reported with its size.
     */
    private static Decoded decode(Path f, int index, int count) {
        byte[] bytes = DataFiles.readAll(f);
        BufferedImage img;
        long w0 = -1;
        long h0 = -1;
        // In memory, so no cache file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            java.util.Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new InvalidInputException(f, "not a readable image (no PNG or JPEG decoder recognises its content)");
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                w0 = reader.getWidth(0);
                h0 = reader.getHeight(0);
                if (w0 < 1 || h0 < 1 || w0 * h0 > MAX_PIXELS) {
                    throw new InvalidInputException(f, "too large: " + h0 + "x" + w0 + " pixels (at most " + MAX_PIXELS
                            + " pixels per image can be loaded)");
                }
                img = reader.read(0, reader.getDefaultReadParam());
            } finally {
                reader.dispose();
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (OutOfMemoryError e) {
            throw dev.bottleneck.OutOfMemory.error("decoding " + f + " (" + h0 + "x" + w0 + " pixels, image " + (index + 1)
                    + " of " + count + ")", w0 > 0 && h0 > 0 ? w0 * h0 * 4 : -1, e);
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() != null ? DataFiles.oneLine(e.getMessage()) : e.getClass().getSimpleName();
            throw new InvalidInputException(f, "corrupt image (" + DataFiles.snippet(why, 100) + ")", e);
        }
        if (img == null) {
            throw new InvalidInputException(f, "not a readable image (no PNG or JPEG decoder recognises its content)");
        }
        try {
            return pixels(f, img);
        } catch (OutOfMemoryError e) {
            img = null;
            throw dev.bottleneck.OutOfMemory.error("the pixels of " + f + " (" + h0 + "x" + w0 + ", image " + (index + 1)
                    + " of " + count + ")", w0 * h0 * 3, e);
        }
    }

    private static Decoded pixels(Path f, BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int[] row = new int[w];
        if (cm instanceof IndexColorModel && grayPalette((IndexColorModel) cm)) {
            IndexColorModel icm = (IndexColorModel) cm;
            byte[] px = new byte[h * w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    px[y * w + x] = (byte) icm.getRed(row[x]);
                }
            }
            return new Decoded(f, h, w, true, px);
        }
        if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            int bits = cm.getComponentSize(0);
            double scale = 255.0 / ((1L << bits) - 1);
            byte[] px = new byte[h * w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    px[y * w + x] = (byte) (bits == 8 ? row[x] : (int) Math.round(row[x] * scale));
                }
            }
            return new Decoded(f, h, w, true, px);
        }
        int plane = h * w;
        byte[] px = new byte[3 * plane];
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                int i = y * w + x;
                px[i] = (byte) (p >>> 16);
                px[plane + i] = (byte) (p >>> 8);
                px[2 * plane + i] = (byte) p;
            }
        }
        return new Decoded(f, h, w, false, px);
    }

    private static boolean grayPalette(IndexColorModel icm) {
        for (int i = 0; i < icm.getMapSize(); i++) {
            int r = icm.getRed(i);
            if (r != icm.getGreen(i) || r != icm.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Resizes through an opaque {@code TYPE_INT_RGB} image (grey repeated into R, G, B), so that
     * no colour-space conversion touches the values.
     */
    private static Decoded resize(Path f, Decoded d, int th, int tw) {
        BufferedImage src = new BufferedImage(d.w, d.h, BufferedImage.TYPE_INT_RGB);
        int[] in = ((DataBufferInt) src.getRaster().getDataBuffer()).getData();
        int plane = d.h * d.w;
        for (int i = 0; i < plane; i++) {
            if (d.gray) {
                int v = d.pixels[i] & 0xFF;
                in[i] = v << 16 | v << 8 | v;
            } else {
                in[i] = (d.pixels[i] & 0xFF) << 16 | (d.pixels[plane + i] & 0xFF) << 8 | (d.pixels[2 * plane + i] & 0xFF);
            }
        }
        int[] out;
        if (th <= d.h && tw <= d.w) {
            out = new int[th * tw];
            PixelGrabber grabber = new PixelGrabber(
                    new FilteredImageSource(src.getSource(), new AreaAveragingScaleFilter(tw, th)), 0, 0, tw, th, out, 0, tw);
            try {
                if (!grabber.grabPixels()) {
                    throw new BottleneckException(f + ": resizing to " + th + "x" + tw + " failed (status "
                            + grabber.getStatus() + ")");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BottleneckException(f + ": interrupted while resizing", e);
            }
        } else {
            BufferedImage dst = new BufferedImage(tw, th, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = dst.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                g.drawImage(src, 0, 0, tw, th, null);
            } finally {
                g.dispose();
            }
            out = ((DataBufferInt) dst.getRaster().getDataBuffer()).getData();
        }
        int tplane = th * tw;
        byte[] px = new byte[d.gray ? tplane : 3 * tplane];
        for (int i = 0; i < tplane; i++) {
            int p = out[i];
            if (d.gray) {
                px[i] = (byte) (p >>> 16); // R = G = B
            } else {
                px[i] = (byte) (p >>> 16);
                px[tplane + i] = (byte) (p >>> 8);
                px[2 * tplane + i] = (byte) p;
            }
        }
        return new Decoded(f, th, tw, d.gray, px);
    }
}
