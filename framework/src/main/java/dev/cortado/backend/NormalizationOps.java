package dev.cortado.backend;

import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;

/**
 * Batch normalization per channel ({@code [N, C, H, W]}) or per feature ({@code [N, F]}); gamma, beta,
 * running and saved statistics are {@code [C]}. And AlexNet's local response normalization.
 */
public interface NormalizationOps {
    /**
     * y = gamma·(x - μ_B)/sqrt(σ²_B + ε) + beta with batch statistics; writes savedMean = μ_B and
     * savedInvStd = 1/sqrt(σ²_B + ε) for the backward pass, and moves the running statistics toward
     * the batch's by {@link BatchNormSpec#momentum()}.
     */
    void batchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec,
                                  Tensor runningMean, Tensor runningVar,
                                  Tensor y, Tensor savedMean, Tensor savedInvStd);

    /** y = gamma·(x - running mean)/sqrt(running var + ε) + beta. */
    void batchNormInferenceForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec,
                                   Tensor runningMean, Tensor runningVar, Tensor y);

    /** dx, dgamma, dbeta from dy, using the statistics saved by the training forward pass. */
    void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, BatchNormSpec spec,
                           Tensor savedMean, Tensor savedInvStd,
                           Tensor dx, Tensor dgamma, Tensor dbeta);

    void lrnForward(Tensor x, LrnSpec spec, Tensor y);

    /** dx from dy; x and y are the forward input and output. */
    void lrnBackward(Tensor x, Tensor y, Tensor dy, LrnSpec spec, Tensor dx);

    // Argument checks every backend runs first, so that both reject bad input with the same message.

    static void checkBatchNormTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                       Tensor y, Tensor savedMean, Tensor savedInvStd) {
        String op = "batch norm training forward";
        checkBatchNormInference(op, x, gamma, beta, runningMean, runningVar, y);
        ShapeCheck.perChannel(op, "saved mean", savedMean, x);
        ShapeCheck.perChannel(op, "saved inverse std", savedInvStd, x);
        if ((long) x.shape().batch() * x.shape().spatialSize() < 2) {
            // The unbiased running variance m/(m-1)·σ² needs two values per channel (PyTorch refuses too).
            throw new ShapeMismatchException(op + ": need more than one value per channel to compute batch"
                    + " statistics, got x " + x.shape());
        }
    }

    static void checkBatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                        Tensor y) {
        checkBatchNormInference("batch norm inference forward", x, gamma, beta, runningMean, runningVar, y);
    }

    static void checkBatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor savedMean, Tensor savedInvStd,
                                       Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "batch norm backward";
        requireChannels(op, x);
        ShapeCheck.same(op, "x", x, "dy", dy);
        ShapeCheck.same(op, "x", x, "dx", dx);
        ShapeCheck.perChannel(op, "gamma", gamma, x);
        ShapeCheck.perChannel(op, "saved mean", savedMean, x);
        ShapeCheck.perChannel(op, "saved inverse std", savedInvStd, x);
        ShapeCheck.perChannel(op, "dgamma", dgamma, x);
        ShapeCheck.perChannel(op, "dbeta", dbeta, x);
    }

    private static void checkBatchNormInference(String op, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                                Tensor runningVar, Tensor y) {
        requireChannels(op, x);
        ShapeCheck.same(op, "x", x, "y", y);
        ShapeCheck.perChannel(op, "gamma", gamma, x);
        ShapeCheck.perChannel(op, "beta", beta, x);
        ShapeCheck.perChannel(op, "running mean", runningMean, x);
        ShapeCheck.perChannel(op, "running var", runningVar, x);
    }

    private static void requireChannels(String op, Tensor x) {
        if (x.shape().rank() < 2) {
            throw new ShapeMismatchException(op + ": x must be [N, C, ...] (N×F or NCHW), got " + x.shape());
        }
    }
}
