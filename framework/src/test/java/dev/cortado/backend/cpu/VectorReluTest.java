package dev.cortado.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * ReLU backward on the Vector API, dx = dy where x > 0 and +0 elsewhere, bit for bit equal to the
 * branch-free scalar form dy & positiveMask(x), over the edge cases of the sign test (±0, NaN, ±∞,
 * the smallest subnormal) placed in both the vector part and the scalar tail of a sub-range.
 */
class VectorReluTest {
    @Test
    void keepsDyExactlyWhereXIsPositive() {
        float[] cases = {1f, -1f, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, -Float.MIN_VALUE, 3.5f};
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        int from = 3;
        int to = from + 4 * lanes + 7;
        float[] x = new float[to + 2];
        float[] dy = new float[to + 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = cases[i % cases.length];
            // dy with a NaN and a negative zero among ordinary values: both must pass through unchanged.
            dy[i] = i % 7 == 0 ? Float.NaN : i % 5 == 0 ? -0f : i * 0.25f - 3f;
        }
        float[] dx = new float[x.length];
        Arrays.fill(dx, 42f);
        VectorRelu.backward(x, dy, dx, from, to);
        for (int i = 0; i < x.length; i++) {
            int expected = i < from || i >= to ? Float.floatToRawIntBits(42f)
                    : Float.floatToRawIntBits(dy[i]) & CpuActivations.positiveMask(x[i]);
            assertEquals(expected, Float.floatToRawIntBits(dx[i]), "index " + i + ", x " + x[i] + ", dy " + dy[i]);
        }
    }
}
