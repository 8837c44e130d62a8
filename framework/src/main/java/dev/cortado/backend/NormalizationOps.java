package dev.cortado.backend;

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
}
