package dev.bottleneck.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamTest {

    private static Parameter param(NDManager m, float... w) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
        p.setArray(m.create(w));
        p.getArray().setRequiresGradient(true);
        return p;
    }

    /** Loss = sum(c * w), so the gradient is exactly c. */
    private static void backward(Parameter p, float[] c) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray w = p.getArray();
            gc.backward(w.mul(w.getManager().create(c)).sum());
        }
    }

    @Test
    void twoStepsMatchTheHandComputedUpdate() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = param(m, 1f, -2f, 0.5f);
            float[] g1 = {0.3f, -1f, 2f};
            float[] g2 = {0.1f, 0.5f, -4f};
            double lr = 0.01;
            double b1 = 0.9;
            double b2 = 0.999;
            double eps = 1e-8;
            double[] w = {1, -2, 0.5};
            double[] mom = new double[3];
            double[] var = new double[3];
            try (Adam adam = new Adam(lr, m)) {
                float[][] gs = {g1, g2};
                for (int t = 1; t <= 2; t++) {
                    backward(p, gs[t - 1]);
                    adam.update(Map.of("w", p));
                    for (int i = 0; i < 3; i++) {
                        mom[i] = b1 * mom[i] + (1 - b1) * gs[t - 1][i];
                        var[i] = b2 * var[i] + (1 - b2) * gs[t - 1][i] * gs[t - 1][i];
                        double corrected = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
                        w[i] -= corrected * mom[i] / (Math.sqrt(var[i]) + eps);
                    }
                }
                float[] got = p.getArray().toFloatArray();
                for (int i = 0; i < 3; i++) {
                    assertThat((double) got[i]).isCloseTo(w[i], within(1e-5));
                }
                assertThat(adam.step()).isEqualTo(2);
                // the fused update zeroes the gradient, so the next backward does not accumulate
                assertThat(p.getArray().getGradient().abs().sum().getFloat()).isZero();
            }
        }
    }

    @Test
    void clippingScalesTheWholeGradientToTheNorm() {
        // Two parameters, gradient k * (3, 4 | 12) at step k: global norm 13k. Clipped at 6.5,
        // every step's gradient becomes (1.5, 2 | 6), so the weights must equal an unclipped run
        // fed that gradient. (Adam is nearly invariant to one constant scale, so the steps use
        // growing gradients: an unclipped run of them ends elsewhere, checked too.)
        float[] ca = {3f, 4f};
        float[] cb = {12f};
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter a = param(m, 1f, -1f);
            Parameter b = param(m, 0.5f);
            Parameter a2 = param(m, 1f, -1f);
            Parameter b2 = param(m, 0.5f);
            Parameter a3 = param(m, 1f, -1f);
            Parameter b3 = param(m, 0.5f);
            try (Adam clipped = new Adam(0.1, m); Adam reference = new Adam(0.1, m); Adam loose = new Adam(0.1, m)) {
                for (int t = 0; t < 3; t++) {
                    float k = t + 1f;
                    backward(a, new float[] {ca[0] * k, ca[1] * k});
                    backward(b, new float[] {cb[0] * k});
                    assertThat(clipped.update(Map.of("a", a, "b", b), 6.5)).isCloseTo(13.0 * k, within(1e-4 * k));
                    backward(a2, new float[] {ca[0] / 2, ca[1] / 2});
                    backward(b2, new float[] {cb[0] / 2});
                    assertThat(reference.update(Map.of("a", a2, "b", b2), null)).isNaN(); // no clipping: norm not computed
                    backward(a3, new float[] {ca[0] * k, ca[1] * k});
                    backward(b3, new float[] {cb[0] * k});
                    assertThat(Adam.gradientNorm(Map.of("a", a3, "b", b3))).isCloseTo(13.0 * k, within(1e-4 * k));
                    assertThat(loose.update(Map.of("a", a3, "b", b3), 100.0)).isCloseTo(13.0 * k, within(1e-4 * k));
                }
                assertThat(a.getArray().toFloatArray()).containsExactly(a2.getArray().toFloatArray(), within(1e-6f));
                assertThat(b.getArray().toFloatArray()).containsExactly(b2.getArray().toFloatArray(), within(1e-6f));
                // a threshold above every norm leaves the update alone, and that update differs
                assertThat(Math.abs(a3.getArray().toFloatArray()[0] - a.getArray().toFloatArray()[0])).isGreaterThan(1e-3f);
            }
        }
    }

    @Test
    void stateRoundTripsThroughSaveAndLoad() throws Exception {
        float[] ga = {1f, -1f};
        float[] gb = {0.5f, 0.25f};
        try (NDManager m = NDManager.newBaseManager()) {
            // p: two steps with one optimizer
            Parameter p = param(m, 1f, 2f);
            try (Adam a = new Adam(0.1, m)) {
                backward(p, ga);
                a.update(Map.of("w", p));
                backward(p, gb);
                a.update(Map.of("w", p));
            }
            // q: one step, save the optimizer, restore it into a new one, second step
            Parameter q = param(m, 1f, 2f);
            byte[] saved;
            try (Adam b = new Adam(0.1, m)) {
                backward(q, ga);
                b.update(Map.of("w", q));
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                b.save(new DataOutputStream(buf));
                saved = buf.toByteArray();
            }
            try (Adam c = new Adam(0.1, m)) {
                c.load(new DataInputStream(new ByteArrayInputStream(saved)), Map.of("w", q));
                assertThat(c.step()).isEqualTo(1);
                backward(q, gb);
                c.update(Map.of("w", q));
            }
            assertThat(q.getArray().toFloatArray()).containsExactly(p.getArray().toFloatArray());
            assertThat(q.getArray().getDataType()).isEqualTo(DataType.FLOAT32);
        }
    }
}
