package dev.cortado.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-plane sums of batch normalization with the Vector API: Σ(x−K) and Σ(x−K)² for the
 * statistics, Σdy and Σdy·(x−μ) for the backward pass. Each lane accumulates in float over a chunk
 * of at most {@link #PER_LANE} values, then the lanes are added into the double totals in lane order
 * and the tail in index order: the float error stays near PER_LANE·2⁻²⁴ relative to the chunk's
 * magnitude (the caller's shift K keeps x−K centred, so that is relative to the spread, not the
 * mean), and the order is fixed, so the result does not depend on the JIT. Load this class only
 * when {@code jdk.incubator.vector} is resolved.
 */
final class VectorPlaneSums {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = S.length();
    /** Values each float lane adds up before the lanes are folded into double. */
    static final int PER_LANE = 64;
    private static final int CHUNK = PER_LANE * LANES;

    private VectorPlaneSums() {
    }

    /** Floats of scratch that {@code lanes} must hold. */
    static int scratchLength() {
        return 2 * LANES;
    }

    /** out[at] += Σ(x−shift) and out[at + 1] += Σ(x−shift)² over x[from, from + len). */
    static void shifted(float[] x, int from, int len, float shift, double[] out, int at, float[] lanes) {
        int end = from + len;
        FloatVector k = FloatVector.broadcast(S, shift);
        double sum = 0;
        double squares = 0;
        int p = from;
        while (end - p >= LANES) {
            int chunkEnd = Math.min(end - (end - p) % LANES, p + CHUNK);
            FloatVector s = FloatVector.zero(S);
            FloatVector q = FloatVector.zero(S);
            for (; p < chunkEnd; p += LANES) {
                FloatVector d = FloatVector.fromArray(S, x, p).sub(k);
                s = s.add(d);
                q = d.fma(d, q);
            }
            s.intoArray(lanes, 0);
            q.intoArray(lanes, LANES);
            for (int l = 0; l < LANES; l++) {
                sum += lanes[l];
                squares += lanes[LANES + l];
            }
        }
        for (; p < end; p++) {
            double d = x[p] - shift;
            sum += d;
            squares += d * d;
        }
        out[at] += sum;
        out[at + 1] += squares;
    }

    /** out[at] += Σdy and out[at + 1] += Σdy·(x−mean) over [from, from + len) of both arrays. */
    static void gradient(float[] dy, float[] x, int from, int len, float mean, double[] out, int at, float[] lanes) {
        int end = from + len;
        FloatVector mu = FloatVector.broadcast(S, mean);
        double sum = 0;
        double products = 0;
        int p = from;
        while (end - p >= LANES) {
            int chunkEnd = Math.min(end - (end - p) % LANES, p + CHUNK);
            FloatVector s = FloatVector.zero(S);
            FloatVector q = FloatVector.zero(S);
            for (; p < chunkEnd; p += LANES) {
                FloatVector g = FloatVector.fromArray(S, dy, p);
                s = s.add(g);
                q = g.fma(FloatVector.fromArray(S, x, p).sub(mu), q);
            }
            s.intoArray(lanes, 0);
            q.intoArray(lanes, LANES);
            for (int l = 0; l < LANES; l++) {
                sum += lanes[l];
                products += lanes[LANES + l];
            }
        }
        for (; p < end; p++) {
            sum += dy[p];
            products += (double) dy[p] * (x[p] - mean);
        }
        out[at] += sum;
        out[at + 1] += products;
    }
}
