package dev.bottleneck.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The gradients of the ELBO ({@code S = 1}) and importance-weighted ({@code S = 3}) objectives
 * match central finite differences of the same objective with the same noise (the engine is
 * reseeded before each pass), for weights of every layer of a small MLP VAE.
 */
class VaeGradientTest {

    private static double loss(Autoencoder ae, NDArray x) {
        Engine.getInstance().setRandomSeed(42);
        try (NDManager m = x.getManager().newSubManager()) {
            return ae.forward(x, true).loss().getFloat();
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (int s : new int[] {1, 3}) {
            ModelConfig c = ModelConfig.builder().type("vae").vae(new VaeConfig(1, 0, 0, s, "none", null, false)).arch("mlp")
                    .inputShape(4).hidden(3).activation("tanh").latent(2).loss("bce").build();
            try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(c, 1)) {
                NDArray x = m.create(new float[] {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1}, new Shape(3, 4));
                Engine.getInstance().setRandomSeed(42);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(ae.forward(x, true).loss());
                }
                for (Map.Entry<String, Parameter> e : ae.parameters().entrySet()) {
                    NDArray w = e.getValue().getArray();
                    float[] g = w.getGradient().toFloatArray();
                    float[] v = w.toFloatArray();
                    for (int i = 0; i < Math.min(4, v.length); i++) {
                        double h = 1e-2;
                        float[] p = v.clone();
                        p[i] = (float) (v[i] + h);
                        w.set(p);
                        double up = loss(ae, x);
                        p[i] = (float) (v[i] - h);
                        w.set(p);
                        double down = loss(ae, x);
                        w.set(v);
                        double fd = (up - down) / (2 * h);
                        assertThat((double) g[i]).as("S=%d %s[%d]", s, e.getKey(), i).isCloseTo(fd, within(2e-3 + 0.02 * Math.abs(fd)));
                    }
                }
            }
        }
    }
}
