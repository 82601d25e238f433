package dev.bottleneck.model.codec;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ForwardOutput;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.Adam;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The codec model type: a rate term in bits per pixel beside the MSE, a linear output, rounding
 * at evaluation, a rate that falls as the weight on it rises, and one-line errors for configs it
 * cannot train.
 */
class CodecTypeTest {

    private static ModelConfig codec(double lambda) {
        return ModelConfig.builder().type("codec").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(36).loss("mse")
                .options(new CodecType.Options(lambda)).build();
    }

    /** Bits per pixel (rounded latents) after training on smooth random images. */
    private static double[] train(double lambda) {
        try (Autoencoder a = Autoencoder.create(codec(lambda), 1); NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            // 64 images: smooth blobs, values in [0, 1]
            NDArray x = m.randomUniform(0f, 1f, new Shape(64, 1, 3, 3)).repeat(2, 4).repeat(3, 4);
            Adam adam = new Adam(0.01, m);
            double first = 0;
            double last = 0;
            for (int step = 0; step < 150; step++) {
                try (NDManager sm = m.newSubManager()) {
                    NDArray xb = x.duplicate();
                    xb.attach(sm);
                    ForwardOutput out;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        out = a.forward(xb, true);
                        gc.backward(out.loss());
                    }
                    adam.update(a.parameters());
                    double loss = out.loss().getFloat();
                    if (step == 0) {
                        first = loss;
                    }
                    last = loss;
                    assertThat(out.terms()).containsKeys("recon_mse", "rate_bpp");
                }
            }
            assertThat(last).as("the loss falls").isLessThan(first);
            ForwardOutput eval = a.forward(x, false);
            // evaluation rounds: the code is whole numbers
            NDArray code = a.encode(x);
            assertThat(code.sub(code.round()).abs().max().getFloat()).isZero();
            Map<String, Object> metrics = a.config().modelType().evaluationMetrics(a, x, "blobs", 0);
            double bpp = ((Number) metrics.get("bits_per_pixel_estimate")).doubleValue();
            assertThat(bpp).isPositive();
            return new double[] {bpp, eval.terms().get("recon_mse").getFloat()};
        }
    }

    @Test
    void aHeavierRateWeightSpendsFewerBitsForMoreDistortion() {
        double[] cheap = train(0.0001);  // rate weighs 1/(0.0001 255^2) = 0.15 per bpp
        double[] rich = train(1.0);      // rate weighs 0.000015 per bpp
        assertThat(cheap[0]).as("bits per pixel").isLessThan(rich[0]);
        assertThat(cheap[1]).as("MSE").isGreaterThan(rich[1]);
    }

    @Test
    void theCodecHasALinearOutputAndRefusesWhatItCannotTrain() {
        assertThat(codec(0.01).output()).isEqualTo("none");
        assertThatThrownBy(() -> ModelConfig.builder().type("codec").arch("conv").inputShape(1, 12, 12).channels(8, 16).latent(36).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--arch conv-grid");
        assertThatThrownBy(() -> ModelConfig.builder().type("codec").arch("conv-grid").inputShape(1, 12, 12).channels(8, 16).latent(36)
                .loss("bce").build()).isInstanceOf(InvalidInputException.class).hasMessageContaining("--loss");
        assertThatThrownBy(() -> new CodecType.Options(0)).hasMessageContaining("--codec-lambda");
        assertThatThrownBy(() -> new CodecType.Options(0.01, "pixel")).hasMessageContaining("--codec-density must be channel or position");
        assertThat(new CodecType.Options(0.01, null).density()).as("model.json files before the option").isEqualTo("channel");
        assertThat(codec(0.01).modelType().pcaBaseline()).isFalse();
    }
}
