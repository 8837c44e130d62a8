package dev.cortado.train;

/**
 * One training step: the batch's mean loss and correct top-1 count, the learning rate used, the
 * global gradient norm before clipping, and whether the update was skipped after a divergence.
 */
public record IterationResult(int epoch, long iteration, int batchInEpoch, int batchesPerEpoch, int batchSize,
                              float loss, int correct, float learningRate, float gradientNorm, boolean skipped) {
}
