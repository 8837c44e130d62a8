package dev.cortado.backend.cpu;

/**
 * The innermost block of a Goto/BLIS GEMM: one {@code mr × nr} tile of C updated from an
 * {@code mr × kc} panel of A and a {@code kc × nr} panel of B, both packed by {@link GemmPacking}
 * so that the kernel reads them contiguously (A column by column, B row by row).
 */
interface GemmMicroKernel {
    /** Rows of the C tile. */
    int mr();

    /** Columns of the C tile. */
    int nr();

    /**
     * {@code C[mr×nr] = alpha·Ap·Bp + beta·C} for the tile of C at {@code cOff} with row stride
     * {@code ldc}. Ap holds {@code kc} columns of {@code mr} values from {@code aOff}, Bp holds
     * {@code kc} rows of {@code nr} values from {@code bOff}. With beta = 0, C is not read.
     */
    void multiply(int kc, float[] ap, int aOff, float[] bp, int bOff,
                  float alpha, float beta, float[] c, int cOff, int ldc);
}
