package dev.cortado.backend.cpu;

import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batch norm's plane sums, Σ(x−K), Σ(x−K)², Σdy and Σdy·(x−μ), against double-precision loops, over
 * lengths that take every path: shorter than a vector (scalar tail only), a vector plus a tail, and
 * more than one chunk of {@link VectorPlaneSums#PER_LANE} values per lane (so several folds into
 * double), at an offset inside a larger array. The sums add onto what the output already holds.
 */
class VectorPlaneSumsTest {
    private static final int LANES = FloatVector.SPECIES_PREFERRED.length();
    /**
     * Float partial sums of at most 64 values per lane, each below 2 in magnitude: rounding ~64·6e-8
     * of Σ|terms| ≤ 2 per value, so 1e-5 per value summed is a bound with room.
     */
    private static final double TOLERANCE_PER_VALUE = 1e-5;

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {0, 3, 17, 1024, 2 * 64 * 16 + 5, 3 * 64 * 64 + 9})
    void sumsMatchDoublePrecision(int len) {
        int from = 7;
        float[] x = uniform(41, from + len + 3, 4, 6);
        float[] dy = uniform(42, from + len + 3, -1, 1);
        float shift = x[from];
        float mean = 5.1f;
        double[] expected = {0.5, -0.25, 0, 0};
        for (int p = from; p < from + len; p++) {
            double d = (double) x[p] - shift;
            expected[0] += d;
            expected[1] += d * d;
            expected[2] += dy[p];
            expected[3] += (double) dy[p] * ((double) x[p] - mean);
        }
        double[] out = {0.5, -0.25, 0, 0};
        float[] lanes = new float[VectorPlaneSums.scratchLength()];
        VectorPlaneSums.shifted(x, from, len, shift, out, 0, lanes);
        VectorPlaneSums.gradient(dy, x, from, len, mean, out, 2, lanes);
        double tolerance = TOLERANCE_PER_VALUE * Math.max(1, len);
        String[] names = {"Σ(x−K)", "Σ(x−K)²", "Σdy", "Σdy·(x−μ)"};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], out[i], tolerance, names[i] + " over " + len + " values, " + LANES + " lanes");
        }
    }
}
