package dev.bottleneck.codec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.codec.CodecType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code .btl} round trip with a small codec (12x12 images, a 3x3 grid of 4 channels): exact
 * latents, the model's own reconstruction, the size accounted for, and one-line errors for every
 * kind of bad file, fuzzed.
 */
class ImageCodecTest {

    private static final String SHA = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final Path FILE = Path.of("x.btl");

    private static Autoencoder codec(long seed) {
        ModelConfig c = ModelConfig.builder().type("codec").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(36)
                .loss("mse").options(new CodecType.Options(0.01)).build();
        return Autoencoder.create(c, seed);
    }

    /** Images whose latents spread over several integers (the untrained encoder's are small: scale the input). */
    private static NDArray images(NDManager m, int n) {
        return m.randomUniform(0f, 1f, new Shape(n, 1, 12, 12)).mul(40f);
    }

    @Test
    void decompressGivesTheModelsOwnReconstructionOfTheRoundedLatents() {
        try (Autoencoder a = codec(1); NDManager m = NDManager.newBaseManager()) {
            ImageCodec codec = new ImageCodec(a, SHA);
            NDArray x = images(m, 6);
            List<byte[]> files = codec.compress(x);
            assertThat(files).hasSize(6);
            for (int i = 0; i < 6; i++) {
                NDArray xi = x.get(i + ":" + (i + 1));
                float[] expected = a.decode(a.encode(xi)).toFloatArray();
                float[] got = codec.decompress(files.get(i), FILE, m).toFloatArray();
                assertThat(got).containsExactly(expected);
                BtlFile f = BtlFile.parse(files.get(i), FILE);
                assertThat(files.get(i).length).isEqualTo(f.overhead() + f.payload().length);
                assertThat(f.overhead()).as("header and checksum bytes of a 12x12 image").isLessThanOrEqualTo(22);
                assertThat(f.latentShape()).containsExactly(4, 3, 3);
                assertThat(f.hi()).isGreaterThan(f.lo());
            }
            // the same image gives the same bytes
            assertThat(codec.compress(x).get(0)).isEqualTo(files.get(0));
        }
    }

