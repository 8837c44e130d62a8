package dev.cortado.backend.cpu;

import dev.cortado.backend.*;
import dev.cortado.tensor.Tensor;
import java.util.List;

final class CpuBlas implements BlasOps {
    private final CpuGemm gemm;

    CpuBlas(CpuGemm gemm) {
        this.gemm = gemm;
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        throw new UnsupportedOperationException("CpuBlas: not implemented yet");
    }
}
