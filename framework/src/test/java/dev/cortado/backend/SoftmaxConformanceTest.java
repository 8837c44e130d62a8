package dev.cortado.backend;

import static dev.cortado.backend.TestTensors.assertClose;
import static dev.cortado.backend.TestTensors.dot;
import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** softmax(x)_c = e^{x_c} / Σ_j e^{x_j} and log-softmax over dimension 1, at every batch index and position. */
class SoftmaxConformanceTest {

    private static float[] softmax(Backend b, Shape shape, float[] x, boolean log) {
        try (Tensor xt = b.upload(shape, x); Tensor y = b.allocate(shape)) {
            if (log) {
                b.activations().logSoftmaxForward(xt, y);
            } else {
                b.activations().softmaxForward(xt, y);
            }
            return b.download(y);
        }
    }

    private static float[] softmaxGradient(Backend b, Shape shape, float[] x, float[] dy, boolean log) {
        try (Tensor xt = b.upload(shape, x); Tensor y = b.allocate(shape); Tensor dyt = b.upload(shape, dy);
             Tensor dx = b.allocate(shape)) {
            if (log) {
                b.activations().logSoftmaxForward(xt, y);
                b.activations().logSoftmaxBackward(y, dyt, dx);
            } else {
                b.activations().softmaxForward(xt, y);
                b.activations().softmaxBackward(y, dyt, dx);
            }
            return b.download(dx);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void lectureExample(Backend b) {
        // The deck's network output u = (14, 11, 16) has class probabilities (.1185, .0059, .8756), rounded to
        // four decimals: the rounding error is at most 5e-5, so 1e-4.
        float[] p = softmax(b, Shape.of(1, 3), new float[] {14, 11, 16}, false);
        assertClose("softmax(14, 11, 16)", new float[] {0.1185f, 0.0059f, 0.8756f}, p, 1e-4, 0);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void largeLogitsGiveTheSameResultAsShiftedOnes(Backend b) {
        // softmax(x + c) = softmax(x): e^1002 overflows float and double alike unless the max is subtracted.
        Shape shape = Shape.of(1, 3);
        float[] big = {1000, 1001, 1002};
        float[] small = {0, 1, 2};
        float[] p = softmax(b, shape, big, false);
        for (float v : p) {
            assertTrue(Float.isFinite(v), "softmax of large logits must be finite");
        }
        // softmax(0, 1, 2) = (0.09003057, 0.24472847, 0.66524096); the two evaluations differ only by rounding.
        assertClose("softmax(0, 1, 2)", new float[] {0.09003057f, 0.24472847f, 0.66524096f},
                softmax(b, shape, small, false), 1e-7, 1e-6);
        assertClose("softmax shifted by 1000", softmax(b, shape, small, false), p, 1e-7, 1e-6);
        // log-softmax(x + c) = log-softmax(x) = x - log Σ e^x = (-2.40760596, -1.40760596, -0.40760596).
        assertClose("log-softmax shifted by 1000", new float[] {-2.40760596f, -1.40760596f, -0.40760596f},
                softmax(b, shape, big, true), 1e-6, 1e-6);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void normalizesOverChannelsAtEachPositionOfNchw(Backend b) {
        // Every (n, h, w) of [2, 3, 2, 2] has its own distribution over the 3 channels, spatial = 4 floats apart.
        Shape shape = Shape.nchw(2, 3, 2, 2);
        float[] x = uniform(101, shape.intSize(), -5, 5);
        float[] y = softmax(b, shape, x, false);
        float[] logY = softmax(b, shape, x, true);
        float[] expected = new float[x.length];
        float[] expectedLog = new float[x.length];
        for (int n = 0; n < 2; n++) {
            for (int s = 0; s < 4; s++) {
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    sum += Math.exp(x[(n * 3 + c) * 4 + s]);
                }
                for (int c = 0; c < 3; c++) {
                    int i = (n * 3 + c) * 4 + s;
                    expected[i] = (float) (Math.exp(x[i]) / sum);
                    expectedLog[i] = (float) (x[i] - Math.log(sum));
                }
            }
        }
        // Probabilities in [0, 1] and logs of moderate size, computed in double then rounded: a few ulps.
        assertClose("NCHW softmax", expected, y, 1e-7, 1e-6);
        assertClose("NCHW log-softmax", expectedLog, logY, 1e-6, 1e-6);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void softmaxBackwardMatchesFiniteDifferences(Backend b) {
        checkGradient(b, Shape.of(4, 6), false, 111);
        checkGradient(b, Shape.nchw(2, 5, 3, 2), false, 112);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void logSoftmaxBackwardMatchesFiniteDifferences(Backend b) {
        checkGradient(b, Shape.of(4, 6), true, 113);
        checkGradient(b, Shape.nchw(2, 5, 3, 2), true, 114);
    }

    /** L = ⟨dy, y⟩; softmax is smooth with bounded derivatives, so the standard tolerances hold with margin. */
    private static void checkGradient(Backend b, Shape shape, boolean log, long seed) {
        float[] x = uniform(seed, shape.intSize(), -3, 3);
        float[] dy = uniform(seed + 1, shape.intSize(), -1, 1);
        float[] dx = softmaxGradient(b, shape, x, dy, log);
        GradientChecker.standard().check((log ? "log-softmax" : "softmax") + " dx " + shape, x, dx,
                p -> dot(dy, softmax(b, shape, p, log)));
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void agreesWithTheReferenceBackend(Backend b) {
        assumeFalse(b == BackendsUnderTest.reference(), "the reference backend is what the others are compared with");
        Backend ref = BackendsUnderTest.reference();
        Shape shape = Shape.nchw(3, 10, 4, 4);
        float[] x = uniform(121, shape.intSize(), -8, 8);
        float[] dy = uniform(122, shape.intSize(), -1, 1);
        for (boolean log : new boolean[] {false, true}) {
            // Exponentials from different libraries, summed in different orders: 1e-6 relative.
            assertClose("forward log=" + log, softmax(ref, shape, x, log), softmax(b, shape, x, log), 1e-7, 1e-5);
            assertClose("backward log=" + log, softmaxGradient(ref, shape, x, dy, log),
                    softmaxGradient(b, shape, x, dy, log), 1e-6, 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void badShapesAreRejectedNamingOpAndShapes(Backend b) {
        try (Tensor x = b.allocate(Shape.of(2, 3)); Tensor y = b.allocate(Shape.of(2, 4));
             Tensor rank3 = b.allocate(Shape.of(2, 3, 4))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> b.activations().softmaxForward(x, y));
            assertTrue(e.getMessage().contains("softmax") && e.getMessage().contains("[2, 3]")
                    && e.getMessage().contains("[2, 4]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> b.activations().logSoftmaxForward(rank3, rank3));
            assertTrue(e.getMessage().contains("log-softmax") && e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        }
    }
}
