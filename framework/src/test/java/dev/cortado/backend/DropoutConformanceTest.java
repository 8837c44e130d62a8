package dev.cortado.backend;

import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inverted dropout: element i is kept iff CounterRng.uniform(seed, i) ≥ p, with mask 1/(1-p) when kept and
 * 0 when dropped; y = x ⊙ mask and dx = dy ⊙ mask.
 */
class DropoutConformanceTest {
    private static final int N = 100_000;
    private static final float P = 0.3f;

    /** The mask and output of one forward pass. */
    private record Forward(float[] mask, float[] y) {
    }

    private static Forward forward(Backend b, float[] x, float p, long seed) {
        Shape shape = Shape.of(x.length);
        try (Tensor xt = b.upload(shape, x); Tensor mask = b.allocate(shape); Tensor y = b.allocate(shape)) {
            b.dropout().forward(xt, p, seed, mask, y);
            return new Forward(b.download(mask), b.download(y));
        }
    }

    private static float[] constant(int n, float value) {
        float[] v = new float[n];
        Arrays.fill(v, value);
        return v;
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void maskIsTheCounterRngDrawScaledByOneOverKeepProbability(Backend b) {
        // Every backend must draw the same mask from the seed: that is what makes CPU and CUDA runs comparable.
        float scale = 1f / (1f - P);
        float[] mask = forward(b, constant(N, 1), P, 42).mask();
        for (int i = 0; i < N; i++) {
            float expected = CounterRng.uniform(42, i) >= P ? scale : 0f;
            if (mask[i] != expected) {
                fail("mask element " + i + " is " + mask[i] + ", expected exactly " + expected);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void keptFractionIsCloseToOneMinusP(Backend b) {
        // The number kept is Binomial(N, 1-p): mean 70 000, standard deviation sqrt(N·p·(1-p)) = 144.9.
        // Five standard deviations (a false failure once in ~3.5 million runs) is a fraction of 0.0072.
        float[] mask = forward(b, constant(N, 1), P, 7).mask();
        long kept = 0;
        for (float m : mask) {
            if (m != 0) {
                kept++;
            }
        }
        double sd = Math.sqrt(N * P * (1.0 - P));
        assertEquals((1 - P) * N, kept, 5 * sd, "kept elements of " + N);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void outputKeepsTheInputsExpectation(Backend b) {
        // E[y] = x·(1-p)·1/(1-p) = x. For x ≡ 2 the sample mean of y has standard deviation
        // 2·sqrt(p/((1-p)·N)) = 0.0041; five of them is 0.021.
        float[] y = forward(b, constant(N, 2), P, 99).y();
        double sum = 0;
        for (float v : y) {
            sum += v;
        }
        assertEquals(2, sum / N, 5 * 2 * Math.sqrt(P / ((1 - P) * (double) N)), "mean of y");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void outputIsInputTimesMask(Backend b) {
        float[] x = uniform(181, 1000, -3, 3);
        Forward f = forward(b, x, 0.5f, 5);
        float[] expected = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            // The mask is exactly 0 or 2, so x·mask is exact in float and can be compared exactly.
            expected[i] = x[i] * f.mask()[i];
            assertTrue(f.mask()[i] == 0f || f.mask()[i] == 2f, "mask value " + f.mask()[i]);
        }
        assertArrayEquals(expected, f.y());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void sameSeedSameMaskOtherSeedOtherMask(Backend b) {
        float[] x = constant(N, 1);
        float[] first = forward(b, x, P, 1234).mask();
        assertArrayEquals(first, forward(b, x, P, 1234).mask(), "same seed");
        float[] other = forward(b, x, P, 1235).mask();
        // Two independent masks disagree on each element with probability 2p(1-p) = 0.42: 42 000 of N, with a
        // standard deviation of 156; requiring 40 000 is over 12 deviations away from a false failure.
        int differ = 0;
        for (int i = 0; i < N; i++) {
            if (first[i] != other[i]) {
                differ++;
            }
        }
        assertTrue(differ > 40_000, "masks of seeds 1234 and 1235 differ in only " + differ + " of " + N + " elements");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void zeroProbabilityKeepsEverythingUnscaled(Backend b) {
        float[] x = uniform(191, 1000, -3, 3);
        Forward f = forward(b, x, 0, 3);
        assertArrayEquals(constant(1000, 1), f.mask());
        assertArrayEquals(x, f.y());
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void backwardMultipliesByTheMask(Backend b) {
        Shape shape = Shape.nchw(2, 3, 4, 4);
        float[] x = uniform(201, shape.intSize(), -1, 1);
        float[] dy = uniform(202, shape.intSize(), -1, 1);
        try (Tensor xt = b.upload(shape, x); Tensor mask = b.allocate(shape); Tensor y = b.allocate(shape);
             Tensor dyt = b.upload(shape, dy); Tensor dx = b.allocate(shape)) {
            b.dropout().forward(xt, 0.25f, 11, mask, y);
            b.dropout().backward(dyt, mask, dx);
            float[] m = b.download(mask);
            float[] expected = new float[dy.length];
            for (int i = 0; i < dy.length; i++) {
                expected[i] = dy[i] * m[i];
            }
            // The same float product on every backend: exact.
            assertArrayEquals(expected, b.download(dx));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void probabilityOutsideZeroToOneIsRejected(Backend b) {
        Shape shape = Shape.of(4);
        try (Tensor x = b.allocate(shape); Tensor mask = b.allocate(shape); Tensor y = b.allocate(shape)) {
            for (float p : new float[] {1, -0.1f, 1.5f, Float.NaN}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> b.dropout().forward(x, p, 0, mask, y));
                assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains("[0, 1)")
                        && e.getMessage().contains(String.valueOf(p)), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void mismatchedShapesAreRejectedNamingOpAndShapes(Backend b) {
        try (Tensor x = b.allocate(Shape.of(2, 3)); Tensor mask = b.allocate(Shape.of(6)); Tensor y = b.allocate(Shape.of(2, 3))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> b.dropout().forward(x, 0.5f, 0, mask, y));
            assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains("[2, 3]")
                    && e.getMessage().contains("[6]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> b.dropout().backward(x, mask, y));
            assertTrue(e.getMessage().contains("dropout backward") && e.getMessage().contains("[6]"), e.getMessage());
        }
    }
}
