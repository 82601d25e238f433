package dev.bottleneck.latent.vq;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.check.GradientCheck;
import dev.bottleneck.latent.CodeUsage;
import dev.bottleneck.latent.LatentOutput;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VectorQuantizerTest {

    /** A quantizer with its block initialized (as the autoencoder does) in {@code m}. */
    private static VectorQuantizer make(VqConfig c, NDManager m, Shape encoderOutput) {
        VectorQuantizer vq = new VectorQuantizer(c);
        Engine.getInstance().setRandomSeed(1);
        vq.parameterBlock().initialize(m, DataType.FLOAT32, encoderOutput);
        return vq;
    }

    private static void setCodebook(VectorQuantizer vq, float[] values) {
        vq.codebookBlock().codebook().set(values);
    }

    @Test
    void flatAndGridShapesAndLossTerms() {
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer vq = make(VqConfig.builder(16, 4).build(), m, new Shape(1, 12));
            assertThat(vq.encoderOutputSize(12)).isEqualTo(12);
            assertThat(vq.codebookBlock().codebook().getShape()).isEqualTo(new Shape(16, 4));
            // the codebook starts uniform in [-1/K, 1/K]
            assertThat(vq.codebookBlock().codebook().abs().max().getFloat()).isLessThanOrEqualTo(1f / 16);
            NDArray flat = m.randomNormal(new Shape(5, 12));
            LatentOutput o = vq.forward(flat, true);
            assertThat(o.z().getShape()).isEqualTo(new Shape(5, 12));
            assertThat(o.lossTerms()).containsOnlyKeys("codebook_per_element", "commitment_per_element");
            assertThat(o.metrics()).containsOnlyKeys("perplexity", "codes_used_fraction");
            NDArray codes = vq.codes(flat);
            assertThat(codes.getShape()).isEqualTo(new Shape(5, 3));
            assertThat(codes.getDataType()).isEqualTo(DataType.INT64);

            NDArray grid = m.randomNormal(new Shape(2, 4, 7, 7));
            assertThat(vq.forward(grid, false).z().getShape()).isEqualTo(new Shape(2, 4, 7, 7));
            assertThat(vq.codes(grid).getShape()).isEqualTo(new Shape(2, 7, 7));

            VectorQuantizer ema = make(VqConfig.builder(16, 4).optEma(VqConfig.Ema.standard()).build(), m, new Shape(1, 12));
            assertThat(ema.forward(flat, true).lossTerms()).containsOnlyKeys("commitment_per_element");
            assertThat(ema.codebookBlock().getParameters().get("codebook").requiresGradient()).isFalse();
        }
    }

    @Test
    void nearestEntryByL2OrByCosineAndTheLossValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] book = {10, 0, 0.1f, 0.1f};
            NDArray x = m.create(new float[] {5, 0.5f}, new Shape(1, 2));
            VectorQuantizer l2 = make(VqConfig.builder(2, 2).optBeta(0.25).build(), m, new Shape(1, 2));
            setCodebook(l2, book);
            LatentOutput o = l2.forward(x, false);
            assertThat(l2.codes(x).toLongArray()).containsExactly(1); // |x - e1|^2 = 24.17 < 25.25
            assertThat(o.z().toFloatArray()).containsExactly(0.1f, 0.1f);
            double sq = (4.9 * 4.9 + 0.4 * 0.4) / 2; // mean over the 2 elements
            assertThat((double) o.lossTerms().get("codebook_per_element").getFloat()).isCloseTo(sq, within(1e-4));
            assertThat((double) o.lossTerms().get("commitment_per_element").getFloat()).isCloseTo(0.25 * sq, within(1e-4));

            VectorQuantizer cos = make(VqConfig.builder(2, 2).optDistance(Distance.COSINE).build(), m, new Shape(1, 2));
            setCodebook(cos, book);
            assertThat(cos.codes(x).toLongArray()).containsExactly(0); // cos 0.995 > 0.77
            assertThat(cos.code(x).toFloatArray()).containsExactly(1f, 0f); // the normalized entry
            assertThat(Distance.parse(" Cosine ")).isSameAs(Distance.COSINE);
            assertThatThrownBy(() -> Distance.parse("manhattan")).hasMessageContaining("known: l2, cosine");
        }
    }

    @Test
    void straightThroughGradientIsTheIdentityAndTheCodebookLossMovesTheChosenEntries() {
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer vq = make(VqConfig.builder(3, 2).optBeta(0.5).build(), m, new Shape(1, 4));
            setCodebook(vq, new float[] {0, 0, 1, 1, -1, 1});
            NDArray h = m.create(new float[] {0.9f, 1.2f, 0.1f, -0.1f}, new Shape(1, 4)); // vectors -> entries 1 and 0
            NDArray r = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 4));
            h.setRequiresGradient(true);
            NDArray book = vq.codebookBlock().codebook();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(vq.forward(h, true).z().mul(r).sum());
            }
            assertThat(h.getGradient().toFloatArray()).containsExactly(1, 2, 3, 4);
            assertThat(book.getGradient().abs().sum().getFloat()).isZero(); // z alone sends nothing to the codebook
            NDArray h2 = h.stopGradient().duplicate();
            h2.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(vq.forward(h2, true).lossTerms().get("codebook_per_element"));
            }
            // d/de_k mean ||e_k - x||^2 = 2 (e_k - x) / (P*D) over the vectors assigned to k
            assertThat(book.getGradient().toFloatArray()).usingComparatorWithPrecision(1e-6f)
                    .containsExactly(2 * -0.1f / 4, 2 * 0.1f / 4, 2 * 0.1f / 4, 2 * -0.2f / 4, 0, 0);
            assertThat(h2.getGradient().abs().sum().getFloat()).isZero(); // the codebook loss does not reach the encoder
        }
    }

    @Test
    void float32GradientsMatchFloat64ForL2AndCosine() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Distance d : new Distance[] {Distance.L2, Distance.COSINE}) {
                Random rnd = new Random(3);
                NDArray book = m.randomNormal(new Shape(8, 4)).mul(3f);
                long[] pick = new long[24];
                for (int i = 0; i < pick.length; i++) {
                    pick[i] = rnd.nextInt(8);
                }
                // each vector sits close to one entry: both precisions pick the same one
                NDArray x = book.get(m.create(pick)).add(m.randomNormal(new Shape(24, 4)).mul(0.05f));
                NDArray r = m.randomNormal(new Shape(24, 4));
                GradientCheck.Report rep = GradientCheck.checkFunction("vq " + d.name(), new NDList(x, book, r), List.of("x", "codebook", "r"), in -> {
                    VectorQuantizer.Quantized q = VectorQuantizer.quantize(in.get(0), in.get(1), d, 0.25, true);
                    return q.z().mul(in.get(2)).sum().add(q.codebookLoss()).add(q.commitmentLoss());
                }, 5);
                assertThat(rep.passed()).as("%s", rep).isTrue();
                assertThat(rep.results().get(1).scale()).isGreaterThan(0);
            }
        }
    }

    @Test
    void codesRoundTripThroughEmbedAndOutOfRangeCodesAreRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer vq = make(VqConfig.builder(512, 4).build(), m, new Shape(1, 8));
            NDArray flat = m.randomNormal(new Shape(6, 8)).mul(0.01f);
            assertThat(vq.embed(vq.codes(flat)).toFloatArray()).containsExactly(vq.code(flat).toFloatArray());
            NDArray grid = m.randomNormal(new Shape(2, 4, 3, 3)).mul(0.01f);
            assertThat(vq.embed(vq.codes(grid)).toFloatArray()).containsExactly(vq.code(grid).toFloatArray());
            assertThat(vq.embed(vq.codes(grid)).getShape()).isEqualTo(new Shape(2, 4, 3, 3));
            assertThat(vq.forward(grid, false).z().toFloatArray()).containsExactly(vq.code(grid).toFloatArray());
            assertThatThrownBy(() -> vq.embed(m.create(new int[] {3, 600}, new Shape(1, 2))))
                    .isInstanceOf(InvalidInputException.class).hasMessage("code 600 is out of range for a codebook of 512");
            assertThatThrownBy(() -> vq.embed(m.create(new int[] {-3, 6}, new Shape(1, 2))))
                    .isInstanceOf(InvalidInputException.class).hasMessage("code -3 is out of range for a codebook of 512");
            assertThat(vq.codebookSize()).isEqualTo(512);
        }
    }

    @Test
    void badOptionsAreOneLineErrors() {
        assertThatThrownBy(() -> VqConfig.builder(0, 16).build()).isInstanceOf(InvalidInputException.class)
                .hasMessage("--codebook-size must be at least 1, got 0");
        assertThatThrownBy(() -> VqConfig.builder(-5, 16).build()).isInstanceOf(InvalidInputException.class)
                .hasMessage("--codebook-size must be at least 1, got -5");
        assertThatThrownBy(() -> VqConfig.builder(8, 0).build()).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> VqConfig.builder(8, 4).optBeta(-1).build()).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new VqConfig.Ema(1.0, 1e-5)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new VqConfig.DeadCodeReset(0, 0.9)).isInstanceOf(InvalidInputException.class);
        VectorQuantizer vq = new VectorQuantizer(VqConfig.builder(8, 16).build());
        assertThatThrownBy(() -> vq.encoderOutputSize(30)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dimension 16");
        assertThatThrownBy(() -> vq.codebookBlock().codebook()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not initialized");
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer init = make(VqConfig.builder(8, 4).build(), m, new Shape(1, 8));
            assertThatThrownBy(() -> init.forward(m.zeros(new Shape(2, 3, 5, 5)), false)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("3 channels");
        }
    }

    @Test
    void theCodebookAndItsStatisticsSaveAndLoad() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VqConfig c = VqConfig.builder(8, 2).optEma(new VqConfig.Ema(0.5, 1e-5)).optDeadCodeReset(new VqConfig.DeadCodeReset(0.1, 0.9))
                    .optKMeansInit(new VqConfig.KMeansInit(3)).optSeed(7).build();
            VectorQuantizer a = make(c, m, new Shape(1, 4));
            NDArray h = m.randomNormal(new Shape(16, 4));
            a.forward(h, true); // k-means from 32 vectors
            a.afterStep(1);
            assertThat(a.codebookBlock().dataInitialized()).isTrue();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            a.parameterBlock().saveParameters(new DataOutputStream(bytes));

            VectorQuantizer b = make(c, m, new Shape(1, 4));
            assertThat(b.codebookBlock().dataInitialized()).isFalse();
            b.parameterBlock().loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertThat(b.codebookBlock().dataInitialized()).isTrue(); // no second k-means after a load
            assertThat(b.codebookBlock().codebook().toFloatArray()).containsExactly(a.codebookBlock().codebook().toFloatArray());
            assertThat(b.codebookBlock().emaCount().toFloatArray()).containsExactly(a.codebookBlock().emaCount().toFloatArray());
            assertThat(b.codebookBlock().emaSum().toFloatArray()).containsExactly(a.codebookBlock().emaSum().toFloatArray());
            assertThat(b.codebookBlock().usage().toFloatArray()).containsExactly(a.codebookBlock().usage().toFloatArray());
            assertThat(b.codes(h).toLongArray()).containsExactly(a.codes(h).toLongArray());

            // a gradient-learned codebook loads with its gradient switched back on
            VqConfig g = VqConfig.builder(8, 2).build();
            VectorQuantizer ga = make(g, m, new Shape(1, 4));
            ByteArrayOutputStream gb = new ByteArrayOutputStream();
            ga.parameterBlock().saveParameters(new DataOutputStream(gb));
            VectorQuantizer gl = make(g, m, new Shape(1, 4));
            gl.parameterBlock().loadParameters(m, new DataInputStream(new ByteArrayInputStream(gb.toByteArray())));
            assertThat(gl.codebookBlock().codebook().hasGradient()).isTrue();
            assertThat(gl.codebookBlock().codebook().toFloatArray()).containsExactly(ga.codebookBlock().codebook().toFloatArray());

            // a file with another codebook size says so
            VectorQuantizer other = make(VqConfig.builder(16, 2).build(), m, new Shape(1, 4));
            assertThatThrownBy(() -> other.parameterBlock().loadParameters(m, new DataInputStream(new ByteArrayInputStream(gb.toByteArray()))))
                    .isInstanceOf(MalformedModelException.class).hasMessageContaining("8 x 2").hasMessageContaining("16 x 2");
        }
    }

    @Test
    void kMeansInitializationFromTheFirstBatchesFindsTheClusters() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] centers = {{5, 5}, {-5, 5}, {5, -5}, {-5, -5}};
            Random rnd = new Random(2);
            float[] data = new float[40 * 2];
            for (int i = 0; i < 40; i++) {
                data[2 * i] = centers[i % 4][0] + (float) rnd.nextGaussian() * 0.1f;
                data[2 * i + 1] = centers[i % 4][1] + (float) rnd.nextGaussian() * 0.1f;
            }
            NDArray all = m.create(data, new Shape(40, 2));
            VectorQuantizer vq = make(VqConfig.builder(4, 2).optKMeansInit(new VqConfig.KMeansInit(10)).optSeed(3).build(), m, new Shape(1, 2));
            vq.forward(all.get("0:2"), true); // 2 vectors < K: keep collecting
            assertThat(vq.codebookBlock().dataInitialized()).isFalse();
            vq.forward(all.get("2:40"), true);
            assertThat(vq.codebookBlock().dataInitialized()).isTrue();
            NDArray book = vq.codebookBlock().codebook();
            for (float[] c : centers) {
                NDArray d = book.sub(m.create(c)).square().sum(new int[] {1}).sqrt();
                assertThat(d.min().getFloat()).as("an entry at (%s, %s)", c[0], c[1]).isLessThan(0.2f);
            }
            long[] codes = vq.codes(all).toLongArray();
            for (int i = 0; i < 40; i++) {
                assertThat(codes[i]).isEqualTo(codes[i % 4]); // one entry per cluster
            }
            assertThat(new long[] {codes[0], codes[1], codes[2], codes[3]}).doesNotHaveDuplicates();
        }
    }

    @Test
    void theEmaUpdateWithLaplaceSmoothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            double eps = 1e-5;
            VectorQuantizer vq = make(VqConfig.builder(2, 2).optEma(new VqConfig.Ema(0.5, eps)).build(), m, new Shape(1, 2));
            setCodebook(vq, new float[] {0, 0, 10, 10});
            vq.codebookBlock().replace("ema_sum", m.create(new float[] {0, 0, 10, 10}, new Shape(2, 2)));
            vq.forward(m.create(new float[] {1, 1, 3, 3}, new Shape(2, 2)), true); // both to entry 0
            vq.afterStep(1);
            // N = 0.5 * 1 + 0.5 * (2, 0) = (1.5, 0.5); m_0 = 0.5 * 0 + 0.5 * (4, 4) = (2, 2); m_1 = (5, 5)
            double n = 2.0;
            double s0 = (1.5 + eps) / (n + 2 * eps) * n;
            double s1 = (0.5 + eps) / (n + 2 * eps) * n;
            assertThat(vq.codebookBlock().emaCount().toFloatArray()).containsExactly(1.5f, 0.5f);
            float[] book = vq.codebookBlock().codebook().toFloatArray();
            assertThat((double) book[0]).isCloseTo(2 / s0, within(1e-5));
            assertThat((double) book[2]).isCloseTo(5 / s1, within(1e-4));
            vq.afterStep(2); // nothing gathered since: no change
            assertThat(vq.codebookBlock().codebook().toFloatArray()).containsExactly(book);
        }
    }

    /** Clustered vectors: 48 centers in 8 dimensions, 100 noisy copies each. */
    private static NDArray clusters(NDManager m, Random rnd) {
        int k = 48;
        int d = 8;
        float[] centers = new float[k * d];
        for (int i = 0; i < centers.length; i++) {
            centers[i] = (float) rnd.nextGaussian() * 4;
        }
        float[] data = new float[k * 100 * d];
        for (int i = 0; i < k * 100; i++) {
            for (int j = 0; j < d; j++) {
                data[i * d + j] = centers[(i % k) * d + j] + (float) rnd.nextGaussian() * 0.2f;
            }
        }
        return m.create(data, new Shape(k * 100, d));
    }

    /** EMA training on the clusters with half the codebook far away; returns the test-set usage. */
    private static CodeUsage train(NDManager m, boolean reset) {
        VqConfig.Builder b = VqConfig.builder(32, 8).optEma(new VqConfig.Ema(0.9, 1e-5)).optSeed(11);
        if (reset) {
            b.optDeadCodeReset(new VqConfig.DeadCodeReset(0.1, 0.9));
        }
        VectorQuantizer vq = make(b.build(), m, new Shape(1, 8));
        Random rnd = new Random(8);
        NDArray data = clusters(m, rnd);
        NDArray book = m.randomNormal(new Shape(32, 8));
        book = book.concat(m.randomNormal(new Shape(32, 8)).add(100f), 0).get("0:16, :").concat(m.randomNormal(new Shape(16, 8)).add(100f), 0);
        setCodebook(vq, book.toFloatArray());
        vq.codebookBlock().replace("ema_sum", book);
        long n = data.getShape().get(0);
        for (int step = 1; step <= 150; step++) {
            try (NDManager batch = m.newSubManager()) {
                long[] rows = new long[256];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = rnd.nextInt((int) n);
                }
                NDArray x = data.get(batch.create(rows));
                x.attach(batch);
                vq.forward(x, true);
                vq.afterStep(step);
            }
        }
        CodeUsage test = vq.newUsage();
        test.add(vq.codes(data));
        if (reset) {
            assertThat(vq.totalResets()).isGreaterThanOrEqualTo(16);
            assertThat(vq.usage().resets()).isEqualTo(vq.totalResets());
        } else {
            assertThat(vq.totalResets()).isZero();
        }
        return test;
    }

    @Test
    void emaTrainingOnClustersUsesNinetyPercentOfTheCodesWithResetAndClearlyFewerWithout() {
        try (NDManager m = NDManager.newBaseManager()) {
            CodeUsage with = train(m, true);
            CodeUsage without = train(m, false);
            assertThat(with.usedFraction()).as("with reset: %s", with).isGreaterThanOrEqualTo(0.9);
            // without reset the far half stays unused until Laplace smoothing drags a few of its
            // entries towards the origin (their EMA counts fall below epsilon)
            assertThat(without.usedFraction()).as("without reset: %s", without).isLessThanOrEqualTo(0.7);
            assertThat(with.perplexity()).isGreaterThan(1.5 * without.perplexity());
        }
    }

    @Test
    void deadCodeResetRevivesFarAwayEntriesOfAGradientCodebook() {
        try (NDManager m = NDManager.newBaseManager()) {
            VectorQuantizer vq = make(VqConfig.builder(8, 2).optDeadCodeReset(new VqConfig.DeadCodeReset(0.5, 0.5)).optSeed(4).build(), m,
                    new Shape(1, 2));
            float[] book = {1, 1, -1, 1, 1, -1, -1, -1, 90, 90, 91, 90, 90, 91, 91, 91};
            setCodebook(vq, book);
            NDArray x = m.randomUniform(-2f, 2f, new Shape(64, 2));
            for (int step = 1; step <= 3; step++) {
                LatentOutput o = vq.forward(x, true);
                if (step == 1) {
                    assertThat(o.metrics().get("codes_used_fraction").getFloat()).isEqualTo(0.5f);
                }
                vq.afterStep(step);
            }
            // the four far entries were unused, fell below 0.5/K and now sit on encoder vectors
            assertThat(vq.totalResets()).isEqualTo(4);
            assertThat(vq.usage().resets()).isEqualTo(4);
            assertThat(vq.codebookBlock().codebook().abs().max().getFloat()).isLessThanOrEqualTo(2f);
            assertThat(vq.codebookBlock().codebook().hasGradient()).isTrue();
            CodeUsage after = vq.newUsage();
            after.add(vq.codes(x));
            assertThat(after.used()).isGreaterThan(4);
            vq.beginEpoch(2);
            assertThat(vq.usage().resets()).isZero();
            assertThat(vq.totalResets()).isEqualTo(4);
        }
    }

    @Test
    void trainingPassesLeaveNothingBehindInTheModelsManager() {
        try (NDManager model = NDManager.newBaseManager()) {
            VqConfig c = VqConfig.builder(16, 4).optEma(VqConfig.Ema.standard()).optDeadCodeReset(VqConfig.DeadCodeReset.standard())
                    .optKMeansInit(new VqConfig.KMeansInit(2)).build();
            for (VqConfig cfg : new VqConfig[] {c, VqConfig.builder(16, 4).optDistance(Distance.COSINE).optDeadCodeReset(VqConfig.DeadCodeReset.standard()).build()}) {
                VectorQuantizer vq = make(cfg, model, new Shape(1, 8));
                int before = -1;
                for (int step = 1; step <= 6; step++) {
                    try (NDManager batch = model.newSubManager()) {
                        NDArray h = batch.randomNormal(new Shape(32, 8));
                        h.setRequiresGradient(true);
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            LatentOutput o = vq.forward(h, true);
                            NDArray loss = o.z().sum();
                            for (NDArray t : o.lossTerms().values()) {
                                loss = loss.add(t);
                            }
                            gc.backward(loss);
                        }
                        vq.code(h);
                        vq.embed(vq.codes(h));
                    }
                    vq.afterStep(step);
                    int now = model.getManagedArrays().size();
                    if (step == 2) {
                        before = now;
                    } else if (step > 2) {
                        assertThat(now).as("%s, step %d", cfg.distance().name(), step).isEqualTo(before);
                    }
                }
            }
        }
    }
}
