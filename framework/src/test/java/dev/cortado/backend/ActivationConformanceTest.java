package dev.cortado.backend;

import static dev.cortado.backend.TestTensors.assertClose;
import static dev.cortado.backend.TestTensors.dot;
import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pointwise activations y = f(x) with dx = dy·f'(x), and PReLU with one slope per channel. */
class ActivationConformanceTest {
    private static final Activation[] ALL = {
        Activation.RELU, Activation.leakyRelu(0.1f), Activation.elu(1.5f), Activation.SIGMOID, Activation.TANH,
        Activation.SOFTPLUS, Activation.SWISH,
    };

    static Stream<Arguments> backendsAndActivations() {
        return BackendsUnderTest.all().flatMap(b -> Stream.of(ALL).map(a -> Arguments.of(b, a)));
    }

    private static float[] forward(Backend b, Activation a, float... x) {
        Shape shape = Shape.of(x.length);
        try (Tensor xt = b.upload(shape, x); Tensor y = b.allocate(shape)) {
            b.activations().forward(a, xt, y);
            return b.download(y);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void knownValues(Backend b) {
        // Values from the definitions, to 7 digits; float32 holds them to ~1 ulp, so 1e-6 absolute.
        double tol = 1e-6;
        assertClose("relu", new float[] {0, 0, 2.5f}, forward(b, Activation.RELU, -1, 0, 2.5f), tol, 0);
        assertClose("leaky relu 0.1", new float[] {-0.2f, 3}, forward(b, Activation.leakyRelu(0.1f), -2, 3), tol, 0);
        // ELU(α): α·(eˣ - 1) below 0; e^-1 - 1 = -0.63212056.
        assertClose("elu 1.5", new float[] {1.5f * -0.63212056f, 2}, forward(b, Activation.elu(1.5f), -1, 2), tol, 0);
        // σ(0) = 1/2, σ(2) = 0.88079708, σ(-2) = 0.11920292.
        assertClose("sigmoid", new float[] {0.5f, 0.88079708f, 0.11920292f},
                forward(b, Activation.SIGMOID, 0, 2, -2), tol, 0);
        assertClose("tanh", new float[] {0, 0.76159416f, -0.46211716f}, forward(b, Activation.TANH, 0, 1, -0.5f), tol, 0);
        // softplus(0) = ln 2; at ±100 the stable form gives 100 and e^-100 ≈ 3.7e-44 (no overflow to ∞).
        assertClose("softplus", new float[] {0.69314718f, 100, 0}, forward(b, Activation.SOFTPLUS, 0, 100, -100),
                tol, 1e-7);
        // swish(1) = σ(1) = 0.73105858, swish(-1) = -σ(-1) = -0.26894142.
        assertClose("swish", new float[] {0.73105858f, -0.26894142f, 0}, forward(b, Activation.SWISH, 1, -1, 0), tol, 0);
        // Sigmoid saturates without overflow: σ(-100) ≈ 3.7e-44, σ(100) = 1.
        assertClose("sigmoid tails", new float[] {0, 1}, forward(b, Activation.SIGMOID, -100, 100), tol, 0);
    }

    @ParameterizedTest
    @MethodSource("backendsAndActivations")
    void backwardMatchesFiniteDifferences(Backend b, Activation a) {
        // Inputs in [-3, 3] kept at least 0.05 from the kink of ReLU, leaky ReLU and ELU at 0 (h = 1e-2).
        // Standard tolerances: the functions are smooth away from 0 with |f''| ≤ 1.5 (ELU's α), so the
        // central difference errs by h²·|f'''|/6 ≈ 1e-4 at most.
        Shape shape = Shape.nchw(2, 3, 4, 5);
        float[] x = uniform(71, shape.intSize(), -3, 3);
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) < 0.05f) {
                x[i] += x[i] < 0 ? -0.05f : 0.05f;
            }
        }
        float[] dy = uniform(72, shape.intSize(), -1, 1);
        float[] dx;
        try (Tensor xt = b.upload(shape, x); Tensor y = b.allocate(shape); Tensor dyt = b.upload(shape, dy);
             Tensor dxt = b.allocate(shape)) {
            b.activations().forward(a, xt, y);
            b.activations().backward(a, xt, y, dyt, dxt);
            dx = b.download(dxt);
        }
        GradientChecker.standard().check(a + " dx", x, dx, p -> dot(dy, forward(b, a, p)));
    }

    @ParameterizedTest
    @MethodSource("backendsAndActivations")
    void inPlaceForwardEqualsOutOfPlace(Backend b, Activation a) {
        float[] x = uniform(73, 100, -4, 4);
        float[] expected = forward(b, a, x);
        try (Tensor t = b.upload(Shape.of(100), x)) {
            b.activations().forward(a, t, t);
            assertArrayEquals(expected, b.download(t), a + " in place");
        }
    }

    private static float[] prelu(Backend b, Shape shape, float[] x, float[] slope) {
        try (Tensor xt = b.upload(shape, x); Tensor s = b.upload(Shape.of(shape.channels()), slope);
             Tensor y = b.allocate(shape)) {
            b.activations().preluForward(xt, s, y);
            return b.download(y);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void preluScalesNegativeInputsByTheirChannelsSlope(Backend b) {
        // [N=2, C=2, 1, 2]: channel 0 has slope 0.25, channel 1 slope -0.5; positives pass through.
        Shape shape = Shape.nchw(2, 2, 1, 2);
        float[] x = {-4, 1, -2, 3, 5, -8, -6, 2};
        float[] y = prelu(b, shape, x, new float[] {0.25f, -0.5f});
        assertArrayEquals(new float[] {-1, 1, 1, 3, 5, -2, 3, 2}, y);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void preluBackwardMatchesFiniteDifferencesForInputAndSlope(Backend b) {
        // dslope_c = Σ over batch and space of dy·x where x ≤ 0. Inputs avoid the kink at 0 by 0.05 > h.
        Shape shape = Shape.nchw(3, 4, 2, 3);
        float[] x = uniform(81, shape.intSize(), -2, 2);
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) < 0.05f) {
                x[i] += x[i] < 0 ? -0.05f : 0.05f;
            }
        }
        float[] slope = uniform(82, 4, 0.05f, 0.5f);
        float[] dy = uniform(83, shape.intSize(), -1, 1);
        float[] dx;
        float[] dslope;
        Shape c = Shape.of(4);
        try (Tensor xt = b.upload(shape, x); Tensor s = b.upload(c, slope); Tensor dyt = b.upload(shape, dy);
             Tensor dxt = b.allocate(shape); Tensor ds = b.upload(c, 99, 99, 99, 99)) {
            b.activations().preluBackward(xt, s, dyt, dxt, ds);
            dx = b.download(dxt);
            dslope = b.download(ds);
        }
        // Piecewise linear: finite differences are exact up to float rounding of L (~1e-5 over h = 1e-2).
        GradientChecker checker = GradientChecker.standard();
        checker.check("PReLU dx", x, dx, p -> dot(dy, prelu(b, shape, p, slope)));
        // The 99s must be overwritten, not accumulated into.
        checker.check("PReLU dslope", slope, dslope, p -> dot(dy, prelu(b, shape, x, p)));
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void agreesWithTheReferenceBackend(Backend b) {
        assumeFalse(b == BackendsUnderTest.reference(), "the reference backend is what the others are compared with");
        Backend ref = BackendsUnderTest.reference();
        float[] x = uniform(91, 1000, -6, 6);
        for (Activation a : ALL) {
            // Transcendentals of different libraries: 1e-6 absolute on values of unit scale.
            assertClose(a.toString(), forward(ref, a, x), forward(b, a, x), 1e-6, 1e-6);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void mismatchedShapesAreRejectedNamingOpAndShapes(Backend b) {
        try (Tensor x = b.allocate(Shape.of(2, 3)); Tensor y = b.allocate(Shape.of(3, 2))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> b.activations().forward(Activation.RELU, x, y));
            assertTrue(e.getMessage().contains("relu") && e.getMessage().contains("[2, 3]")
                    && e.getMessage().contains("[3, 2]"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void preluSlopeOfTheWrongLengthIsRejected(Backend b) {
        try (Tensor x = b.allocate(Shape.nchw(1, 3, 2, 2)); Tensor s = b.allocate(Shape.of(2));
             Tensor y = b.allocate(Shape.nchw(1, 3, 2, 2))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> b.activations().preluForward(x, s, y));
            assertTrue(e.getMessage().contains("PReLU") && e.getMessage().contains("slope")
                    && e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
        }
    }
}
