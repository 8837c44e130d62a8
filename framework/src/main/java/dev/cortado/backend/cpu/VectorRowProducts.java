package dev.cortado.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C[m×n] = A[m×L]·B[n×L]ᵀ (+ C)} for a long inner dimension L and few rows: every entry is
 * the dot product of a row of A with a row of B, both contiguous, so nothing needs packing. This is
 * the shape of a convolution's filter gradient {@code dW = dy·colᵀ} (K and C·kh·kw in the tens,
 * L = samples·OH·OW in the thousands), where the packed GEMM would spend its time transposing col.
 *
 * <p>A 3×4 block of C keeps 12 vector accumulators in registers and loads 7 vectors per 12 fused
 * multiply-adds. Each entry's lanes are summed in lane order and the tail of L is added after them
 * in index order, all in scalar code, so the result does not depend on how the JIT reduces vectors.
 * As in {@link VectorMicroKernel}, every vector stays a local of one method (JDK 17 boxes vectors
 * passed between methods). Load this class only when {@code jdk.incubator.vector} is resolved.
 */
final class VectorRowProducts {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();

    private VectorRowProducts() {
    }

    /**
     * C = A·Bᵀ ({@code accumulate} false) or C += A·Bᵀ, A being m rows of {@code len} floats lda apart,
     * B n rows ldb apart and C m×n with row stride ldc.
     */
    static void multiplyTransposed(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   boolean accumulate, float[] c, int cOff, int ldc) {
        if ((m % 3 != 0 || n % 4 != 0) && m % 4 == 0 && n % 3 == 0) {
            // Cᵀ = B·Aᵀ tiles exactly where C does not (16×144, say): same dot products, C written by columns.
            multiply(n, m, len, b, bOff, ldb, a, aOff, lda, accumulate, c, cOff, 1, ldc);
        } else {
            multiply(m, n, len, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, ldc, 1);
        }
    }

    /** C[i·rowStride + j·colStride] (+)= row i of A · row j of B. */
    private static void multiply(int m, int n, int len, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 boolean accumulate, float[] c, int cOff, int rowStride, int colStride) {
        float[] lanes = new float[12 * LANES];
        int vectorLen = len - len % LANES;
        int i = 0;
        for (; i + 3 <= m; i += 3) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                block3x4(vectorLen, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, lanes);
                for (int r = 0; r < 3; r++) {
                    for (int q = 0; q < 4; q++) {
                        float s = sumLanes(lanes, (r * 4 + q) * LANES)
                                + tail(vectorLen, len, a, aOff + (i + r) * lda, b, bOff + (j + q) * ldb);
                        store(c, cOff + (i + r) * rowStride + (j + q) * colStride, s, accumulate);
                    }
                }
            }
            for (; j < n; j++) {
                for (int r = 0; r < 3; r++) {
                    single(i + r, j, len, vectorLen, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, rowStride, colStride,
                            lanes);
                }
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                single(i, j, len, vectorLen, a, aOff, lda, b, bOff, ldb, accumulate, c, cOff, rowStride, colStride, lanes);
            }
        }
    }

    private static void single(int i, int j, int len, int vectorLen, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, boolean accumulate, float[] c, int cOff,
                               int rowStride, int colStride, float[] lanes) {
        int ar = aOff + i * lda;
        int br = bOff + j * ldb;
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < vectorLen; p += LANES) {
            acc = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, br + p), acc);
        }
        acc.intoArray(lanes, 0);
        store(c, cOff + i * rowStride + j * colStride, sumLanes(lanes, 0) + tail(vectorLen, len, a, ar, b, br),
                accumulate);
    }

    /** Lane-wise partial dot products of rows a0..a2 with rows b0..b3 over [0, vectorLen), into lanes. */
    private static void block3x4(int vectorLen, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] lanes) {
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c23 = FloatVector.zero(S);
        for (int p = 0; p < vectorLen; p += LANES) {
            FloatVector v0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector v1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector v2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector v3 = FloatVector.fromArray(S, b, b3 + p);
            FloatVector u = FloatVector.fromArray(S, a, a0 + p);
            c00 = u.fma(v0, c00);
            c01 = u.fma(v1, c01);
            c02 = u.fma(v2, c02);
            c03 = u.fma(v3, c03);
            u = FloatVector.fromArray(S, a, a1 + p);
            c10 = u.fma(v0, c10);
            c11 = u.fma(v1, c11);
            c12 = u.fma(v2, c12);
            c13 = u.fma(v3, c13);
            u = FloatVector.fromArray(S, a, a2 + p);
            c20 = u.fma(v0, c20);
            c21 = u.fma(v1, c21);
            c22 = u.fma(v2, c22);
            c23 = u.fma(v3, c23);
        }
        c00.intoArray(lanes, 0);
        c01.intoArray(lanes, LANES);
        c02.intoArray(lanes, 2 * LANES);
        c03.intoArray(lanes, 3 * LANES);
        c10.intoArray(lanes, 4 * LANES);
        c11.intoArray(lanes, 5 * LANES);
        c12.intoArray(lanes, 6 * LANES);
        c13.intoArray(lanes, 7 * LANES);
        c20.intoArray(lanes, 8 * LANES);
        c21.intoArray(lanes, 9 * LANES);
        c22.intoArray(lanes, 10 * LANES);
        c23.intoArray(lanes, 11 * LANES);
    }

    private static float sumLanes(float[] lanes, int off) {
        float s = 0f;
        for (int l = 0; l < LANES; l++) {
            s += lanes[off + l];
        }
        return s;
    }

    /** The scalar rest [vectorLen, len) of one dot product. */
    private static float tail(int vectorLen, int len, float[] a, int ar, float[] b, int br) {
        float s = 0f;
        for (int p = vectorLen; p < len; p++) {
            s += a[ar + p] * b[br + p];
        }
        return s;
    }

    private static void store(float[] c, int at, float value, boolean accumulate) {
        c[at] = accumulate ? c[at] + value : value;
    }
}
