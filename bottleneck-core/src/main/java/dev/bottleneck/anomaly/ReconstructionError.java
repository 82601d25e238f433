package dev.bottleneck.anomaly;

import ai.djl.ndarray.NDArray;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.model.Autoencoder;

/**
 * The reconstruction error as anomaly score: the mean over an example's {@code F} input values of
 * {@code (x - x_hat)^2}, with {@code x_hat} the model's deterministic reconstruction (encoder, code,
 * decoder and output activation; no training corruption).
 *
 * <p>Units: the metric scale of {@link InputScaling}: standardized units for tables (each column
 * divided by its training std, so columns weigh alike), [0, 1] pixels for images (MSE per pixel,
 * comparable across {@code unit} and {@code pm1} models). This is H2O's {@code h2o.anomaly} MSE
 * per row; its per-feature form is H2O's {@code per_feature = TRUE} squared errors. PyOD's {@code
 * AutoEncoder} scores by the Euclidean distance {@code sqrt(F * mse)} on standardized data, which
 * ranks examples the same way.
 */
public final class ReconstructionError implements AnomalyScore {

    private final float factor;

    /**
     * @param scaling the model's input scaling; errors are multiplied by {@code a^2} with {@code a}
     *     the model-to-metric slope ({@code 1/4} for {@code pm1} pixels, 1 otherwise)
     */
    public ReconstructionError(InputScaling scaling) {
        float a = scaling.metricAffine()[0];
        this.factor = a * a;
    }

    @Override
    public String name() {
        return "mse";
    }

    @Override
    public String description() {
        return "reconstruction error, mean squared error per value (standardized units for tables, [0,1] pixels for images)";
    }

    @Override
    public NDArray score(Autoencoder model, NDArray x) {
        return perFeature(model, x).mean(new int[] {1});
    }

    @Override
    public NDArray perFeature(Autoencoder model, NDArray x) {
        NDArray se = model.reconstruct(x).sub(x).square();
        if (factor != 1f) {
            se = se.mul(factor);
        }
        return se.reshape(x.getShape().get(0), -1);
    }
}
