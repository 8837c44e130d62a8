package dev.cortado.backend.cpu;

import dev.cortado.backend.BatchNormSpec;
import dev.cortado.backend.LrnSpec;
import dev.cortado.backend.NormalizationOps;
import dev.cortado.tensor.Tensor;

/** The CPU normalization family: batch norm in {@link CpuBatchNorm}, LRN in {@link CpuLocalResponseNorm}. */
final class CpuNormalization implements NormalizationOps {
    private final CpuBatchNorm batchNorm;
    private final CpuLocalResponseNorm lrn;

    CpuNormalization(ParallelLoop loop, CpuOptions.Kernels kernels) {
        this.batchNorm = new CpuBatchNorm(loop, kernels);
        this.lrn = new CpuLocalResponseNorm(loop);
    }

    @Override
    public void batchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec,
                                         Tensor runningMean, Tensor runningVar,
                                         Tensor y, Tensor savedMean, Tensor savedInvStd) {
        batchNorm.trainingForward(x, gamma, beta, spec, runningMean, runningVar, y, savedMean, savedInvStd);
    }

    @Override
    public void batchNormInferenceForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec,
                                          Tensor runningMean, Tensor runningVar, Tensor y) {
        batchNorm.inferenceForward(x, gamma, beta, spec, runningMean, runningVar, y);
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, BatchNormSpec spec,
                                  Tensor savedMean, Tensor savedInvStd,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        // The saved statistics already hold ε (savedInvStd = 1/sqrt(σ² + ε)); spec is not needed again.
        batchNorm.backward(x, dy, gamma, savedMean, savedInvStd, dx, dgamma, dbeta);
    }

    @Override
    public void lrnForward(Tensor x, LrnSpec spec, Tensor y) {
        lrn.forward(x, spec, y);
    }

    @Override
    public void lrnBackward(Tensor x, Tensor y, Tensor dy, LrnSpec spec, Tensor dx) {
        lrn.backward(x, y, dy, spec, dx);
    }
}
