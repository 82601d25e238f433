package dev.bottleneck.codec;

import dev.bottleneck.InvalidInputException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The {@code .btl} file: one image compressed by a codec model. Small images make every header
 * byte count (one byte is 0.01 bits per pixel of a 28x28 image), so sizes are variable-length:
 *
 * <pre>
 *   "BTL"        3 bytes, magic
 *   version      1 byte (1)
 *   fingerprint  4 bytes: the first 4 bytes of the SHA-256 of the model's weights
 *   C H W        image channels, height, width: unsigned LEB128 varints
 *   c h w        latent channels, height, width: varints
 *   lo           lowest symbol value: zigzag varint
 *   hi - lo      varint
 *   payload      rANS ({@link Rans}) of the rounded latents, channel-major, under the model's
 *                density quantized to the values lo..hi ({@link FactorizedDensity#tables})
 *   CRC-32       4 bytes, of every byte before it
 * </pre>
 *
 * A 28x28 MNIST file has 20 bytes besides its payload; bits per pixel count all of them.
 *
 * @param fingerprint 4 bytes
 * @param imageShape {@code C, H, W}
 * @param latentShape latent {@code C, h, w}
 * @param lo lowest symbol value
 * @param hi highest symbol value, {@code >= lo}
 * @param payload the coded latents
 */
public record BtlFile(byte[] fingerprint, int[] imageShape, int[] latentShape, int lo, int hi, byte[] payload) {

    /** The format version this build writes and reads. */
    public static final int VERSION = 1;
    /** The length of the fingerprint, bytes. */
    public static final int FINGERPRINT = 4;
    private static final byte[] MAGIC = {'B', 'T', 'L'};
    /** The largest symbol range a file may declare (the frequency tables' size). */
    public static final int MAX_RANGE = 1 << 16;
    /** The largest image side or channel count a file may declare. */
    public static final int MAX_SIDE = 16384;

    /** @return the file's bytes */
    public byte[] toBytes() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(32 + payload.length);
        b.writeBytes(MAGIC);
        b.write(VERSION);
        b.write(fingerprint, 0, FINGERPRINT);
        for (int v : imageShape) {
            varint(b, v);
        }
        for (int v : latentShape) {
            varint(b, v);
        }
        varint(b, (lo << 1) ^ (lo >> 31));
        varint(b, hi - lo);
        b.writeBytes(payload);
        CRC32 crc = new CRC32();
        byte[] body = b.toByteArray();
        crc.update(body);
        ByteBuffer c = ByteBuffer.allocate(body.length + 4);
        c.put(body).putInt((int) crc.getValue());
        return c.array();
    }

    /** @return the bytes of the file besides the payload */
    public int overhead() {
        return toBytes().length - payload.length;
    }

    private static void varint(java.io.ByteArrayOutputStream b, int v) {
        while ((v & ~0x7f) != 0) {
            b.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        b.write(v);
    }

    /** Reads varints, refusing to run past the end or past 5 bytes. */
    private static final class Reader {
        private final byte[] b;
        private final int end;
        private final Path source;
        private int pos;

        Reader(byte[] b, int pos, int end, Path source) {
            this.b = b;
            this.pos = pos;
            this.end = end;
            this.source = source;
        }

        int varint() {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                if (pos >= end) {
                    throw new InvalidInputException(source, "truncated: the header ends early");
                }
                int x = b[pos++] & 0xff;
                v |= (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new InvalidInputException(source, "damaged: a header number is longer than 5 bytes");
        }
    }

    /**
     * Reads and checks a file.
     *
     * @param bytes the file's content
     * @param source the file, for messages
     * @return the parsed file
     * @throws InvalidInputException naming {@code source}: not a {@code .btl} file, another format
     *     version, truncated, damaged (checksum), or declared sizes out of range
     */
    public static BtlFile parse(byte[] bytes, Path source) {
        if (bytes.length < 4 || !Arrays.equals(Arrays.copyOf(bytes, 3), MAGIC)) {
            throw new InvalidInputException(source, "not a Bottleneck compressed image (.btl): wrong magic bytes");
        }
        if (bytes[3] != VERSION) {
            throw new InvalidInputException(source, "format version " + (bytes[3] & 0xff) + " is not supported (this build reads " + VERSION + ")");
        }
        int minimum = 4 + FINGERPRINT + 8 + 4;
        if (bytes.length < minimum) {
            throw new InvalidInputException(source, "truncated: " + bytes.length + " bytes, a .btl file has at least " + minimum);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
            throw new InvalidInputException(source, "damaged or truncated: its checksum does not match its content");
        }
        byte[] fp = Arrays.copyOfRange(bytes, 4, 4 + FINGERPRINT);
        Reader r = new Reader(bytes, 4 + FINGERPRINT, bytes.length - 4, source);
        int[] image = {r.varint(), r.varint(), r.varint()};
        int[] latent = {r.varint(), r.varint(), r.varint()};
        int zig = r.varint();
        long lo = (zig >>> 1) ^ -(zig & 1);
        long range = r.varint() & 0xffffffffL;
        if (lo + range > Integer.MAX_VALUE) {
            throw new InvalidInputException(source, "declares symbol values beyond " + Integer.MAX_VALUE + ": out of range");
        }
        for (int i = 0; i < 3; i++) {
            if (image[i] < 1 || image[i] > MAX_SIDE || latent[i] < 1 || latent[i] > MAX_SIDE) {
                throw new InvalidInputException(source, "declares an image of " + image[0] + "x" + image[1] + "x" + image[2]
                        + " and latents of " + latent[0] + "x" + latent[1] + "x" + latent[2] + ": out of range");
            }
        }
        if (range + 1 > MAX_RANGE) {
            throw new InvalidInputException(source, "declares " + (range + 1) + " symbol values: out of range (at most " + MAX_RANGE + ")");
        }
        byte[] payload = Arrays.copyOfRange(bytes, r.pos, bytes.length - 4);
        return new BtlFile(fp, image, latent, (int) lo, (int) (lo + range), payload);
    }
}
