package dev.bottleneck.train;

/**
 * Receives progress from the {@link Trainer}: a progress bar, a metrics log, a plot. All methods
 * are called on the training thread; keep them cheap ({@link #onBatchEnd} runs every minibatch).
 */
public interface TrainingListener {

    /**
     * Called once before the first epoch that runs.
     *
     * @param firstEpoch the first epoch to run, 1-based (greater than 1 when resuming)
     * @param lastEpoch the last epoch to run
     * @param batchesPerEpoch minibatches in one epoch
     */
    default void onTrainStart(int firstEpoch, int lastEpoch, int batchesPerEpoch) {}

    /**
     * Called after every minibatch.
     *
     * @param epoch the current epoch, 1-based
     * @param batch minibatches done in this epoch, 1-based
     * @param loss this minibatch's objective
     * @param samplesPerSecond training throughput so far in this epoch, examples per second
     */
    default void onBatchEnd(int epoch, int batch, double loss, double samplesPerSecond) {}

    /**
     * Called after each epoch's test evaluation, before its checkpoint is written. A record of
     * the epoch written here reaches the disk before the checkpoint does, so after a crash it is
     * never missing for a saved epoch; it may instead be there for an epoch whose checkpoint was
     * not saved, which a resumed run redoes: key such records by epoch.
     *
     * @param result the epoch's figures
     */
    default void onEpochEvaluated(EpochResult result) {}

    /**
     * Called after each epoch, after the test evaluation and the checkpoint.
     *
     * @param result the epoch's figures
     */
    default void onEpochEnd(EpochResult result) {}

    /** Called once when training ends normally. */
    default void onTrainEnd() {}
}
