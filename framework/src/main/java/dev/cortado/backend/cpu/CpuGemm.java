package dev.cortado.backend.cpu;

/** Single-precision GEMM on row-major host arrays. */
public final class CpuGemm {
    private final ParallelLoop loop;

    public CpuGemm(ParallelLoop loop) {
        this.loop = loop;
    }

    /**
     * Row-major {@code C[m×n] = alpha·op(A)·op(B) + beta·C}, op(A) being m×k and op(B) k×n. lda, ldb
     * and ldc are row strides of A, B and C as stored. With beta = 0, C is not read.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        loop.forRange(m, 8, (from, to) -> {
            for (int i = from; i < to; i++) {
                for (int j = 0; j < n; j++) {
                    float s = 0;
                    for (int p = 0; p < k; p++) {
                        float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                        s += av * bv;
                    }
                    int ci = cOff + i * ldc + j;
                    c[ci] = beta == 0 ? alpha * s : alpha * s + beta * c[ci];
                }
            }
        });
    }
}