    @Test
    void aFullyConvolutionalCodecCodesImagesOfAnySizeAndDecodesBatchesAsOneAtATime() {
        try (Autoencoder a = codec(1); NDManager m = NDManager.newBaseManager()) {
            ImageCodec codec = new ImageCodec(a, SHA);
            assertThat(codec.anySize()).isTrue();
            // 18x30: padded to 20x32 (multiples of 4) by repeating the last row and column
            NDArray x = m.randomUniform(0f, 1f, new Shape(3, 1, 18, 30)).mul(40f);
            List<byte[]> files = codec.compress(x);
            BtlFile f = BtlFile.parse(files.get(0), FILE);
            assertThat(f.imageShape()).containsExactly(1, 18, 30);
            assertThat(f.latentShape()).containsExactly(4, 5, 8);
            NDArray padded = x.concat(x.get(":, :, 17:18, :").repeat(2, 2), 2);
            padded = padded.concat(padded.get(":, :, :, 29:30").repeat(3, 2), 3);
            NDArray grid = a.encoderOutput(padded, false).round();
            List<NDArray> one = new java.util.ArrayList<>();
            for (byte[] b : files) {
                one.add(codec.decompress(b, FILE, m));
            }
            List<NDArray> batched = codec.decompressAll(files, List.of(FILE, FILE, FILE), m, 2);
            for (int i = 0; i < 3; i++) {
                assertThat(one.get(i).getShape()).isEqualTo(new Shape(1, 1, 18, 30));
                NDArray expected = a.decodeGrid(grid.get(i + ":" + (i + 1))).get(":, :, :18, :30");
                assertThat(one.get(i).toFloatArray()).containsExactly(expected.toFloatArray());
                // the latents are exact; the decoder's floats may differ in the last bits with the batch size
                float[] b = batched.get(i).toFloatArray();
                float[] o = one.get(i).toFloatArray();
                for (int k = 0; k < b.length; k++) {
                    assertThat(b[k]).isCloseTo(o[k], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
            // the same image at the training size still gives the model's own decode of its code
            NDArray small = images(m, 1);
            assertThat(codec.decompress(codec.compress(small).get(0), FILE, m).toFloatArray())
                    .containsExactly(a.decode(a.encode(small)).toFloatArray());
            assertThatThrownBy(() -> codec.compress(m.zeros(new Shape(1, 3, 12, 12))))
                    .hasMessageContaining("3 channel(s); this codec codes 1");
        }
    }

    @Test
    void aCodecWhoseLevelsDoNotHalveExactlyCodesOnlyItsTrainingSize() {
        ModelConfig c = ModelConfig.builder().type("codec").arch("conv-grid").inputShape(1, 14, 14).channels(8, 16).latent(64)
                .loss("mse").options(new CodecType.Options(0.01)).build();
        try (Autoencoder a = Autoencoder.create(c, 1); NDManager m = NDManager.newBaseManager()) {
            ImageCodec codec = new ImageCodec(a, SHA);
            assertThat(codec.anySize()).isFalse();
            assertThat(codec.compress(m.randomUniform(0f, 1f, new Shape(1, 1, 14, 14)))).hasSize(1);
            assertThatThrownBy(() -> codec.compress(m.zeros(new Shape(1, 1, 16, 16))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("codes only 14x14");
        }
    }

    @Test
    void aPerPositionDensityCodesItsTrainingSizeExactlyWithOneTablePerLatent() {
        ModelConfig c = ModelConfig.builder().type("codec").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(36)
                .loss("mse").options(new CodecType.Options(0.01, "position")).build();
        try (Autoencoder a = Autoencoder.create(c, 3); NDManager m = NDManager.newBaseManager()) {
            QuantizedLatent q = (QuantizedLatent) a.latent();
            assertThat(q.perPosition()).isTrue();
            assertThat(q.density().channels()).as("4 channels x 9 positions").isEqualTo(36);
            assertThat(q.tableOf(10, 9)).isEqualTo(10);
            ImageCodec codec = new ImageCodec(a, SHA);
            assertThat(codec.anySize()).isFalse();
            NDArray x = images(m, 2);
            List<byte[]> files = codec.compress(x);
            for (int i = 0; i < 2; i++) {
                NDArray xi = x.get(i + ":" + (i + 1));
                assertThat(codec.decompress(files.get(i), FILE, m).toFloatArray()).containsExactly(a.decode(a.encode(xi)).toFloatArray());
            }
            assertThatThrownBy(() -> codec.compress(m.zeros(new Shape(1, 1, 16, 16)))).hasMessageContaining("per grid position");
        }
    }

    @Test
    void badFilesAreOneLineErrorsNamingTheFile() {
        try (Autoencoder a = codec(1); Autoencoder other = codec(2); NDManager m = NDManager.newBaseManager()) {
            ImageCodec codec = new ImageCodec(a, SHA);
            byte[] good = codec.compress(images(m, 1)).get(0);
            assertThatThrownBy(() -> codec.decompress(Arrays.copyOf(good, good.length - 3), FILE, m))
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("x.btl: ").hasMessageContaining("truncated");
            byte[] flipped = good.clone();
            flipped[good.length - 6] ^= 1;
            assertThatThrownBy(() -> codec.decompress(flipped, FILE, m)).hasMessageContaining("damaged");
            byte[] header = good.clone();
            header[9] ^= 4;
            assertThatThrownBy(() -> codec.decompress(header, FILE, m)).hasMessageContaining("damaged");
            ImageCodec another = new ImageCodec(other, SHA.replace('0', '1'));
            assertThatThrownBy(() -> another.decompress(good, FILE, m)).hasMessageContaining("another model");
            byte[] version = good.clone();
            version[3] = 9;
            assertThatThrownBy(() -> codec.decompress(version, FILE, m)).hasMessageContaining("format version 9");
            assertThatThrownBy(() -> codec.decompress("PNG...".getBytes(), FILE, m)).hasMessageContaining("magic");
            // a valid checksum over a header that declares a 0x0 image, or a huge one
            // a valid checksum over a header that declares a 0x12 image, a huge one, another size
            assertThatThrownBy(() -> codec.decompress(withCrc(good, 9, (byte) 0), FILE, m)).hasMessageContaining("out of range");
            BtlFile f = BtlFile.parse(good, FILE);
            byte[] huge = new BtlFile(f.fingerprint(), new int[] {1, 20000, 12}, f.latentShape(), f.lo(), f.hi(), f.payload()).toBytes();
            assertThatThrownBy(() -> codec.decompress(huge, FILE, m)).hasMessageContaining("out of range");
            assertThatThrownBy(() -> codec.decompress(withCrc(good, 9, (byte) 13), FILE, m)).hasMessageContaining("this model codes");
            assertThatThrownBy(() -> new ImageCodec(Autoencoder.create(ModelConfig.builder().arch("mlp").inputShape(4).latent(2).build(), 1), SHA))
                    .hasMessageContaining("not a codec");
        }
    }

    /** A copy with one byte set and the checksum made to match. */
    private static byte[] withCrc(byte[] file, int at, byte v) {
        byte[] b = file.clone();
        b[at] = v;
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    @Test
    void thousandsOfMutatedFilesNeverGiveAnythingButAOneLineError() {
        try (Autoencoder a = codec(1); NDManager m = NDManager.newBaseManager()) {
            ImageCodec codec = new ImageCodec(a, SHA);
            byte[] good = codec.compress(images(m, 1)).get(0);
            SplittableRandom r = new SplittableRandom(5);
            int accepted = 0;
            for (int trial = 0; trial < 3000; trial++) {
                byte[] b = good.clone();
                int kind = r.nextInt(4);
                if (kind == 0) {
                    b = Arrays.copyOf(b, r.nextInt(b.length + 8));
                } else {
                    int flips = 1 + r.nextInt(4);
                    for (int k = 0; k < flips; k++) {
                        b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                    }
                }
                if (kind >= 2 && b.length >= 8) {
                    // fix the checksum so the mutation reaches the header checks and the decoder
                    CRC32 crc = new CRC32();
                    crc.update(b, 0, b.length - 4);
                    ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
                }
                if (Arrays.equals(b, good)) {
                    continue; // a "truncation" to the full length
                }
                try (NDManager t = m.newSubManager()) {
                    codec.decompress(b, FILE, t);
                    accepted++;
                } catch (InvalidInputException e) {
                    assertThat(e.getMessage()).startsWith("x.btl: ").doesNotContain("\n");
                }
            }
            // the checksum, the header checks and the coder's final state catch every change
            assertThat(accepted).isZero();
        }
    }
}
