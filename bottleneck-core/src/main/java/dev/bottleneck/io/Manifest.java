package dev.bottleneck.io;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bottleneck.data.InputScaling;
import dev.bottleneck.model.ModelConfig;
import dev.bottleneck.train.TrainConfig;

import java.util.List;
import java.util.Map;

/**
 * The content of {@code model.json}: everything needed to rebuild, load and apply a model without
 * any other flag.
 *
 * <p>The manifest is also the commit point of the model directory: its {@code status} says which
 * state the directory is in, and each change of state is one atomic rename of {@code model.json}
 * (see {@link ModelDirectory}).
 *
 * @param format format version of this file ({@value #FORMAT})
 * @param status {@value #TRAINING} (a run is under way or was interrupted: the checkpoint holds
 *     its progress, {@code model.params} is not to be read), {@value #EVALUATING} (the epochs are
 *     done, the final evaluation is not) or {@value #COMPLETE}; {@code null} in directories
 *     written before the field existed, which were only ever written complete
 * @param library the Bottleneck version that wrote it
 * @param created ISO-8601 time the model was first trained
 * @param model the architecture
 * @param parameters the number of weights
 * @param paramsSha256 SHA-256 of {@code model.params} (hex), checked on load
 * @param input how data is read and scaled for this model
 * @param training how it was trained
 * @param metrics final figures (test loss, MSE, PSNR, PCA baseline, ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
        @JsonProperty("format") int format,
        @JsonProperty("status") String status,
        @JsonProperty("library") String library,
        @JsonProperty("created") String created,
        @JsonProperty("model") ModelConfig model,
        @JsonProperty("parameters") long parameters,
        @JsonProperty("params_sha256") String paramsSha256,
        @JsonProperty("input") InputSpec input,
        @JsonProperty("training") TrainingInfo training,
        @JsonProperty("metrics") Map<String, Object> metrics) {

    /** Current format version. */
    public static final int FORMAT = 1;

    /** Status of a run that is training, or was interrupted while training. */
    public static final String TRAINING = "training";
    /** Status of a run whose epochs are done and whose final evaluation is not. */
    public static final String EVALUATING = "evaluating";
    /** Status of a finished model: {@code model.params} matches {@code params_sha256}. */
    public static final String COMPLETE = "complete";

    /**
     * How data is read for this model.
     *
     * @param kind {@code "image"} or {@code "table"}
     * @param shape one example's shape, {@code (C, H, W)} or {@code (D)}
     * @param scaling raw to model-scale transform
     * @param data the training data spec, e.g. {@code "mnist"} or {@code "csv:data.csv"}
     * @param testData the test data spec ({@code "mnist:test"}), or {@code null} with a holdout
     * @param holdout the fraction of {@code data} held out as test set (seeded by the training
     *     seed), or {@code null}
     * @param labelColumn the CSV label column, or {@code null}
     * @param resize the {@code HxW} images were resized to, or {@code null}
     * @param classNames class names by label, or {@code null}
     * @param columnNames table column names, or {@code null}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record InputSpec(
            @JsonProperty("kind") String kind,
            @JsonProperty("shape") int[] shape,
            @JsonProperty("scaling") InputScaling scaling,
            @JsonProperty("data") String data,
            @JsonProperty("test_data") String testData,
            @JsonProperty("holdout") Double holdout,
            @JsonProperty("label_column") String labelColumn,
            @JsonProperty("resize") String resize,
            @JsonProperty("class_names") List<String> classNames,
            @JsonProperty("column_names") List<String> columnNames) {}

    /**
     * How the model was trained.
     *
     * @param config epochs, batch size, learning rate, seed
     * @param epochsCompleted epochs actually done
     * @param trainSeconds total training-loop wall time, seconds
     * @param threads native intra-op threads used
     * @param ompWaitPolicy {@code OMP_WAIT_POLICY} of the training process ({@code null}: OpenMP's
     *     default, threads spin briefly between operations)
     * @param trainExamples training set size
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TrainingInfo(
            @JsonProperty("config") TrainConfig config,
            @JsonProperty("epochs_completed") int epochsCompleted,
            @JsonProperty("train_seconds") double trainSeconds,
            @JsonProperty("threads") Integer threads,
            @JsonProperty("omp_wait_policy") String ompWaitPolicy,
            @JsonProperty("train_examples") Integer trainExamples) {}

    /**
     * @return whether this is a finished model (status {@value #COMPLETE}, or no status at all)
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean complete() {
        return status == null || COMPLETE.equals(status);
    }

    /**
     * @param newMetrics the new metrics
     * @return a copy with other metrics
     */
    public Manifest withMetrics(Map<String, Object> newMetrics) {
        return new Manifest(format, status, library, created, model, parameters, paramsSha256, input, training, newMetrics);
    }

    /**
     * @param sha the new weights checksum
     * @param newTraining the new training info
     * @return a copy with new weights and training info
     */
    public Manifest withWeights(String sha, TrainingInfo newTraining) {
        return new Manifest(format, status, library, created, model, parameters, sha, input, newTraining, metrics);
    }

    /**
     * @param newStatus {@value #TRAINING}, {@value #EVALUATING} or {@value #COMPLETE}
     * @param newTraining the new training info
     * @return a copy in another state; leaving {@value #COMPLETE} drops the weights checksum and
     *     the final metrics, which belong to the finished model
     */
    public Manifest withStatus(String newStatus, TrainingInfo newTraining) {
        boolean done = COMPLETE.equals(newStatus);
        return new Manifest(format, newStatus, library, created, model, parameters, done ? paramsSha256 : null, input, newTraining,
                done ? metrics : null);
    }
}
