package dev.bottleneck.latent.categorical;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.check.GradientCheck;
import dev.bottleneck.latent.LatentOutput;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GumbelSoftmaxLatentTest {

    private static CategoricalConfig config(int g, int c, boolean hard, CategoricalConfig.Continuous cont, double kl) {
        return new CategoricalConfig(g, c, hard, TemperatureSchedule.constant(0.7), cont, kl);
    }

    @Test
    void shapesOfGroupsAndOfAJointCode() {
        try (NDManager m = NDManager.newBaseManager()) {
            GumbelSoftmaxLatent plain = new GumbelSoftmaxLatent(config(2, 3, true, null, 0));
            assertThat(plain.encoderOutputSize(6)).isEqualTo(6);
            NDArray h = m.randomNormal(new Shape(5, 6));
            LatentOutput train = plain.forward(h, true);
            assertThat(train.z().getShape()).isEqualTo(new Shape(5, 6));
            assertThat(train.lossTerms()).isEmpty();
            assertThat(train.metrics()).containsKeys("temperature", "perplexity", "codes_used_fraction");
            NDArray codes = plain.codes(h);
            assertThat(codes.getShape()).isEqualTo(new Shape(5, 2));
            assertThat(codes.getDataType()).isEqualTo(DataType.INT64);
            // hard samples are one-hot in each group
            NDArray groups = train.z().reshape(5, 2, 3);
            assertThat(groups.sum(new int[] {2}).toFloatArray()).containsOnly(1f);
            assertThat(groups.eq(0f).logicalOr(groups.eq(1f)).all().getBoolean()).isTrue();

            GumbelSoftmaxLatent det = new GumbelSoftmaxLatent(config(1, 4, false, new CategoricalConfig.Continuous(2, false), 0));
            assertThat(det.encoderOutputSize(6)).isEqualTo(6);
            NDArray hd = m.randomNormal(new Shape(3, 6));
            NDArray zd = det.forward(hd, true).z();
            assertThat(zd.getShape()).isEqualTo(new Shape(3, 6));
            assertThat(zd.get(":, 4:").toFloatArray()).containsExactly(hd.get(":, 4:").toFloatArray()); // the style passes through
            assertThat(zd.get(":, :4").sum(new int[] {1}).sub(1f).abs().max().getFloat()).isLessThan(1e-5f);

            GumbelSoftmaxLatent gauss = new GumbelSoftmaxLatent(config(1, 4, true, new CategoricalConfig.Continuous(2, true), 1));
            assertThat(gauss.encoderOutputSize(6)).isEqualTo(8);
            NDArray hg = m.randomNormal(new Shape(3, 8));
            LatentOutput og = gauss.forward(hg, true);
            assertThat(og.z().getShape()).isEqualTo(new Shape(3, 6));
            assertThat(og.lossTerms()).containsKeys("kl_categorical", "kl_continuous");
            assertThat(gauss.code(hg).get(":, 4:").toFloatArray()).containsExactly(hg.get(":, 4:6").toFloatArray()); // the mean
            assertThatThrownBy(() -> gauss.encoderOutputSize(7)).isInstanceOf(InvalidInputException.class).hasMessageContaining("= 6 wide");
        }
    }

    @Test
    void theSoftSampleIsTheGumbelSoftmaxOfTheSeededDraw() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0.1f, -1f, 2f, 0.5f, 0.5f, 0.5f}, new Shape(2, 3));
            Engine.getInstance().setRandomSeed(3);
            NDArray y = GumbelSoftmaxLatent.gumbelSoftmax(logits, 0.7, false);
            Engine.getInstance().setRandomSeed(3);
            float[] u = m.randomUniform(0f, 1f, new Shape(2, 3), DataType.FLOAT32).toFloatArray();
            float[] l = logits.toFloatArray();
            float[] got = y.toFloatArray();
            for (int row = 0; row < 2; row++) {
                double[] e = new double[3];
                double s = 0;
                for (int c = 0; c < 3; c++) {
                    double g = -Math.log(-Math.log(u[row * 3 + c]));
                    e[c] = Math.exp((l[row * 3 + c] + g) / 0.7);
                    s += e[c];
                }
                for (int c = 0; c < 3; c++) {
                    assertThat((double) got[row * 3 + c]).isCloseTo(e[c] / s, within(1e-5));
                }
            }
        }
    }

    @Test
    void argmaxOfGumbelPerturbedLogitsFollowsTheSoftmax() {
        // the Gumbel-max trick underneath: samples at a low temperature pick category c with
        // probability softmax(l)_c
        try (NDManager m = NDManager.newBaseManager()) {
            double[] p = {0.2, 0.3, 0.5};
            float[] row = {(float) Math.log(p[0]), (float) Math.log(p[1]), (float) Math.log(p[2])};
            NDArray logits = m.create(row).reshape(1, 3).repeat(0, 6000);
            Engine.getInstance().setRandomSeed(17);
            NDArray y = GumbelSoftmaxLatent.gumbelSoftmax(logits, 0.05, true);
            float[] freq = y.mean(new int[] {0}).toFloatArray();
            for (int c = 0; c < 3; c++) {
                assertThat((double) freq[c]).isCloseTo(p[c], within(0.025));
            }
        }
    }

    @Test
    void theHardSampleHasTheSoftSamplesGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(4, 2, 5));
            NDArray r = m.randomNormal(new Shape(4, 2, 5));
            float[][] grads = new float[2][];
            for (int k = 0; k < 2; k++) {
                NDArray x = logits.duplicate();
                x.setRequiresGradient(true);
                Engine.getInstance().setRandomSeed(9);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(GumbelSoftmaxLatent.gumbelSoftmax(x, 0.5, k == 1).mul(r).sum());
                }
                grads[k] = x.getGradient().toFloatArray();
            }
            assertThat(grads[1]).containsExactly(grads[0]);
            assertThat(grads[0]).isNotEqualTo(new float[grads[0].length]);
        }
    }

    @Test
    void float32GradientsMatchFloat64() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (boolean hard : new boolean[] {false, true}) {
                GumbelSoftmaxLatent g = new GumbelSoftmaxLatent(config(2, 4, hard, new CategoricalConfig.Continuous(3, true), 0.5));
                NDArray h = m.randomNormal(new Shape(8, 14));
                NDArray r = m.randomNormal(new Shape(8, 11));
                GradientCheck.Report rep = GradientCheck.checkFunction("categorical hard=" + hard, new NDList(h, r), List.of("h", "r"), in -> {
                    LatentOutput o = g.forward(in.get(0), true);
                    NDArray loss = o.z().mul(in.get(1)).sum();
                    for (NDArray t : o.lossTerms().values()) {
                        loss = loss.add(t);
                    }
                    return loss;
                }, 21);
                assertThat(rep.passed()).as("%s", rep).isTrue();
            }
        }
    }

    @Test
    void theTemperatureFollowsItsScheduleThroughTheHooks() {
        GumbelSoftmaxLatent perEpoch = new GumbelSoftmaxLatent(new CategoricalConfig(1, 10, true,
                new TemperatureSchedule(1.0, 0.5, 0.1, TemperatureSchedule.Unit.EPOCH), null, 0));
        assertThat(perEpoch.temperature()).isEqualTo(1.0);
        perEpoch.beginEpoch(1);
        assertThat(perEpoch.temperature()).isEqualTo(1.0);
        perEpoch.afterStep(1000); // not a per-step schedule
        perEpoch.beginEpoch(3);
        assertThat(perEpoch.temperature()).isCloseTo(Math.exp(-0.2), within(1e-12));
        perEpoch.beginEpoch(50);
        assertThat(perEpoch.temperature()).isEqualTo(0.5);

        GumbelSoftmaxLatent perStep = new GumbelSoftmaxLatent(new CategoricalConfig(1, 10, false,
                new TemperatureSchedule(2.0, 0.1, 1e-3, TemperatureSchedule.Unit.STEP), null, 0));
        perStep.afterStep(500);
        assertThat(perStep.temperature()).isCloseTo(2 * Math.exp(-0.5), within(1e-12));
        perStep.beginEpoch(2);
        assertThat(perStep.temperature()).isCloseTo(2 * Math.exp(-0.5), within(1e-12));
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(perStep.forward(m.zeros(new Shape(1, 10)), true).metrics().get("temperature").getFloat())
                    .isCloseTo((float) (2 * Math.exp(-0.5)), within(1e-6f));
        }
    }

    @Test
    void aTemperatureAtOrBelowZeroIsRejected() {
        assertThatThrownBy(() -> TemperatureSchedule.constant(0)).isInstanceOf(InvalidInputException.class)
                .hasMessage("the Gumbel-softmax temperature must be positive, got 0.0");
        assertThatThrownBy(() -> new TemperatureSchedule(1, -0.1, 0, TemperatureSchedule.Unit.STEP)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new TemperatureSchedule(1, 2, 0, TemperatureSchedule.Unit.STEP)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("above the initial");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> GumbelSoftmaxLatent.gumbelSoftmax(m.zeros(new Shape(1, 3)), -1, true))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be positive");
        }
        assertThatThrownBy(() -> new CategoricalConfig(1, 1, true, null, null, 0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void codesRoundTripThroughEmbedAndBadCodesAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            GumbelSoftmaxLatent g = new GumbelSoftmaxLatent(config(2, 3, true, null, 0));
            NDArray h = m.randomNormal(new Shape(6, 6));
            assertThat(g.embed(g.codes(h)).toFloatArray()).containsExactly(g.code(h).toFloatArray());
            assertThat(g.forward(h, false).z().toFloatArray()).containsExactly(g.code(h).toFloatArray());
            assertThat(g.embed(m.create(new int[] {2, 0}, new Shape(1, 2))).toFloatArray()).containsExactly(0, 0, 1, 1, 0, 0);
            assertThatThrownBy(() -> g.embed(m.create(new int[] {3, 0}, new Shape(1, 2))))
                    .isInstanceOf(InvalidInputException.class).hasMessage("code 3 is out of range for a codebook of 3");
            assertThatThrownBy(() -> g.embed(m.create(new int[] {1, 0, 2}, new Shape(1, 3))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("reads (N, 2) categories");

            GumbelSoftmaxLatent joint = new GumbelSoftmaxLatent(config(1, 4, true, new CategoricalConfig.Continuous(2, true), 0));
            NDArray hj = m.randomNormal(new Shape(5, 8));
            NDArray classes = joint.codes(hj).reshape(5); // (N) is accepted with one group
            NDArray style = hj.get(":, 4:6");
            assertThat(joint.embed(classes, style).toFloatArray()).containsExactly(joint.code(hj).toFloatArray());
            assertThat(joint.embed(classes).get(":, 4:").toFloatArray()).containsOnly(0f);
            assertThatThrownBy(() -> joint.embed(classes, m.zeros(new Shape(5, 3)))).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void klTermsAgainstTheUniformAndNormalPriors() {
        try (NDManager m = NDManager.newBaseManager()) {
            GumbelSoftmaxLatent g = new GumbelSoftmaxLatent(config(1, 4, true, new CategoricalConfig.Continuous(1, true), 2.0));
            // example 0: uniform class posterior (KL 0), mu 0, logvar 0 (KL 0);
            // example 1: q = (1/2, 1/6, 1/6, 1/6), mu 1, logvar 0 (KL 1/2)
            float l = (float) Math.log(3);
            NDArray h = m.create(new float[] {0, 0, 0, 0, 0, 0, l, 0, 0, 0, 1, 0}, new Shape(2, 6));
            LatentOutput o = g.forward(h, false);
            double q0 = 0.5;
            double q1 = 1.0 / 6;
            double klCat = q0 * Math.log(q0 * 4) + 3 * q1 * Math.log(q1 * 4);
            assertThat((double) o.lossTerms().get("kl_categorical").getFloat()).isCloseTo(2.0 * klCat / 2, within(1e-6));
            assertThat((double) o.lossTerms().get("kl_continuous").getFloat()).isCloseTo(2.0 * 0.5 / 2, within(1e-6));
        }
    }

    @Test
    void trainingPassesFillTheEpochUsage() {
        try (NDManager m = NDManager.newBaseManager()) {
            GumbelSoftmaxLatent g = new GumbelSoftmaxLatent(config(1, 4, true, null, 0));
            NDArray h = m.create(new float[] {5, 0, 0, 0, 0, 5, 0, 0}, new Shape(2, 4));
            g.forward(h, true);
            g.forward(h, true);
            assertThat(g.usage().counts()).containsExactly(2, 2, 0, 0);
            assertThat(g.usage().perplexity()).isCloseTo(2, within(1e-12));
            assertThat(g.usage().usedFraction()).isEqualTo(0.5);
            g.beginEpoch(2);
            assertThat(g.usage().total()).isZero();
        }
    }
}
