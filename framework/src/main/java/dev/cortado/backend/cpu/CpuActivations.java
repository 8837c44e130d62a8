package dev.cortado.backend.cpu;

import dev.cortado.backend.*;
import dev.cortado.tensor.Tensor;
import java.util.List;

final class CpuActivations implements ActivationOps {
    private final ParallelLoop loop;

    CpuActivations(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public void forward(Activation activation, Tensor x, Tensor y) {
        throw new UnsupportedOperationException("CpuActivations: not implemented yet");
    }

    @Override
    public void backward(Activation activation, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("CpuActivations: not implemented yet");
    }

    @Override
    public void preluForward(Tensor x, Tensor slope, Tensor y) {
        throw new UnsupportedOperationException("CpuActivations: not implemented yet");
    }

    @Override
    public void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) {
        throw new UnsupportedOperationException("CpuActivations: not implemented yet");
    }

    @Override
    public void softmaxForward(Tensor x, Tensor y) {
        throw new UnsupportedOperationException("CpuActivations: not implemented yet");
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("CpuActivations: not implemented yet");
    }

    @Override
    public void logSoftmaxForward(Tensor x, Tensor y) {
        throw new UnsupportedOperationException("CpuActivations: not implemented yet");
    }

    @Override
    public void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        throw new UnsupportedOperationException("CpuActivations: not implemented yet");
    }
}
