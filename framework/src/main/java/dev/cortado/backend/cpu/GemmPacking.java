package dev.cortado.backend.cpu;

/**
 * Copies blocks of op(A) and op(B) into the contiguous panel layout a {@link GemmMicroKernel}
 * streams through (Goto and van de Geijn, "Anatomy of High-Performance Matrix Multiplication",
 * 2008): A as row panels of {@code mr} rows stored column by column, B as column panels of
 * {@code nr} columns stored row by row. Edge panels are padded to a full tile so that the kernel
 * has one shape; the padded rows and columns land only in the part of an edge tile that is thrown
 * away, and they are zeros rather than stale buffer contents so that no NaN or subnormal from an
 * earlier call flows through the FMA pipes.
 */
final class GemmPacking {
    private GemmPacking() {
    }

    /**
     * Packs rows [i0, i0+rows) and columns [p0, p0+kc) of op(A) into {@code dst}: panel q holds rows
     * i0+q·mr .. i0+q·mr+mr-1 at {@code dst[q·mr·kc + p·mr + r]}.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int rows, int p0, int kc,
                      int mr, float[] dst) {
        int d = 0;
        for (int ip = 0; ip < rows; ip += mr) {
            int live = Math.min(mr, rows - ip);
            if (transA) {
                // op(A)(i, p) = A[p][i]: each column of the panel is a contiguous run of A.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + ip;
                    System.arraycopy(a, src, dst, d, live);
                    for (int r = live; r < mr; r++) {
                        dst[d + r] = 0f;
                    }
                    d += mr;
                }
            } else {
                for (int r = 0; r < live; r++) {
                    int src = aOff + (i0 + ip + r) * lda + p0;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * mr + r] = a[src + p];
                    }
                }
                for (int r = live; r < mr; r++) {
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * mr + r] = 0f;
                    }
                }
                d += kc * mr;
            }
        }
    }

    /**
     * Packs rows [p0, p0+kc) and columns [j0, j0+cols) of op(B) into {@code dst}: panel q holds
     * columns j0+q·nr .. j0+q·nr+nr-1 at {@code dst[q·nr·kc + p·nr + j]}.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int cols,
                      int nr, float[] dst) {
        int d = 0;
        for (int jp = 0; jp < cols; jp += nr) {
            int live = Math.min(nr, cols - jp);
            if (transB) {
                // op(B)(p, j) = B[j][p]: each column of the panel is a contiguous run of B.
                for (int j = 0; j < live; j++) {
                    int src = bOff + (j0 + jp + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * nr + j] = b[src + p];
                    }
                }
                for (int j = live; j < nr; j++) {
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * nr + j] = 0f;
                    }
                }
                d += kc * nr;
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (p0 + p) * ldb + j0 + jp;
                    System.arraycopy(b, src, dst, d, live);
                    for (int j = live; j < nr; j++) {
                        dst[d + j] = 0f;
                    }
                    d += nr;
                }
            }
        }
    }
}
