package dev.bottleneck.model.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.TestData;
import dev.bottleneck.data.Binarization;
import dev.bottleneck.io.Json;
import dev.bottleneck.latent.GaussianLatent;
import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ForwardOutput;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.EpochResult;
import dev.bottleneck.train.TrainConfig;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingListener;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The VAE's latent layer, objective, schedules, training and save/load. */
class VaeTest {

    static ModelConfig bernoulliMlp(VaeConfig v) {
        return ModelConfig.builder().type("vae").vae(v).arch("mlp").inputShape(1, 8, 8).hidden(32).latent(4).loss("bce").build();
    }

    @Test
    void klMatchesTheClosedFormAndAMonteCarloEstimate() {
        float[] mu = {0f, 1.5f, -0.7f, 0.2f};
        float[] logVar = {0f, -1.2f, 0.8f, -3f};
        try (NDManager m = NDManager.newBaseManager()) {
            float[] kl = GaussianLatent.klPerDimension(m.create(mu, new Shape(2, 2)), m.create(logVar, new Shape(2, 2))).toFloatArray();
            for (int i = 0; i < 4; i++) {
                double v = Math.exp(logVar[i]);
                double closed = 0.5 * (mu[i] * mu[i] + v - 1 - logVar[i]);
                assertThat((double) kl[i]).isCloseTo(closed, within(1e-5));
            }
            assertThat(kl[0]).as("q equal to the prior").isCloseTo(0f, within(1e-7f));
            // E_q[log q(z) - log p(z)] by sampling, 200k draws per dimension
            Random r = new Random(3);
            for (int i = 0; i < 4; i++) {
                double s = Math.exp(0.5 * logVar[i]);
                double sum = 0;
                int n = 200_000;
                for (int t = 0; t < n; t++) {
                    double e = r.nextGaussian();
                    double z = mu[i] + s * e;
                    sum += (-0.5 * e * e - Math.log(s)) - (-0.5 * z * z);
                }
                assertThat(sum / n).as("dimension %d", i).isCloseTo(kl[i], within(0.02 + 0.01 * kl[i]));
            }
        }
    }

