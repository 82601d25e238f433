package dev.bottleneck.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.bottleneck.check.GradientChecks;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training steps (forward, backward, Adam update) leave nothing behind in a model's own memory, for every model configuration of
 * the gradient checks (every registered type, both architectures, the loss variants): whatever a
 * forward pass makes from a weight (a padded convolution weight, a transposed tied weight, a
 * learned decoder sigma) must belong to the batch's manager, which the trainer closes after the
 * step. An array left in the model's manager is native memory lost every step, and DJL's
 * bookkeeping of it slows every later step (issue 9: conv training 2.5x slower before the padded
 * weight was moved to the batch).
 */
class ModelMemoryTest {

    @TestFactory
    Stream<DynamicTest> trainingStepsKeepTheModelsArrayCountConstant() {
        return GradientChecks.modelConfigs().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            ModelConfig c = e.getValue().build();
            try (Autoencoder ae = Autoencoder.create(c, 1); NDManager m = NDManager.newBaseManager()) {
                NDArray x = GradientChecks.batch(c, m);
                dev.bottleneck.train.Adam adam = new dev.bottleneck.train.Adam(1e-3, ae.manager());
                int first = -1;
                for (int step = 0; step < 4; step++) {
                    try (NDManager bm = m.newSubManager()) {
                        NDArray xb = x.duplicate();
                        xb.attach(bm);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(ae.forward(xb, true).loss());
                        }
                        adam.update(ae.parameters());
                        ae.encode(xb);
                        ae.reconstruct(xb);
                    }
                    int now = ((BaseNDManager) ae.manager()).getManagedArrays().size();
                    if (step == 0) {
                        first = now;
                    }
                    assertThat(now).as("arrays held by the model's manager after step %d", step + 1).isEqualTo(first);
                }
            }
        }));
    }
}
