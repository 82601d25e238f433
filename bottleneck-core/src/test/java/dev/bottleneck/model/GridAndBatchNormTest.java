package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.io.Json;
import dev.bottleneck.model.fsq.FsqType;
import dev.bottleneck.model.vq.VqType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code --arch conv-grid} (a 3x3 grid of code vectors on 12x12 images) and {@code --batch-norm}:
 * shapes, integer codes that decode to the model's own reconstruction, save/load round trips that
 * give identical outputs (batch norm's running averages included), and one-line errors for configs
 * that cannot work.
 */
class GridAndBatchNormTest {

    private static ModelConfig grid(int latent, int dim) {
        return ModelConfig.builder().type("vq").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(latent).loss("bce")
                .options(new VqType.Options(8, dim, 0.25, true, true, false, "l2")).build();
    }

    @Test
    void aGridModelGivesOneIndexPerPositionAndItsCodesDecodeToItsReconstruction() throws Exception {
        ModelConfig c = grid(18, 2);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        float[] input;
        float[] before;
        try (Autoencoder a = Autoencoder.create(c, 3); NDManager m = NDManager.newBaseManager()) {
            assertThat(a.describe()).contains("[grid 2x3x3]");
            NDArray x = m.randomUniform(0f, 1f, new Shape(5, 1, 12, 12));
            input = x.toFloatArray();
            assertThat(a.encoderOutput(x, false).getShape()).isEqualTo(new Shape(5, 2, 3, 3));
            assertThat(a.encode(x).getShape()).isEqualTo(new Shape(5, 18));
            NDArray codes = a.codes(x);
            assertThat(codes.getShape()).isEqualTo(new Shape(5, 9));
            assertThat(a.codeWidth()).isEqualTo(9);
            before = a.reconstruct(x).toFloatArray();
            assertThat(a.decodeCodes(codes).toFloatArray()).containsExactly(before);
            // (N, H', W') indices work as well as the flattened (N, H' W')
            assertThat(a.decodeCodes(codes.reshape(5, 3, 3)).toFloatArray()).containsExactly(before);
            a.saveParameters(buf);
        }
        ModelConfig back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(c), ModelConfig.class);
        assertThat(back).isEqualTo(c);
        try (Autoencoder b = Autoencoder.load(back, new ByteArrayInputStream(buf.toByteArray()), Path.of("model.params"));
             NDManager m = NDManager.newBaseManager()) {
            assertThat(b.reconstruct(m.create(input, new Shape(5, 1, 12, 12))).toFloatArray()).containsExactly(before);
        }
    }

    @Test
    void aPerPositionCodecKeepsItsDensityOptionAndWeightsThroughSaveAndLoad() throws Exception {
        ModelConfig c = ModelConfig.builder().type("codec").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(36)
                .loss("mse").options(new dev.bottleneck.model.codec.CodecType.Options(0.02, "position")).build();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        float[] input;
        float[] bits;
        try (Autoencoder a = Autoencoder.create(c, 3); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0f, 1f, new Shape(4, 1, 12, 12)).mul(30f);
            input = x.toFloatArray();
            var q = (dev.bottleneck.codec.QuantizedLatent) a.latent();
            bits = q.bitsPerImage(a.encoderOutput(x, false).round(), false).toFloatArray();
            a.saveParameters(buf);
        }
        String json = Json.MAPPER.writeValueAsString(c);
        assertThat(json).containsPattern("\"density\" ?: ?\"position\"");
        ModelConfig back = Json.MAPPER.readValue(json, ModelConfig.class);
        assertThat(back).isEqualTo(c);
        try (Autoencoder b = Autoencoder.load(back, new ByteArrayInputStream(buf.toByteArray()), Path.of("model.params"));
             NDManager m = NDManager.newBaseManager()) {
            var q = (dev.bottleneck.codec.QuantizedLatent) b.latent();
            assertThat(q.perPosition()).isTrue();
            NDArray x = m.create(input, new Shape(4, 1, 12, 12));
            assertThat(q.bitsPerImage(b.encoderOutput(x, false).round(), false).toFloatArray()).containsExactly(bits);
        }
    }

    @Test
    void batchNormKeepsItsRunningAveragesThroughSaveAndLoad() throws Exception {
        ModelConfig c = ModelConfig.builder().type("categorical").arch("mlp").inputShape(12).hidden(8).latent(3).loss("bce").batchNorm(true)
                .options(ModelTypes.get("categorical").exampleOptions(3)).build();
        assertThat(c.batchNorm()).isTrue();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        float[] input;
        float[] before;
        try (Autoencoder a = Autoencoder.create(c, 3); NDManager m = NDManager.newBaseManager()) {
            assertThat(a.describe()).contains("batch norm in the encoder");
            NDArray x = m.randomUniform(0f, 1f, new Shape(7, 12)).mul(3f);
            // training passes move the running averages away from (0, 1), so evaluation differs from init
            float[] init = a.encoderOutput(x, false).toFloatArray();
            try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                for (int i = 0; i < 5; i++) {
                    a.forward(x, true);
                }
            }
            assertThat(a.encoderOutput(x, false).toFloatArray()).isNotEqualTo(init);
            input = x.toFloatArray();
            before = a.encoderOutput(x, false).toFloatArray();
            a.saveParameters(buf);
        }
        ModelConfig back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(c), ModelConfig.class);
        assertThat(back.batchNorm()).isTrue();
        try (Autoencoder b = Autoencoder.load(back, new ByteArrayInputStream(buf.toByteArray()), Path.of("model.params"));
             NDManager m = NDManager.newBaseManager()) {
            assertThat(b.encoderOutput(m.create(input, new Shape(7, 12)), false).toFloatArray()).containsExactly(before);
        }
        // a model.json written before the option reads as without batch norm
        String old = Json.MAPPER.writeValueAsString(c).replaceAll("\"batch_norm\"\\s*:\\s*true\\s*,", "");
        assertThat(old).doesNotContain("batch_norm");
        assertThat(Json.MAPPER.readValue(old, ModelConfig.class).batchNorm()).isFalse();
    }

    @Test
    void configsThatCannotMakeAGridAreOneLineErrors() {
        assertThatThrownBy(() -> grid(16, 2)).isInstanceOf(InvalidInputException.class).hasMessageContaining("3x3 grid");
        assertThatThrownBy(() -> grid(36, 2)).isInstanceOf(InvalidInputException.class).hasMessageContaining("--latent must be 18");
        assertThatThrownBy(() -> ModelConfig.builder().type("ae").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(18).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("use --model vq or --model fsq");
        assertThatThrownBy(() -> ModelConfig.builder().type("fsq").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(18)
                .options(new FsqType.Options(new int[] {8, 5, 5}, 0.01)).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--latent must be 27");
        assertThatThrownBy(() -> ModelConfig.builder().type("vq").arch("conv-grid").inputShape(16).latent(18).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs images");
        try (NDManager m = NDManager.newBaseManager(); Autoencoder a = Autoencoder.create(grid(18, 2), 1)) {
            NDArray outOfRange = m.full(new Shape(2, 9), 8, DataType.INT64);
            assertThatThrownBy(() -> a.decodeCodes(outOfRange)).isInstanceOf(InvalidInputException.class);
        }
    }
}
