package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.BlasOps;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasOperation;

/** Row-major GEMM on cuBLAS's column-major SGEMM, through {@link ColumnMajorGemm#fromRowMajor}. */
final class CublasBlas implements BlasOps {
    private static final String OP = "gemm";
    private final CudaContext ctx;

    CublasBlas(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        Shape sa = a.shape();
        Shape sb = b.shape();
        Shape sc = c.shape();
        // The CPU backend's checks and messages.
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
        if (c.buffer() == a.buffer() || c.buffer() == b.buffer()) {
            throw new IllegalArgumentException(OP + ": c " + sc + " shares memory with an input; write the product"
                    + " to a separate tensor");
        }
        ColumnMajorGemm g = ColumnMajorGemm.fromRowMajor(transA, transB, m, n, k);
        Pointer al = Pointer.to(new float[] {alpha});
        Pointer be = Pointer.to(new float[] {beta});
        CudaCalls.cublas(OP, "cublasSgemm", () -> JCublas2.cublasSgemm(ctx.cublas,
                g.transA() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                g.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                g.m(), g.n(), g.k(), al, ptr(b), g.lda(), ptr(a), g.ldb(), be, ptr(c), g.ldc()));
    }
}
