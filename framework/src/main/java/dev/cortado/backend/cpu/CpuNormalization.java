package dev.cortado.backend.cpu;

import dev.cortado.backend.*;
import dev.cortado.tensor.Tensor;
import java.util.List;

final class CpuNormalization implements NormalizationOps {
    private final ParallelLoop loop;

    CpuNormalization(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public void batchNormTrainingForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec, Tensor runningMean, Tensor runningVar, Tensor y, Tensor savedMean, Tensor savedInvStd) {
        throw new UnsupportedOperationException("CpuNormalization: not implemented yet");
    }

    @Override
    public void batchNormInferenceForward(Tensor x, Tensor gamma, Tensor beta, BatchNormSpec spec, Tensor runningMean, Tensor runningVar, Tensor y) {
        throw new UnsupportedOperationException("CpuNormalization: not implemented yet");
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, BatchNormSpec spec, Tensor savedMean, Tensor savedInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        throw new UnsupportedOperationException("CpuNormalization: not implemented yet");
    }

    @Override
    public void lrnForward(Tensor x, LrnSpec spec, Tensor y) {
        throw new UnsupportedOperationException("CpuNormalization: not implemented yet");
    }

    @Override
    public void lrnBackward(Tensor x, Tensor y, Tensor dy, LrnSpec spec, Tensor dx) {
        throw new UnsupportedOperationException("CpuNormalization: not implemented yet");
    }
}
