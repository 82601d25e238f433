package dev.bottleneck.latent.binary;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.check.GradientCheck;
import dev.bottleneck.latent.LatentOutput;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BinaryLatentTest {

    @Test
    void evaluationThresholdsAtOneHalfAndCodesRoundTripThroughEmbed() {
        try (NDManager m = NDManager.newBaseManager()) {
            BinaryLatent b = new BinaryLatent(4, BinaryLatent.Mode.STOCHASTIC);
            NDArray h = m.create(new float[] {-2f, 0.5f, 3f, -0.1f, 1f, -1f, 0.01f, -5f}, new Shape(2, 4));
            LatentOutput out = b.forward(h, false);
            assertThat(out.z().getShape()).isEqualTo(new Shape(2, 4));
            assertThat(out.z().toFloatArray()).containsExactly(0, 1, 1, 0, 1, 0, 1, 0);
            assertThat(out.lossTerms()).isEmpty();
            assertThat(out.metrics()).containsKeys("bits_on_fraction", "perplexity", "codes_used_fraction");
            assertThat(out.metrics().get("bits_on_fraction").getFloat()).isEqualTo(0.5f);
            NDArray codes = b.codes(h);
            assertThat(codes.getDataType()).isEqualTo(DataType.INT64);
            assertThat(codes.getShape()).isEqualTo(new Shape(2, 4));
            assertThat(b.embed(codes).toFloatArray()).containsExactly(b.code(h).toFloatArray());
            assertThat(b.embed(m.create(new int[] {1, 0, 0, 1}, new Shape(1, 4))).toFloatArray()).containsExactly(1, 0, 0, 1);
            assertThat(b.codebookSize()).isEqualTo(2);
        }
    }

    @Test
    void trainingSamplesBernoulliBitsWithTheSeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            BinaryLatent b = new BinaryLatent(2, BinaryLatent.Mode.STOCHASTIC);
            // column 0: p = 0.5; column 1: p = sigmoid(2) = 0.881
            NDArray h = m.create(new float[] {0f, 2f}).reshape(1, 2).repeat(0, 4000);
            Engine.getInstance().setRandomSeed(5);
            NDArray z1 = b.forward(h, true).z();
            Engine.getInstance().setRandomSeed(5);
            NDArray z2 = b.forward(h, true).z();
            assertThat(z1.toFloatArray()).containsExactly(z2.toFloatArray());
            float[] mean = z1.mean(new int[] {0}).toFloatArray();
            assertThat((double) mean[0]).isCloseTo(0.5, within(0.03));
            assertThat((double) mean[1]).isCloseTo(1 / (1 + Math.exp(-2)), within(0.03));
            assertThat(z1.eq(0f).logicalOr(z1.eq(1f)).all().getBoolean()).isTrue();
            // the deterministic mode thresholds in training too
            BinaryLatent d = new BinaryLatent(2, BinaryLatent.Mode.DETERMINISTIC);
            assertThat(d.forward(h, true).z().mean(new int[] {0}).toFloatArray()).containsExactly(0f, 1f);
        }
    }

    @Test
    void theStraightThroughGradientIsTheSigmoidDerivative() {
        for (BinaryLatent.Mode mode : BinaryLatent.Mode.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                BinaryLatent b = new BinaryLatent(3, mode);
                NDArray h = m.randomNormal(new Shape(5, 3));
                NDArray r = m.randomNormal(new Shape(5, 3));
                h.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(b.forward(h, true).z().mul(r).sum());
                }
                NDArray p = Activation.sigmoid(h.stopGradient());
                NDArray want = r.mul(p).mul(p.neg().add(1f));
                assertThat(h.getGradient().sub(want).abs().max().getFloat()).as("%s", mode).isLessThan(1e-6f);
            }
        }
    }

    @Test
    void float32GradientsMatchFloat64() {
        try (NDManager m = NDManager.newBaseManager()) {
            BinaryLatent b = new BinaryLatent(8, BinaryLatent.Mode.STOCHASTIC);
            NDArray h = m.randomNormal(new Shape(16, 8));
            NDArray t = m.randomUniform(0f, 1f, new Shape(16, 8));
            GradientCheck.Report r = GradientCheck.checkFunction("binary", new NDList(h, t), List.of("h", "target"),
                    in -> b.forward(in.get(0), true).z().sub(in.get(1)).square().sum(), 11);
            assertThat(r.passed()).as("%s", r).isTrue();
        }
    }

    @Test
    void usageCountsTrainingBitsUntilTheNextEpoch() {
        try (NDManager m = NDManager.newBaseManager()) {
            BinaryLatent b = new BinaryLatent(2, BinaryLatent.Mode.DETERMINISTIC);
            NDArray h = m.create(new float[] {1f, -1f, 1f, -1f}, new Shape(2, 2)); // bit 0 always 1, bit 1 always 0
            b.forward(h, false);
            assertThat(b.usage().total()).isZero();
            b.forward(h, true);
            assertThat(b.usage().counts()).containsExactly(0, 2, 2, 0);
            assertThat(b.usage().deadCodes()).isEqualTo(2);
            assertThat(BinaryLatent.bitsOn(b.usage())).isEqualTo(0.5);
            b.beginEpoch(2);
            assertThat(b.usage().total()).isZero();
        }
    }

    @Test
    void badCodesAndShapesAreOneLineErrors() {
        try (NDManager m = NDManager.newBaseManager()) {
            BinaryLatent b = new BinaryLatent(3, BinaryLatent.Mode.STOCHASTIC);
            assertThatThrownBy(() -> b.embed(m.create(new int[] {0, 2, 1}, new Shape(1, 3))))
                    .isInstanceOf(InvalidInputException.class).hasMessage("code 2 is out of range for a codebook of 2");
            assertThatThrownBy(() -> b.embed(m.create(new int[] {0, 1}, new Shape(1, 2))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("reads (N, 3) bits");
            assertThatThrownBy(() -> b.forward(m.zeros(new Shape(2, 4)), true)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> b.encoderOutputSize(4)).isInstanceOf(InvalidInputException.class);
            assertThat(b.encoderOutputSize(3)).isEqualTo(3);
            assertThatThrownBy(() -> new BinaryLatent(0, null)).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> BinaryLatent.Mode.parse("fuzzy")).hasMessageContaining("known: stochastic, deterministic");
        }
    }
}
