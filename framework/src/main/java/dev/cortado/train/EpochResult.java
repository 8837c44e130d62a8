package dev.cortado.train;

/**
 * One epoch's summary: mean training loss and top-1 accuracy over its batches, throughput, the
 * validation result when the epoch ended with a validation pass (null otherwise), and the share of
 * the epoch's training time spent waiting for the data loader (NaN when not measured).
 */
public record EpochResult(int epoch, long iteration, double trainLoss, double trainAccuracy,
                          double imagesPerSecond, double seconds, EvaluationResult validation, double dataWaitShare) {
    /** An epoch whose data wait was not measured. */
    public EpochResult(int epoch, long iteration, double trainLoss, double trainAccuracy, double imagesPerSecond,
                       double seconds, EvaluationResult validation) {
        this(epoch, iteration, trainLoss, trainAccuracy, imagesPerSecond, seconds, validation, Double.NaN);
    }
}
