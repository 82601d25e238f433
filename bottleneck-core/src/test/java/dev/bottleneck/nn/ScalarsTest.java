package dev.bottleneck.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.bottleneck.loss.ReconstructionLoss;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Gradients through constants survive a garbage collection between forward and backward (with
 * DJL's {@code div(Number)} half of such runs gave 0, 1e-35 or Infinity here).
 */
class ScalarsTest {

    /** A collection, time for the cleaner to free direct buffers, and new small direct buffers. */
    private static void collectAndReuse() throws InterruptedException {
        System.gc();
        Thread.sleep(30);
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            b.putFloat(0, 1000f);
            junk.add(b);
        }
    }

    private static float[] gradient(UnaryOperator<NDArray> f, float... w0) throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(w0);
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(w);
                collectAndReuse();
                gc.backward(y);
            }
            return w.getGradient().toFloatArray();
        }
    }

    @Test
    void gradientsThroughConstantsSurviveACollection() throws InterruptedException {
        for (int t = 0; t < 5; t++) {
            assertThat(gradient(w -> Scalars.div(w.square().sum(), 4), 1f, 2f, 3f)).containsExactly(0.5f, 1f, 1.5f);
            assertThat(gradient(w -> Scalars.mul(w.square().sum(), 0.25), 1f, 2f, 3f)).containsExactly(0.5f, 1f, 1.5f);
            assertThat(gradient(w -> Scalars.maximum(w, 1.5).sum(), 1f, 2f, 3f)).containsExactly(0f, 1f, 1f);
        }
    }

    @Test
    void reconstructionLossGradientSurvivesACollection() throws InterruptedException {
        ReconstructionLoss mse = new ReconstructionLoss("mse", "none");
        for (int t = 0; t < 5; t++) {
            float[] g = gradient(w -> mse.mean(w, w.getManager().zeros(new Shape(3))), 1f, 2f, 3f);
            // d/dw mean(w^2) = 2 w / 3
            assertThat(g[0]).isCloseTo(2f / 3, within(1e-6f));
            assertThat(g[2]).isCloseTo(2f, within(1e-6f));
        }
    }

    @Test
    void constantsHaveTheArraysType() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.ones(new Shape(2, 2));
            assertThat(Scalars.constant(a, 3).getShape().dimension()).isZero();
            assertThat(Scalars.div(a, 4).toFloatArray()).containsExactly(0.25f, 0.25f, 0.25f, 0.25f);
            assertThat(Scalars.mul(a, -2).getDataType()).isEqualTo(a.getDataType());
        }
    }
}
