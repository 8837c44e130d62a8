package dev.cortado.backend.cpu;

/**
 * The innermost block of a Goto/BLIS GEMM: one {@code mr × nr} tile of C updated from an
 * {@code mr × kc} panel of A, packed by {@link GemmPacking} so that the kernel reads it column by
 * column, and a {@code kc × nr} panel of B read row by row: packed (rows {@code nr} apart) or, where
 * packing would cost more than it saves, straight from a row-major B (rows {@code ldb} apart).
 */
interface GemmMicroKernel {
    /** Rows of the C tile. */
    int mr();

    /** Columns of the C tile. */
    int nr();

    /**
     * {@code C[mr×nr] = alpha·Ap·Bp + beta·C} for the tile of C at {@code cOff} with row stride
     * {@code ldc}. Ap holds {@code kc} columns of {@code mr} values from {@code aOff}; row p of the B
     * panel is the {@code nr} values from {@code bOff + p·bStride}. With beta = 0, C is not read.
     */
    void multiply(int kc, float[] ap, int aOff, float[] bp, int bOff, int bStride,
                  float alpha, float beta, float[] c, int cOff, int ldc);
}
