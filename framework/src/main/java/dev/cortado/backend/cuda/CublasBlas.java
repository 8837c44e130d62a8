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
    private final CudaContext ctx;

    CublasBlas(CudaContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        int aRows = a.shape().dim(0);
        int aCols = a.shape().sampleSize();
        int bRows = b.shape().dim(0);
        int bCols = b.shape().sampleSize();
        int m = transA ? aCols : aRows;
        int k = transA ? aRows : aCols;
        int kb = transB ? bCols : bRows;
        int n = transB ? bRows : bCols;
        if (k != kb || c.shape().dim(0) != m || c.shape().sampleSize() != n) {
            throw new ShapeMismatchException("gemm: op(a) of " + a.shape() + (transA ? "ᵀ" : "") + " times op(b) of "
                    + b.shape() + (transB ? "ᵀ" : "") + " does not fit c " + c.shape() + " (expected " + Shape.of(m, n) + ")");
        }
        ColumnMajorGemm g = ColumnMajorGemm.fromRowMajor(transA, transB, m, n, k);
        Pointer al = Pointer.to(new float[] {alpha});
        Pointer be = Pointer.to(new float[] {beta});
        CudaCalls.cublas("gemm", "cublasSgemm", () -> JCublas2.cublasSgemm(ctx.cublas,
                g.transA() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                g.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                g.m(), g.n(), g.k(), al, ptr(b), g.lda(), ptr(a), g.ldb(), be, ptr(c), g.ldc()));
    }
}
