package dev.cortado.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * ReLU's backward pass, dx = dy where x > 0 and +0 elsewhere (x NaN included), with the Vector API:
 * the scalar form's float/int bit casts keep C2 from vectorizing it. A lane-wise compare and blend
 * passes dy's bits through unchanged, so the result is that of {@link CpuActivations#positiveMask}
 * bit for bit. Load this class only when {@code jdk.incubator.vector} is resolved.
 */
final class VectorRelu {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorRelu() {
    }

    /** dx[i] = x[i] > 0 ? dy[i] : +0 for i in [from, to). */
    static void backward(float[] x, float[] dy, float[] dx, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int end = to - (to - from) % S.length(); i < end; i += S.length()) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, i), positive).intoArray(dx, i);
        }
        for (; i < to; i++) {
            dx[i] = x[i] > 0f ? dy[i] : 0f;
        }
    }
}
