package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.backend.BlasOps;
import dev.cortado.backend.GemmShape;
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
        GemmShape shape = GemmShape.of(transA, transB, a, b, c);
        ColumnMajorGemm g = ColumnMajorGemm.fromRowMajor(transA, transB, shape.m(), shape.n(), shape.k());
        Pointer al = Pointer.to(new float[] {alpha});
        Pointer be = Pointer.to(new float[] {beta});
        CudaCalls.cublas(OP, "cublasSgemm", () -> JCublas2.cublasSgemm(ctx.cublas,
                g.transA() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                g.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                g.m(), g.n(), g.k(), al, ptr(b), g.lda(), ptr(a), g.ldb(), be, ptr(c), g.ldc()));
    }
}
