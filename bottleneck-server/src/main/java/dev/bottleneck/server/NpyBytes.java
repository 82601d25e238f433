package dev.bottleneck.server;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} arrays as request and response bodies (format 1.0-3.0, C order; the format of
 * {@code numpy.save}, NEP 1). Reads {@code uint8}, {@code int32}, {@code int64}, {@code float32}
 * and {@code float64} little-endian; writes {@code float32} or {@code int32}.
 */
public final class NpyBytes {

    /** The media type used for {@code .npy} bodies. */
    public static final String MEDIA_TYPE = "application/x-npy";

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyBytes() {}

    /**
     * An array read from a body.
     *
     * @param values the values as floats, row-major
     * @param shape the array's shape
     */
    public record Array(float[] values, long[] shape) {}

    /**
     * @param body the request body
     * @return whether it starts with the {@code .npy} magic bytes
     */
    public static boolean isNpy(byte[] body) {
        if (body.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (body[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a {@code .npy} body.
     *
     * @param body the bytes
     * @param maxValues the most values accepted (the batch limit times the example size)
     * @return the values and shape
     * @throws ApiException 400 for a malformed header, an unsupported dtype, Fortran order, or a
     *     size that disagrees with the header or exceeds {@code maxValues}
     */
    public static Array read(byte[] body, long maxValues) {
        if (!isNpy(body) || body.length < 10) {
            throw ApiException.badRequest("the body is not a .npy array (no \\x93NUMPY magic)");
        }
        ByteBuffer bb = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        int major = body[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (body.length < 12) {
                throw ApiException.badRequest(".npy body is truncated in its header");
            }
            headerLen = bb.getInt(8);
            start = 12;
        } else {
            throw ApiException.badRequest(".npy format version " + major + " is not supported (1, 2 or 3)");
        }
        if (headerLen < 0 || start + (long) headerLen > body.length) {
            throw ApiException.badRequest(".npy body is truncated in its header");
        }
        String header = new String(body, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find()) {
            throw ApiException.badRequest(".npy header has no descr or shape: " + header.strip());
        }
        if (f.find() && f.group(1).equals("True")) {
            throw ApiException.badRequest(".npy array is in Fortran order; send a C-order array (numpy.ascontiguousarray)");
        }
        List<Long> dims = new ArrayList<>();
        long count = 1;
        for (String part : s.group(1).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            long v;
            try {
                v = Long.parseLong(part.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(".npy shape '(" + s.group(1) + ")' is not a tuple of integers");
            }
            if (v < 0) {
                throw ApiException.badRequest(".npy shape has a negative dimension");
            }
            dims.add(v);
            try {
                count = Math.multiplyExact(count, v);
            } catch (ArithmeticException e) {
                count = Long.MAX_VALUE;
            }
        }
        if (count > maxValues) {
            throw ApiException.badRequest(".npy array has " + count + " values, more than the " + maxValues + " one request may carry");
        }
        String descr = d.group(1);
        int width;
        switch (descr) {
            case "|u1", "<u1", "u1", "|i1" -> width = 1;
            case "<i4", "<f4" -> width = 4;
            case "<i8", "<f8" -> width = 8;
            default -> throw ApiException.badRequest(".npy dtype '" + descr + "' is not supported (uint8, int32, int64, float32, "
                    + "float64, little-endian)");
        }
        long need = start + (long) headerLen + count * width;
        if (body.length != need) {
            throw ApiException.badRequest(".npy body has " + body.length + " bytes, but its header says " + need);
        }
        float[] v = new float[(int) count];
        int p = start + headerLen;
        for (int i = 0; i < v.length; i++, p += width) {
            v[i] = switch (descr) {
                case "|i1" -> body[p];
                case "<i4" -> bb.getInt(p);
                case "<f4" -> bb.getFloat(p);
                case "<i8" -> bb.getLong(p);
                case "<f8" -> (float) bb.getDouble(p);
                default -> body[p] & 0xff;
            };
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        return new Array(v, shape);
    }

    /**
     * Writes a {@code float32} array.
     *
     * @param values row-major values
     * @param shape the shape, whose product is {@code values.length}
     * @return the {@code .npy} bytes (format 1.0)
     */
    public static byte[] write(float[] values, long[] shape) {
        ByteBuffer b = header("<f4", shape, values.length * 4L);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /**
     * Writes an {@code int32} array.
     *
     * @param values row-major values
     * @param shape the shape
     * @return the {@code .npy} bytes (format 1.0)
     */
    public static byte[] writeInt(int[] values, long[] shape) {
        ByteBuffer b = header("<i4", shape, values.length * 4L);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static ByteBuffer header(String descr, long[] shape, long dataBytes) {
        StringBuilder sh = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]).append(shape.length == 1 || i < shape.length - 1 ? "," : "");
        }
        String h = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, sh);
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        StringBuilder hb = new StringBuilder(h);
        hb.append(" ".repeat(pad)).append('\n');
        byte[] hdr = hb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate((int) (10 + hdr.length + dataBytes)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) hdr.length).put(hdr);
        return b;
    }
}
