package dev.cortado.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 6×(2·lanes) micro-kernel on the Vector API (6×32 floats with AVX-512). Its 12 vector
 * accumulators stay in registers while each step of the k loop loads 2 vectors of B, broadcasts
 * 6 values of A and issues 12 independent fused multiply-adds, enough chains to hide the FMA
 * latency on two pipes. Load this class only when {@code jdk.incubator.vector} is resolved.
 *
 * <p>The code is unrolled by hand and keeps every vector in a local of this one method. On JDK 17
 * an earlier version, which passed the accumulators to a store helper and started them all from
 * one shared zero vector, made C2 box them: 15 GB/s of garbage and 30 instead of about 200 GFLOP/s
 * per core for a tile in L1.
 */
final class VectorMicroKernel implements GemmMicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;

    /** Lanes of the preferred species, for the log line that names the kernel. */
    static int lanes() {
        return L;
    }

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void multiply(int kc, float[] ap, int aOff, float[] bp, int bOff, int bStride,
                         float alpha, float beta, float[] c, int cOff, int ldc) {
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
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        int row0 = cOff;
        int row1 = cOff + 1 * ldc;
        int row2 = cOff + 2 * ldc;
        int row3 = cOff + 3 * ldc;
        int row4 = cOff + 4 * ldc;
        int row5 = cOff + 5 * ldc;
        if (beta == 0f) {
            c00.mul(va).intoArray(c, row0);
            c01.mul(va).intoArray(c, row0 + 1 * L);
            c10.mul(va).intoArray(c, row1);
            c11.mul(va).intoArray(c, row1 + 1 * L);
            c20.mul(va).intoArray(c, row2);
            c21.mul(va).intoArray(c, row2 + 1 * L);
            c30.mul(va).intoArray(c, row3);
            c31.mul(va).intoArray(c, row3 + 1 * L);
            c40.mul(va).intoArray(c, row4);
            c41.mul(va).intoArray(c, row4 + 1 * L);
            c50.mul(va).intoArray(c, row5);
            c51.mul(va).intoArray(c, row5 + 1 * L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00.fma(va, FloatVector.fromArray(S, c, row0).mul(vb)).intoArray(c, row0);
            c01.fma(va, FloatVector.fromArray(S, c, row0 + 1 * L).mul(vb)).intoArray(c, row0 + 1 * L);
            c10.fma(va, FloatVector.fromArray(S, c, row1).mul(vb)).intoArray(c, row1);
            c11.fma(va, FloatVector.fromArray(S, c, row1 + 1 * L).mul(vb)).intoArray(c, row1 + 1 * L);
            c20.fma(va, FloatVector.fromArray(S, c, row2).mul(vb)).intoArray(c, row2);
            c21.fma(va, FloatVector.fromArray(S, c, row2 + 1 * L).mul(vb)).intoArray(c, row2 + 1 * L);
            c30.fma(va, FloatVector.fromArray(S, c, row3).mul(vb)).intoArray(c, row3);
            c31.fma(va, FloatVector.fromArray(S, c, row3 + 1 * L).mul(vb)).intoArray(c, row3 + 1 * L);
            c40.fma(va, FloatVector.fromArray(S, c, row4).mul(vb)).intoArray(c, row4);
            c41.fma(va, FloatVector.fromArray(S, c, row4 + 1 * L).mul(vb)).intoArray(c, row4 + 1 * L);
            c50.fma(va, FloatVector.fromArray(S, c, row5).mul(vb)).intoArray(c, row5);
            c51.fma(va, FloatVector.fromArray(S, c, row5 + 1 * L).mul(vb)).intoArray(c, row5 + 1 * L);
        }
    }
}
