package dev.cortado.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolution on every backend: the decks' worked examples, a hand-computed 3×3 ⋆ 2×2, the direct
 * seven-loop definition ({@link NaiveConvolution}) for forward, and finite differences plus the
 * adjoint identities for both backward passes, over strides, padding, dilation, groups and odd sizes.
 *
 * <p>Every parameterized test sets {@code autoCloseArguments = false}: a {@link Backend} is
 * {@link AutoCloseable}, and JUnit would otherwise close the shared backends after the first test.
 */
class ConvolutionConformanceTest {

    /** One convolution to check: batch N, C input channels of H×W, K output channels, and the spec. */
    record ConvCase(String name, int n, int c, int h, int w, int k, Conv2dSpec spec) {
        Shape input() {
            return Shape.nchw(n, c, h, w);
        }

        Shape weight() {
            return spec.weightShape(c, k);
        }

        Shape output() {
            return spec.outputShape(input(), weight());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<ConvCase> CASES = List.of(
            new ConvCase("3x3 stride 2", 2, 3, 7, 7, 4, Conv2dSpec.of(3, 2, 0)),
            new ConvCase("3x3 padding 1, batch 3", 3, 2, 5, 5, 3, Conv2dSpec.of(3, 1, 1)),
            new ConvCase("dilation 2, batch 1", 1, 2, 7, 7, 2, Conv2dSpec.of(3, 1, 1).withDilation(2)),
            new ConvCase("same size: 5x5 padding 2 and 3x3 dilation 2 padding 2, batch 2", 2, 2, 6, 7, 3,
                    new Conv2dSpec(5, 3, 1, 1, 2, 2, 1, 2, 1)),
            new ConvCase("groups 2", 2, 4, 6, 6, 6, Conv2dSpec.of(3, 1, 1).withGroups(2)),
            new ConvCase("depthwise (groups = channels), batch 3", 3, 4, 5, 5, 4, Conv2dSpec.of(3, 1, 1).withGroups(4)),
            new ConvCase("5x7 input, 3x2 kernel, stride 2x1, padding 1x0, batch 1", 1, 3, 5, 7, 2,
                    new Conv2dSpec(3, 2, 2, 1, 1, 0, 1, 1, 1)),
            new ConvCase("pointwise 1x1", 2, 4, 4, 5, 3, Conv2dSpec.of(1, 1, 0)),
            new ConvCase("pointwise 1x1 groups 2, batch 1", 1, 4, 3, 3, 2, Conv2dSpec.of(1, 1, 0).withGroups(2)),
            new ConvCase("1x1 stride 2", 3, 2, 5, 5, 2, Conv2dSpec.of(1, 2, 0)),
            new ConvCase("batch 3, 8x6, stride 2, padding 2x1, dilation 2x1", 3, 2, 8, 6, 3,
                    new Conv2dSpec(3, 3, 2, 2, 2, 1, 2, 1, 1)),
            // Stride 1 with output planes of 32 pixels and filters of whole 4×4 tiles, where the CPU's
            // implicit GEMMs run (8 or 16 float lanes alike): rows of 8 and 16, groups, dilation, and
            // padding 0, whose transposed backward pass pads dy by more than the forward pads x.
            new ConvCase("3x3 padding 1 on 4x8, 4 to 8 channels, batch 2", 2, 4, 4, 8, 8, Conv2dSpec.of(3, 1, 1)),
            new ConvCase("3x3 padding 1 on 2x16, groups 2, batch 3", 3, 8, 2, 16, 8, Conv2dSpec.of(3, 1, 1).withGroups(2)),
            new ConvCase("3x3 dilation 2 padding 2 on 4x8, batch 2", 2, 4, 4, 8, 4,
                    Conv2dSpec.of(3, 1, 2).withDilation(2)),
            new ConvCase("3x3 padding 0 on 6x10, batch 2", 2, 4, 6, 10, 4, Conv2dSpec.of(3, 1, 0)));

    /**
     * Every backend under test with every case, then the CPU backend with each of its convolution
     * algorithms forced in turn (on vector and on scalar kernels), with the cases that algorithm can
     * run: the chooser alone would leave most of them untried on these small shapes.
     */
    static Stream<Arguments> backendsAndCases() {
        Stream<Arguments> chosen = BackendsUnderTest.withScalarCpu().flatMap(b -> CASES.stream().map(c -> Arguments.of(b, c)));
        Stream<Arguments> forced = ForcedCpuConvolutions.all().flatMap(f -> CASES.stream()
                .filter(c -> f.backend().canRun(f.algorithm(), c.input(), c.weight(), c.spec()))
                .map(c -> Arguments.of(Named.of(f.toString(), f.backend()), c)));
        return Stream.concat(chosen, forced);
    }

    /*
     * Float sums of K = Cg·kh·kw ≤ 27 products of unit-scale factors: rounding is at most about
     * K·ε·Σ|terms| ≈ 27 · 6e-8 · 27 ≈ 5e-5 in the worst case, far less typically.
     */
    private static final double FORWARD_ATOL = 1e-4;
    private static final double FORWARD_RTOL = 1e-5;

    // ---------------------------------------------------------------- the decks' worked examples

    /**
     * Deck: a 7×7 input and a 3×3 filter at stride 2 give (7 − 3)/2 + 1 = 3 outputs per axis. With
     * x[i][j] = 7i + j and an all-ones filter, each output is the sum of a 3×3 block, 9 × its centre
     * x[2oy + 1][2ox + 1]; integers below 2^24, so exact in float.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void sevenBySevenWithThreeByThreeAtStrideTwoGivesThreeByThree(Backend backend) {
        float[] x = new float[49];
        for (int i = 0; i < 49; i++) {
            x[i] = i;
        }
        float[] y = forward(backend, x, Shape.nchw(1, 1, 7, 7), ones(9), Shape.nchw(1, 1, 3, 3), Conv2dSpec.of(3, 2, 0));
        float[] expected = new float[9];
        for (int oy = 0; oy < 3; oy++) {
            for (int ox = 0; ox < 3; ox++) {
                expected[oy * 3 + ox] = 9 * ((2 * oy + 1) * 7 + 2 * ox + 1);
            }
        }
        TestTensors.assertClose("7x7 * 3x3 stride 2", expected, y, 0, 0);
    }

    /**
     * Padding 1 makes it (7 − 3 + 2)/2 + 1 = 4 per axis; the corner window sees only
     * x[0..1][0..1] = 0 + 1 + 7 + 8 = 16, the padded cells adding nothing.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void paddingOneMakesItFourByFour(Backend backend) {
        float[] x = new float[49];
        for (int i = 0; i < 49; i++) {
            x[i] = i;
        }
        Conv2dSpec spec = Conv2dSpec.of(3, 2, 1);
        assertEquals(Shape.nchw(1, 1, 4, 4), spec.outputShape(Shape.nchw(1, 1, 7, 7), Shape.nchw(1, 1, 3, 3)));
        float[] y = forward(backend, x, Shape.nchw(1, 1, 7, 7), ones(9), Shape.nchw(1, 1, 3, 3), spec);
        assertEquals(16, y.length);
        assertEquals(16f, y[0], 0f);
        // Window (1,1) covers rows/columns 1..3 in full: 9 × x[2][2] = 9 × 16.
        assertEquals(144f, y[5], 0f);
    }

    /** (N − F + 2P)/S + 1 for a small table of the decks' and the model zoo's layers. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void outputSizeIsNMinusFPlusTwoPOverSPlusOne(Backend backend) {
        int[][] table = {
                // N, F, P, S, (N - F + 2P)/S + 1
                {7, 3, 0, 1, 5},
                {7, 3, 0, 2, 3},
                {7, 3, 1, 2, 4},
                {32, 5, 2, 1, 32},   // "keep the spatial size": P = (F - 1)/2
                {32, 5, 0, 1, 28},   // the decks' 32x32x3 image and 5x5x3 filter: a 28x28 activation map
                {28, 5, 2, 1, 28},   // LeNet-5 conv1 as configured here
                {32, 3, 1, 2, 16},   // ResNet-20 downsampling
                {8, 1, 0, 2, 4},     // ResNet projection shortcut
        };
        for (int[] row : table) {
            Conv2dSpec spec = Conv2dSpec.of(row[1], row[3], row[2]);
            Shape xs = Shape.nchw(1, 1, row[0], row[0]);
            Shape ws = Shape.nchw(1, 1, row[1], row[1]);
            assertEquals(Shape.nchw(1, 1, row[4], row[4]), spec.outputShape(xs, ws), "N=" + row[0] + " F=" + row[1]
                    + " P=" + row[2] + " S=" + row[3]);
            // The backend accepts exactly that output shape.
            float[] y = forward(backend, new float[row[0] * row[0]], xs, new float[row[1] * row[1]], ws, spec);
            assertEquals(row[4] * row[4], y.length);
        }
    }

    // ---------------------------------------------------------------- hand-computed 3×3 ⋆ 2×2

    private static final float[] X3 = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final float[] W2 = {1, 2, 3, 4};
    private static final Shape X3_SHAPE = Shape.nchw(1, 1, 3, 3);
    private static final Shape W2_SHAPE = Shape.nchw(1, 1, 2, 2);

    /** y[i][j] = Σ_pq x[i+p][j+q]·w[p][q]: y00 = 1·1 + 2·2 + 4·3 + 5·4 = 37, and so on; no bias. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void threeByThreeCrossCorrelatedWithTwoByTwo(Backend backend) {
        float[] y = forward(backend, X3, X3_SHAPE, W2, W2_SHAPE, Conv2dSpec.of(2, 1, 0));
        TestTensors.assertClose("3x3 * 2x2", new float[] {37, 47, 67, 77}, y, 0, 0);
    }

    /**
     * With dy = 1 everywhere, dw[p][q] = Σ_ij x[i+p][j+q] (the four 2×2 block sums 12, 16, 24, 28) and
     * dx[a][b] = Σ of the w[p][q] whose window covers (a, b): w00 at the corner, w00 + w01 beside it,
     * all four (10) in the middle.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void threeByThreeBackwardByHand(Backend backend) {
        Conv2dSpec spec = Conv2dSpec.of(2, 1, 0);
        float[] dy = ones(4);
        float[] dx = backwardData(backend, dy, Shape.nchw(1, 1, 2, 2), W2, W2_SHAPE, spec, X3_SHAPE);
        TestTensors.assertClose("dx", new float[] {1, 3, 2, 4, 10, 6, 3, 7, 4}, dx, 0, 0);
        float[] dw = backwardFilter(backend, X3, X3_SHAPE, dy, Shape.nchw(1, 1, 2, 2), spec, W2_SHAPE);
        TestTensors.assertClose("dw", new float[] {12, 16, 24, 28}, dw, 0, 0);
    }

    // ---------------------------------------------------------------- the definition, over many shapes

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backendsAndCases")
    void forwardMatchesTheSevenLoopDefinition(Backend backend, ConvCase c) {
        float[] x = TestTensors.uniform(1, c.input().intSize(), -1, 1);
        float[] w = TestTensors.uniform(2, c.weight().intSize(), -1, 1);
        float[] y = forward(backend, x, c.input(), w, c.weight(), c.spec());
        double[] expected = NaiveConvolution.forward(x, c.input(), w, c.weight(), c.spec());
        TestTensors.assertClose(c.name(), NaiveConvolution.toFloat(expected), y, FORWARD_ATOL, FORWARD_RTOL);
    }

    /**
     * For L = ⟨dy, conv(x, w)⟩, ∂L/∂x and ∂L/∂w are what backwardData and backwardFilter return. L is
     * linear in x and in w, so central differences carry no truncation error, only float rounding of L
     * divided by 2h: the standard checker's tolerances hold with room to spare.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backendsAndCases")
    void backwardMatchesFiniteDifferences(Backend backend, ConvCase c) {
        float[] x = TestTensors.uniform(3, c.input().intSize(), -1, 1);
        float[] w = TestTensors.uniform(4, c.weight().intSize(), -1, 1);
        float[] dy = TestTensors.uniform(5, c.output().intSize(), -1, 1);
        float[] dx = backwardData(backend, dy, c.output(), w, c.weight(), c.spec(), c.input());
        float[] dw = backwardFilter(backend, x, c.input(), dy, c.output(), c.spec(), c.weight());
        GradientChecker checker = GradientChecker.standard();
        checker.check(c.name() + " dx", x, dx,
                probe -> TestTensors.dot(dy, forward(backend, probe, c.input(), w, c.weight(), c.spec())));
        checker.check(c.name() + " dw", w, dw,
                probe -> TestTensors.dot(dy, forward(backend, x, c.input(), probe, c.weight(), c.spec())));
    }

    /**
     * The adjoint identities ⟨dy, conv(x, w)⟩ = ⟨backwardData(dy, w), x⟩ = ⟨backwardFilter(x, dy), w⟩:
     * all three are the same bilinear sum in a different order, so they agree to float rounding of
     * sums of a few hundred unit-scale products (relative 1e-5), every element of dx and dw included.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backendsAndCases")
    void backwardPassesAreTheAdjointsOfForward(Backend backend, ConvCase c) {
        float[] x = TestTensors.uniform(6, c.input().intSize(), -1, 1);
        float[] w = TestTensors.uniform(7, c.weight().intSize(), -1, 1);
        float[] dy = TestTensors.uniform(8, c.output().intSize(), -1, 1);
        double viaForward = TestTensors.dot(dy, forward(backend, x, c.input(), w, c.weight(), c.spec()));
        double viaData = TestTensors.dot(x, backwardData(backend, dy, c.output(), w, c.weight(), c.spec(), c.input()));
        double viaFilter = TestTensors.dot(w, backwardFilter(backend, x, c.input(), dy, c.output(), c.spec(), c.weight()));
        double scale = Math.max(1, Math.abs(viaForward));
        assertEquals(viaForward, viaData, 1e-5 * scale * Math.sqrt(c.output().size()), c.name() + " <dx, x>");
        assertEquals(viaForward, viaFilter, 1e-5 * scale * Math.sqrt(c.output().size()), c.name() + " <dw, w>");
    }

    /**
     * Other backends against the CPU reference, element by element. cuDNN may pick algorithms (FFT,
     * Winograd) whose rounding differs from a direct sum by a few 1e-6 relative; 1e-4 absolute on
     * unit-scale data leaves room for that and for no real bug.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backendsAndCases")
    void agreesWithTheReferenceBackend(Backend backend, ConvCase c) {
        assumeFalse(backend == BackendsUnderTest.reference(), "the reference backend is what the others are compared with");
        Backend reference = BackendsUnderTest.reference();
        float[] x = TestTensors.uniform(9, c.input().intSize(), -1, 1);
        float[] w = TestTensors.uniform(10, c.weight().intSize(), -1, 1);
        float[] dy = TestTensors.uniform(11, c.output().intSize(), -1, 1);
        TestTensors.assertClose(c.name() + " y", forward(reference, x, c.input(), w, c.weight(), c.spec()),
                forward(backend, x, c.input(), w, c.weight(), c.spec()), 1e-4, 1e-4);
        TestTensors.assertClose(c.name() + " dx",
                backwardData(reference, dy, c.output(), w, c.weight(), c.spec(), c.input()),
                backwardData(backend, dy, c.output(), w, c.weight(), c.spec(), c.input()), 1e-4, 1e-4);
        TestTensors.assertClose(c.name() + " dw",
                backwardFilter(reference, x, c.input(), dy, c.output(), c.spec(), c.weight()),
                backwardFilter(backend, x, c.input(), dy, c.output(), c.spec(), c.weight()), 1e-4, 1e-4);
    }

    /** Outputs are overwritten, never accumulated: stale values in y, dx and dw must not leak through. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backendsAndCases")
    void outputsAreOverwritten(Backend backend, ConvCase c) {
        float[] x = TestTensors.uniform(12, c.input().intSize(), -1, 1);
        float[] w = TestTensors.uniform(13, c.weight().intSize(), -1, 1);
        float[] dy = TestTensors.uniform(14, c.output().intSize(), -1, 1);
        float[] stale = ones(Math.max(c.input().intSize(), Math.max(c.output().intSize(), c.weight().intSize())));
        try (Tensor tx = backend.upload(c.input(), x);
             Tensor tw = backend.upload(c.weight(), w);
             Tensor tdy = backend.upload(c.output(), dy);
             Tensor ty = backend.upload(c.output(), java.util.Arrays.copyOf(stale, c.output().intSize()));
             Tensor tdx = backend.upload(c.input(), java.util.Arrays.copyOf(stale, c.input().intSize()));
             Tensor tdw = backend.upload(c.weight(), java.util.Arrays.copyOf(stale, c.weight().intSize()))) {
            ConvolutionOps conv = backend.convolution();
            conv.forward(tx, tw, c.spec(), ty);
            conv.backwardData(tdy, tw, c.spec(), tdx);
            conv.backwardFilter(tx, tdy, c.spec(), tdw);
            TestTensors.assertClose("y", forward(backend, x, c.input(), w, c.weight(), c.spec()), backend.download(ty), 0, 0);
            TestTensors.assertClose("dx", backwardData(backend, dy, c.output(), w, c.weight(), c.spec(), c.input()),
                    backend.download(tdx), 0, 0);
            TestTensors.assertClose("dw", backwardFilter(backend, x, c.input(), dy, c.output(), c.spec(), c.weight()),
                    backend.download(tdw), 0, 0);
        }
    }

    // ---------------------------------------------------------------- bad arguments

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void kernelLargerThanThePaddedInputIsRejected(Backend backend) {
        String message = forwardFailure(backend, Shape.nchw(1, 1, 2, 2), Shape.nchw(1, 1, 5, 5), Conv2dSpec.of(5, 1, 1),
                Shape.nchw(1, 1, 1, 1));
        assertMentions(message, "conv2d forward", "kernel extent 5", "padded input 4", "[1, 1, 2, 2]", "[1, 1, 5, 5]");
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void weightWithWrongInputChannelsIsRejected(Backend backend) {
        String message = forwardFailure(backend, Shape.nchw(1, 3, 5, 5), Shape.nchw(2, 2, 3, 3), Conv2dSpec.of(3, 1, 0),
                Shape.nchw(1, 2, 3, 3));
        assertMentions(message, "conv2d forward", "[2, 2, 3, 3]", "[1, 3, 5, 5]", "[2, 3, 3, 3]");
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void groupsThatDoNotDivideTheChannelsAreRejected(Backend backend) {
        String message = forwardFailure(backend, Shape.nchw(1, 3, 5, 5), Shape.nchw(2, 1, 3, 3),
                Conv2dSpec.of(3, 1, 0).withGroups(2), Shape.nchw(1, 2, 3, 3));
        assertMentions(message, "conv2d forward", "2 groups", "input channels 3", "[1, 3, 5, 5]", "[2, 1, 3, 3]");
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void outputOfTheWrongShapeIsRejected(Backend backend) {
        String message = forwardFailure(backend, Shape.nchw(1, 1, 5, 5), Shape.nchw(2, 1, 3, 3), Conv2dSpec.of(3, 1, 0),
                Shape.nchw(1, 2, 4, 4));
        assertMentions(message, "conv2d forward", "y", "[1, 2, 3, 3]", "[1, 2, 4, 4]");
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void backwardPassesRejectGradientsOfTheWrongShape(Backend backend) {
        Conv2dSpec spec = Conv2dSpec.of(3, 1, 0);
        try (Tensor x = backend.allocate(Shape.nchw(2, 1, 5, 5));
             Tensor w = backend.allocate(Shape.nchw(2, 1, 3, 3));
             Tensor wrongDy = backend.allocate(Shape.nchw(2, 2, 5, 5));
             Tensor dy = backend.allocate(Shape.nchw(2, 2, 3, 3));
             Tensor wrongDw = backend.allocate(Shape.nchw(2, 2, 3, 3))) {
            String data = assertThrows(ShapeMismatchException.class,
                    () -> backend.convolution().backwardData(wrongDy, w, spec, x)).getMessage();
            assertMentions(data, "conv2d backwardData", "dy", "[2, 2, 3, 3]", "[2, 2, 5, 5]");
            String filter = assertThrows(ShapeMismatchException.class,
                    () -> backend.convolution().backwardFilter(x, dy, spec, wrongDw)).getMessage();
            assertMentions(filter, "conv2d backwardFilter", "[2, 2, 3, 3]", "[2, 1, 5, 5]");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String forwardFailure(Backend backend, Shape xs, Shape ws, Conv2dSpec spec, Shape ys) {
        try (Tensor x = backend.allocate(xs); Tensor w = backend.allocate(ws); Tensor y = backend.allocate(ys)) {
            return assertThrows(ShapeMismatchException.class, () -> backend.convolution().forward(x, w, spec, y))
                    .getMessage();
        }
    }

    static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "message \"" + message + "\" should mention \"" + part + "\"");
        }
    }

    static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    static float[] forward(Backend b, float[] x, Shape xs, float[] w, Shape ws, Conv2dSpec spec) {
        try (Tensor tx = b.upload(xs, x); Tensor tw = b.upload(ws, w); Tensor ty = b.allocate(spec.outputShape(xs, ws))) {
            b.convolution().forward(tx, tw, spec, ty);
            return b.download(ty);
        }
    }

    static float[] backwardData(Backend b, float[] dy, Shape dys, float[] w, Shape ws, Conv2dSpec spec, Shape xs) {
        try (Tensor tdy = b.upload(dys, dy); Tensor tw = b.upload(ws, w); Tensor tdx = b.allocate(xs)) {
            b.convolution().backwardData(tdy, tw, spec, tdx);
            return b.download(tdx);
        }
    }

    static float[] backwardFilter(Backend b, float[] x, Shape xs, float[] dy, Shape dys, Conv2dSpec spec, Shape ws) {
        try (Tensor tx = b.upload(xs, x); Tensor tdy = b.upload(dys, dy); Tensor tdw = b.allocate(ws)) {
            b.convolution().backwardFilter(tx, tdy, spec, tdw);
            return b.download(tdw);
        }
    }
}
