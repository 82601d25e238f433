package dev.bottleneck.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.bottleneck.InvalidInputException;
import dev.bottleneck.TestData;
import dev.bottleneck.eval.PcaBaseline;
import dev.bottleneck.train.EpochResult;
import dev.bottleneck.train.TrainConfig;
import dev.bottleneck.train.Trainer;
import dev.bottleneck.train.TrainingListener;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RegularizedModelsTest {

    @ParameterizedTest
    @CsvSource({"dae,mlp,", "dae,conv,", "cae,mlp,", "sparse,mlp,", "sparse,conv,l1:0.01", "ae,mlp,"})
    void everyModelTrainsWithItsLossFalling(String type, String arch, String penalty) {
        ModelConfig c = ModelConfig.builder().type(type).arch(arch).inputShape(1, 8, 8).hidden(32).channels(4, 8).latent(8)
                .penalty(penalty == null || penalty.isEmpty() ? null : penalty).build();
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(c, 0);
             Trainer t = new Trainer(ae, new TrainConfig(8, 32, 3e-3, 0), null)) {
            NDArray train = TestData.barsArray(m, 256, 8, 1);
            List<EpochResult> r = t.fit(train, null, new TrainingListener() { });
            assertThat(r.get(r.size() - 1).trainLoss()).as(type + "/" + arch).isLessThan(0.7 * r.get(0).trainLoss());
            if (ae.penalty() != null) {
                assertThat(r.get(0).trainTerms()).containsKey(ae.penalty().name());
            }
        }
    }

    @Test
    void noiseOnAPlainAutoencoderPointsToDae() {
        // an ae trained on corrupted inputs is a dae: refuse, rather than save an "ae" that denoises
        assertThatThrownBy(() -> ModelConfig.builder().type("ae").arch("mlp").inputShape(4).latent(2).output("none").noise("mask:0.5").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("use --model dae --noise mask:0.5");
        assertThat(ModelConfig.builder().type("cae").arch("mlp").inputShape(4).latent(2).output("none").noise("mask:0.5").build().noise())
                .isEqualTo("mask:0.5");
        // a manifest written before the check still loads
        ModelConfig old = new ModelConfig(1, "ae", "mlp", new int[] {4}, 2, new int[0], new int[0], "relu", "none", "mse", "none",
                "mask:0.5", null, false, false, null);
        assertThat(old.noise()).isEqualTo("mask:0.5");
    }

    @Test
    void theDenoisingModelSeesCorruptedInputOnlyWhileTraining() {
        ModelConfig c = ModelConfig.builder().type("dae").arch("mlp").inputShape(1, 8, 8).hidden(16).latent(4).noise("mask:0.9").build();
        assertThat(c.noise()).isEqualTo("mask:0.9");
        assertThat(ModelConfig.builder().type("dae").arch("mlp").inputShape(4).latent(2).output("none").build().noise()).isEqualTo("mask:0.25");
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(c, 0)) {
            NDArray x = TestData.barsArray(m, 64, 8, 1);
            float eval1 = ae.forward(x, false).loss().getFloat();
            float eval2 = ae.forward(x, false).loss().getFloat();
            assertThat(eval1).isEqualTo(eval2); // deterministic without corruption
            float train1 = ae.forward(x, true).loss().getFloat();
            float train2 = ae.forward(x, true).loss().getFloat();
            assertThat(train1).isNotEqualTo(train2); // a new mask each time
        }
    }

    @Test
    void tiedDecoderSharesTheEncoderWeights() {
        ModelConfig c = ModelConfig.builder().arch("mlp").inputShape(10).hidden(6).latent(3).output("none").tied(true).build();
        ModelConfig untied = ModelConfig.builder().arch("mlp").inputShape(10).hidden(6).latent(3).output("none").build();
        try (Autoencoder ae = Autoencoder.create(c, 0); Autoencoder free = Autoencoder.create(untied, 0);
             NDManager m = NDManager.newBaseManager()) {
            // untied minus the two decoder weight matrices (6x3 and 10x6)
            assertThat(ae.parameterCount()).isEqualTo(free.parameterCount() - 6 * 3 - 10 * 6);
            NDArray z = m.randomNormal(new Shape(4, 3));
            float[] before = ae.decode(z).toFloatArray();
            // scaling the encoder's last layer weight changes the decoder's first layer the same way
            ae.parameters().entrySet().stream().filter(e -> e.getKey().contains("encoder") && e.getKey().endsWith("weight"))
                    .reduce((a, b) -> b).orElseThrow().getValue().getArray().muli(2f);
            assertThat(ae.decode(z).toFloatArray()).isNotEqualTo(before);
            assertThat(ae.describe()).contains("tied");
        }
        assertThatThrownBy(() -> ModelConfig.builder().arch("conv").inputShape(1, 8, 8).latent(2).tied(true).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("--tied is for --arch mlp");
    }

    /** Orthonormal basis of the column space of a (D, k) matrix. */
    private static DMatrixRMaj orth(DMatrixRMaj a) {
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(a.numRows, a.numCols);
        qr.decompose(a.copy());
        return qr.getQ(null, true);
    }

    @Test
    void aLinearTiedAutoencoderFindsThePcaSubspace() {
        int n = 2000;
        int d = 12;
        int k = 3;
        Random rnd = new Random(5);
        float[] x = new float[n * d];
        double[] scales = {3, 2, 1.5};
        double[][] basis = new double[k][d];
        for (int q = 0; q < k; q++) {
            for (int j = 0; j < d; j++) {
                basis[q][j] = rnd.nextGaussian() / Math.sqrt(d);
            }
        }
        for (int i = 0; i < n; i++) {
            double[] coef = new double[k];
            for (int q = 0; q < k; q++) {
                coef[q] = scales[q] * rnd.nextGaussian();
            }
            for (int j = 0; j < d; j++) {
                double v = 0.7;
                for (int q = 0; q < k; q++) {
                    v += coef[q] * basis[q][j];
                }
                x[i * d + j] = (float) (v + 0.05 * rnd.nextGaussian());
            }
        }
        ModelConfig c = ModelConfig.builder().arch("mlp").inputShape(d).hidden().latent(k).activation("none")
                .latentActivation("none").output("none").tied(true).build();
        try (NDManager m = NDManager.newBaseManager(); Autoencoder ae = Autoencoder.create(c, 1);
             // full-batch Adam: minibatch noise would keep it a few percent above the optimum
             Trainer t = new Trainer(ae, new TrainConfig(1200, n, 1e-2, 1), null)) {
            NDArray data = m.create(x, new Shape(n, d));
            t.fit(data, null, new TrainingListener() { });
            PcaBaseline pca = PcaBaseline.fit(data, k, 0);
            double pcaMse = pca.mse(data);
            double aeMse = data.sub(ae.reconstruct(data)).square().mean().getFloat();
            assertThat(aeMse).isCloseTo(pcaMse, within(0.02 * pcaMse));
            // principal angles between span(W^T) and the PCA subspace
            float[] w = ae.parameters().entrySet().stream().filter(e -> e.getKey().endsWith("weight")).findFirst()
                    .orElseThrow().getValue().getArray().toFloatArray(); // (k, d)
            DMatrixRMaj wt = new DMatrixRMaj(d, k);
            DMatrixRMaj p = new DMatrixRMaj(d, k);
            float[] comps = pca.componentMatrix(); // (k, d)
            for (int q = 0; q < k; q++) {
                for (int j = 0; j < d; j++) {
                    wt.set(j, q, w[q * d + j]);
                    p.set(j, q, comps[q * d + j]);
                }
            }
            DMatrixRMaj cross = new DMatrixRMaj(k, k);
            CommonOps_DDRM.multTransA(orth(p), orth(wt), cross);
            SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(k, k, false, false, true);
            svd.decompose(cross);
            for (double cosine : svd.getSingularValues()) {
                assertThat(cosine).isGreaterThanOrEqualTo(0.99);
            }
        }
    }
}
