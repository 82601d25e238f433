package dev.bottleneck.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bottleneck.InvalidInputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyFilesTest {

    @TempDir
    Path dir;

    /** A .npy file with the given version, header text (unpadded) and raw data. */
    private static byte[] npy(int major, String header, byte[] data) {
        byte[] h = (header + "\n").getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int prefix = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefix + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(data).array();
    }

    private static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private static byte[] le(int bytesPer, ByteOrder order, long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * bytesPer).order(order);
        for (long x : v) {
            switch (bytesPer) {
                case 1 -> b.put((byte) x);
                case 2 -> b.putShort((short) x);
                case 4 -> b.putInt((int) x);
                default -> b.putLong(x);
            }
        }
        return b.array();
    }

    @Test
    void writeThenReadIsBitExact() {
        float[] v = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-42f, Float.MIN_NORMAL, Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc00001),
            Float.intBitsToFloat(0xffa00000), 1f / 3f};
        Path p = dir.resolve("sub/codes.npy");
        NpyFiles.write(p, v, new long[] {3, 4});
        NpyArray a = NpyFiles.read(p);
        assertThat(a.shape()).containsExactly(3, 4);
        assertThat(a.shapeText()).isEqualTo("(3, 4)");
        for (int i = 0; i < v.length; i++) {
            assertThat(Float.floatToRawIntBits(a.values()[i])).as("value %d", i).isEqualTo(Float.floatToRawIntBits(v[i]));
        }
    }

    @Test
    void writeLargeArrayAcrossChunks() {
        float[] v = new float[600_000]; // 2.4 MB: more than one write chunk
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.25f - 7f;
        }
        Path p = dir.resolve("big.npy");
        NpyFiles.write(p, v, new long[] {1000, 600});
        assertThat(NpyFiles.read(p).values()).isEqualTo(v); // containsExactly is quadratic on 600k values
    }

    @Test
    void headerIsByteForByteWhatNumpyWrites() {
        // np.save(f, np.zeros((3, 4), '<f4')) with NumPy 2.4: the dict, spaces up to 127 bytes, '\n'
        String expected = "\u0093NUMPY\u0001\u0000v\u0000{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"
                + " ".repeat(58) + "\n";
        assertThat(new String(NpyFiles.header(new long[] {3, 4}), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        for (long[] shape : new long[][] {{5}, {}, {100, 784}, {2, 1, 28, 28}, {123456789012L, 1}}) {
            byte[] h = NpyFiles.header(shape);
            assertThat(h.length % 64).as("padding of %s", Arrays.toString(shape)).isZero();
            assertThat(h[h.length - 1]).isEqualTo((byte) '\n');
            assertThat(ByteBuffer.wrap(h, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort()).isEqualTo((short) (h.length - 10));
        }
        assertThat(new String(NpyFiles.header(new long[] {5}), StandardCharsets.ISO_8859_1)).contains("'shape': (5,), }");
        assertThat(new String(NpyFiles.header(new long[] {}), StandardCharsets.ISO_8859_1)).contains("'shape': (), }");
        assertThat(NpyFiles.header(new long[] {100, 784})).hasSize(128);
    }

    @Test
    void scalarAndEmptyArrays() {
        Path s = dir.resolve("s.npy");
        NpyFiles.write(s, new float[] {2.5f}, new long[] {});
        NpyArray a = NpyFiles.read(s);
        assertThat(a.shape()).isEmpty();
        assertThat(a.values()).containsExactly(2.5f);
        Path e = dir.resolve("e.npy");
        NpyFiles.write(e, new float[0], new long[] {0, 3});
        assertThat(NpyFiles.read(e).values()).isEmpty();
        assertThat(NpyFiles.read(e).shape()).containsExactly(0, 3);
    }

    @Test
    void writeRejectsAShapeThatDoesNotMatch() {
        assertThatThrownBy(() -> NpyFiles.write(dir.resolve("x.npy"), new float[5], new long[] {2, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(".npy: shape (2, 3) holds 6 values but 5 were given");
        assertThatThrownBy(() -> NpyFiles.write(dir.resolve("x.npy"), new float[0], new long[] {-1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsEveryIntegerAndFloatDtype() throws IOException {
        ByteOrder l = ByteOrder.LITTLE_ENDIAN;
        assertThat(readAs("|u1", le(1, l, 0, 255, 128))).containsExactly(0, 255, 128);
        assertThat(readAs("|i1", le(1, l, -128, 127, -1))).containsExactly(-128, 127, -1);
        assertThat(readAs("|b1", le(1, l, 0, 1, 1))).containsExactly(0, 1, 1);
        assertThat(readAs("<i2", le(2, l, -32768, 32767, 5))).containsExactly(-32768, 32767, 5);
        assertThat(readAs("<u2", le(2, l, 65535, 0, 300))).containsExactly(65535, 0, 300);
        assertThat(readAs("<i4", le(4, l, Integer.MIN_VALUE, -7, 16777216))).containsExactly(-2147483648f, -7, 16777216);
        assertThat(readAs("<u4", le(4, l, 0xFFFFFFFFL, 1, 0))).containsExactly(4294967295f, 1, 0);
        assertThat(readAs("<i8", le(8, l, Long.MIN_VALUE, -3, 1L << 40))).containsExactly(-9.223372E18f, -3, 1.09951163E12f);
        ByteBuffer f4 = ByteBuffer.allocate(12).order(l).putFloat(1.5f).putFloat(-0f).putFloat(Float.MIN_VALUE);
        assertThat(readAs("<f4", f4.array())).containsExactly(1.5f, -0f, Float.MIN_VALUE);
        ByteBuffer f8 = ByteBuffer.allocate(24).order(l).putDouble(0.1).putDouble(-2.5).putDouble(1e300);
        assertThat(readAs("<f8", f8.array())).containsExactly(0.1f, -2.5f, Float.POSITIVE_INFINITY);
        // float16: 1.0, -2.0, the smallest subnormal 2^-24, 65504 (max), +inf
        assertThat(readAs("<f2", le(2, l, 0x3C00, 0xC000, 0x0001, 0x7BFF, 0x7C00)))
                .containsExactly(1f, -2f, 0x1p-24f, 65504f, Float.POSITIVE_INFINITY);
    }

    @Test
    void readsBigEndianData() throws IOException {
        ByteOrder b = ByteOrder.BIG_ENDIAN;
        assertThat(readAs(">i2", le(2, b, -2, 258))).containsExactly(-2, 258);
        assertThat(readAs(">f4", ByteBuffer.allocate(8).order(b).putFloat(3.25f).putFloat(-1e-3f).array()))
                .containsExactly(3.25f, -1e-3f);
        assertThat(readAs(">f8", ByteBuffer.allocate(8).order(b).putDouble(-0.5).array())).containsExactly(-0.5f);
    }

    private float[] readAs(String descr, byte[] data) throws IOException {
        int itemSize = descr.endsWith("1") ? 1 : Integer.parseInt(descr.substring(2));
        Path p = file("t" + descr.replaceAll("[^a-z0-9]", "") + ".npy",
                npy(1, dict(descr, "(" + data.length / itemSize + ",)"), data));
        NpyArray a = NpyFiles.read(p);
        assertThat(a.shape()).containsExactly(data.length / itemSize);
        return a.values();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }",
        "{'shape':(2,1),'fortran_order':False,'descr':'<f4'}",
        "  {  \"descr\" : \"<f4\" ,\n 'fortran_order' : False , 'shape' : ( 2 , 1 , ) , }   ",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 1L)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [2, 1], 'extra': None}",
    })
    void headerParsingIsRobust(String header) throws IOException {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).array();
        NpyArray a = NpyFiles.read(file("h.npy", npy(1, header, data)));
        assertThat(a.shape()).containsExactly(2, 1);
        assertThat(a.values()).containsExactly(1f, 2f);
    }

    @Test
    void formatVersions2And3() throws IOException {
        byte[] data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(9f).array();
        assertThat(NpyFiles.read(file("v2.npy", npy(2, dict("<f4", "(1,)"), data))).values()).containsExactly(9f);
        assertThat(NpyFiles.read(file("v3.npy", npy(3, dict("<f4", "(1,)"), data))).values()).containsExactly(9f);
    }

    @Test
    void notANpyFile() throws IOException {
        Path p = file("data.npy", "hello world".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> NpyFiles.read(p))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(p + ": not a .npy file (magic bytes 68 65 6C 6C 6F 20, expected 93 4E 55 4D 50 59 = \\x93NUMPY)");
        Path z = file("data.npz", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0});
        assertThatThrownBy(() -> NpyFiles.read(z))
                .hasMessageStartingWith(z + ": not a .npy file (magic bytes 50 4B 03 04 14 00,")
                .hasMessageEndingWith("; it looks like a zip archive (.npz): extract one array first");
        Path e = file("empty.npy", new byte[0]);
        assertThatThrownBy(() -> NpyFiles.read(e))
                .hasMessageStartingWith(e + ": not a .npy file (magic bytes none: the file is empty");
    }

    @Test
    void truncatedData() throws IOException {
        Path p = file("x.npy", npy(1, dict("<f4", "(100, 784)"), new byte[1000]));
        assertThatThrownBy(() -> NpyFiles.read(p))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(p + ": truncated: shape (100, 784) float32 needs 313600 bytes of data but the file has 1000");
    }

    @Test
    void truncatedHeaderAndPrefix() throws IOException {
        byte[] full = npy(1, dict("<f4", "(1,)"), new byte[4]);
        Path p = file("x.npy", Arrays.copyOf(full, 30));
        assertThatThrownBy(() -> NpyFiles.read(p))
                .hasMessage(p + ": truncated: the header needs " + (full.length - 4) + " bytes but the file has 30");
        Path q = file("y.npy", Arrays.copyOf(full, 8));
        assertThatThrownBy(() -> NpyFiles.read(q)).hasMessage(q + ": truncated: 8 bytes is too short for a .npy header");
    }

    @Test
    void extraBytesAfterTheData() throws IOException {
        Path p = file("x.npy", npy(1, dict("|u1", "(2, 2)"), new byte[6]));
        assertThatThrownBy(() -> NpyFiles.read(p))
                .hasMessage(p + ": 2 extra bytes after the data: shape (2, 2) uint8 needs 4 bytes but the file has 6");
    }

    @Test
    void unsupportedDtypes() throws IOException {
        Path c = file("c.npy", npy(1, dict("<c8", "(1,)"), new byte[8]));
        assertThatThrownBy(() -> NpyFiles.read(c))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(c + ": unsupported dtype '<c8' (supported: bool, int8, uint8, int16, uint16, int32, uint32,"
                        + " int64, float16, float32, float64)");
        Path o = file("o.npy", npy(1, dict("|O", "(1,)"), new byte[8]));
        assertThatThrownBy(() -> NpyFiles.read(o))
                .hasMessage(o + ": object arrays (dtype '|O') are not supported: they hold pickled Python objects;"
                        + " save a numeric array");
        Path s = file("s.npy", npy(1, "{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, 'shape': (1,), }",
                new byte[8]));
        assertThatThrownBy(() -> NpyFiles.read(s)).hasMessageStartingWith(s + ": structured dtype [");
    }

    @Test
    void fortranOrderIsRejected() throws IOException {
        Path p = file("f.npy", npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]));
        assertThatThrownBy(() -> NpyFiles.read(p))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(p + ": Fortran-ordered arrays (fortran_order: True) are not supported;"
                        + " save np.ascontiguousarray(a) instead");
    }

    @Test
    void malformedHeaders() throws IOException {
        Path a = file("a.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)", new byte[16]));
        assertThatThrownBy(() -> NpyFiles.read(a))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(a + ": malformed header: unclosed '{' at character ");
        Path b = file("b.npy", npy(1, "{'descr': '<f4', 'shape': (2, 2)}", new byte[16]));
        assertThatThrownBy(() -> NpyFiles.read(b)).hasMessageStartingWith(b + ": malformed header: no 'fortran_order' key");
        Path c = file("c.npy", npy(1, "{'descr': '<f4', 'fortran_order': false, 'shape': (2,)}", new byte[8]));
        assertThatThrownBy(() -> NpyFiles.read(c)).hasMessageStartingWith(c + ": malformed header: unknown name 'false'");
        Path d = file("d.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1)}", new byte[8]));
        assertThatThrownBy(() -> NpyFiles.read(d)).hasMessage(d + ": malformed header: 'shape' has a bad dimension -1");
        Path e = file("e.npy", npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': 7}", new byte[8]));
        assertThatThrownBy(() -> NpyFiles.read(e)).hasMessage(e + ": malformed header: 'shape' is not a tuple: 7");
    }

    @Test
    void deeplyNestedHeaderIsMalformedNotAStackOverflow() throws IOException {
        // a damaged version-2 header may hold megabytes of brackets; the parser recurses per level
        Path p = file("deep.npy", npy(2, "{'shape': " + "[".repeat(200_000) + "]".repeat(200_000) + "}", new byte[0]));
        assertThatThrownBy(() -> NpyFiles.read(p)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(p + ": malformed header: nested more than 32 levels deep at character ");
        Path q = file("ctl.npy", npy(1, "{'descr': '<f4', 'fortran_order': '\u001b[2J', 'shape': (1,)}", new byte[4]));
        assertThatThrownBy(() -> NpyFiles.read(q)).hasMessage(q + ": malformed header: 'fortran_order' is \\x1b[2J, not True or False");
    }

    @Test
    void unsupportedVersion() throws IOException {
        byte[] f = npy(1, dict("<f4", "(1,)"), new byte[4]);
        f[6] = 4;
        Path p = file("v4.npy", f);
        assertThatThrownBy(() -> NpyFiles.read(p))
                .hasMessage(p + ": unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)");
    }

    @Test
    void tooManyElements() throws IOException {
        Path p = file("huge.npy", npy(1, dict("|u1", "(100000, 100000)"), new byte[4]));
        assertThatThrownBy(() -> NpyFiles.read(p))
                .hasMessage(p + ": too large: shape (100000, 100000) has 10000000000 elements; at most 2147483639 can be loaded");
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.npy");
        assertThatThrownBy(() -> NpyFiles.readDataset(p))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(p + ": no such file");
    }

    // ---- readDataset -------------------------------------------------------------------------

    private Path written(String name, float[] v, long... shape) {
        Path p = dir.resolve(name);
        NpyFiles.write(p, v, shape);
        return p;
    }

    private static float[] ramp(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 256) * scale;
        }
        return v;
    }

    @Test
    void twoDimensionsIsATable() {
        Dataset ds = NpyFiles.readDataset(written("t.npy", new float[] {1, -2, 3e6f, 4, 5, 6}, 3, 2));
        assertThat(ds.kind()).isEqualTo(Dataset.Kind.TABLE);
        assertThat(ds.name()).isEqualTo("npy:t.npy");
        assertThat(ds.batchShape()).containsExactly(3, 2);
        assertThat(ds.values()).containsExactly(1, -2, 3e6f, 4, 5, 6);
        assertThat(ds.hasLabels()).isFalse();
    }

    @Test
    void threeDimensionsAreGreyImages() {
        Dataset ds = NpyFiles.readDataset(written("g.npy", ramp(2 * 5 * 6, 1f), 2, 5, 6));
        assertThat(ds.kind()).isEqualTo(Dataset.Kind.IMAGE);
        assertThat(ds.batchShape()).containsExactly(2, 1, 5, 6);
        assertThat(ds.rawMax()).isEqualTo(255f);
    }

    @Test
    void channelsFirstImagesAreKept() {
        float[] v = ramp(2 * 3 * 5 * 5, 1f / 255f);
        Dataset ds = NpyFiles.readDataset(written("c.npy", v, 2, 3, 5, 5));
        assertThat(ds.batchShape()).containsExactly(2, 3, 5, 5);
        assertThat(ds.values()).containsExactly(v);
        assertThat(ds.rawMax()).isEqualTo(1f);
        assertThat(NpyFiles.readDataset(written("c1.npy", ramp(2 * 25, 1f), 2, 1, 5, 5)).batchShape()).containsExactly(2, 1, 5, 5);
    }

    @Test
    void channelsLastImagesAreTransposed() {
        int n = 2;
        int h = 5;
        int w = 6;
        int c = 3;
        float[] v = new float[n * h * w * c];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        v[((i * h + y) * w + x) * c + ch] = i * 100 + ch * 30 + y * 6 + x % 6; // < 255
                    }
                }
            }
        }
        Dataset ds = NpyFiles.readDataset(written("hwc.npy", v, n, h, w, c));
        assertThat(ds.batchShape()).containsExactly(2, 3, 5, 6);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        assertThat(ds.values()[((i * c + ch) * h + y) * w + x]).isEqualTo(i * 100 + ch * 30 + y * 6 + x % 6);
                    }
                }
            }
        }
        assertThat(NpyFiles.readDataset(written("hw1.npy", ramp(2 * 30, 1f), 2, 5, 6, 1)).batchShape())
                .containsExactly(2, 1, 5, 6);
    }

    @Test
    void uint8ImagesHaveRawMax255EvenWhenDark() throws IOException {
        Path p = file("u.npy", npy(1, dict("|u1", "(2, 2, 2)"), new byte[] {0, 1, 0, 1, 1, 0, 1, 0}));
        Dataset ds = NpyFiles.readDataset(p);
        assertThat(ds.rawMax()).isEqualTo(255f);
        assertThat(ds.values()).containsExactly(0, 1, 0, 1, 1, 0, 1, 0);
    }

    @Test
    void imagesOutsideBothRangesAreRefused() {
        float[] v = ramp(2 * 25, 1f);
        v[7] = -0.5f;
        v[9] = 300f;
        Path p = written("r.npy", v, 2, 5, 5);
        assertThatThrownBy(() -> NpyFiles.readDataset(p))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(p + ": image values range over [-0.5, 300]; expected [0, 1] or [0, 255]"
                        + " (rescale them, or save a 2-D (N, D) table)");
    }

    @Test
    void nanOrInfinityNamesTheFlatIndexAndExample() {
        float[] v = ramp(5 * 1 * 28 * 28, 1f);
        v[1570] = Float.NaN;
        Path p = written("n.npy", v, 5, 1, 28, 28);
        assertThatThrownBy(() -> NpyFiles.readDataset(p))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(p + ": NaN at flat index 1570 (example 2, index (2, 0, 0, 2)) is not allowed");
        float[] t = {1, 2, 3, Float.NEGATIVE_INFINITY};
        Path q = written("t.npy", t, 2, 2);
        assertThatThrownBy(() -> NpyFiles.readDataset(q))
                .hasMessage(q + ": an infinite value at flat index 3 (example 1, index (1, 1)) is not allowed");
    }

    @Test
    void float64BeyondFloat32RangeIsNamed() throws IOException {
        byte[] data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1).putDouble(1e300).array();
        Path p = file("d.npy", npy(1, dict("<f8", "(1, 2)"), data));
        assertThatThrownBy(() -> NpyFiles.readDataset(p))
                .hasMessage(p + ": an infinite value (or a float64 beyond the float32 range) at flat index 1"
                        + " (example 0, index (0, 1)) is not allowed");
    }

    @Test
    void shapesThatAreNotDatasets() {
        Path one = written("one.npy", new float[3], 3);
        assertThatThrownBy(() -> NpyFiles.readDataset(one))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(one + ": shape (3,) is not a dataset: expected (N, D) for a table, (N, H, W),"
                        + " (N, C, H, W) or (N, H, W, C) for images");
        Path five = written("five.npy", new float[32], 2, 2, 2, 2, 2);
        assertThatThrownBy(() -> NpyFiles.readDataset(five)).hasMessageStartingWith(five + ": shape (2, 2, 2, 2, 2) is not a dataset");
        Path scalar = written("s.npy", new float[1]);
        assertThatThrownBy(() -> NpyFiles.readDataset(scalar)).hasMessageStartingWith(scalar + ": shape () is not a dataset");
        Path ambiguous = written("a.npy", new float[2 * 2 * 5 * 5], 2, 2, 5, 5);
        assertThatThrownBy(() -> NpyFiles.readDataset(ambiguous))
                .hasMessage(ambiguous + ": cannot tell the channel axis of shape (2, 2, 5, 5): expected (N, C, H, W),"
                        + " or (N, H, W, C) with H, W > 4, where C is 1 or 3");
        Path small = written("small.npy", new float[2 * 4 * 4 * 3], 2, 4, 4, 3);
        assertThatThrownBy(() -> NpyFiles.readDataset(small)).hasMessageContaining("cannot tell the channel axis");
    }

    @Test
    void emptyDatasets() {
        Path none = written("none.npy", new float[0], 0, 784);
        assertThatThrownBy(() -> NpyFiles.readDataset(none))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(none + ": empty dataset: shape (0, 784) has no examples");
        Path flat = written("flat.npy", new float[0], 10, 0);
        assertThatThrownBy(() -> NpyFiles.readDataset(flat)).hasMessage(flat + ": examples have no values: shape (10, 0)");
    }
}
