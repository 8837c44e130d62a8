package dev.cortado.backend.cuda;

/**
 * A cuBLAS (column-major) SGEMM call: C = alpha·op(A)·op(B) + beta·C with C m×n, op(A) m×k, op(B) k×n
 * and leading dimensions lda, ldb, ldc. After {@link #fromRowMajor} cuBLAS's A is the caller's b and
 * cuBLAS's B is the caller's a.
 */
public record ColumnMajorGemm(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {

    /**
     * Maps a row-major GEMM c[M×N] = op(a)[M×K]·op(b)[K×N] onto column-major cuBLAS. A row-major matrix
     * read column-major is its transpose, so the call computes cᵀ = op(b)ᵀ·op(a)ᵀ: the operands swap,
     * m and n swap, the transpose flags stay with their matrices, and each leading dimension is the
     * row length of the row-major storage (a is stored M×K, or K×M when transposed).
     */
    public static ColumnMajorGemm fromRowMajor(boolean transA, boolean transB, int rows, int cols, int inner) {
        if (rows < 0 || cols < 0 || inner < 0) {
            throw new IllegalArgumentException("gemm: negative dimension M=" + rows + " N=" + cols + " K=" + inner);
        }
        int ldb = transB ? inner : cols;   // row length of b as stored: K×N, or N×K when transposed
        int lda = transA ? rows : inner;   // row length of a as stored: M×K, or K×M when transposed
        return new ColumnMajorGemm(transB, transA, cols, rows, inner, Math.max(1, ldb), Math.max(1, lda),
                Math.max(1, cols));
    }
}
