package dev.cortado.backend;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Small helpers for building inputs and comparing outputs with explicit tolerances. */
public final class TestTensors {
    private TestTensors() {
    }

    /** n uniform values in [lo, hi), reproducible from the seed. */
    public static float[] uniform(long seed, int n, float lo, float hi) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    /** Fails naming the first element where |actual - expected| > atol + rtol·|expected|. */
    public static void assertClose(String what, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " elements, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs((double) actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.abs(expected[i]))) {
                fail(String.format("%s: element %d is %.7g, expected %.7g (|diff| %.3g > atol %.1g + rtol %.1g)",
                        what, i, actual[i], expected[i], diff, atol, rtol));
            }
        }
    }

    /** Σ a·b in double: the scalar L = ⟨dy, y⟩ whose gradient with respect to y is dy. */
    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