    @Test
    void logMeanExpIsStableAndExact() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] a = {-1000f, -1000f, -1001f, -1200f, 5f, 7f, 3f, -20f};
            float[] r = VaeObjective.logMeanExp(m.create(a, new Shape(2, 4)).transpose(), 0).toFloatArray();
            double big = -1000 + Math.log((2 + Math.exp(-1) + Math.exp(-200)) / 4);
            double small = 7 + Math.log((Math.exp(-2) + 1 + Math.exp(-4) + Math.exp(-27)) / 4);
            assertThat((double) r[0]).isCloseTo(big, within(1e-3));
            assertThat((double) r[1]).isCloseTo(small, within(1e-5));
        }
    }

    @Test
    void warmUpRaisesTheKlWeightLinearlyThroughTheEpochHook() {
        VaeConfig v = new VaeConfig(2, 4, 0, 1, "none", null, false);
        assertThat(v.klWeight(1)).isEqualTo(0.5);
        assertThat(v.klWeight(2)).isEqualTo(1.0);
        assertThat(v.klWeight(3)).isEqualTo(1.5);
        assertThat(v.klWeight(4)).isEqualTo(2.0);
        assertThat(v.klWeight(100)).isEqualTo(2.0);
        assertThat(v.klWeight(Integer.MAX_VALUE)).as("after training: full weight").isEqualTo(2.0);
        assertThat(VaeConfig.DEFAULT.klWeight(1)).isEqualTo(1.0);

        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(bernoulliMlp(v), 0)) {
            NDArray x = TestData.barsArray(m, 16, 8, 1);
            for (int epoch : new int[] {1, 3, 9}) {
                ae.beginEpoch(epoch);
                Engine.getInstance().setRandomSeed(5);
                ForwardOutput out = ae.forward(x, true);
                double recon = out.terms().get("recon").getFloat();
                double kl = out.terms().get("kl").getFloat();
                assertThat((double) out.loss().getFloat()).as("epoch %d", epoch)
                        .isCloseTo(recon + v.klWeight(epoch) * kl, within(1e-3));
                assertThat((double) out.terms().get("elbo").getFloat()).isCloseTo(-(recon + kl), within(1e-3));
            }
        }
    }

    @Test
    void freeBitsFloorEachDimensionsBatchMeanKl() {
        VaeConfig plain = new VaeConfig(1, 0, 0, 1, "none", null, false);
        VaeConfig free = new VaeConfig(1, 0, 0.5, 1, "none", null, false);
        try (NDManager m = NDManager.newBaseManager();
             Autoencoder a = Autoencoder.create(bernoulliMlp(plain), 7);
             Autoencoder b = Autoencoder.create(bernoulliMlp(free), 7)) {
            NDArray x = TestData.barsArray(m, 32, 8, 1);
            // the per-dimension batch-mean KL of this input, computed by hand
            NDArray h = a.encoderOutput(x, false);
            float[] klDims = GaussianLatent.klPerDimension(GaussianLatent.split(h).get(0), GaussianLatent.split(h).get(1))
                    .mean(new int[] {0}).toFloatArray();
            double floored = 0;
            for (float k : klDims) {
                floored += Math.max(0.5, k);
            }
            float smallest = Float.MAX_VALUE;
            for (float k : klDims) {
                smallest = Math.min(smallest, k);
            }
            assertThat(smallest).as("fresh model: small KL in some dimension").isLessThan(0.5f);
            Engine.getInstance().setRandomSeed(9);
            ForwardOutput pa = a.forward(x, true);
            Engine.getInstance().setRandomSeed(9);
            ForwardOutput pb = b.forward(x, true);
            double recon = pb.terms().get("recon").getFloat();
            assertThat((double) pb.loss().getFloat()).isCloseTo(recon + floored, within(1e-3));
            assertThat((double) pa.loss().getFloat()).as("without free bits: recon + kl")
                    .isCloseTo(recon + pa.terms().get("kl").getFloat(), within(1e-3));
            assertThat(pb.terms().get("kl").getFloat()).as("the logged KL is the true one").isCloseTo(pa.terms().get("kl").getFloat(), within(1e-5f));
        }
    }

    @Test
    void importanceWeightedBoundIsAtLeastTheElbo() {
        VaeConfig iw = new VaeConfig(1, 0, 0, 20, "none", null, false);
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(bernoulliMlp(iw), 3)) {
            NDArray x = TestData.barsArray(m, 200, 8, 4);
            Engine.getInstance().setRandomSeed(1);
            ForwardOutput out = ae.forward(x, false);
            double bound = out.terms().get("iw_elbo").getFloat();
            double elbo = out.terms().get("elbo").getFloat();
            assertThat(bound).isGreaterThan(elbo);
            assertThat((double) out.loss().getFloat()).isCloseTo(-bound, within(1e-4));
            assertThat(out.z().getShape()).isEqualTo(new Shape(200, 4));
            assertThat(out.reconstruction().getShape()).isEqualTo(new Shape(200, 1, 8, 8));
        }
    }

    @Test
    void smallVaeLearnsAndLogsItsTerms() {
        VaeConfig v = new VaeConfig(1, 3, 0, 1, "dynamic", null, false);
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(bernoulliMlp(v), 0)) {
            NDArray train = TestData.barsArray(m, 256, 8, 1);
            NDArray test = Binarization.fixed(TestData.barsArray(m, 64, 8, 2), Binarization.TEST_SEED);
            List<EpochResult> r;
            try (Trainer t = new Trainer(ae, new TrainConfig(12, 32, 3e-3, 0), null)) {
                r = t.fit(train, test, new TrainingListener() { });
            }
            assertThat(r.get(0).trainTerms()).containsKeys("recon", "kl", "elbo");
            assertThat(r.get(0).testTerms()).containsKeys("recon", "kl", "elbo");
            double firstElbo = r.get(0).testTerms().get("elbo");
            double lastElbo = r.get(11).testTerms().get("elbo");
            assertThat(lastElbo).as("the test ELBO rises").isGreaterThan(firstElbo + 5);
            assertThat(r.get(11).trainLoss()).isLessThan(r.get(0).trainLoss());
            assertThat(r.get(11).testTerms().get("kl")).isPositive();
        }
    }

    @Test
    void convolutionalVaeWithAGaussianDecoderTrains() {
        ModelConfig c = ModelConfig.builder().type("vae").arch("conv").inputShape(1, 8, 8).channels(4, 8).latent(3).loss("mse").build();
        assertThat(c.options(VaeConfig.class)).as("a vae config gets the defaults").isEqualTo(VaeConfig.DEFAULT);
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(c, 0)) {
            NDArray train = TestData.barsArray(m, 128, 8, 1);
            assertThat(ae.encoderOutput(train, false).getShape()).as("mean and log-variance").isEqualTo(new Shape(128, 6));
            assertThat(ae.encode(train).getShape()).isEqualTo(new Shape(128, 3));
            List<EpochResult> r;
            try (Trainer t = new Trainer(ae, new TrainConfig(8, 32, 3e-3, 0), null)) {
                r = t.fit(train, null, new TrainingListener() { });
            }
            assertThat(r.get(7).trainLoss()).isLessThan(r.get(0).trainLoss());
            // Gaussian decoder, sigma 0.1: recon = sum (x - m)^2 / 0.02 - 64 log(0.1 sqrt(2 pi)) nats
            Engine.getInstance().setRandomSeed(3);
            ForwardOutput out = ae.forward(train, false);
            double sq = out.reconstruction().sub(train).square().sum().getFloat() / 128;
            assertThat((double) out.terms().get("recon").getFloat())
                    .isCloseTo(sq / (2 * 0.01) + 64 * Math.log(0.1 * Math.sqrt(2 * Math.PI)), within(1e-2));
        }
    }

    @Test
    void saveLoadRoundTripKeepsWeightsConfigAndLearnedSigma() throws IOException {
        ModelConfig c = ModelConfig.builder().type("vae").vae(new VaeConfig(0.5, 2, 0, 1, "none", null, true)).arch("mlp")
                .inputShape(5).hidden(6).latent(2).loss("mse").output("none").build();
        ModelConfig back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(c), ModelConfig.class);
        assertThat(back).isEqualTo(c);
        assertThat(back.options(VaeConfig.class).learnSigma()).isTrue();
        assertThat(Json.MAPPER.writeValueAsString(ModelConfig.builder().arch("mlp").inputShape(5).build()))
                .as("other types write no options section").doesNotContain("vae").doesNotContain("options");
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(c, 4)) {
            assertThat(ae.parameters().keySet()).anyMatch(k -> k.contains("log_sigma"));
            NDArray x = m.randomNormal(new Shape(10, 5));
            try (Trainer t = new Trainer(ae, new TrainConfig(3, 5, 1e-2, 0), null)) {
                t.fit(x, null, new TrainingListener() { });
            }
            Parameter ls = ae.parameters().entrySet().stream().filter(e -> e.getKey().contains("log_sigma")).findFirst().get().getValue();
            assertThat(ls.getArray().getFloat()).as("sigma was trained").isNotEqualTo(0f);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            ae.saveParameters(buf);
            try (Autoencoder loaded = Autoencoder.load(back, new ByteArrayInputStream(buf.toByteArray()), Path.of("mem"))) {
                assertThat(loaded.encode(x).toFloatArray()).containsExactly(ae.encode(x).toFloatArray());
                assertThat(loaded.decode(ae.encode(x)).toFloatArray()).containsExactly(ae.decode(ae.encode(x)).toFloatArray());
                Parameter ls2 = loaded.parameters().entrySet().stream().filter(e -> e.getKey().contains("log_sigma")).findFirst().get().getValue();
                assertThat(ls2.getArray().getFloat()).isEqualTo(ls.getArray().getFloat());
            }
        }
    }

    @Test
    void badOptionsAreClearErrors() {
        assertThatThrownBy(() -> new VaeConfig(-1, 0, 0, 1, "none", null, false)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--beta");
        assertThatThrownBy(() -> new VaeConfig(1, -1, 0, 1, "none", null, false)).hasMessageContaining("--kl-warmup");
        assertThatThrownBy(() -> new VaeConfig(1, 0, -0.1, 1, "none", null, false)).hasMessageContaining("--free-bits");
        assertThatThrownBy(() -> new VaeConfig(1, 0, 0, 0, "none", null, false)).hasMessageContaining("--iw-samples");
        assertThatThrownBy(() -> new VaeConfig(1, 0, 0.5, 5, "none", null, false)).hasMessageContaining("--free-bits");
        assertThatThrownBy(() -> new VaeConfig(1, 0, 0, 1, "sometimes", null, false)).hasMessageContaining("--binarize");
        assertThatThrownBy(() -> new VaeConfig(1, 0, 0, 1, "none", 0.0, false)).hasMessageContaining("--sigma");
        assertThatThrownBy(() -> ModelConfig.builder().type("ae").vae(VaeConfig.DEFAULT).arch("mlp").inputShape(4).build())
                .hasMessageContaining("--model vae");
        assertThatThrownBy(() -> ModelConfig.builder().type("vae").vae(new VaeConfig(1, 0, 0, 1, "dynamic", null, false)).arch("mlp")
                .inputShape(4).loss("mse").build()).hasMessageContaining("--binarize");
        assertThatThrownBy(() -> ModelConfig.builder().type("vae").arch("mlp").inputShape(4).noise("mask:0.5").build())
                .hasMessageContaining("--noise");
        assertThatThrownBy(() -> ModelConfig.builder().type("vae").arch("mlp").inputShape(4).latentActivation("tanh").build())
                .hasMessageContaining("--latent-activation");
    }

    @Test
    void binarizationIsBinaryAndFixedDrawsRepeat() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.full(new Shape(200, 50), 0.3f);
            float[] a = Binarization.fixed(p, 7).toFloatArray();
            float[] b = Binarization.fixed(p, 7).toFloatArray();
            float[] c = Binarization.fixed(p, 8).toFloatArray();
            assertThat(Binarization.isBinary(a)).isTrue();
            assertThat(a).containsExactly(b);
            assertThat(a).isNotEqualTo(c);
            double mean = 0;
            for (float f : a) {
                mean += f / a.length;
            }
            assertThat(mean).isCloseTo(0.3, within(0.02));
            float[] d = Binarization.sample(p).toFloatArray();
            assertThat(Binarization.isBinary(d)).isTrue();
            float[] edges = Binarization.fixed(m.create(new float[] {0f, 1f, 0f, 1f}), 1).toFloatArray();
            assertThat(edges).containsExactly(0f, 1f, 0f, 1f);
        }
    }

    @Test
    void timeBudgetStopsAfterTheEpochThatUsesIt() {
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(bernoulliMlp(VaeConfig.DEFAULT), 0)) {
            NDArray train = TestData.barsArray(m, 64, 8, 1);
            // a budget of 60 microseconds: whatever the machine, the second epoch would end past it
            try (Trainer t = new Trainer(ae, new TrainConfig(50, 32, 1e-3, 0, 1e-6), null)) {
                List<EpochResult> r = t.fit(train, null, new TrainingListener() { });
                assertThat(r).hasSize(1);
            }
        }
        assertThatThrownBy(() -> new TrainConfig(1, 1, 1e-3, 0, 0.0)).hasMessageContaining("--max-minutes");
    }
}
