package dev.cortado.train;

/**
 * One epoch's summary: mean training loss and top-1 accuracy over its batches, throughput, and the
 * validation result when the epoch ended with a validation pass (null otherwise).
 */
public record EpochResult(int epoch, long iteration, double trainLoss, double trainAccuracy,
                          double imagesPerSecond, double seconds, EvaluationResult validation) {
}
