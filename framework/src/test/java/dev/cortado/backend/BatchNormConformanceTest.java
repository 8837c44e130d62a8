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
 * Batch normalization (Ioffe and Szegedy 2015, Algorithm 1): y = γ·(x - μ_B)/sqrt(σ²_B + ε) + β per
 * channel, running statistics moved by momentum with the unbiased variance m/(m-1)·σ²_B (PyTorch).
 */
class BatchNormConformanceTest {
    private static final BatchNormSpec SPEC = BatchNormSpec.DEFAULT;

    /** Everything a training forward pass produces, downloaded. */
    private record Forward(float[] y, float[] savedMean, float[] savedInvStd, float[] runningMean, float[] runningVar) {
    }

    private static Forward trainingForward(Backend b, Shape shape, float[] x, float[] gamma, float[] beta,
                                           float[] runningMean, float[] runningVar) {
        Shape c = Shape.of(shape.channels());
        try (Tensor xt = b.upload(shape, x); Tensor g = b.upload(c, gamma); Tensor bt = b.upload(c, beta);
             Tensor rm = b.upload(c, runningMean); Tensor rv = b.upload(c, runningVar);
             Tensor y = b.allocate(shape); Tensor sm = b.allocate(c); Tensor si = b.allocate(c)) {
            b.normalization().batchNormTrainingForward(xt, g, bt, SPEC, rm, rv, y, sm, si);
            return new Forward(b.download(y), b.download(sm), b.download(si), b.download(rm), b.download(rv));
        }
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void handComputedBatchOfFourMatchesAlgorithmOne(Backend b) {
        // x = [1, 2, 3, 6]: μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5 (biased), unbiased 14/3.
        // invStd = 1/sqrt(3.5 + 1e-5) = 0.53452172; with γ = 2, β = 0.5: y = 2·(x - 3)·invStd + 0.5.
        // Running stats from (0, 1) with momentum 0.1: mean 0.1·3 = 0.3, var 0.9·1 + 0.1·14/3 = 1.3666667.
        Forward f = trainingForward(b, Shape.of(4, 1), new float[] {1, 2, 3, 6}, new float[] {2}, new float[] {0.5f},
                new float[] {0}, new float[] {1});
        // float32 results of unit-scale arithmetic: a few ulps of values up to 4, so 1e-5 absolute.
        assertClose("saved mean", new float[] {3}, f.savedMean(), 1e-6, 0);
        assertClose("saved invStd", new float[] {0.53452172f}, f.savedInvStd(), 1e-6, 0);
        assertClose("y", new float[] {-1.6380869f, -0.5690434f, 0.5f, 3.7071303f}, f.y(), 1e-5, 0);
        assertClose("running mean", new float[] {0.3f}, f.runningMean(), 1e-6, 0);
        assertClose("running var (unbiased)", new float[] {1.3666667f}, f.runningVar(), 1e-6, 0);

        // Inference then uses the running statistics: y = 2·(x - 0.3)/sqrt(1.3666667 + 1e-5) + 0.5.
        Shape shape = Shape.of(4, 1);
        Shape c = Shape.of(1);
        try (Tensor x = b.upload(shape, 1, 2, 3, 6); Tensor g = b.upload(c, 2); Tensor bt = b.upload(c, 0.5f);
             Tensor rm = b.upload(c, f.runningMean()); Tensor rv = b.upload(c, f.runningVar());
             Tensor y = b.allocate(shape)) {
            b.normalization().batchNormInferenceForward(x, g, bt, SPEC, rm, rv, y);
            assertClose("inference y", new float[] {1.6975541f, 3.4083457f, 5.1191373f, 10.251512f},
                    b.download(y), 2e-5, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void normalizesEachChannelOfNchwToZeroMeanUnitVariance(Backend b) {
        // Channel c of [N, C, H, W] pools N·H·W values; with γ = 1, β = 0 each channel of y must have mean 0
        // and biased variance σ²/(σ² + ε) ≈ 1. Channels get different offsets and scales so that mixing
        // them up would show.
        Shape shape = Shape.nchw(3, 2, 2, 3);
        float[] x = uniform(11, shape.intSize(), -1, 1);
        for (int i = 0; i < x.length; i++) {
            int channel = (i / 6) % 2;
            x[i] = channel == 0 ? 100 + 5 * x[i] : -3 + 0.1f * x[i];
        }
        Forward f = trainingForward(b, shape, x, ones(2), new float[2], new float[2], ones(2));
        for (int c = 0; c < 2; c++) {
            double sum = 0;
            double squares = 0;
            for (int n = 0; n < 3; n++) {
                for (int k = 0; k < 6; k++) {
                    float v = f.y()[(n * 2 + c) * 6 + k];
                    sum += v;
                    squares += v * v;
                }
            }
            // 18 values of unit scale, each with float error ~1e-6: the moments hold to 1e-4; ε = 1e-5 shrinks
            // the variance of the 0.1-scaled channel (σ² ≈ 3e-3) by a factor 1 - 3e-3, hence 5e-3 there.
            assertClose("mean of channel " + c, new float[] {0}, new float[] {(float) (sum / 18)}, 1e-4, 0);
            assertClose("variance of channel " + c, new float[] {1}, new float[] {(float) (squares / 18)}, 5e-3, 0);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void backwardMatchesFiniteDifferencesForNchw(Backend b) {
        checkGradients(b, Shape.nchw(2, 3, 2, 2), 21);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void backwardMatchesFiniteDifferencesForFeatures(Backend b) {
        checkGradients(b, Shape.of(5, 4), 22);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void backwardMatchesFiniteDifferencesForBatchOfOneImage(Backend b) {
        // With N = 1 the statistics come from space alone (m = H·W).
        checkGradients(b, Shape.nchw(1, 2, 3, 3), 23);
    }

    /**
     * L = ⟨dy, y(x, γ, β)⟩ so that ∂L/∂y = dy; dx, dγ and dβ from the backward pass are compared with central
     * differences of L. GradientChecker.standard(): outputs are unit-scale (x̂ has unit variance), so the
     * float rounding of L over h = 1e-2 stays near 1e-4, well inside atol 2e-3 + rtol 2e-2.
     */
    private static void checkGradients(Backend b, Shape shape, long seed) {
        int channels = shape.channels();
        Shape c = Shape.of(channels);
        float[] x = uniform(seed, shape.intSize(), -2, 2);
        float[] gamma = uniform(seed + 1, channels, 0.5f, 1.5f);
        float[] beta = uniform(seed + 2, channels, -0.5f, 0.5f);
        float[] dy = uniform(seed + 3, shape.intSize(), -1, 1);
        float[] dx;
        float[] dgamma;
        float[] dbeta;
        try (Tensor xt = b.upload(shape, x); Tensor g = b.upload(c, gamma); Tensor bt = b.upload(c, beta);
             Tensor rm = b.allocate(c); Tensor rv = b.allocate(c); Tensor y = b.allocate(shape);
             Tensor sm = b.allocate(c); Tensor si = b.allocate(c); Tensor dyt = b.upload(shape, dy);
             Tensor dxt = b.allocate(shape); Tensor dg = b.allocate(c); Tensor db = b.allocate(c)) {
            b.normalization().batchNormTrainingForward(xt, g, bt, SPEC, rm, rv, y, sm, si);
            b.normalization().batchNormBackward(xt, dyt, g, SPEC, sm, si, dxt, dg, db);
            dx = b.download(dxt);
            dgamma = b.download(dg);
            dbeta = b.download(db);
        }
        GradientChecker checker = GradientChecker.standard();
        float[] zeros = new float[channels];
        float[] unit = ones(channels);
        checker.check("batch norm dx " + shape, x, dx,
                p -> dot(dy, trainingForward(b, shape, p, gamma, beta, zeros, unit).y()));
        checker.check("batch norm dgamma " + shape, gamma, dgamma,
                p -> dot(dy, trainingForward(b, shape, x, p, beta, zeros, unit).y()));
        checker.check("batch norm dbeta " + shape, beta, dbeta,
                p -> dot(dy, trainingForward(b, shape, x, gamma, p, zeros, unit).y()));
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void agreesWithTheReferenceBackend(Backend b) {
        assumeFalse(b == BackendsUnderTest.reference(), "the reference backend is what the others are compared with");
        Backend ref = BackendsUnderTest.reference();
        Shape shape = Shape.nchw(4, 3, 5, 5);
        float[] x = uniform(31, shape.intSize(), -3, 3);
        float[] gamma = uniform(32, 3, 0.5f, 1.5f);
        float[] beta = uniform(33, 3, -1, 1);
        float[] rm = uniform(34, 3, -1, 1);
        float[] rv = uniform(35, 3, 0.5f, 2);
        Forward expected = trainingForward(ref, shape, x, gamma, beta, rm, rv);
        Forward actual = trainingForward(b, shape, x, gamma, beta, rm, rv);
        // Different summation orders in float: 1e-5 relative to unit-scale values.
        assertClose("y", expected.y(), actual.y(), 1e-5, 1e-5);
        assertClose("running mean", expected.runningMean(), actual.runningMean(), 1e-6, 1e-5);
        assertClose("running var", expected.runningVar(), actual.runningVar(), 1e-6, 1e-5);
        assertClose("saved invStd", expected.savedInvStd(), actual.savedInvStd(), 1e-6, 1e-5);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void gammaOfTheWrongLengthIsRejectedNamingTheShapes(Backend b) {
        Shape shape = Shape.nchw(2, 3, 2, 2);
        try (Tensor x = b.allocate(shape); Tensor g = b.allocate(Shape.of(4)); Tensor c3 = b.allocate(Shape.of(3));
             Tensor rm = b.allocate(Shape.of(3)); Tensor rv = b.allocate(Shape.of(3)); Tensor y = b.allocate(shape);
             Tensor sm = b.allocate(Shape.of(3)); Tensor si = b.allocate(Shape.of(3))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> b.normalization().batchNormTrainingForward(x, g, c3, SPEC, rm, rv, y, sm, si));
            assertTrue(e.getMessage().contains("batch norm") && e.getMessage().contains("gamma")
                    && e.getMessage().contains("[3]") && e.getMessage().contains("[4]"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void outputOfAnotherShapeIsRejected(Backend b) {
        Shape shape = Shape.of(4, 3);
        Shape c = Shape.of(3);
        try (Tensor x = b.allocate(shape); Tensor g = b.allocate(c); Tensor bt = b.allocate(c);
             Tensor rm = b.allocate(c); Tensor rv = b.allocate(c); Tensor y = b.allocate(Shape.of(3, 4))) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> b.normalization().batchNormInferenceForward(x, g, bt, SPEC, rm, rv, y));
            assertTrue(e.getMessage().contains("batch norm") && e.getMessage().contains("[4, 3]")
                    && e.getMessage().contains("[3, 4]"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void trainingOnOneValuePerChannelIsRejected(Backend b) {
        // m = 1 leaves the unbiased variance m/(m-1)·σ² undefined.
        Shape shape = Shape.of(1, 3);
        Shape c = Shape.of(3);
        try (Tensor x = b.allocate(shape); Tensor g = b.allocate(c); Tensor bt = b.allocate(c);
             Tensor rm = b.allocate(c); Tensor rv = b.allocate(c); Tensor y = b.allocate(shape);
             Tensor sm = b.allocate(c); Tensor si = b.allocate(c)) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> b.normalization().batchNormTrainingForward(x, g, bt, SPEC, rm, rv, y, sm, si));
            assertTrue(e.getMessage().contains("more than one value") && e.getMessage().contains("[1, 3]"),
                    e.getMessage());
        }
    }
}
