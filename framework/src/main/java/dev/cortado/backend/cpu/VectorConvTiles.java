package dev.cortado.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two register tiles of the implicit-GEMM convolutions ({@link ImplicitGemmForward},
 * {@link ImplicitGemmFilterGradient}, {@link BlockedImplicitGemmFilterGradient}), on the Vector API.
 * Both read the input where it lies in a zero-padded copy of the sample: at stride 1, row (c, i, j) of
 * the im2col matrix restricted to one output row is a contiguous run of the padded input row
 * oy + i·dh, from column j·dw on, so a vector of {@link #lanes()} output pixels of one output row is
 * one unaligned load.
 *
 * <p>As in {@link VectorMicroKernel}, every vector stays a local of one method, unrolled by hand
 * (JDK 17 boxes vectors passed between methods). Load this class only when
 * {@code jdk.incubator.vector} is resolved.
 */
final class VectorConvTiles {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output channels of a forward tile; 16, 32 and 64 channels split into whole tiles. */
    static final int ROWS = 8;

    private VectorConvTiles() {
    }

    static int lanes() {
        return L;
    }

    /**
     * {@code C[8 × 2L] = Ap · B} for 8 output channels and two vectors of output pixels: Ap holds kc
     * columns of 8 filter taps from {@code aOff} (packed by {@link ImplicitGemmForward}); row p of
     * B is the L floats at {@code x[x0 + offsets[p]]} followed by those at {@code x[x1 + offsets[p]]}.
     * Row r of C is written at {@code c[cOff + r·ldc]}, its two vectors side by side.
     */
    static void forwardTile(int kc, float[] ap, int aOff, int[] offsets, float[] x, int x0, int x1,
                            float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S);
        FloatVector c71 = FloatVector.zero(S);
        int ai = aOff;
        for (int p = 0; p < kc; p++, ai += ROWS) {
            int o = offsets[p];
            FloatVector b0 = FloatVector.fromArray(S, x, x0 + o);
            FloatVector b1 = FloatVector.fromArray(S, x, x1 + o);
            FloatVector a = FloatVector.broadcast(S, ap[ai]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
        c60.intoArray(c, cOff + 6 * ldc);
        c61.intoArray(c, cOff + 6 * ldc + L);
        c70.intoArray(c, cOff + 7 * ldc);
        c71.intoArray(c, cOff + 7 * ldc + L);
    }

    /**
     * Lane-wise partial sums of the 4×4 filter-gradient entries {@code Σ_q dy[r][q] · x[q]} over the
     * {@code n} positions q (a multiple of L) of one sample: dy row r starts at {@code dy0 + r·dyRow}
     * and the input seen by entry e at {@code xe}. Rows of dy and of the padded input share one row
     * pitch, so q runs over both in step, and dy is zero wherever q is no output pixel. The L lanes of
     * entry (r, e) are added to {@code acc[accOff + (r·accRow + e)·L]}.
     */
    static void filterTile(int n, float[] dy, int dy0, int dyRow, float[] x, int x0, int x1, int x2, int x3,
                           float[] acc, int accOff, int accRow) {
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
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        FloatVector c33 = FloatVector.zero(S);
        // One loop with linear indices: C2 keeps the 16 accumulators in registers only across a
        // single loop (a nest over samples and rows made it box them), and hoists its range checks.
        int d1 = dy0 + dyRow;
        int d2 = d1 + dyRow;
        int d3 = d2 + dyRow;
        for (int q = 0; q < n; q += L) {
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + q);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + q);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + q);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + q);
            FloatVector u = FloatVector.fromArray(S, dy, dy0 + q);
            c00 = u.fma(v0, c00);
            c01 = u.fma(v1, c01);
            c02 = u.fma(v2, c02);
            c03 = u.fma(v3, c03);
            u = FloatVector.fromArray(S, dy, d1 + q);
            c10 = u.fma(v0, c10);
            c11 = u.fma(v1, c11);
            c12 = u.fma(v2, c12);
            c13 = u.fma(v3, c13);
            u = FloatVector.fromArray(S, dy, d2 + q);
            c20 = u.fma(v0, c20);
            c21 = u.fma(v1, c21);
            c22 = u.fma(v2, c22);
            c23 = u.fma(v3, c23);
            u = FloatVector.fromArray(S, dy, d3 + q);
            c30 = u.fma(v0, c30);
            c31 = u.fma(v1, c31);
            c32 = u.fma(v2, c32);
            c33 = u.fma(v3, c33);
        }
        // Always added, never chosen by a flag: a branch that merges two values of the accumulators
        // made C2 box them in some compilations (4× slower).
        c00 = c00.add(FloatVector.fromArray(S, acc, accOff + (0 * accRow + 0) * L));
        c01 = c01.add(FloatVector.fromArray(S, acc, accOff + (0 * accRow + 1) * L));
        c02 = c02.add(FloatVector.fromArray(S, acc, accOff + (0 * accRow + 2) * L));
        c03 = c03.add(FloatVector.fromArray(S, acc, accOff + (0 * accRow + 3) * L));
        c10 = c10.add(FloatVector.fromArray(S, acc, accOff + (1 * accRow + 0) * L));
        c11 = c11.add(FloatVector.fromArray(S, acc, accOff + (1 * accRow + 1) * L));
        c12 = c12.add(FloatVector.fromArray(S, acc, accOff + (1 * accRow + 2) * L));
        c13 = c13.add(FloatVector.fromArray(S, acc, accOff + (1 * accRow + 3) * L));
        c20 = c20.add(FloatVector.fromArray(S, acc, accOff + (2 * accRow + 0) * L));
        c21 = c21.add(FloatVector.fromArray(S, acc, accOff + (2 * accRow + 1) * L));
        c22 = c22.add(FloatVector.fromArray(S, acc, accOff + (2 * accRow + 2) * L));
        c23 = c23.add(FloatVector.fromArray(S, acc, accOff + (2 * accRow + 3) * L));
        c30 = c30.add(FloatVector.fromArray(S, acc, accOff + (3 * accRow + 0) * L));
        c31 = c31.add(FloatVector.fromArray(S, acc, accOff + (3 * accRow + 1) * L));
        c32 = c32.add(FloatVector.fromArray(S, acc, accOff + (3 * accRow + 2) * L));
        c33 = c33.add(FloatVector.fromArray(S, acc, accOff + (3 * accRow + 3) * L));
        c00.intoArray(acc, accOff + (0 * accRow + 0) * L);
        c01.intoArray(acc, accOff + (0 * accRow + 1) * L);
        c02.intoArray(acc, accOff + (0 * accRow + 2) * L);
        c03.intoArray(acc, accOff + (0 * accRow + 3) * L);
        c10.intoArray(acc, accOff + (1 * accRow + 0) * L);
        c11.intoArray(acc, accOff + (1 * accRow + 1) * L);
        c12.intoArray(acc, accOff + (1 * accRow + 2) * L);
        c13.intoArray(acc, accOff + (1 * accRow + 3) * L);
        c20.intoArray(acc, accOff + (2 * accRow + 0) * L);
        c21.intoArray(acc, accOff + (2 * accRow + 1) * L);
        c22.intoArray(acc, accOff + (2 * accRow + 2) * L);
        c23.intoArray(acc, accOff + (2 * accRow + 3) * L);
        c30.intoArray(acc, accOff + (3 * accRow + 0) * L);
        c31.intoArray(acc, accOff + (3 * accRow + 1) * L);
        c32.intoArray(acc, accOff + (3 * accRow + 2) * L);
        c33.intoArray(acc, accOff + (3 * accRow + 3) * L);
    }
}
