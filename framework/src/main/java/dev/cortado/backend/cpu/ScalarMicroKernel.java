package dev.cortado.backend.cpu;

/**
 * A 4×4 micro-kernel in plain Java, for JVMs started without {@code jdk.incubator.vector}. The
 * sixteen accumulators are locals so that the JIT keeps them in registers; each step of the k
 * loop loads 4 + 4 values for 16 multiply-adds.
 */
final class ScalarMicroKernel implements GemmMicroKernel {
    static final int MR = 4;
    static final int NR = 4;

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
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += bStride) {
            float a0 = ap[ai], a1 = ap[ai + 1], a2 = ap[ai + 2], a3 = ap[ai + 3];
            float b0 = bp[bi], b1 = bp[bi + 1], b2 = bp[bi + 2], b3 = bp[bi + 3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        store(c, cOff, alpha, beta, c00, c01, c02, c03);
        store(c, cOff + ldc, alpha, beta, c10, c11, c12, c13);
        store(c, cOff + 2 * ldc, alpha, beta, c20, c21, c22, c23);
        store(c, cOff + 3 * ldc, alpha, beta, c30, c31, c32, c33);
    }

    private static void store(float[] c, int off, float alpha, float beta, float s0, float s1, float s2, float s3) {
        if (beta == 0f) {
            c[off] = alpha * s0;
            c[off + 1] = alpha * s1;
            c[off + 2] = alpha * s2;
            c[off + 3] = alpha * s3;
        } else {
            c[off] = alpha * s0 + beta * c[off];
            c[off + 1] = alpha * s1 + beta * c[off + 1];
            c[off + 2] = alpha * s2 + beta * c[off + 2];
            c[off + 3] = alpha * s3 + beta * c[off + 3];
        }
    }
}
