package dev.bottleneck.data;

import dev.bottleneck.BottleneckException;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes NumPy {@code .npy} files, format versions 1.0, 2.0 and 3.0 (<a
 * href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">numpy.lib.format</a>):
 * the magic {@code \x93NUMPY}, a version, a little-endian header length (2 bytes in 1.0, 4 in 2.0
 * and 3.0), a header that is a Python dict literal {@code {'descr': '<f4', 'fortran_order': False,
 * 'shape': (100, 784), }}, then the data in C order.
 *
 * <p>Data types read, all converted to float32: {@code b1} (bool, 0 or 1), {@code i1 u1 i2 u2 i4 u4
 * i8} (integers; those beyond 2^24 in magnitude are rounded to the nearest float32), {@code f2 f4
 * f8} (float64 values beyond the float32 range become infinite). Byte order little ({@code <}),
 * big ({@code >}), not applicable ({@code |}) or native ({@code =}). Not read: Fortran-ordered
 * arrays, object arrays, structured, complex, string and date types; each gets a clear error.
 */
public final class NpyFiles {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** NumPy pads the header so that the first axis can grow in place to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int CHUNK = 1 << 20;

    private NpyFiles() {}

    /**
     * Reads a {@code .npy} file into float32.
     *
     * @param file the file
     * @return its values (C order) and shape
     * @throws InvalidInputException naming the file if it is missing or unreadable, is not a
     *     {@code .npy} file ({@code "not a .npy file (magic bytes 50 4B 03 04 14 00, expected 93 4E
     *     55 4D 50 59 = \x93NUMPY)"}), has an unknown version or a malformed header, a dtype that
     *     cannot be read, {@code fortran_order: True}, too many elements for one Java array, or
     *     less or more data than the shape needs ({@code "truncated: shape (100, 784) float32
     *     needs 313600 bytes of data but the file has 1000"})
     */
    public static NpyArray read(Path file) {
        return readTyped(file).array;
    }

    /**
     * Reads a {@code .npy} file as a dataset, the first axis being the examples.
     *
     * <ul>
     *   <li>{@code (N, D)}: a {@link Dataset.Kind#TABLE}, example shape {@code (D)}.
     *   <li>{@code (N, H, W)}: grey images, example shape {@code (1, H, W)}.
     *   <li>{@code (N, C, H, W)} with {@code C} 1 or 3: images as they are.
     *   <li>{@code (N, H, W, C)} with {@code C} 1 or 3 and {@code H, W > 4} (and the second axis not
     *       1 or 3): channels-last images, transposed to {@code (N, C, H, W)}.
     * </ul>
     *
     * Image pixel scale: {@code uint8} arrays have {@code rawMax = 255}; other arrays have {@code
     * rawMax = 1} when all values lie in {@code [0, 1]}, else {@code 255} when they lie in {@code
     * [0, 255]}; other ranges are an error. No labels.
     *
     * @param file the file
     * @return a dataset named {@code npy:<file name>}, batch shape {@code (N, D)} or {@code (N, C,
     *     H, W)}, values as in the file
     * @throws InvalidInputException naming the file for every error of {@link #read}, and if the
     *     array has 1 or more than 4 dimensions, no examples, a 4-D shape whose channel axis cannot
     *     be told, a NaN or infinite value ({@code "NaN at flat index 1570 (example 2, index (2, 0,
     *     1, 2)) is not allowed"}), or images whose values are outside both {@code [0, 1]} and
     *     {@code [0, 255]}
     */
    public static Dataset readDataset(Path file) {
        Typed t = readTyped(file);
        long[] shape = t.array.shape();
        float[] v = t.array.values();
        String shapeText = DataFiles.shapeText(shape);
        if (shape.length < 2 || shape.length > 4) {
            throw new InvalidInputException(file, "shape " + shapeText + " is not a dataset: expected (N, D) for a table, "
                    + "(N, H, W), (N, C, H, W) or (N, H, W, C) for images");
        }
        if (shape[0] == 0) {
            throw new InvalidInputException(file, "empty dataset: shape " + shapeText + " has no examples");
        }
        if (v.length == 0) {
            throw new InvalidInputException(file, "examples have no values: shape " + shapeText);
        }
        int per = v.length / (int) shape[0];
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                String what = Float.isNaN(v[i]) ? "NaN"
                        : "float64".equals(t.dtypeName) ? "an infinite value (or a float64 beyond the float32 range)"
                        : "an infinite value";
                throw new InvalidInputException(file, what + " at flat index " + i + " (example " + (i / per)
                        + ", index " + DataFiles.shapeText(unravel(i, shape)) + ") is not allowed");
            }
        }
        String name = "npy:" + file.getFileName();
        if (shape.length == 2) {
            return Dataset.builder(name, Dataset.Kind.TABLE).exampleShape(per).values(v).build();
        }
        int n = (int) shape[0];
        int c;
        int h;
        int w;
        float[] pixels = v;
        if (shape.length == 3) {
            c = 1;
            h = (int) shape[1];
            w = (int) shape[2];
        } else if (shape[1] == 1 || shape[1] == 3) {
            c = (int) shape[1];
            h = (int) shape[2];
            w = (int) shape[3];
        } else if ((shape[3] == 1 || shape[3] == 3) && shape[1] > 4 && shape[2] > 4) {
            h = (int) shape[1];
            w = (int) shape[2];
            c = (int) shape[3];
            pixels = channelsFirst(v, n, h, w, c);
        } else {
            throw new InvalidInputException(file, "cannot tell the channel axis of shape " + shapeText
                    + ": expected (N, C, H, W), or (N, H, W, C) with H, W > 4, where C is 1 or 3");
        }
        float rawMax;
        if ("uint8".equals(t.dtypeName)) {
            rawMax = 255f;
        } else {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (float x : v) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            if (min >= 0 && max <= 1) {
                rawMax = 1f;
            } else if (min >= 0 && max <= 255) {
                rawMax = 255f;
            } else {
                throw new InvalidInputException(file, "image values range over [" + DataFiles.num(min) + ", "
                        + DataFiles.num(max) + "]; expected [0, 1] or [0, 255] (rescale them, or save a 2-D (N, D) table)");
            }
        }
        return Dataset.builder(name, Dataset.Kind.IMAGE).exampleShape(c, h, w).values(pixels).rawMax(rawMax).build();
    }

    /**
     * Writes a float32 array as a {@code .npy} file, atomically: format 1.0 (2.0 only if the
     * header would exceed 65,535 bytes), dtype {@code <f4}, C order, the header padded with spaces
     * exactly as NumPy's {@code np.save} pads it (room for the first axis to grow to 21 digits,
     * then up to a multiple of 64 bytes). Values are written bit for bit (negative zero, subnormals
     * and NaN payloads included).
     *
     * @param file the file to create or replace
     * @param values {@code prod(shape)} values in C order
     * @param shape the dimensions, each {@code >= 0}; empty for a scalar
     * @throws IllegalArgumentException if a dimension is negative or the shape does not match the
     *     number of values
     * @throws BottleneckException naming the file if it cannot be written
     */
    public static void write(Path file, float[] values, long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(".npy: negative dimension in shape " + DataFiles.shapeText(shape));
            }
            count = d == 0 || count == 0 ? 0 : Math.multiplyExact(count, d);
        }
        if (count != values.length) {
            throw new IllegalArgumentException(".npy: shape " + DataFiles.shapeText(shape) + " holds " + count
                    + " values but " + values.length + " were given");
        }
        writeChunks(file, header(shape), values.length, (buf, i, k) -> buf.asFloatBuffer().put(values, i, k));
    }

    /**
     * Writes a C-order {@code int32} array ({@code <i4}), atomically: integer codes of discrete
     * models (issue 10).
     *
     * @param file the file to create or replace
     * @param values {@code prod(shape)} values in C order
     * @param shape the dimensions, each {@code >= 0}
     * @throws IllegalArgumentException if the shape does not match the number of values
     * @throws BottleneckException naming the file if it cannot be written
     */
    public static void writeInt32(Path file, int[] values, long[] shape) {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (count != values.length) {
            throw new IllegalArgumentException(".npy: shape " + DataFiles.shapeText(shape) + " holds " + count
                    + " values but " + values.length + " were given");
        }
        writeChunks(file, header(shape, "<i4"), values.length, (buf, i, k) -> buf.asIntBuffer().put(values, i, k));
    }

    /** Copies {@code k} 4-byte values from index {@code i} into a little-endian buffer. */
    private interface Chunk {
        void put(ByteBuffer buf, int i, int k);
    }

    /** Writes a header and then {@code count} 4-byte values in chunks, atomically. */
    private static void writeChunks(Path file, byte[] header, int count, Chunk chunk) {
        AtomicFiles.write(file, out -> {
            out.write(header);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; ) {
                buf.clear();
                int k = Math.min(CHUNK / 4, count - i);
                chunk.put(buf, i, k);
                out.write(buf.array(), 0, k * 4);
                i += k;
            }
        });
    }

    /** The magic, version, length and padded header of a C-order {@code <f4} array. */
    static byte[] header(long[] shape) {
        return header(shape, "<f4");
    }

    /** The magic, version, length and padded header of a C-order array of the given dtype. */
    static byte[] header(long[] shape, String descr) {
        StringBuilder dict = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': ")
                .append(DataFiles.shapeText(shape)).append(", }");
        if (shape.length > 0) {
            dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
        }
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int hlen = text.length + 1; // with the final newline
        boolean v1 = hlen + (ALIGN - ((10 + hlen) % ALIGN)) <= 0xFFFF;
        int prefix = v1 ? 10 : 12;
        int pad = ALIGN - ((prefix + hlen) % ALIGN);
        int total = prefix + hlen + pad;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        if (v1) {
            b.putShort((short) (hlen + pad));
        } else {
            b.putInt(hlen + pad);
        }
        b.put(text);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    // ------------------------------------------------------------------------------------------

    /** An array with the name of the dtype it was stored as. */
    private static final class Typed {
        final NpyArray array;
        final String dtypeName;

        Typed(NpyArray array, String dtypeName) {
            this.array = array;
            this.dtypeName = dtypeName;
        }
    }

    /** A supported element type. */
    private enum Kind {
        BOOL("bool"), I8("int8"), U8("uint8"), I16("int16"), U16("uint16"), I32("int32"), U32("uint32"),
        I64("int64"), F16("float16"), F32("float32"), F64("float64");

        final String numpyName;

        Kind(String numpyName) {
            this.numpyName = numpyName;
        }
    }

    private static Typed readTyped(Path file) {
        DataFiles.requireFile(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre);
            pre.flip();
            byte[] first = new byte[Math.min(6, pre.remaining())];
            pre.get(0, first);
            boolean magicOk = first.length == 6;
            for (int i = 0; i < first.length && magicOk; i++) {
                magicOk = first[i] == MAGIC[i];
            }
            if (!magicOk) {
                StringBuilder hex = new StringBuilder();
                for (byte x : first) {
                    hex.append(hex.length() > 0 ? " " : "").append(String.format("%02X", x & 0xFF));
                }
                String hint = first.length >= 2 && first[0] == 'P' && first[1] == 'K'
                        ? "; it looks like a zip archive (.npz): extract one array first" : "";
                throw new InvalidInputException(file, "not a .npy file (magic bytes "
                        + (first.length == 0 ? "none: the file is empty" : hex.toString())
                        + ", expected 93 4E 55 4D 50 59 = \\x93NUMPY)" + hint);
            }
            if (pre.remaining() < 10) {
                throw new InvalidInputException(file, "truncated: " + size + " bytes is too short for a .npy header");
            }
            int major = pre.get(6) & 0xFF;
            int minor = pre.get(7) & 0xFF;
            long headerLen;
            int prefix;
            if (major == 1) {
                headerLen = pre.getShort(8) & 0xFFFF;
                prefix = 10;
            } else if (major == 2 || major == 3) {
                if (pre.remaining() < 12) {
                    throw new InvalidInputException(file, "truncated: " + size + " bytes is too short for a .npy header");
                }
                headerLen = Integer.toUnsignedLong(pre.getInt(8));
                prefix = 12;
            } else {
                throw new InvalidInputException(file, "unsupported .npy format version " + major + "." + minor
                        + " (supported: 1.0, 2.0, 3.0)");
            }
            if (prefix + headerLen > size) {
                throw new InvalidInputException(file, "truncated: the header needs " + (prefix + headerLen)
                        + " bytes but the file has " + size);
            }
            if (headerLen > 1 << 24) {
                throw new InvalidInputException(file, "malformed header: it claims to be " + headerLen + " bytes long");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.position(prefix);
            readFully(ch, hb);
            String headerText = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = parseHeader(file, headerText);
            long count = 1;
            for (long d : h.shape) {
                count = Math.multiplyExact(count, d);
            }
            if (count > Integer.MAX_VALUE - 8) {
                throw new InvalidInputException(file, "too large: shape " + DataFiles.shapeText(h.shape) + " has " + count
                        + " elements; at most " + (Integer.MAX_VALUE - 8) + " can be loaded");
            }
            long need = count * h.itemSize;
            long have = size - prefix - headerLen;
            String what = "shape " + DataFiles.shapeText(h.shape) + " " + h.kind.numpyName;
            if (have < need) {
                throw new InvalidInputException(file, "truncated: " + what + " needs " + need
                        + " bytes of data but the file has " + have);
            }
            if (have > need) {
                throw new InvalidInputException(file, (have - need) + " extra bytes after the data: " + what
                        + " needs " + need + " bytes but the file has " + have);
            }
            float[] out = new float[(int) count];
            readData(ch, h, out);
            return new Typed(new NpyArray(out, h.shape), h.kind.numpyName);
        } catch (ArithmeticException e) {
            throw new InvalidInputException(file, "too large: the shape's element count overflows 64 bits");
        } catch (IOException e) {
            throw DataFiles.readError(file, e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining() && ch.read(b) >= 0) {
            // until full or end of file
        }
    }

    private static void readData(FileChannel ch, Header h, float[] out) throws IOException {
        int item = h.itemSize;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK - CHUNK % item).order(h.order);
        int at = 0;
        while (at < out.length) {
            buf.clear();
            long left = (long) (out.length - at) * item;
            if (left < buf.capacity()) {
                buf.limit((int) left);
            }
            readFully(ch, buf);
            buf.flip();
            int k = buf.remaining() / item;
            if (k == 0) {
                throw new IOException("unexpected end of file"); // the size was checked; the file shrank
            }
            convert(h.kind, buf, out, at, k);
            at += k;
        }
    }

    private static void convert(Kind kind, ByteBuffer b, float[] out, int at, int k) {
        switch (kind) {
            case F32:
                b.asFloatBuffer().get(out, at, k);
                return;
            case BOOL:
                for (int i = 0; i < k; i++) {
                    out[at + i] = b.get() != 0 ? 1f : 0f;
                }
                return;
            case I8:
                for (int i = 0; i < k; i++) {
                    out[at + i] = b.get();
                }
                return;
            case U8:
                for (int i = 0; i < k; i++) {
                    out[at + i] = b.get() & 0xFF;
                }
                return;
            case I16:
                for (int i = 0; i < k; i++) {
                    out[at + i] = b.getShort();
                }
                return;
            case U16:
                for (int i = 0; i < k; i++) {
                    out[at + i] = b.getShort() & 0xFFFF;
                }
                return;
            case I32:
                for (int i = 0; i < k; i++) {
                    out[at + i] = b.getInt();
                }
                return;
            case U32:
                for (int i = 0; i < k; i++) {
                    out[at + i] = Integer.toUnsignedLong(b.getInt());
                }
                return;
            case I64:
                for (int i = 0; i < k; i++) {
                    out[at + i] = b.getLong();
                }
                return;
            case F16:
                for (int i = 0; i < k; i++) {
                    out[at + i] = halfToFloat(b.getShort());
                }
                return;
            case F64:
                for (int i = 0; i < k; i++) {
                    out[at + i] = (float) b.getDouble();
                }
                return;
            default:
                throw new AssertionError(kind);
        }
    }

    /** IEEE 754 binary16 to binary32, exact (every half is a float). */
    static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static long[] unravel(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    private static float[] channelsFirst(float[] v, int n, int h, int w, int c) {
        float[] out = new float[v.length];
        int plane = h * w;
        int per = plane * c;
        for (int i = 0; i < n; i++) {
            int base = i * per;
            for (int p = 0; p < plane; p++) {
                for (int ci = 0; ci < c; ci++) {
                    out[base + ci * plane + p] = v[base + p * c + ci];
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // Header: a Python literal dict {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }

    /** The parsed header. */
    private static final class Header {
        Kind kind;
        int itemSize;
        ByteOrder order;
        long[] shape;
    }

    private static Header parseHeader(Path file, String text) {
        Object parsed;
        try {
            LiteralParser p = new LiteralParser(text);
            parsed = p.value();
            p.skipSpace();
            if (!p.atEnd()) {
                throw p.error("unexpected text after the dict");
            }
        } catch (IllegalStateException e) {
            throw new InvalidInputException(file, "malformed header: " + e.getMessage() + " in "
                    + DataFiles.snippet(text.trim(), 120));
        }
        if (!(parsed instanceof Map)) {
            throw new InvalidInputException(file, "malformed header: not a dict: " + DataFiles.snippet(text.trim(), 120));
        }
        Map<?, ?> d = (Map<?, ?>) parsed;
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!d.containsKey(key)) {
                throw new InvalidInputException(file, "malformed header: no '" + key + "' key in "
                        + DataFiles.snippet(text.trim(), 120));
            }
        }
        Header h = new Header();
        Object descr = d.get("descr");
        if (!(descr instanceof String)) {
            throw new InvalidInputException(file, "structured dtype " + DataFiles.snippet(String.valueOf(descr), 80)
                    + " is not supported (only plain numeric arrays)");
        }
        parseDtype(file, (String) descr, h);
        Object fortran = d.get("fortran_order");
        if (!(fortran instanceof Boolean)) {
            throw new InvalidInputException(file, "malformed header: 'fortran_order' is " + DataFiles.snippet(String.valueOf(fortran), 40)
                    + ", not True or False");
        }
        if ((Boolean) fortran) {
            throw new InvalidInputException(file, "Fortran-ordered arrays (fortran_order: True) are not supported;"
                    + " save np.ascontiguousarray(a) instead");
        }
        Object shape = d.get("shape");
        if (!(shape instanceof List)) {
            throw new InvalidInputException(file, "malformed header: 'shape' is not a tuple: " + DataFiles.snippet(String.valueOf(shape), 40));
        }
        List<?> dims = (List<?>) shape;
        h.shape = new long[dims.size()];
        for (int i = 0; i < dims.size(); i++) {
            Object x = dims.get(i);
            if (!(x instanceof Long) || (Long) x < 0) {
                throw new InvalidInputException(file, "malformed header: 'shape' has a bad dimension " + DataFiles.snippet(String.valueOf(x), 40));
            }
            h.shape[i] = (Long) x;
        }
        return h;
    }

    private static void parseDtype(Path file, String descr, Header h) {
        String s = descr.trim();
        char order = s.isEmpty() ? '?' : s.charAt(0);
        String rest = s;
        if (order == '<' || order == '>' || order == '|' || order == '=') {
            rest = s.substring(1);
        } else {
            order = '|';
        }
        Kind kind;
        switch (rest) {
            case "b1": case "?": kind = Kind.BOOL; break;
            case "i1": case "b": kind = Kind.I8; break;
            case "u1": case "B": kind = Kind.U8; break;
            case "i2": kind = Kind.I16; break;
            case "u2": kind = Kind.U16; break;
            case "i4": kind = Kind.I32; break;
            case "u4": kind = Kind.U32; break;
            case "i8": kind = Kind.I64; break;
            case "f2": kind = Kind.F16; break;
            case "f4": kind = Kind.F32; break;
            case "f8": kind = Kind.F64; break;
            default:
                if (rest.startsWith("O")) {
                    throw new InvalidInputException(file, "object arrays (dtype '" + DataFiles.snippet(descr, 40)
                            + "') are not supported: they hold pickled Python objects; save a numeric array");
                }
                throw new InvalidInputException(file, "unsupported dtype '" + DataFiles.snippet(descr, 40)
                        + "' (supported: bool, int8, uint8, int16, uint16, int32, uint32, int64, float16, float32, float64)");
        }
        h.kind = kind;
        h.itemSize = switch (kind) {
            case BOOL, I8, U8 -> 1;
            case I16, U16, F16 -> 2;
            case I32, U32, F32 -> 4;
            case I64, F64 -> 8;
        };
        h.order = order == '>' ? ByteOrder.BIG_ENDIAN
                : order == '=' ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * Parses the subset of Python literals a {@code .npy} header uses: dicts, tuples, lists,
     * strings, integers (with Python 2's {@code L} suffix), True, False and None. Tuples and lists
     * become {@link List}s, integers {@link Long}s. Errors are {@link IllegalStateException}s.
     */
    static final class LiteralParser {
        /** Deepest nesting of dicts, tuples and lists accepted (a real header nests 2 deep). */
        static final int MAX_DEPTH = 32;
        private final String s;
        private int i;
        private int depth;

        LiteralParser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return i >= s.length();
        }

        void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        IllegalStateException error(String what) {
            return new IllegalStateException(what + " at character " + (i + 1));
        }

        Object value() {
            skipSpace();
            if (atEnd()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return dict();
                case '(':
                    return sequence(')');
                case '[':
                    return sequence(']');
                case '\'':
                case '"':
                    return string();
                default:
                    break;
            }
            if (c == '-' || c == '+' || (c >= '0' && c <= '9')) {
                return integer();
            }
            if (Character.isLetter(c)) {
                int start = i;
                while (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) {
                    i++;
                }
                String word = s.substring(start, i);
                switch (word) {
                    case "True":
                        return Boolean.TRUE;
                    case "False":
                        return Boolean.FALSE;
                    case "None":
                        return null;
                    default:
                        i = start;
                        throw error("unknown name '" + DataFiles.snippet(word, 20) + "'");
                }
            }
            throw error("unexpected '" + DataFiles.snippet(String.valueOf(c), 4) + "'");
        }

        private Map<Object, Object> dict() {
            enter();
            Map<Object, Object> m = new LinkedHashMap<>();
            i++; // {
            while (true) {
                skipSpace();
                if (atEnd()) {
                    throw error("unclosed '{'");
                }
                if (s.charAt(i) == '}') {
                    i++;
                    depth--;
                    return m;
                }
                Object key = value();
                skipSpace();
                if (atEnd() || s.charAt(i) != ':') {
                    throw error("expected ':'");
                }
                i++;
                Object val = value();
                m.put(key, val);
                skipSpace();
                if (atEnd()) {
                    throw error("unclosed '{'");
                }
                if (s.charAt(i) == ',') {
                    i++;
                } else if (s.charAt(i) != '}') {
                    throw error("expected ',' or '}'");
                }
            }
        }

        /** One level deeper; a damaged header of 16 MiB of brackets must not overflow the stack. */
        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw error("nested more than " + MAX_DEPTH + " levels deep");
            }
        }

        private List<Object> sequence(char close) {
            enter();
            List<Object> list = new ArrayList<>();
            i++; // ( or [
            while (true) {
                skipSpace();
                if (atEnd()) {
                    throw error("unclosed '" + (close == ')' ? '(' : '[') + "'");
                }
                if (s.charAt(i) == close) {
                    i++;
                    depth--;
                    return list;
                }
                list.add(value());
                skipSpace();
                if (atEnd()) {
                    throw error("unclosed '" + (close == ')' ? '(' : '[') + "'");
                }
                if (s.charAt(i) == ',') {
                    i++;
                } else if (s.charAt(i) != close) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
        }

        private String string() {
            char q = s.charAt(i++);
            StringBuilder sb = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == q) {
                    return sb.toString();
                }
                if (c == '\\' && i < s.length()) {
                    c = s.charAt(i++);
                }
                sb.append(c);
            }
            throw error("unclosed string");
        }

        private Long integer() {
            int start = i;
            if (s.charAt(i) == '-' || s.charAt(i) == '+') {
                i++;
            }
            int digitsStart = i;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == digitsStart) {
                throw error("expected a digit");
            }
            String digits = s.substring(start, i);
            if (i < s.length() && (s.charAt(i) == 'L' || s.charAt(i) == 'l')) {
                i++; // Python 2 long
            }
            try {
                return Long.parseLong(digits.startsWith("+") ? digits.substring(1) : digits);
            } catch (NumberFormatException e) {
                i = start;
                throw error("integer out of range '" + DataFiles.snippet(digits, 30) + "'");
            }
        }
    }
}
