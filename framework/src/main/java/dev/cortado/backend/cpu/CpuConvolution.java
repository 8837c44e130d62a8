package dev.cortado.backend.cpu;

import dev.cortado.backend.*;
import dev.cortado.tensor.Tensor;
import java.util.List;

final class CpuConvolution implements ConvolutionOps {
    private final ParallelLoop loop;
    private final CpuGemm gemm;

    CpuConvolution(ParallelLoop loop, CpuGemm gemm) {
        this.loop = loop;
        this.gemm = gemm;
    }

    @Override
    public void forward(Tensor x, Tensor w, Conv2dSpec spec, Tensor y) {
        throw new UnsupportedOperationException("CpuConvolution: not implemented yet");
    }

    @Override
    public void backwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx) {
        throw new UnsupportedOperationException("CpuConvolution: not implemented yet");
    }

    @Override
    public void backwardFilter(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw) {
        throw new UnsupportedOperationException("CpuConvolution: not implemented yet");
    }
}
