package dev.cortado.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two register tiles of {@link ImplicitGemmConvolution}, on the Vector API. Both read the input
 * where it lies in a zero-padded copy of the sample: at stride 1, row (c, i, j) of the im2col matrix
 * restricted to one output row is a contiguous run of the padded input row oy + i·dh, from column
 * j·dw on, so a vector of {@link #lanes()} output pixels of one output row is one unaligned load.
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
     * columns of 8 filter taps from {@code aOff} (packed by {@link ImplicitGemmConvolution}); row p of
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
     * Lane-wise partial sums of the 4×4 filter-gradient entries {@code Σ dy[r] · x[q]} over
     * {@code samples} samples (dy and x {@code dySample} and {@code xSample} apart) and every output
     * pixel: dy row r starts at {@code dy0 + r·dyRow} and holds oh rows of ow pixels; the input seen
     * by entry q starts at {@code xq} and its rows lie {@code xRow} apart. Sums go to {@code lanes}.
     */
    static void filterTile(int samples, int oh, int ow, float[] dy, int dy0, int dyRow, int dySample,
                           float[] x, int x0, int x1, int x2, int x3, int xRow, int xSample, float[] lanes) {
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
        // One flat loop over the vectors of every output row: C2 keeps the 16 accumulators in
        // registers across it, where a loop nest over samples, rows and columns made it box them.
        int a = dy0;
        int b = 0;
        int ox = 0;
        int oy = 0;
        int rowSkip = xRow - ow;
        int dySkip = dySample - oh * ow;
        int xSkip = xSample - oh * xRow;
        for (int v = samples * oh * (ow / L); v > 0; v--) {
            FloatVector v0 = FloatVector.fromArray(S, x, x0 + b);
            FloatVector v1 = FloatVector.fromArray(S, x, x1 + b);
            FloatVector v2 = FloatVector.fromArray(S, x, x2 + b);
            FloatVector v3 = FloatVector.fromArray(S, x, x3 + b);
            FloatVector u = FloatVector.fromArray(S, dy, a);
            c00 = u.fma(v0, c00);
            c01 = u.fma(v1, c01);
            c02 = u.fma(v2, c02);
            c03 = u.fma(v3, c03);
            u = FloatVector.fromArray(S, dy, a + dyRow);
            c10 = u.fma(v0, c10);
            c11 = u.fma(v1, c11);
            c12 = u.fma(v2, c12);
            c13 = u.fma(v3, c13);
            u = FloatVector.fromArray(S, dy, a + 2 * dyRow);
            c20 = u.fma(v0, c20);
            c21 = u.fma(v1, c21);
            c22 = u.fma(v2, c22);
            c23 = u.fma(v3, c23);
            u = FloatVector.fromArray(S, dy, a + 3 * dyRow);
            c30 = u.fma(v0, c30);
            c31 = u.fma(v1, c31);
            c32 = u.fma(v2, c32);
            c33 = u.fma(v3, c33);
            a += L;
            b += L;
            ox += L;
            if (ox == ow) {
                ox = 0;
                b += rowSkip;
                if (++oy == oh) {
                    oy = 0;
                    a += dySkip;
                    b += xSkip;
                }
            }
        }
        c00.intoArray(lanes, 0);
        c01.intoArray(lanes, L);
        c02.intoArray(lanes, 2 * L);
        c03.intoArray(lanes, 3 * L);
        c10.intoArray(lanes, 4 * L);
        c11.intoArray(lanes, 5 * L);
        c12.intoArray(lanes, 6 * L);
        c13.intoArray(lanes, 7 * L);
        c20.intoArray(lanes, 8 * L);
        c21.intoArray(lanes, 9 * L);
        c22.intoArray(lanes, 10 * L);
        c23.intoArray(lanes, 11 * L);
        c30.intoArray(lanes, 12 * L);
        c31.intoArray(lanes, 13 * L);
        c32.intoArray(lanes, 14 * L);
        c33.intoArray(lanes, 15 * L);
    }

    /** {@link #filterTile} for one entry: dy row at {@code dy0}, input at {@code x0}, lane sums to {@code lanes[0, L)}. */
    static void filterEntry(int samples, int oh, int ow, float[] dy, int dy0, int dySample,
                            float[] x, int x0, int xRow, int xSample, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        int a = dy0;
        int b = x0;
        int ox = 0;
        int oy = 0;
        for (int v = samples * oh * (ow / L); v > 0; v--) {
            acc = FloatVector.fromArray(S, dy, a).fma(FloatVector.fromArray(S, x, b), acc);
            a += L;
            b += L;
            ox += L;
            if (ox == ow) {
                ox = 0;
                b += xRow - ow;
                if (++oy == oh) {
                    oy = 0;
                    a += dySample - oh * ow;
                    b += xSample - oh * xRow;
                }
            }
        }
        acc.intoArray(lanes, 0);
    }
}
