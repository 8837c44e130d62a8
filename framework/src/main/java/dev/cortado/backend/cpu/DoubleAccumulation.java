package dev.cortado.backend.cpu;

/**
 * Sums of float ranges accumulated in double. Four interleaved accumulators (lane i mod 4, joined as
 * (a0 + a1) + (a2 + a3)) hide the latency of the floating-point add; the order is fixed, so a given
 * range always yields the same bits.
 */
final class DoubleAccumulation {
    private DoubleAccumulation() {
    }

    /** Σ x[i] for i in [from, to). */
    static double sum(float[] x, int from, int to) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            a0 += x[i];
            a1 += x[i + 1];
            a2 += x[i + 2];
            a3 += x[i + 3];
        }
        for (; i < to; i++) {
            a0 += x[i];
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** Σ x[i]² for i in [from, to), each square taken in double so that it cannot overflow. */
    static double sumOfSquares(float[] x, int from, int to) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            double x0 = x[i], x1 = x[i + 1], x2 = x[i + 2], x3 = x[i + 3];
            a0 += x0 * x0;
            a1 += x1 * x1;
            a2 += x2 * x2;
            a3 += x3 * x3;
        }
        for (; i < to; i++) {
            double xi = x[i];
            a0 += xi * xi;
        }
        return (a0 + a1) + (a2 + a3);
    }

    /** max x[i] for i in [from, to), NaN if any element is NaN (so that divergence shows). */
    static float max(float[] x, int from, int to) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }
}
