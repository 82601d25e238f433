package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutoencoderTest {

    private static ModelConfig conv(int c, int h, int w, int k) {
        return ModelConfig.builder().arch("conv").inputShape(c, h, w).channels(4, 8).latent(k).build();
    }

    @Test
    void convShapesRoundTripOddSizes() {
        try (Autoencoder ae = Autoencoder.create(conv(3, 17, 13, 5), 1); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0, 1, new Shape(4, 3, 17, 13));
            NDArray z = ae.encode(x);
            assertThat(z.getShape()).isEqualTo(new Shape(4, 5));
            NDArray y = ae.decode(z);
            assertThat(y.getShape()).isEqualTo(new Shape(4, 3, 17, 13));
            float[] v = y.toFloatArray();
            for (float f : v) {
                assertThat(f).isBetween(0f, 1f); // sigmoid output
            }
            ForwardOutput out = ae.forward(x, false);
            assertThat(out.loss().getShape().dimension()).isZero();
            assertThat(out.terms()).containsKey("recon_mse");
            assertThat(out.z().getShape()).isEqualTo(new Shape(4, 5));
        }
    }

    @Test
    void mlpShapesAndParameterCount() {
        ModelConfig c = ModelConfig.builder().arch("mlp").inputShape(1, 28, 28).hidden().latent(30)
                .activation("tanh").latentActivation("tanh").output("tanh").build();
        try (Autoencoder ae = Autoencoder.create(c, 0); NDManager m = NDManager.newBaseManager()) {
            // 784*30 + 30 + 30*784 + 784, the NYU course autoencoder
            assertThat(ae.parameterCount()).isEqualTo(784 * 30 + 30 + 30 * 784 + 784);
            NDArray x = m.randomUniform(-1, 1, new Shape(3, 1, 28, 28));
            assertThat(ae.reconstruct(x).getShape()).isEqualTo(new Shape(3, 1, 28, 28));
            float[] z = ae.encode(x).toFloatArray();
            for (float f : z) {
                assertThat(f).isBetween(-1f, 1f); // tanh code
            }
        }
    }

    @Test
    void tableInputWithHiddenLayers() {
        ModelConfig c = ModelConfig.builder().arch("mlp").inputShape(7).hidden(12, 6).latent(3).output("none").build();
        try (Autoencoder ae = Autoencoder.create(c, 0); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(5, 7));
            assertThat(ae.encode(x).getShape()).isEqualTo(new Shape(5, 3));
            assertThat(ae.reconstruct(x).getShape()).isEqualTo(new Shape(5, 7));
            assertThat(ae.parameterCount()).isEqualTo(7 * 12 + 12 + 12 * 6 + 6 + 6 * 3 + 3 + 3 * 6 + 6 + 6 * 12 + 12 + 12 * 7 + 7);
        }
    }

    @Test
    void sameSeedSameWeightsDifferentSeedDifferent() {
        ModelConfig c = conv(1, 8, 8, 2);
        try (Autoencoder a = Autoencoder.create(c, 7); Autoencoder b = Autoencoder.create(c, 7); Autoencoder d = Autoencoder.create(c, 8)) {
            String first = a.parameterNames().get(0);
            float[] wa = a.parameters().get(first).getArray().toFloatArray();
            assertThat(b.parameters().get(first).getArray().toFloatArray()).containsExactly(wa);
            assertThat(Arrays.equals(d.parameters().get(first).getArray().toFloatArray(), wa)).isFalse();
        }
    }

    @Test
    void saveLoadGivesIdenticalOutputs() throws Exception {
        ModelConfig c = conv(1, 12, 12, 4);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        float[] before;
        float[] input;
        try (Autoencoder a = Autoencoder.create(c, 3); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0, 1, new Shape(6, 1, 12, 12));
            input = x.toFloatArray();
            before = a.reconstruct(x).toFloatArray();
            a.saveParameters(buf);
        }
        try (Autoencoder b = Autoencoder.load(c, new ByteArrayInputStream(buf.toByteArray()), Path.of("model.params"));
             NDManager m = NDManager.newBaseManager()) {
            float[] after = b.reconstruct(m.create(input, new Shape(6, 1, 12, 12))).toFloatArray();
            assertThat(after).containsExactly(before);
            // loaded weights can be trained again (gradients attached)
            assertThat(b.parameters().values().iterator().next().getArray().hasGradient()).isTrue();
        }
    }

    @Test
    void truncatedOrForeignParametersAreRejected() throws Exception {
        ModelConfig c = conv(1, 12, 12, 4);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Autoencoder a = Autoencoder.create(c, 3)) {
            a.saveParameters(buf);
        }
        byte[] all = buf.toByteArray();
        byte[] half = Arrays.copyOf(all, all.length / 2);
        assertThatThrownBy(() -> Autoencoder.load(c, new ByteArrayInputStream(half), Path.of("runs/x/model.params")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("runs/x/model.params: ")
                .hasMessageContaining("truncated");
        ModelConfig other = conv(1, 12, 12, 6);
        assertThatThrownBy(() -> Autoencoder.load(other, new ByteArrayInputStream(all), Path.of("model.params")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("does not match the model config");
        byte[] garbage = "not a parameter file at all".getBytes();
        assertThatThrownBy(() -> Autoencoder.load(c, new ByteArrayInputStream(garbage), Path.of("model.params")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("model.params: ");
    }

    @Test
    void wrongInputShapeIsAClearError() {
        try (Autoencoder ae = Autoencoder.create(conv(1, 8, 8, 2), 0); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 1, 9, 9));
            assertThatThrownBy(() -> ae.requireInputShape(x)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("(1, 9, 9)").hasMessageContaining("(1, 8, 8)");
            assertThatThrownBy(() -> ae.decode(m.zeros(new Shape(2, 3)))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("(N, 2)");
        }
    }

    @Test
    void configValidationNamesTheOption() {
        assertThatThrownBy(() -> ModelConfig.builder().arch("conv").inputShape(10).latent(2).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--arch conv needs images");
        assertThatThrownBy(() -> ModelConfig.builder().arch("mlp").inputShape(10).latent(0).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--latent");
        assertThatThrownBy(() -> ModelConfig.builder().arch("resnet").inputShape(10).latent(2).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown --arch 'resnet'");
        assertThatThrownBy(() -> ModelConfig.builder().type("gan").arch("mlp").inputShape(10).latent(2).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown --model 'gan'");
        assertThatThrownBy(() -> ModelConfig.builder().arch("mlp").inputShape(10).latent(2).loss("bce").output("tanh").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("bce");
        assertThatThrownBy(() -> ModelConfig.builder().arch("mlp").inputShape(10).latent(2).activation("swishy").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--activation");
    }

    @Test
    void overcompleteCodesAreAllowed() {
        ModelConfig c = ModelConfig.builder().arch("mlp").inputShape(4).hidden().latent(10).output("none").build();
        assertThat(c.undercomplete()).isFalse();
        try (Autoencoder ae = Autoencoder.create(c, 0); NDManager m = NDManager.newBaseManager()) {
            assertThat(ae.encode(m.ones(new Shape(2, 4))).getShape()).isEqualTo(new Shape(2, 10));
        }
    }

    @Test
    void trainingStepsLeaveNothingInTheModelsManager() {
        // The padded convolution route (issue 9) builds a padded weight every step: it must belong
        // to the batch's manager, not to the model's, or every step leaks native memory and DJL's
        // bookkeeping grows (measured: 2.5x slower conv training before this was fixed).
        ModelConfig c = ModelConfig.builder().arch("conv").inputShape(1, 12, 12).channels(8, 16).latent(4).loss("bce").build();
        try (Autoencoder ae = Autoencoder.create(c, 1); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0, 1, new Shape(4, 1, 12, 12));
            int before = -1;
            for (int step = 0; step < 5; step++) {
                try (NDManager bm = m.newSubManager()) {
                    NDArray xb = x.duplicate();
                    xb.attach(bm);
                    try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        gc.backward(ae.forward(xb, true).loss());
                    }
                }
                int now = ((ai.djl.ndarray.BaseNDManager) ae.manager()).getManagedArrays().size();
                if (step == 0) {
                    before = now;
                }
                assertThat(now).as("arrays held by the model's manager after step %d", step).isEqualTo(before);
            }
        }
    }
}
