package dev.bottleneck.codec;

import dev.bottleneck.InvalidInputException;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The {@code .btl} file: one image compressed by a codec model. Layout (big-endian):
 *
 * <pre>
 *   0  4  magic "BTL" 0x1A
 *   4  1  format version (1)
 *   5 16  fingerprint: the first 16 bytes of the SHA-256 of the model's weights
 *  21  1  image channels C      22 2 height H      24 2 width W
 *  26  2  latent channels       28 2 latent height 30 2 latent width
 *  32  4  lowest symbol value   36 4 highest symbol value
 *  40  4  payload length P
 *  44  P  rANS payload ({@link Rans}) of the rounded latents, channel-major, under the model's
 *         density quantized to the value range above ({@link FactorizedDensity#tables})
 *  44+P 4 CRC-32 of every byte before it
 * </pre>
 *
 * The size is 48 bytes of header and checksum plus the payload; bits per pixel count all of it.
 *
 * @param fingerprint 16 bytes
 * @param imageShape {@code C, H, W}
 * @param latentShape latent {@code C, h, w}
 * @param lo lowest symbol value
 * @param hi highest symbol value, {@code >= lo}
 * @param payload the coded latents
 */
public record BtlFile(byte[] fingerprint, int[] imageShape, int[] latentShape, int lo, int hi, byte[] payload) {

    /** The format version this build writes and reads. */
    public static final int VERSION = 1;
    /** The bytes of a file besides its payload. */
    public static final int OVERHEAD = 48;
    private static final byte[] MAGIC = {'B', 'T', 'L', 0x1A};
    /** The largest symbol range a file may declare (the frequency tables' size). */
    public static final int MAX_RANGE = 1 << 16;
    /** The largest image side a file may declare. */
    public static final int MAX_SIDE = 16384;

    /**
     * @return the file's bytes
     */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(OVERHEAD + payload.length);
        b.put(MAGIC).put((byte) VERSION).put(fingerprint);
        b.put((byte) imageShape[0]).putShort((short) imageShape[1]).putShort((short) imageShape[2]);
        b.putShort((short) latentShape[0]).putShort((short) latentShape[1]).putShort((short) latentShape[2]);
        b.putInt(lo).putInt(hi).putInt(payload.length).put(payload);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
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
        if (bytes.length < 5 || !Arrays.equals(Arrays.copyOf(bytes, 4), MAGIC)) {
            throw new InvalidInputException(source, "not a Bottleneck compressed image (.btl): wrong magic bytes");
        }
        if (bytes[4] != VERSION) {
            throw new InvalidInputException(source, "format version " + (bytes[4] & 0xff) + " is not supported (this build reads " + VERSION + ")");
        }
        if (bytes.length < OVERHEAD) {
            throw new InvalidInputException(source, "truncated: " + bytes.length + " bytes, a .btl file has at least " + OVERHEAD);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.position(5);
        byte[] fp = new byte[16];
        b.get(fp);
        int[] image = {b.get() & 0xff, b.getShort() & 0xffff, b.getShort() & 0xffff};
        int[] latent = {b.getShort() & 0xffff, b.getShort() & 0xffff, b.getShort() & 0xffff};
        int lo = b.getInt();
        int hi = b.getInt();
        long p = b.getInt() & 0xffffffffL;
        if (p != bytes.length - OVERHEAD) {
            throw new InvalidInputException(source, p > bytes.length - OVERHEAD
                    ? "truncated: the header announces " + p + " payload bytes, the file holds " + (bytes.length - OVERHEAD)
                    : "damaged: " + (bytes.length - OVERHEAD - p) + " bytes after the payload");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
            throw new InvalidInputException(source, "damaged: its checksum does not match its content");
        }
        for (int i = 0; i < 3; i++) {
            if (image[i] < 1 || image[i] > MAX_SIDE || latent[i] < 1 || latent[i] > MAX_SIDE) {
                throw new InvalidInputException(source, "declares an image of " + image[0] + "x" + image[1] + "x" + image[2]
                        + " and latents of " + latent[0] + "x" + latent[1] + "x" + latent[2] + ": out of range");
            }
        }
        if (hi < lo || (long) hi - lo + 1 > MAX_RANGE) {
            throw new InvalidInputException(source, "declares symbol values " + lo + ".." + hi + ": out of range");
        }
        byte[] payload = Arrays.copyOfRange(bytes, 44, 44 + (int) p);
        return new BtlFile(fp, image, latent, lo, hi, payload);
    }
}
