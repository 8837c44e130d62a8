package dev.cortado.backend.cpu;

import dev.cortado.backend.*;
import dev.cortado.tensor.Tensor;
import java.util.List;

final class CpuPooling implements PoolingOps {
    private final ParallelLoop loop;

    CpuPooling(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public void forward(Tensor x, Pool2dSpec spec, Tensor y) {
        throw new UnsupportedOperationException("CpuPooling: not implemented yet");
    }

    @Override
    public void backward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor dx) {
        throw new UnsupportedOperationException("CpuPooling: not implemented yet");
    }
}
