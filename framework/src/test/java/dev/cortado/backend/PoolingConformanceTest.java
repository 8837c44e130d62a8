package dev.cortado.backend;

import static dev.cortado.backend.ConvolutionConformanceTest.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Max and average pooling on every backend: the deck's 2×2/stride-2 example, hand-computed corners
 * for both average modes, a direct definition in double for forward, finite differences for
 * backward, and global average pooling. {@code autoCloseArguments = false}: the shared backends are
 * {@link AutoCloseable} and must outlive each test.
 */
class PoolingConformanceTest {

    record PoolCase(String name, Shape input, Pool2dSpec spec) {
        Shape output() {
            return spec.outputShape(input);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<PoolCase> CASES = List.of(
            new PoolCase("max 2x2 stride 2", Shape.nchw(2, 3, 6, 6), Pool2dSpec.max(2, 2)),
            new PoolCase("max 3x3 stride 2 padding 1 (ResNet stem), 7x5", Shape.nchw(1, 2, 7, 5), Pool2dSpec.max(3, 2, 1)),
            new PoolCase("max 3x3 stride 2, overlapping (AlexNet)", Shape.nchw(3, 2, 7, 7), Pool2dSpec.max(3, 2)),
            new PoolCase("average 2x2 stride 2", Shape.nchw(2, 2, 4, 6), Pool2dSpec.average(2, 2, 0, true)),
            new PoolCase("average 3x3 stride 1 padding 1 counting padding", Shape.nchw(2, 2, 5, 4),
                    Pool2dSpec.average(3, 1, 1, true)),
            new PoolCase("average 3x3 stride 2 padding 1 excluding padding", Shape.nchw(1, 3, 7, 6),
                    Pool2dSpec.average(3, 2, 1, false)),
            new PoolCase("average 2x3 stride 1x2, odd 5x7", Shape.nchw(2, 1, 5, 7),
                    new Pool2dSpec(PoolMode.AVERAGE_EXCLUDE_PADDING, 2, 3, 1, 2, 1, 1)),
            new PoolCase("global average 4x5", Shape.nchw(3, 4, 4, 5), Pool2dSpec.global(Shape.nchw(3, 4, 4, 5))),
            new PoolCase("average 1x1 stride 2 (ResNet option-A shortcut), odd 7x6", Shape.nchw(2, 3, 7, 6),
                    Pool2dSpec.average(1, 2, 0, true)),
            new PoolCase("max 1x1 stride 3x2", Shape.nchw(1, 2, 7, 5),
                    new Pool2dSpec(PoolMode.MAX, 1, 1, 3, 2, 0, 0)),
            new PoolCase("max 3x3 stride 2 ceil mode (GoogLeNet), 8x7", Shape.nchw(2, 2, 8, 7),
                    Pool2dSpec.max(3, 2).withCeilMode(true)),
            new PoolCase("max 2x2 stride 2 ceil mode, odd 5x7", Shape.nchw(1, 3, 5, 7),
                    Pool2dSpec.max(2, 2).withCeilMode(true)),
            new PoolCase("max 3x3 stride 2 padding 1 ceil mode, 6x6", Shape.nchw(1, 2, 6, 6),
                    Pool2dSpec.max(3, 2, 1).withCeilMode(true)),
            new PoolCase("average 3x3 stride 2 padding 1 ceil mode excluding padding, 6x5", Shape.nchw(2, 2, 6, 5),
                    Pool2dSpec.average(3, 2, 1, false).withCeilMode(true)));

    static Stream<Arguments> backendsAndCases() {
        return BackendsUnderTest.all().flatMap(b -> CASES.stream().map(c -> Arguments.of(b, c)));
    }

    // ---------------------------------------------------------------- the deck's example

    private static final float[] DECK = {
            1, 1, 2, 4,
            5, 6, 7, 8,
            3, 2, 1, 0,
            1, 2, 3, 4};
    private static final Shape DECK_SHAPE = Shape.nchw(1, 1, 4, 4);

    /** Deck: "max pool with 2x2 filters and stride 2" of the 4×4 example gives [[6, 8], [3, 4]]. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void deckMaxPoolExample(Backend backend) {
        float[] y = forward(backend, DECK, DECK_SHAPE, Pool2dSpec.max(2, 2));
        TestTensors.assertClose("max pool 2x2/2", new float[] {6, 8, 3, 4}, y, 0, 0);
    }

    /** Each window's gradient goes to its maximum: 6 at (1,1), 8 at (1,3), 3 at (2,0), 4 at (3,3). */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void deckMaxPoolGradientGoesToEachMaximum(Backend backend) {
        Pool2dSpec spec = Pool2dSpec.max(2, 2);
        float[] dx = backward(backend, DECK, DECK_SHAPE, new float[] {10, 20, 30, 40}, spec);
        TestTensors.assertClose("dx", new float[] {
                0, 0, 0, 0,
                0, 10, 0, 20,
                30, 0, 0, 0,
                0, 0, 0, 40}, dx, 0, 0);
    }

    /** Ties send the whole gradient to the first maximum in row-major order, as cuDNN does. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void maxPoolTieGoesToTheFirstMaximum(Backend backend) {
        float[] x = {5, 5, 5, 5};
        float[] dx = backward(backend, x, Shape.nchw(1, 1, 2, 2), new float[] {1}, Pool2dSpec.max(2, 2));
        TestTensors.assertClose("dx", new float[] {1, 0, 0, 0}, dx, 0, 0);
    }

    /**
     * Padded cells are not zeros that can win: on an all-negative input with padding 1, every window's
     * maximum is a real cell (here −1 at the top left), and the gradient lands inside the input.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void maxPoolNeverSelectsPadding(Backend backend) {
        float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
        Shape xs = Shape.nchw(1, 1, 3, 3);
        Pool2dSpec spec = Pool2dSpec.max(3, 2, 1);
        float[] y = forward(backend, x, xs, spec);
        // Windows at rows/columns {-1..1} and {1..3}: maxima x[0][0], x[0][1], x[1][0], x[1][1].
        TestTensors.assertClose("y", new float[] {-1, -2, -4, -5}, y, 0, 0);
        float[] dx = backward(backend, x, xs, new float[] {1, 2, 3, 4}, spec);
        TestTensors.assertClose("dx", new float[] {1, 2, 0, 3, 4, 0, 0, 0, 0}, dx, 0, 0);
    }

    /**
     * Ceil mode, 2×2 windows at stride 2 over 1..25 in a 5×5 plane: ⌈(5 − 2)/2⌉ + 1 = 3 windows a side,
     * the last one overhanging the edge and clipped to the input's last row or column, so its maxima
     * are the edge cells 10, 20, 22, 24 and 25; each gradient goes back to its window's maximum.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void ceilModeClipsTheLastWindowToTheInput(Backend backend) {
        float[] x = new float[25];
        for (int i = 0; i < 25; i++) {
            x[i] = i + 1;
        }
        Shape xs = Shape.nchw(1, 1, 5, 5);
        Pool2dSpec spec = Pool2dSpec.max(2, 2).withCeilMode(true);
        assertEquals(Shape.nchw(1, 1, 3, 3), spec.outputShape(xs));
        TestTensors.assertClose("y", new float[] {7, 9, 10, 17, 19, 20, 22, 24, 25}, forward(backend, x, xs, spec), 0, 0);
        float[] dx = backward(backend, x, xs, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, spec);
        float[] expected = new float[25];
        int[] maxima = {6, 8, 9, 16, 18, 19, 21, 23, 24};
        for (int i = 0; i < maxima.length; i++) {
            expected[maxima[i]] = i + 1;
        }
        TestTensors.assertClose("dx", expected, dx, 0, 0);
    }

    // ---------------------------------------------------------------- average pooling, corner by corner

    private static final float[] ONE_TO_NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final Shape THREE_BY_THREE = Shape.nchw(1, 1, 3, 3);

    /**
     * 3×3 windows at stride 1 with padding 1 over [[1..3],[4..6],[7..9]]. The corner window covers
     * 1 + 2 + 4 + 5 = 12 in 4 real cells: 12/9 when the 5 padded cells count, 12/4 = 3 when they do
     * not. An edge window covers 1 + … + 6 = 21 in 6 cells: 21/9 or 3.5. The centre is 45/9 = 5 either way.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void averageWithAndWithoutCountingPaddingAtTheCorner(Backend backend) {
        float[] include = forward(backend, ONE_TO_NINE, THREE_BY_THREE, Pool2dSpec.average(3, 1, 1, true));
        float[] exclude = forward(backend, ONE_TO_NINE, THREE_BY_THREE, Pool2dSpec.average(3, 1, 1, false));
        // One float division of exact integer sums: within one ulp (< 1e-6 at this scale).
        assertEquals(12f / 9, include[0], 1e-6);
        assertEquals(21f / 9, include[1], 1e-6);
        assertEquals(5f, include[4], 1e-6);
        assertEquals(3f, exclude[0], 1e-6);
        assertEquals(3.5f, exclude[1], 1e-6);
        assertEquals(5f, exclude[4], 1e-6);
        // Bottom-right corner: 5 + 6 + 8 + 9 = 28.
        assertEquals(28f / 9, include[8], 1e-6);
        assertEquals(7f, exclude[8], 1e-6);
    }

    /**
     * With dy = 1, dx[a][b] = Σ over windows covering (a, b) of 1/divisor. Counting padding, every
     * divisor is 9 and a corner is covered by 4 windows: 4/9; an edge by 6: 6/9; the centre by 9: 1.
     * Not counting it, the corner gets 1/4 + 1/6 + 1/6 + 1/9 from its corner, two edge and centre windows.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void averageGradientSpreadsOverTheWindowByHand(Backend backend) {
        float[] dy = ConvolutionConformanceTest.ones(9);
        float[] include = backward(backend, ONE_TO_NINE, THREE_BY_THREE, dy, Pool2dSpec.average(3, 1, 1, true));
        float[] exclude = backward(backend, ONE_TO_NINE, THREE_BY_THREE, dy, Pool2dSpec.average(3, 1, 1, false));
        // Sums of at most 9 float quotients: a few ulps.
        assertEquals(4f / 9, include[0], 1e-6);
        assertEquals(6f / 9, include[1], 1e-6);
        assertEquals(1f, include[4], 1e-6);
        assertEquals(1.0 / 4 + 1.0 / 6 + 1.0 / 6 + 1.0 / 9, exclude[0], 1e-6);
        // The centre is under all nine windows: 4 corners of 4 cells, 4 edges of 6, the centre of 9.
        assertEquals(4.0 / 4 + 4.0 / 6 + 1.0 / 9, exclude[4], 1e-6);
    }

    /** Global average pooling: y[n][c] = mean of the plane; ∂y/∂x = 1/(H·W) at every cell. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void globalAverageIsThePlaneMean(Backend backend) {
        Shape xs = Shape.nchw(2, 3, 4, 5);
        float[] x = TestTensors.uniform(21, xs.intSize(), -1, 1);
        float[] dy = {1, 2, 3, 4, 5, 6};
        try (Tensor tx = backend.upload(xs, x);
             Tensor ty = backend.allocate(Shape.nchw(2, 3, 1, 1));
             Tensor tdy = backend.upload(Shape.nchw(2, 3, 1, 1), dy);
             Tensor tdx = backend.allocate(xs)) {
            backend.pooling().globalAverageForward(tx, ty);
            backend.pooling().globalAverageBackward(tx, ty, tdy, tdx);
            float[] y = backend.download(ty);
            float[] dx = backend.download(tdx);
            for (int plane = 0; plane < 6; plane++) {
                double mean = 0;
                for (int i = 0; i < 20; i++) {
                    mean += x[plane * 20 + i] / 20.0;
                }
                // A float sum of 20 unit-scale values, then one division: well within 1e-6.
                assertEquals(mean, y[plane], 1e-6, "plane " + plane);
                for (int i = 0; i < 20; i++) {
                    assertEquals(dy[plane] / 20.0, dx[plane * 20 + i], 1e-7, "dx plane " + plane);
                }
            }
        }
    }

    // ---------------------------------------------------------------- the definition, over many shapes

    /** The definition in double; average sums are of at most 9 unit-scale terms, so 1e-6 covers float. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backendsAndCases")
    void forwardMatchesTheDefinition(Backend backend, PoolCase c) {
        float[] x = distinctValues(31, c.input().intSize());
        TestTensors.assertClose(c.name(), naive(x, c.input(), c.spec()), forward(backend, x, c.input(), c.spec()),
                1e-6, 1e-6);
    }

    /**
     * For L = ⟨dy, pool(x)⟩, backward returns ∂L/∂x. Inputs are distinct and at least 0.05 apart, so no
     * window's maximum changes within the checker's step h = 0.01 and max pooling is differentiable there.
     */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backendsAndCases")
    void backwardMatchesFiniteDifferences(Backend backend, PoolCase c) {
        float[] x = distinctValues(32, c.input().intSize());
        float[] dy = TestTensors.uniform(33, c.output().intSize(), -1, 1);
        float[] dx = backward(backend, x, c.input(), dy, c.spec());
        GradientChecker.standard().check(c.name(), x, dx,
                probe -> TestTensors.dot(dy, forward(backend, probe, c.input(), c.spec())));
    }

    /** Other backends against the CPU reference; both compute the same few-term sums, so 1e-5. */
    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("backendsAndCases")
    void agreesWithTheReferenceBackend(Backend backend, PoolCase c) {
        assumeFalse(backend == BackendsUnderTest.reference(), "the reference backend is what the others are compared with");
        Backend reference = BackendsUnderTest.reference();
        float[] x = distinctValues(34, c.input().intSize());
        float[] dy = TestTensors.uniform(35, c.output().intSize(), -1, 1);
        TestTensors.assertClose(c.name() + " y", forward(reference, x, c.input(), c.spec()),
                forward(backend, x, c.input(), c.spec()), 1e-5, 1e-5);
        TestTensors.assertClose(c.name() + " dx", backward(reference, x, c.input(), dy, c.spec()),
                backward(backend, x, c.input(), dy, c.spec()), 1e-5, 1e-5);
    }

    // ---------------------------------------------------------------- bad arguments

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void outputOfTheWrongShapeIsRejected(Backend backend) {
        try (Tensor x = backend.allocate(Shape.nchw(1, 2, 4, 4)); Tensor y = backend.allocate(Shape.nchw(1, 2, 3, 3))) {
            String message = assertThrows(ShapeMismatchException.class,
                    () -> backend.pooling().forward(x, Pool2dSpec.max(2, 2), y)).getMessage();
            assertMentions(message, "pool2d forward", "y", "[1, 2, 2, 2]", "[1, 2, 3, 3]");
        }
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void windowLargerThanTheInputIsRejected(Backend backend) {
        try (Tensor x = backend.allocate(Shape.nchw(1, 1, 2, 2)); Tensor y = backend.allocate(Shape.nchw(1, 1, 1, 1))) {
            String message = assertThrows(ShapeMismatchException.class,
                    () -> backend.pooling().forward(x, Pool2dSpec.max(3, 1), y)).getMessage();
            assertMentions(message, "pool2d forward", "kernel extent 3", "[1, 1, 2, 2]");
        }
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void backwardRejectsMismatchedGradients(Backend backend) {
        Pool2dSpec spec = Pool2dSpec.max(2, 2);
        try (Tensor x = backend.allocate(Shape.nchw(1, 2, 4, 4));
             Tensor y = backend.allocate(Shape.nchw(1, 2, 2, 2));
             Tensor wrongDy = backend.allocate(Shape.nchw(1, 2, 4, 4));
             Tensor dy = backend.allocate(Shape.nchw(1, 2, 2, 2));
             Tensor wrongDx = backend.allocate(Shape.nchw(1, 1, 4, 4))) {
            String badDy = assertThrows(ShapeMismatchException.class,
                    () -> backend.pooling().backward(x, y, wrongDy, spec, x)).getMessage();
            assertMentions(badDy, "pool2d backward", "dy", "[1, 2, 2, 2]", "[1, 2, 4, 4]");
            String badDx = assertThrows(ShapeMismatchException.class,
                    () -> backend.pooling().backward(x, y, dy, spec, wrongDx)).getMessage();
            assertMentions(badDx, "pool2d backward", "dx", "[1, 2, 4, 4]", "[1, 1, 4, 4]");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A shuffled ramp −1, −1 + 0.05, …: distinct values 0.05 apart, so max pooling has no ties. */
    static float[] distinctValues(long seed, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = -1f + 0.05f * i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    /** Pooling by its definition, in double: max or mean over the real cells of each window. */
    static float[] naive(float[] x, Shape xs, Pool2dSpec s) {
        Shape ys = s.outputShape(xs);
        int planes = xs.batch() * xs.channels(), h = xs.dim(2), w = xs.dim(3), oh = ys.dim(2), ow = ys.dim(3);
        float[] y = new float[ys.intSize()];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    int real = 0;
                    for (int i = 0; i < s.kernelH(); i++) {
                        for (int j = 0; j < s.kernelW(); j++) {
                            int iy = oy * s.strideH() - s.padH() + i, ix = ox * s.strideW() - s.padW() + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                double v = x[(p * h + iy) * w + ix];
                                max = Math.max(max, v);
                                sum += v;
                                real++;
                            }
                        }
                    }
                    y[(p * oh + oy) * ow + ox] = (float) switch (s.mode()) {
                        case MAX -> max;
                        case AVERAGE_INCLUDE_PADDING -> sum / (s.kernelH() * s.kernelW());
                        case AVERAGE_EXCLUDE_PADDING -> sum / real;
                    };
                }
            }
        }
        return y;
    }

    static float[] forward(Backend b, float[] x, Shape xs, Pool2dSpec spec) {
        try (Tensor tx = b.upload(xs, x); Tensor ty = b.allocate(spec.outputShape(xs))) {
            b.pooling().forward(tx, spec, ty);
            return b.download(ty);
        }
    }

    /** dx for dy, running forward first for the y that backward takes; dx starts stale to catch accumulation. */
    static float[] backward(Backend b, float[] x, Shape xs, float[] dy, Pool2dSpec spec) {
        Shape ys = spec.outputShape(xs);
        float[] stale = new float[xs.intSize()];
        Arrays.fill(stale, 7f);
        try (Tensor tx = b.upload(xs, x); Tensor ty = b.allocate(ys); Tensor tdy = b.upload(ys, dy);
             Tensor tdx = b.upload(xs, stale)) {
            b.pooling().forward(tx, spec, ty);
            b.pooling().backward(tx, ty, tdy, spec, tdx);
            return b.download(tdx);
        }
    }
}
