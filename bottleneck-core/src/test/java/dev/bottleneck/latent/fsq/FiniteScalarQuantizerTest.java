package dev.bottleneck.latent.fsq;

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
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FiniteScalarQuantizerTest {

    private static final int[] PAPER = {8, 5, 5, 5};

    @Test
    void thePapersLevelSetsAndTheirCodebookSizes() {
        assertThat(FsqConfig.of(PAPER).codebookSize()).isEqualTo(1000);
        assertThat(FsqConfig.recommended(10)).isEqualTo(FsqConfig.of(PAPER));
        assertThat(FsqConfig.recommended(8).codebookSize()).isEqualTo(240);
        assertThat(FsqConfig.recommended(12).codebookSize()).isEqualTo(4375);
        assertThat(FsqConfig.recommended(14).codebookSize()).isEqualTo(15360);
        assertThat(FsqConfig.recommended(16).codebookSize()).isEqualTo(64000);
        assertThatThrownBy(() -> FsqConfig.recommended(9)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> FsqConfig.of(8, 1, 5)).isInstanceOf(InvalidInputException.class).hasMessageContaining("at least 2, got 1");
        assertThatThrownBy(() -> FsqConfig.of()).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new FiniteScalarQuantizer(FsqConfig.of(PAPER)).encoderOutputSize(6)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void eachDimensionTakesExactlyItsLevelsEvenCountsOffsetAsInThePaper() {
        try (NDManager m = NDManager.newBaseManager()) {
            FiniteScalarQuantizer q = new FiniteScalarQuantizer(FsqConfig.of(8, 5, 2, 3));
            NDArray sweep = m.linspace(-6f, 6f, 4001).reshape(-1, 1).repeat(1, 4);
            float[] z = q.quantize(sweep).toFloatArray();
            double[][] want = {
                {-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75}, // L = 8: -4..3 over 4
                {-1, -0.5, 0, 0.5, 1}, // L = 5: -2..2 over 2
                {-1, 0}, // L = 2: -1..0 over 1
                {-1, 0, 1}, // L = 3
            };
            for (int dim = 0; dim < 4; dim++) {
                TreeSet<Double> seen = new TreeSet<>();
                for (int i = dim; i < z.length; i += 4) {
                    seen.add((double) z[i]);
                }
                assertThat(seen).as("dimension %d", dim).containsExactly(java.util.Arrays.stream(want[dim]).boxed().toArray(Double[]::new));
            }
            // zero maps to the middle level (0) for odd and even counts alike
            assertThat(q.quantize(m.zeros(new Shape(1, 4))).toFloatArray()).containsExactly(0, 0, 0, 0);
        }
    }

    @Test
    void mixedRadixIndicesRoundTripOverTheWholeCodebook() {
        try (NDManager m = NDManager.newBaseManager()) {
            FiniteScalarQuantizer q = new FiniteScalarQuantizer(FsqConfig.of(PAPER));
            NDArray all = m.arange(0, 1000, 1, DataType.INT64);
            NDArray vectors = q.vectors(all, DataType.FLOAT32);
            assertThat(vectors.getShape()).isEqualTo(new Shape(1000, 4));
            assertThat(q.indices(vectors).toLongArray()).containsExactly(all.toLongArray());
            // index 1 = digit 1 of the first dimension (radix 8), digit 0 elsewhere
            assertThat(vectors.get(1).toFloatArray()).containsExactly(-0.75f, -1f, -1f, -1f);
            // index 8 = digit 1 of the second dimension
            assertThat(vectors.get(8).toFloatArray()).containsExactly(-1f, -0.5f, -1f, -1f);
            // the 1,000 codes are distinct
            assertThat(vectors.reshape(1000, 1, 4).sub(vectors.reshape(1, 1000, 4)).abs().sum(new int[] {2}).eq(0f).sum().getLong()).isEqualTo(1000);
        }
    }

    @Test
    void flatAndGridShapesAndCodesRoundTripThroughEmbed() {
        try (NDManager m = NDManager.newBaseManager()) {
            FiniteScalarQuantizer q = new FiniteScalarQuantizer(FsqConfig.of(PAPER));
            NDArray flat = m.randomNormal(new Shape(6, 8));
            LatentOutput o = q.forward(flat, false);
            assertThat(o.z().getShape()).isEqualTo(new Shape(6, 8));
            assertThat(o.lossTerms()).isEmpty();
            assertThat(o.metrics()).containsKeys("perplexity", "codes_used_fraction");
            NDArray codes = q.codes(flat);
            assertThat(codes.getShape()).isEqualTo(new Shape(6, 2));
            assertThat(codes.getDataType()).isEqualTo(DataType.INT64);
            assertThat(q.embed(codes).toFloatArray()).containsExactly(q.code(flat).toFloatArray());
            assertThat(o.z().toFloatArray()).containsExactly(q.code(flat).toFloatArray());

            NDArray grid = m.randomNormal(new Shape(2, 4, 3, 3));
            NDArray gcodes = q.codes(grid);
            assertThat(gcodes.getShape()).isEqualTo(new Shape(2, 3, 3));
            assertThat(q.forward(grid, true).z().getShape()).isEqualTo(new Shape(2, 4, 3, 3));
            assertThat(q.embed(gcodes).toFloatArray()).containsExactly(q.code(grid).toFloatArray());
            // the grid position (1, 2) of example 1 is the vector of its 4 channels there
            NDArray v = grid.get("1, :, 1, 2").reshape(1, 4);
            assertThat(q.codes(v).getLong(0, 0)).isEqualTo(gcodes.getLong(1, 1, 2));
        }
    }

    @Test
    void theStraightThroughGradientIsTheBoundsDerivative() {
        try (NDManager m = NDManager.newBaseManager()) {
            FiniteScalarQuantizer q = new FiniteScalarQuantizer(FsqConfig.of(PAPER));
            NDArray h = m.randomNormal(new Shape(5, 8));
            NDArray r = m.randomNormal(new Shape(5, 8));
            h.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(q.forward(h, true).z().mul(r).sum());
            }
            float[] g = h.getGradient().toFloatArray();
            float[] x = h.toFloatArray();
            float[] rr = r.toFloatArray();
            for (int i = 0; i < x.length; i++) {
                int level = PAPER[i % 4];
                double half = (level - 1) * (1 - 1e-3) / 2;
                double shift = Math.tan((level % 2 == 0 ? 0.5 : 0) / half);
                double t = Math.tanh(x[i] + shift);
                double want = rr[i] * (1 - t * t) * half / (level / 2);
                assertThat((double) g[i]).isCloseTo(want, within(1e-5 * Math.max(1, Math.abs(want))));
            }
        }
    }

    @Test
    void float32GradientsMatchFloat64OnInputsAwayFromRoundingBoundaries() {
        try (NDManager m = NDManager.newBaseManager()) {
            FiniteScalarQuantizer q = new FiniteScalarQuantizer(FsqConfig.of(8, 5, 5, 5, 8, 6));
            int[] levels = {8, 5, 5, 5, 8, 6};
            // bound(x) = integer + delta, |delta| <= 0.3: both precisions round the same way
            Random rnd = new Random(4);
            float[] x = new float[16 * 6];
            for (int i = 0; i < x.length; i++) {
                int l = levels[i % 6];
                double half = (l - 1) * (1 - 1e-3) / 2;
                double offset = l % 2 == 0 ? 0.5 : 0;
                int lo = -(l / 2);
                int hi = l % 2 == 0 ? l / 2 - 1 : l / 2;
                int k = lo + 1 + rnd.nextInt(Math.max(1, hi - lo - 1)); // inner levels: tanh not saturated
                double t = k + (rnd.nextDouble() - 0.5) * 0.6;
                double y = (t + offset) / half;
                x[i] = (float) (0.5 * Math.log((1 + y) / (1 - y)) - Math.tan(offset / half));
            }
            NDArray h = m.create(x, new Shape(16, 6));
            NDArray r = m.randomNormal(new Shape(16, 6));
            GradientCheck.Report rep = GradientCheck.checkFunction("fsq", new NDList(h, r), List.of("h", "r"),
                    in -> q.forward(in.get(0), true).z().mul(in.get(1)).sum(), 2);
            assertThat(rep.passed()).as("%s", rep).isTrue();
            assertThat(rep.results().get(0).scale()).isGreaterThan(0);
        }
    }

    @Test
    void outOfRangeCodesAreOneLineErrors() {
        try (NDManager m = NDManager.newBaseManager()) {
            FiniteScalarQuantizer q = new FiniteScalarQuantizer(FsqConfig.of(PAPER));
            assertThatThrownBy(() -> q.embed(m.create(new int[] {5, 1000}, new Shape(1, 2))))
                    .isInstanceOf(InvalidInputException.class).hasMessage("code 1000 is out of range for a codebook of 1000");
            assertThatThrownBy(() -> q.embed(m.create(new float[] {2.5f}, new Shape(1, 1))))
                    .isInstanceOf(InvalidInputException.class).hasMessage("codes must be whole numbers, got 2.5");
            assertThatThrownBy(() -> q.embed(m.create(new int[] {1, 2, 3, 4}, new Shape(1, 1, 1, 4)))).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void usageOverAnEpochOfTrainingPasses() {
        try (NDManager m = NDManager.newBaseManager()) {
            FiniteScalarQuantizer q = new FiniteScalarQuantizer(FsqConfig.of(2, 2));
            // four vectors at the four corners: every code once
            NDArray h = m.create(new float[] {-3, -3, 3, -3, -3, 3, 3, 3}, new Shape(1, 8));
            LatentOutput o = q.forward(h, true);
            assertThat(o.metrics().get("perplexity").getFloat()).isCloseTo(4f, within(1e-5f));
            assertThat(o.metrics().get("codes_used_fraction").getFloat()).isEqualTo(1f);
            assertThat(q.codes(h).toLongArray()).containsExactly(0, 1, 2, 3);
            q.forward(h.get(":, :2"), true);
            assertThat(q.usage().counts()).containsExactly(2, 1, 1, 1);
            assertThat(q.newUsage().slots()).isEqualTo(4);
            q.beginEpoch(2);
            assertThat(q.usage().total()).isZero();
        }
    }
}
