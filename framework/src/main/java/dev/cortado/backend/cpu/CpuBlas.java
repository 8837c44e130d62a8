package dev.cortado.backend.cpu;

import dev.cortado.backend.BlasOps;
import dev.cortado.backend.GemmShape;
import dev.cortado.tensor.Tensor;

/** {@link BlasOps} on host arrays: tensors are read as row-major [dim0, rest] matrices for {@link CpuGemm}. */
final class CpuBlas implements BlasOps {
    private static final String OP = "gemm";

    private final CpuGemm gemm;

    CpuBlas(CpuGemm gemm) {
        this.gemm = gemm;
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        GemmShape g = GemmShape.of(transA, transB, a, b, c);
        float[] ha = HostArrays.of(OP, a);
        float[] hb = HostArrays.of(OP, b);
        float[] hc = HostArrays.of(OP, c);
        gemm.sgemm(transA, transB, g.m(), g.n(), g.k(), alpha, ha, 0, g.aColumns(), hb, 0, g.bColumns(), beta, hc, 0, g.n());
    }
}
