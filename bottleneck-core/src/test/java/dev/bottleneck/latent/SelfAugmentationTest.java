package dev.bottleneck.latent;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.latent.binary.BinaryLatent;
import dev.bottleneck.latent.categorical.CategoricalConfig;
import dev.bottleneck.latent.categorical.GumbelSoftmaxLatent;
import dev.bottleneck.latent.categorical.TemperatureSchedule;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ForwardOutput;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.model.binary.BinaryType;
import dev.bottleneck.model.categorical.CategoricalType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Self-augmented training (virtual adversarial perturbations) and the information terms of binary
 * and categorical codes: divergences, the adversarial direction, the inner backward pass leaving
 * the weights' gradients untouched, the terms' values at their extremes.
 */
class SelfAugmentationTest {

    @Test
    void divergencesAreZeroForEqualInputsAndMatchTheClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            GumbelSoftmaxLatent cat = new GumbelSoftmaxLatent(new CategoricalConfig(1, 2, true, TemperatureSchedule.constant(1), null, 0));
            NDArray a = m.create(new float[] {0, 0}, new Shape(1, 2));
            NDArray b = m.create(new float[] {(float) Math.log(3), 0}, new Shape(1, 2));
            assertThat(cat.divergence(a, a).getFloat()).isCloseTo(0f, within(1e-6f));
            // KL((1/2, 1/2) || (3/4, 1/4)) = 1/2 ln(2/3) + 1/2 ln 2
            double want = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25);
            assertThat((double) cat.divergence(a, b).getFloat()).isCloseTo(want, within(1e-5));
            // a bit with logit ln 3 has p = 3/4: the same Bernoulli KL, and saturated logits stay finite
            BinaryLatent bin = new BinaryLatent(1, BinaryLatent.Mode.STOCHASTIC);
            NDArray ba = m.create(new float[] {0}, new Shape(1, 1));
            NDArray bb = m.create(new float[] {(float) Math.log(3)}, new Shape(1, 1));
            assertThat((double) bin.divergence(ba, bb).getFloat()).isCloseTo(want, within(1e-5));
            NDArray far = m.create(new float[] {200}, new Shape(1, 1));
            assertThat(Float.isFinite(bin.divergence(far, ba).getFloat())).isTrue();
        }
    }

    @Test
    void theAdversarialDirectionMovesTheCodeMoreThanRandomOnes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            GumbelSoftmaxLatent cat = new GumbelSoftmaxLatent(new CategoricalConfig(1, 3, true, TemperatureSchedule.constant(1), null, 0));
            // a linear encoder h = x W (8 inputs, 3 categories)
            NDArray w = m.randomNormal(new Shape(8, 3));
            NDArray x = m.randomNormal(new Shape(16, 8));
            VirtualAdversarialTraining vat = new VirtualAdversarialTraining(1, 0.5, 1e-2);
            double adversarial;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                adversarial = vat.loss(x, x.matMul(w), in -> in.matMul(w), cat, () -> {}).getFloat();
            }
            for (int trial = 0; trial < 5; trial++) {
                NDArray d = m.randomNormal(x.getShape());
                d = d.div(d.norm(new int[] {1}, true)).mul(0.5f);
                double random = cat.divergence(x.matMul(w), x.add(d).matMul(w)).getFloat();
                assertThat(adversarial).isGreaterThan(random);
            }
            assertThat(adversarial).isGreaterThan(0);
        }
    }

    @Test
    void theInnerBackwardLeavesNoGradientOnTheWeights() {
        // with a negligible weight the term adds nothing; the probe's backward pass must not either
        for (String type : List.of("categorical", "binary")) {
            List<NDArray> plain = gradients(type, 0);
            List<NDArray> withTerm = gradients(type, 1e-30);
            assertThat(plain).hasSameSizeAs(withTerm);
            for (int i = 0; i < plain.size(); i++) {
                double diff = plain.get(i).sub(withTerm.get(i)).abs().max().getDouble();
                double scale = plain.get(i).abs().max().getDouble();
                assertThat(diff).as(type + " parameter " + i).isLessThanOrEqualTo(1e-6 * Math.max(scale, 1e-12));
            }
        }
    }

    private static final NDManager KEEP = NDManager.newBaseManager();

    private static List<NDArray> gradients(String type, double vatWeight) {
        ModelConfig c = ModelConfig.builder().type(type).arch("mlp").inputShape(12).hidden(8).latent(type.equals("binary") ? 6 : 3)
                .loss("bce").options(type.equals("binary") ? new BinaryType.Options("stochastic", 0, 0, vatWeight, 1.0)
                        : new CategoricalType.Options(3, true, 1, 0.5, 0.03, 0, 0, 0.1, 0, vatWeight, 1.0)).build();
        try (Autoencoder a = Autoencoder.create(c, 5, DataType.FLOAT64); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0f, 1f, new Shape(10, 12)).toType(DataType.FLOAT64, false);
            Engine.getInstance().setRandomSeed(9);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ForwardOutput out = a.forward(x, true);
                assertThat(out.terms().containsKey("self_augmentation")).isEqualTo(vatWeight > 0);
                gc.backward(out.loss());
            }
            List<NDArray> g = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : a.parameters().entrySet()) {
                NDArray d = e.getValue().getArray().getGradient().duplicate();
                d.attach(KEEP);
                g.add(d);
            }
            return g;
        }
    }

    @Test
    void evaluationPassesHaveNoSelfAugmentationTerm() {
        ModelConfig c = ModelConfig.builder().type("categorical").arch("mlp").inputShape(12).hidden(8).latent(3).loss("bce")
                .options(new CategoricalType.Options(3, true, 1, 0.5, 0.03, 0, 0, 0.1, 0.1, 1, 1.0)).build();
        try (Autoencoder a = Autoencoder.create(c, 5); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0f, 1f, new Shape(10, 12));
            ForwardOutput out = a.forward(x, false);
            assertThat(out.terms()).doesNotContainKey("self_augmentation").containsKey("conditional_entropy");
        }
    }

    @Test
    void informationTermsAreZeroAtTheirOptimumAndLargestAtTheOther() {
        try (NDManager m = NDManager.newBaseManager()) {
            BinaryLatent b = new BinaryLatent(2, BinaryLatent.Mode.DETERMINISTIC, 1, 1);
            // certain bits, each on for half the batch: both terms 0
            Map<String, NDArray> best = b.forward(m.create(new float[] {30, -30, -30, 30}, new Shape(2, 2)), true).lossTerms();
            assertThat(best.get("bit_balance").getFloat()).isCloseTo(0f, within(1e-4f));
            assertThat(best.get("conditional_entropy").getFloat()).isCloseTo(0f, within(1e-4f));
            // undecided bits: the conditional entropy is 2 ln 2 per example; constant certain bits: balance 2 ln 2
            Map<String, NDArray> undecided = b.forward(m.zeros(new Shape(2, 2)), true).lossTerms();
            assertThat((double) undecided.get("conditional_entropy").getFloat()).isCloseTo(2 * Math.log(2), within(1e-4));
            Map<String, NDArray> constant = b.forward(m.create(new float[] {30, 30, 30, 30}, new Shape(2, 2)), true).lossTerms();
            assertThat((double) constant.get("bit_balance").getFloat()).isCloseTo(2 * Math.log(2), within(1e-4));

            GumbelSoftmaxLatent cat = new GumbelSoftmaxLatent(new CategoricalConfig(1, 4, true, TemperatureSchedule.constant(1), null, 0, 0, 1));
            assertThat((double) cat.forward(m.zeros(new Shape(3, 4)), true).lossTerms().get("conditional_entropy").getFloat())
                    .isCloseTo(Math.log(4), within(1e-4));
        }
    }

    @Test
    void badSettingsAreRefusedWithTheOptionName() {
        assertThatThrownBy(() -> new VirtualAdversarialTraining(1, 0, 10)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--vat-epsilon");
        assertThatThrownBy(() -> new BinaryLatent(4, null, -1, 0)).hasMessageContaining("--balance-weight");
        assertThatThrownBy(() -> new BinaryType.Options("stochastic", 0, Double.NaN, 0, 1)).hasMessageContaining("--entropy-weight");
        assertThatThrownBy(() -> new CategoricalType.Options(10, true, 1, 0.5, 0.03, 0, 0, 0.1, 0, 1, -2)).hasMessageContaining("--vat-epsilon");
        assertThatThrownBy(() -> new VirtualAdversarialTraining(1, 1, 1).loss(null, null, null, null, null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theRadiusIsAQuarterOfTheMeanDistanceToThe10thNeighbourAndAutoIsBoundToTheData() {
        try (NDManager m = NDManager.newBaseManager()) {
            // ten points on a line, 1 apart: the nearest other point is 1 away; the 2nd is 2 away
            // for the two ends and 1 for the others
            float[] line = new float[10];
            for (int i = 0; i < 10; i++) {
                line[i] = i;
            }
            NDArray x = m.create(line, new Shape(10, 1));
            assertThat(dev.bottleneck.eval.NeighbourRadius.meanKthDistance(x, 1, 100, 0)).isCloseTo(1.0, within(1e-6));
            assertThat(dev.bottleneck.eval.NeighbourRadius.meanKthDistance(x, 2, 100, 0)).isCloseTo(1.2, within(1e-6));
            assertThatThrownBy(() -> dev.bottleneck.eval.NeighbourRadius.meanKthDistance(x, 10, 100, 0))
                    .isInstanceOf(InvalidInputException.class);

            ModelConfig auto = ModelConfig.builder().type("categorical").arch("mlp").inputShape(1).hidden(4).latent(3).loss("mse")
                    .output("none").options(new CategoricalType.Options(3, true, 1, 0.5, 0.03, 0, 0, 0.1, 0, 1, 0)).build();
            assertThatThrownBy(() -> Autoencoder.create(auto, 1)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("--vat-epsilon auto");
            float[] many = new float[200];
            for (int i = 0; i < 200; i++) {
                many[i] = i * 0.5f;
            }
            ModelConfig bound = auto.modelType().bindToData(auto, () -> m.create(many, new Shape(200, 1)), 0);
            // the 10th neighbour of an interior point is 5 steps of 0.5 away: 2.5; a quarter of that
            assertThat(bound.options(CategoricalType.Options.class).vatEpsilon()).isBetween(0.6, 0.9);
            ModelConfig fixed = auto.withOptions(auto.options(CategoricalType.Options.class).withVatEpsilon(2));
            assertThat(fixed.modelType().bindToData(fixed, () -> {
                throw new AssertionError("a fixed radius needs no data");
            }, 0)).isSameAs(fixed);
        }
    }
}
