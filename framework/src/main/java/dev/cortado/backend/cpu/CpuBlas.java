package dev.cortado.backend.cpu;

import dev.cortado.backend.BlasOps;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
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
        Shape sa = a.shape();
        Shape sb = b.shape();
        Shape sc = c.shape();
        if (sa.rank() < 2 || sb.rank() < 2 || sc.rank() < 2) {
            throw new ShapeMismatchException(OP + ": a, b and c must have rank 2 or more (read as [dim0, rest]), got a "
                    + sa + ", b " + sb + ", c " + sc);
        }
        int aRows = sa.dim(0);
        int aCols = sa.sampleSize();
        int bRows = sb.dim(0);
        int bCols = sb.sampleSize();
        int m = transA ? aCols : aRows;
        int k = transA ? aRows : aCols;
        int kb = transB ? bCols : bRows;
        int n = transB ? bRows : bCols;
        if (k != kb || sc.dim(0) != m || sc.sampleSize() != n) {
            throw new ShapeMismatchException(String.format(
                    "%s: op(a) is %d×%d and op(b) is %d×%d, so c must be %d×%d and the inner sizes equal;"
                            + " got a %s%s, b %s%s, c %s", OP, m, k, kb, n, m, n,
                    sa, transA ? " (transposed)" : "", sb, transB ? " (transposed)" : "", sc));
        }
        float[] ha = HostArrays.of(OP, a);
        float[] hb = HostArrays.of(OP, b);
        float[] hc = HostArrays.of(OP, c);
        if (hc == ha || hc == hb) {
            throw new IllegalArgumentException(OP + ": c " + sc + " shares memory with an input; write the product"
                    + " to a separate tensor");
        }
        gemm.sgemm(transA, transB, m, n, k, alpha, ha, 0, aCols, hb, 0, bCols, beta, hc, 0, n);
    }
}
