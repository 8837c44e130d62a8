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

/**
 * Local response normalization across channels (Krizhevsky et al. 2012; Caffe's α/size):
 * b_c = a_c / (k + α/size·Σ_{|j-c| ≤ size/2} a_j²)^β, the window clipped at the channel ends.
 */
class LrnConformanceTest {

    private static float[] forward(Backend b, Shape shape, float[] x, LrnSpec spec) {
        try (Tensor xt = b.upload(shape, x); Tensor y = b.allocate(shape)) {
            b.normalization().lrnForward(xt, spec, y);
            return b.download(y);
        }
    }

    private static float[] backward(Backend b, Shape shape, float[] x, float[] dy, LrnSpec spec) {
        try (Tensor xt = b.upload(shape, x); Tensor y = b.allocate(shape); Tensor dyt = b.upload(shape, dy);
             Tensor dx = b.allocate(shape)) {
            b.normalization().lrnForward(xt, spec, y);
            b.normalization().lrnBackward(xt, y, dyt, spec, dx);
            return b.download(dx);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void threeChannelsByHand(Backend b) {
        // a = (1, 2, 3), size 3, α = 3 (so α/size = 1), k = 1. Windows: {0,1}, {0,1,2}, {1,2}, so the
        // scales are 1 + 1 + 4 = 6, 1 + 1 + 4 + 9 = 15, 1 + 4 + 9 = 14.
        Shape shape = Shape.nchw(1, 3, 1, 1);
        float[] x = {1, 2, 3};
        // β = 1/2: b = (1/√6, 2/√15, 3/√14).
        assertClose("beta 0.5", new float[] {0.40824829f, 0.51639778f, 0.80178373f},
                forward(b, shape, x, new LrnSpec(3, 3, 0.5f, 1)), 1e-6, 0);
        // β = 3/4 (AlexNet's): b = (6^-0.75, 2·15^-0.75, 3·14^-0.75).
        assertClose("beta 0.75", new float[] {0.26084743f, 0.26239862f, 0.41450066f},
                forward(b, shape, x, new LrnSpec(3, 3, 0.75f, 1)), 1e-6, 0);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void everySpatialPositionIsNormalizedByItsOwnChannelWindow(Backend b) {
        // 20×30 positions span more than one of the CPU backend's 512-position tiles; each output is compared
        // with the formula evaluated directly in double.
        Shape shape = Shape.nchw(2, 6, 20, 30);
        LrnSpec spec = new LrnSpec(5, 2, 0.75f, 2);
        float[] x = uniform(41, shape.intSize(), -2, 2);
        float[] y = forward(b, shape, x, spec);
        int channels = 6;
        int spatial = 600;
        float[] expected = new float[x.length];
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < channels; c++) {
                for (int s = 0; s < spatial; s++) {
                    double sumSquares = 0;
                    for (int j = Math.max(0, c - 2); j <= Math.min(channels - 1, c + 2); j++) {
                        double a = x[(n * channels + j) * spatial + s];
                        sumSquares += a * a;
                    }
                    int i = (n * channels + c) * spatial + s;
                    expected[i] = (float) (x[i] / Math.pow(spec.k() + spec.alpha() / spec.size() * sumSquares, spec.beta()));
                }
            }
        }
        // Five float squares summed and one power: a few ulps of values below 2.
        assertClose("LRN forward", expected, y, 1e-6, 1e-5);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void backwardMatchesFiniteDifferencesWithAlexNetBeta(Backend b) {
        // α = 2 makes the cross-channel term of the gradient as large as the direct one, so an error in either
        // shows; 3×25 = 75 positions need no tiling, [1, 4, 24, 24] below does.
        checkGradient(b, Shape.nchw(2, 7, 3, 25), new LrnSpec(5, 2, 0.75f, 1), 51);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void backwardMatchesFiniteDifferencesWithGeneralBetaAcrossTiles(Backend b) {
        checkGradient(b, Shape.nchw(1, 4, 24, 24), new LrnSpec(3, 1.5f, 0.6f, 1.5f), 52);
    }

    /**
     * L = ⟨dy, b(a)⟩; standard tolerances: b is smooth and unit-scale for a in [-2, 2] (s ≥ k ≥ 1), so the
     * finite-difference error is near 1e-4.
     */
    private static void checkGradient(Backend b, Shape shape, LrnSpec spec, long seed) {
        float[] x = uniform(seed, shape.intSize(), -2, 2);
        float[] dy = uniform(seed + 1, shape.intSize(), -1, 1);
        float[] dx = backward(b, shape, x, dy, spec);
        GradientChecker.standard().check("LRN dx " + shape + " " + spec, x, dx,
                p -> dot(dy, forward(b, shape, p, spec)));
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void agreesWithTheReferenceBackend(Backend b) {
        assumeFalse(b == BackendsUnderTest.reference(), "the reference backend is what the others are compared with");
        Shape shape = Shape.nchw(2, 16, 7, 7);
        float[] x = uniform(61, shape.intSize(), -3, 3);
        float[] dy = uniform(62, shape.intSize(), -1, 1);
        Backend ref = BackendsUnderTest.reference();
        // float32 powers computed by different code: 1e-5 relative.
        assertClose("LRN forward", forward(ref, shape, x, LrnSpec.ALEXNET), forward(b, shape, x, LrnSpec.ALEXNET),
                1e-6, 1e-5);
        assertClose("LRN backward", backward(ref, shape, x, dy, LrnSpec.ALEXNET),
                backward(b, shape, x, dy, LrnSpec.ALEXNET), 1e-6, 1e-5);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void mismatchedShapesAreRejectedNamingBoth(Backend b) {
        try (Tensor x = b.allocate(Shape.nchw(1, 4, 2, 2)); Tensor y = b.allocate(Shape.nchw(1, 4, 2, 3))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> b.normalization().lrnForward(x, LrnSpec.ALEXNET, y));
            assertTrue(e.getMessage().contains("LRN") && e.getMessage().contains("[1, 4, 2, 2]")
                    && e.getMessage().contains("[1, 4, 2, 3]"), e.getMessage());
        }
    }
}
