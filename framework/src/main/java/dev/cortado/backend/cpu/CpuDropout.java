package dev.cortado.backend.cpu;

import dev.cortado.backend.*;
import dev.cortado.tensor.Tensor;
import java.util.List;

final class CpuDropout implements DropoutOps {
    private final ParallelLoop loop;

    CpuDropout(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public void forward(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        throw new UnsupportedOperationException("CpuDropout: not implemented yet");
    }

    @Override
    public void backward(Tensor dy, Tensor mask, Tensor dx) {
        throw new UnsupportedOperationException("CpuDropout: not implemented yet");
    }
}
