package dev.cortado.backend.cpu;

import dev.cortado.backend.*;
import dev.cortado.tensor.Tensor;
import java.util.List;

final class CpuLosses implements LossOps {
    private final ParallelLoop loop;

    CpuLosses(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, Tensor labels, float labelSmoothing, Tensor grad) {
        throw new UnsupportedOperationException("CpuLosses: not implemented yet");
    }

    @Override
    public float binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor grad) {
        throw new UnsupportedOperationException("CpuLosses: not implemented yet");
    }

    @Override
    public float meanSquaredError(Tensor prediction, Tensor target, Tensor grad) {
        throw new UnsupportedOperationException("CpuLosses: not implemented yet");
    }
}
