package dev.cortado.backend;

import static dev.cortado.backend.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TensorOps} on small inputs checked by hand. Unless a test says otherwise the inputs are
 * dyadic fractions (k/2^j) small enough that every result is exact in float32, so results are
 * compared with zero tolerance: any difference is a bug, not rounding. Larger random inputs exercise
 * the multi-threaded paths and are compared with a double-precision reference.

 */
class TensorOpsConformanceTest {
    /** Every tensor a test creates, closed after it so the pool's bookkeeping stays balanced. */
    private final List<Tensor> created = new ArrayList<>();

    @AfterEach
    void closeTensors() {
        created.forEach(Tensor::close);
        created.clear();
    }

    private Tensor tensor(Backend backend, Shape shape, float... values) {
        Tensor t = backend.upload(shape, values);
        created.add(t);
        return t;
    }

    private Tensor zeros(Backend backend, Shape shape) {
        Tensor t = backend.allocate(shape);
        created.add(t);
        return t;
    }

    /**
     * 8-bit pixels normalized on the backend are the host's Normalize, (b / 255f − mean_c) / std_c in
     * float, bit for bit: every byte value in every channel of a [2, 3, 4, 11] batch, from an offset.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void pixelsNormalizedOnTheBackendAreTheHostNormalizeBitForBit(Backend backend) {
        Shape shape = Shape.nchw(2, 3, 4, 11);
        int n = shape.intSize();
        byte[] pixels = new byte[n + 5];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37 + 11);
        }
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        Tensor out = zeros(backend, shape);
        backend.tensors().normalizePixels(pixels, 5, mean, std, out);
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            int c = (i / 44) % 3;
            expected[i] = ((pixels[5 + i] & 0xFF) / 255f - mean[c]) / std[c];
        }
        assertArrayEquals(expected, backend.download(out), 0f);
        assertThrows(IllegalArgumentException.class,
                () -> backend.tensors().normalizePixels(pixels, 0, new float[1], new float[1], out));
        assertThrows(ShapeMismatchException.class,
                () -> backend.tensors().normalizePixels(pixels, 6, mean, std, out));
    }

    // ---- the deck's computational graph, built from the backend's ops ----

    /**
     * f(x, y, z) = (x + y)·z at x = -2, y = 5, z = -4 (the backpropagation lecture's first example):
     * q = x + y = 3, f = q·z = -12. Backward, from ∂f/∂f = 1: ∂f/∂z = q = 3, ∂f/∂q = z = -4, and
     * since ∂q/∂x = ∂q/∂y = 1, the chain rule gives ∂f/∂x = ∂f/∂y = -4·1 = -4.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void computationalGraphOfTheLectureHasGradientsMinus4Minus4And3(Backend backend) {
        TensorOps ops = backend.tensors();
        Shape scalar = Shape.of(1);
        Tensor x = tensor(backend, scalar, -2f);
        Tensor y = tensor(backend, scalar, 5f);
        Tensor z = tensor(backend, scalar, -4f);
        Tensor q = zeros(backend, scalar);
        Tensor f = zeros(backend, scalar);

        ops.add(x, y, q);
        ops.multiply(q, z, f);
        assertEquals(-12f, backend.download(f)[0], 0f, "f = (x + y)·z");

        Tensor df = zeros(backend, scalar);
        ops.fill(df, 1f);
        Tensor dq = zeros(backend, scalar);
        Tensor dz = zeros(backend, scalar);
        Tensor dx = zeros(backend, scalar);
        Tensor dy = zeros(backend, scalar);
        ops.multiply(df, z, dq); // ∂f/∂q = z · upstream
        ops.multiply(df, q, dz); // ∂f/∂z = q · upstream
        ops.axpy(1f, dq, dx);    // ∂f/∂x += ∂q/∂x · ∂f/∂q with ∂q/∂x = 1
        ops.axpy(1f, dq, dy);    // ∂f/∂y += ∂q/∂y · ∂f/∂q with ∂q/∂y = 1

        assertEquals(-4f, backend.download(dx)[0], 0f, "∂f/∂x");
        assertEquals(-4f, backend.download(dy)[0], 0f, "∂f/∂y");
        assertEquals(3f, backend.download(dz)[0], 0f, "∂f/∂z");
    }

    // ---- copies ----

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void copyFromHostThenToHostRoundTrips(Backend backend) {
        float[] values = {1f, -2.5f, 0f, 3.25f, 1e-30f, -7e30f};
        Tensor t = zeros(backend, Shape.of(2, 3));
        backend.tensors().copyFromHost(values, t);
        float[] back = new float[6];
        backend.tensors().copyToHost(t, back);
        assertArrayEquals(values, back, 0f);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void hostCopiesAtAnOffsetMoveOneBatchOfALargerBuffer(Backend backend) {
        // A loader's buffer holds a full batch of 3 rows; the last batch of an epoch uses 2 of them.
        float[] buffer = {9f, 1f, 2f, 3f, 4f, 9f};
        Tensor t = zeros(backend, Shape.of(2, 2));
        backend.tensors().copyFromHost(buffer, 1, t);
        float[] out = {7f, 7f, 7f, 7f, 7f, 7f};
        backend.tensors().copyToHost(t, out, 2);
        assertArrayEquals(new float[] {7f, 7f, 1f, 2f, 3f, 4f}, out, 0f);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> backend.tensors().copyFromHost(buffer, 3, t)), "copyFromHost", "offset 3", "[2, 2]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> backend.tensors().copyToHost(t, out, -1)), "copyToHost", "offset -1", "[2, 2]");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void copyMovesElementsBetweenShapesOfTheSameSize(Backend backend) {
        Tensor source = tensor(backend, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor destination = zeros(backend, Shape.of(6));
        backend.tensors().copy(source, destination);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, backend.download(destination), 0f);
    }

    // ---- element-wise arithmetic ----

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void fillSetsEveryElement(Backend backend) {
        Tensor t = tensor(backend, Shape.of(5), 1, 2, 3, 4, 5);
        backend.tensors().fill(t, -0.75f);
        assertArrayEquals(new float[] {-0.75f, -0.75f, -0.75f, -0.75f, -0.75f}, backend.download(t), 0f);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void scaleMultipliesByAlpha(Backend backend) {
        Tensor t = tensor(backend, Shape.of(4), 1, -2, 0.5f, 0);
        backend.tensors().scale(t, -1.5f);
        assertArrayEquals(new float[] {-1.5f, 3f, -0.75f, -0f}, backend.download(t), 0f);
    }

    /** y = α·x + y with α = 2: [1, -1, 0.5] + 2·[0.25, 3, -1] = [1.5, 5, -1.5]. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void axpyAddsAlphaTimesX(Backend backend) {
        Tensor x = tensor(backend, Shape.of(3), 0.25f, 3, -1);
        Tensor y = tensor(backend, Shape.of(3), 1, -1, 0.5f);
        backend.tensors().axpy(2f, x, y);
        assertArrayEquals(new float[] {1.5f, 5f, -1.5f}, backend.download(y), 0f);
        assertArrayEquals(new float[] {0.25f, 3, -1}, backend.download(x), 0f, "x is only read");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void addWritesTheSumIntoOut(Backend backend) {
        Tensor a = tensor(backend, Shape.nchw(1, 2, 1, 2), 1, 2, 3, 4);
        Tensor b = tensor(backend, Shape.nchw(1, 2, 1, 2), 0.5f, -2, 10, -0.25f);
        Tensor out = zeros(backend, Shape.nchw(1, 2, 1, 2));
        backend.tensors().add(a, b, out);
        assertArrayEquals(new float[] {1.5f, 0, 13, 3.75f}, backend.download(out), 0f);
    }

    /** A residual connection adds in place: out may be a (out = a + b) or b (out = a + b). */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void addMayWriteIntoEitherInput(Backend backend) {
        Tensor a = tensor(backend, Shape.of(3), 1, 2, 3);
        Tensor b = tensor(backend, Shape.of(3), 10, 20, 30);
        backend.tensors().add(a, b, a);
        assertArrayEquals(new float[] {11, 22, 33}, backend.download(a), 0f, "out = a");
        backend.tensors().add(a, b, b);
        assertArrayEquals(new float[] {21, 42, 63}, backend.download(b), 0f, "out = b");
        backend.tensors().add(a, a, a);
        assertArrayEquals(new float[] {22, 44, 66}, backend.download(a), 0f, "a = a + a");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void multiplyIsElementWise(Backend backend) {
        Tensor a = tensor(backend, Shape.of(2, 2), 1, -2, 0.5f, 3);
        Tensor b = tensor(backend, Shape.of(2, 2), 4, 0.25f, -8, 0);
        Tensor out = zeros(backend, Shape.of(2, 2));
        backend.tensors().multiply(a, b, out);
        assertArrayEquals(new float[] {4, -0.5f, -4, 0}, backend.download(out), 0f);
    }

    /** min(max(t, -1), 1) clips gradients by value; values inside the interval are untouched. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void clampClipsToTheInterval(Backend backend) {
        Tensor t = tensor(backend, Shape.of(6), -3, -1, -0.5f, 0.25f, 1, 1e30f);
        backend.tensors().clamp(t, -1, 1);
        assertArrayEquals(new float[] {-1, -1, -0.5f, 0.25f, 1, 1}, backend.download(t), 0f);
    }

    /**
     * The multi-threaded paths (tensors well above the split size) against a serial host loop. The
     * values are random, but each result is one float operation on the same operands on both sides,
     * so it must match exactly.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void elementWiseOpsOnLargeTensorsMatchASerialLoop(Backend backend) {
        int n = 300_007;
        Shape shape = Shape.of(n);
        float[] a = TestTensors.uniform(1, n, -2, 2);
        float[] b = TestTensors.uniform(2, n, -2, 2);
        Tensor ta = tensor(backend, shape, a);
        Tensor tb = tensor(backend, shape, b);
        Tensor out = zeros(backend, shape);
        TensorOps ops = backend.tensors();

        ops.multiply(ta, tb, out);
        float[] product = backend.download(out);
        ops.add(ta, tb, out);
        float[] sum = backend.download(out);
        ops.axpy(0.5f, ta, tb);
        float[] axpy = backend.download(tb);
        ops.clamp(ta, -1, 1);
        float[] clamped = backend.download(ta);
        float[] expectedProduct = new float[n];
        float[] expectedSum = new float[n];
        float[] expectedAxpy = new float[n];
        float[] expectedClamped = new float[n];
        for (int i = 0; i < n; i++) {
            expectedProduct[i] = a[i] * b[i];
            expectedSum[i] = a[i] + b[i];
            expectedAxpy[i] = 0.5f * a[i] + b[i];
            expectedClamped[i] = Math.min(Math.max(a[i], -1f), 1f);
        }
        assertArrayEquals(expectedProduct, product, 0f, "multiply");
        assertArrayEquals(expectedSum, sum, 0f, "add");
        assertArrayEquals(expectedAxpy, axpy, 0f, "axpy");
        assertArrayEquals(expectedClamped, clamped, 0f, "clamp");
    }

    // ---- channel bias ----

    /** y[n, c, h, w] += bias[c] on a [2, 2, 1, 2] batch with bias [10, 20]. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void addChannelBiasToAnImageBatch(Backend backend) {
        Tensor y = tensor(backend, Shape.nchw(2, 2, 1, 2),
                1, 2, /* n0 c1 */ 3, 4, /* n1 c0 */ 5, 6, /* n1 c1 */ 7, 8);
        Tensor bias = tensor(backend, Shape.of(2), 10, 20);
        backend.tensors().addChannelBias(y, bias);
        assertArrayEquals(new float[] {11, 12, 23, 24, 15, 16, 27, 28}, backend.download(y), 0f);
    }

    /** y[n, f] += bias[f] on a dense [2, 3] batch. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void addChannelBiasToADenseBatch(Backend backend) {
        Tensor y = tensor(backend, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor bias = tensor(backend, Shape.of(3), 0.5f, -1, 100);
        backend.tensors().addChannelBias(y, bias);
        assertArrayEquals(new float[] {1.5f, 1, 103, 4.5f, 4, 106}, backend.download(y), 0f);
    }

    /**
     * db[c] = Σ_n Σ_hw dy[n, c, h, w]: channel 0 gets 1 + 2 + 5 + 6 = 14, channel 1 gets
     * 3 + 4 + 7 + 8 = 22. The old content of db is overwritten, not accumulated.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void channelBiasGradientSumsOverBatchAndSpace(Backend backend) {
        Tensor dy = tensor(backend, Shape.nchw(2, 2, 1, 2), 1, 2, 3, 4, 5, 6, 7, 8);
        Tensor db = tensor(backend, Shape.of(2), 99, 99);
        backend.tensors().channelBiasGradient(dy, db);
        assertArrayEquals(new float[] {14, 22}, backend.download(db), 0f);
    }

    /** Dense: db[f] = Σ_n dy[n, f] = [1 + 4, 2 + 5, 3 + 6]. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void channelBiasGradientOfADenseBatchSumsColumns(Backend backend) {
        Tensor dy = tensor(backend, Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor db = zeros(backend, Shape.of(3));
        backend.tensors().channelBiasGradient(dy, db);
        assertArrayEquals(new float[] {5, 7, 9}, backend.download(db), 0f);
    }

    /**
     * The bias gradient is the derivative of the bias forward: for L(b) = ⟨dy, y0 + b⟩,
     * ∂L/∂b = channelBiasGradient(dy), checked by finite differences for an image batch and a dense
     * batch with many rows. L is linear in b, so the central difference has no truncation error;
     * what remains is the float rounding of y = y0 + b (≤ 1.2e-7 per element, weighted by |dy| ≤ 1
     * and adding up like a random walk over ≤ 2000 elements per channel: ≈ 3e-6) divided by
     * 2h = 2e-2, about 2e-4, well inside the standard checker's 2e-3 + 2e-2·|g|.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void channelBiasGradientIsTheGradientOfAddChannelBias(Backend backend) {
        for (Shape shape : List.of(Shape.nchw(3, 4, 5, 6), Shape.of(2_000, 7))) {
            int channels = shape.channels();
            float[] y0 = TestTensors.uniform(3, shape.intSize(), -1, 1);
            float[] dyValues = TestTensors.uniform(4, shape.intSize(), -1, 1);
            Tensor dy = tensor(backend, shape, dyValues);
            Tensor db = zeros(backend, Shape.of(channels));
            backend.tensors().channelBiasGradient(dy, db);
            Tensor y = zeros(backend, shape);
            Tensor bias = zeros(backend, Shape.of(channels));
            GradientChecker.standard().check("bias gradient " + shape, TestTensors.uniform(5, channels, -1, 1),
                    backend.download(db), b -> {
                        backend.tensors().copyFromHost(y0, y);
                        backend.tensors().copyFromHost(b, bias);
                        backend.tensors().addChannelBias(y, bias);
                        return TestTensors.dot(dyValues, backend.download(y));
                    });
        }
    }

    // ---- channel concatenation ----

    /**
     * Concatenating a [2, 1, 1, 2] and a [2, 2, 1, 2] tensor along dimension 1 interleaves them per
     * sample: sample n of the output is a's sample n followed by b's sample n.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void concatChannelsStacksEachSampleInOrder(Backend backend) {
        Tensor a = tensor(backend, Shape.nchw(2, 1, 1, 2), 1, 2, /* n1 */ 3, 4);
        Tensor b = tensor(backend, Shape.nchw(2, 2, 1, 2), 10, 11, 12, 13, /* n1 */ 14, 15, 16, 17);
        Tensor out = zeros(backend, Shape.nchw(2, 3, 1, 2));
        backend.tensors().concatChannels(List.of(a, b), out);
        assertArrayEquals(new float[] {1, 2, 10, 11, 12, 13, /* n1 */ 3, 4, 14, 15, 16, 17},
                backend.download(out), 0f);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void splitChannelsUndoesConcatChannels(Backend backend) {
        Shape[] parts = {Shape.nchw(3, 2, 4, 5), Shape.nchw(3, 1, 4, 5), Shape.nchw(3, 5, 4, 5)};
        List<Tensor> inputs = new ArrayList<>();
        List<Tensor> outputs = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            values.add(TestTensors.uniform(10 + i, parts[i].intSize(), -1, 1));
            inputs.add(tensor(backend, parts[i], values.get(i)));
            outputs.add(zeros(backend, parts[i]));
        }
        Tensor whole = zeros(backend, Shape.nchw(3, 8, 4, 5));
        backend.tensors().concatChannels(inputs, whole);
        backend.tensors().splitChannels(whole, outputs);
        for (int i = 0; i < parts.length; i++) {
            assertArrayEquals(values.get(i), backend.download(outputs.get(i)), 0f, "part " + i);
        }
    }

    /** Dense features concatenate the same way: [2, 1] and [2, 2] make [2, 3]. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void concatAndSplitDenseFeatures(Backend backend) {
        Tensor a = tensor(backend, Shape.of(2, 1), 1, 2);
        Tensor b = tensor(backend, Shape.of(2, 2), 10, 11, 20, 21);
        Tensor out = zeros(backend, Shape.of(2, 3));
        backend.tensors().concatChannels(List.of(a, b), out);
        assertArrayEquals(new float[] {1, 10, 11, 2, 20, 21}, backend.download(out), 0f);
        Tensor a2 = zeros(backend, Shape.of(2, 1));
        Tensor b2 = zeros(backend, Shape.of(2, 2));
        backend.tensors().splitChannels(out, List.of(a2, b2));
        assertArrayEquals(new float[] {1, 2}, backend.download(a2), 0f);
        assertArrayEquals(new float[] {10, 11, 20, 21}, backend.download(b2), 0f);
    }

    /**
     * Split is the backward of concat: for L(a) = ⟨dy, concat(a, b)⟩, ∂L/∂a is the first slice of
     * split(dy). L is linear in a, so the same tolerance argument as for the bias gradient holds.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void splitChannelsIsTheGradientOfConcatChannels(Backend backend) {
        Shape aShape = Shape.nchw(2, 3, 2, 2);
        Shape bShape = Shape.nchw(2, 1, 2, 2);
        Shape outShape = Shape.nchw(2, 4, 2, 2);
        float[] dyValues = TestTensors.uniform(20, outShape.intSize(), -1, 1);
        Tensor dy = tensor(backend, outShape, dyValues);
        Tensor da = zeros(backend, aShape);
        Tensor db = zeros(backend, bShape);
        backend.tensors().splitChannels(dy, List.of(da, db));
        Tensor a = zeros(backend, aShape);
        Tensor b = tensor(backend, bShape, TestTensors.uniform(21, bShape.intSize(), -1, 1));
        Tensor out = zeros(backend, outShape);
        GradientChecker.standard().check("concat gradient", TestTensors.uniform(22, aShape.intSize(), -1, 1),
                backend.download(da), x -> {
                    backend.tensors().copyFromHost(x, a);
                    backend.tensors().concatChannels(List.of(a, b), out);
                    return TestTensors.dot(dyValues, backend.download(out));
                });
    }

    // ---- reductions ----

    /** Σ [1, 2, 3, 4, -0.5] = 9.5, mean 9.5 / 5 = 1.9, max 4. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void sumMeanAndMaxOfASmallTensor(Backend backend) {
        Tensor t = tensor(backend, Shape.of(5), 1, 2, 3, 4, -0.5f);
        assertEquals(9.5f, backend.tensors().sum(t), 0f);
        assertEquals(1.9f, backend.tensors().mean(t), 0f, "9.5 / 5 rounded once to float");
        assertEquals(4f, backend.tensors().max(t), 0f);
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void maxOfAllNegativeValues(Backend backend) {
        Tensor t = tensor(backend, Shape.of(2, 2), -5, -0.25f, -3, -1e30f);
        assertEquals(-0.25f, backend.tensors().max(t), 0f);
    }

    /**
     * Sums accumulate in double. 1 followed by a million copies of 1e-8 sums to 1.01; a float
     * accumulator would stay at 1 (1e-8 is below half an ulp of 1). The tolerance is one float ulp
     * of the result (1.2e-7), the rounding of the returned float.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void sumAccumulatesInDouble(Backend backend) {
        int n = 1_000_001;
        float[] values = new float[n];
        java.util.Arrays.fill(values, 1e-8f);
        values[0] = 1f;
        Tensor t = tensor(backend, Shape.of(n), values);
        double exact = 1 + 1_000_000 * (double) 1e-8f;
        assertEquals(exact, backend.tensors().sum(t), Math.ulp(1.01f));
        assertEquals(exact / n, backend.tensors().mean(t), Math.ulp((float) (exact / n)));
    }

    /**
     * A large random tensor against a double reference: the double accumulation error (≈ n·2^-53·Σ|x|
     * ≈ 1e-11) is far below the final rounding to float, so the result must be within half an ulp
     * of the double sum, plus one ulp of slack for another backend's summation order.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void sumAndMaxOfALargeTensorMatchADoubleReference(Backend backend) {
        int n = 250_003;
        float[] values = TestTensors.uniform(30, n, -1, 1);
        values[123_457] = 1.5f;
        Tensor t = tensor(backend, Shape.of(n), values);
        double exact = 0;
        for (float v : values) {
            exact += v;
        }
        assertEquals(exact, backend.tensors().sum(t), 1.5 * Math.ulp((float) exact));
        assertEquals(1.5f, backend.tensors().max(t), 0f);
    }

    /** sqrt(3² + 4² + 12²) = sqrt(169) = 13 over two tensors of different shapes. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void globalL2NormIsTheSquareRootOfAllSquares(Backend backend) {
        Tensor a = tensor(backend, Shape.of(2), 3, -4);
        Tensor b = tensor(backend, Shape.of(1, 1), 12);
        assertEquals(13f, backend.tensors().globalL2Norm(List.of(a, b)), 0f);
        assertEquals(5f, backend.tensors().globalL2Norm(List.of(a)), 0f);
        assertEquals(0f, backend.tensors().globalL2Norm(List.of()), 0f, "the norm of nothing");
    }

    /**
     * Squares accumulate in double: (3e20)² = 9e40 overflows float (max 3.4e38), yet the norm
     * sqrt(9e40 + 1.6e41) = 5e20 fits. Tolerance: one float ulp of 5e20.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void globalL2NormDoesNotOverflowWhereSquaresWould(Backend backend) {
        Tensor a = tensor(backend, Shape.of(1), 3e20f);
        Tensor b = tensor(backend, Shape.of(1), 4e20f);
        assertEquals(5e20f, backend.tensors().globalL2Norm(List.of(a, b)), Math.ulp(5e20f));
    }

    /** Rows of [3, 4] scores: [1, 3, 3, 0] ties at 1 and 2 (the first wins), [5, 5, 5, 5], [-1, -2, -0.5, -3]. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void argmaxTakesTheFirstOfTiedMaxima(Backend backend) {
        Tensor x = tensor(backend, Shape.of(3, 4), 1, 3, 3, 0, /* */ 5, 5, 5, 5, /* */ -1, -2, -0.5f, -3);
        Tensor out = zeros(backend, Shape.of(3));
        backend.tensors().argmax(x, out);
        assertArrayEquals(new float[] {1, 0, 2}, backend.download(out), 0f);
    }

    /**
     * Scores of 3 samples over 6 classes; the label's rank (scores strictly greater than its own):
     * row 0, label 2: scores greater than 0.9 are none → rank 0, top-1 and top-5;
     * row 1, label 0: greater than 0.1 are 0.5, 0.4, 0.3, 0.2 → rank 4, top-5 only;
     * row 2, label 5: greater than 0.0 are all five others → rank 5, neither.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void topOneAndTopFiveCountRowsWhoseLabelRanksHighEnough(Backend backend) {
        Tensor scores = tensor(backend, Shape.of(3, 6),
                0.1f, 0.2f, 0.9f, 0.3f, 0.4f, 0.5f,
                0.1f, 0.5f, 0.4f, 0.3f, 0.2f, 0.0f,
                0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.0f);
        Tensor labels = tensor(backend, Shape.of(3), 2, 0, 5);
        assertEquals(1, backend.tensors().topKCorrect(scores, labels, 1), "top-1");
        assertEquals(2, backend.tensors().topKCorrect(scores, labels, 5), "top-5");
        assertEquals(3, backend.tensors().topKCorrect(scores, labels, 6), "every label is in the top 6 of 6");
    }

    /**
     * The tie rule: a label's rank counts the higher scores and the equal ones at lower class indices,
     * so top-1 agrees with argmax. Row 0 ties its label (class 1) with class 0 at the top: argmax picks
     * class 0, so it is not top-1 but is top-2. Row 1's label (class 3) has two higher scores and ties
     * class 2: rank 3, so it needs k = 4.
     */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void topKBreaksTiesByClassIndexLikeArgmax(Backend backend) {
        Tensor scores = tensor(backend, Shape.of(2, 4), 2, 2, 1, 0, /* */ 3, 3, 1, 1);
        Tensor labels = tensor(backend, Shape.of(2), 1, 3);
        assertEquals(0, backend.tensors().topKCorrect(scores, labels, 1));
        assertEquals(1, backend.tensors().topKCorrect(scores, labels, 2));
        assertEquals(1, backend.tensors().topKCorrect(scores, labels, 3));
        assertEquals(2, backend.tensors().topKCorrect(scores, labels, 4));
    }

    /** Many rows (split across threads): top-1 count equals the number of rows where argmax hits the label. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void topOneAgreesWithArgmaxOnManyRows(Backend backend) {
        int rows = 20_000;
        int classes = 10;
        float[] s = TestTensors.uniform(40, rows * classes, -1, 1);
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = (r * 7) % classes;
        }
        Tensor scores = tensor(backend, Shape.of(rows, classes), s);
        Tensor labels = tensor(backend, Shape.of(rows), y);
        Tensor predicted = zeros(backend, Shape.of(rows));
        backend.tensors().argmax(scores, predicted);
        float[] expected = new float[rows];
        int hits = 0;
        for (int r = 0; r < rows; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (s[r * classes + c] > s[r * classes + best]) {
                    best = c;
                }
            }
            expected[r] = best;
            hits += best == y[r] ? 1 : 0;
        }
        assertArrayEquals(expected, backend.download(predicted), 0f, "argmax per row");
        assertEquals(hits, backend.tensors().topKCorrect(scores, labels, 1));
    }

    // ---- bad arguments ----

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void elementWiseOpsRejectMismatchedShapesNamingOpAndShapes(Backend backend) {
        Tensor a = zeros(backend, Shape.of(2, 3));
        Tensor b = zeros(backend, Shape.of(3, 2));
        assertMessage(assertThrows(ShapeMismatchException.class, () -> backend.tensors().add(a, b, a)),
                "add", "[2, 3]", "[3, 2]");
        assertMessage(assertThrows(ShapeMismatchException.class, () -> backend.tensors().multiply(a, a, b)),
                "multiply", "[2, 3]", "[3, 2]");
        assertMessage(assertThrows(ShapeMismatchException.class, () -> backend.tensors().axpy(1, a, b)),
                "axpy", "[2, 3]", "[3, 2]");
        Tensor c = zeros(backend, Shape.of(5));
        assertMessage(assertThrows(ShapeMismatchException.class, () -> backend.tensors().copy(a, c)),
                "copy", "[2, 3]", "[5]");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void hostCopiesRejectAnArrayOfTheWrongLength(Backend backend) {
        Tensor t = zeros(backend, Shape.of(2, 3));
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> backend.tensors().copyFromHost(new float[5], t)), "copyFromHost", "5", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> backend.tensors().copyToHost(t, new float[7])), "copyToHost", "7", "[2, 3]");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void concatRejectsChannelsThatDoNotAddUp(Backend backend) {
        Tensor a = zeros(backend, Shape.nchw(2, 3, 4, 4));
        Tensor b = zeros(backend, Shape.nchw(2, 5, 4, 4));
        Tensor out = zeros(backend, Shape.nchw(2, 7, 4, 4));
        assertMessage(assertThrows(ShapeMismatchException.class,
                        () -> backend.tensors().concatChannels(List.of(a, b), out)),
                "concatChannels", "[2, 3, 4, 4]", "[2, 5, 4, 4]", "8", "[2, 7, 4, 4]");
        assertMessage(assertThrows(ShapeMismatchException.class,
                        () -> backend.tensors().splitChannels(out, List.of(a, b))),
                "splitChannels", "8", "[2, 7, 4, 4]");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void concatRejectsPartsThatDifferOutsideTheChannelAxis(Backend backend) {
        Tensor a = zeros(backend, Shape.nchw(2, 3, 4, 4));
        Tensor b = zeros(backend, Shape.nchw(2, 5, 4, 5));
        Tensor out = zeros(backend, Shape.nchw(2, 8, 4, 4));
        assertMessage(assertThrows(ShapeMismatchException.class,
                        () -> backend.tensors().concatChannels(List.of(a, b), out)),
                "concatChannels", "[2, 5, 4, 5]", "[2, 8, 4, 4]");
        Tensor otherBatch = zeros(backend, Shape.nchw(3, 5, 4, 4));
        assertMessage(assertThrows(ShapeMismatchException.class,
                        () -> backend.tensors().concatChannels(List.of(a, otherBatch), out)),
                "concatChannels", "[3, 5, 4, 4]");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void biasOpsRejectABiasOfTheWrongLength(Backend backend) {
        Tensor y = zeros(backend, Shape.nchw(2, 3, 2, 2));
        Tensor bias = zeros(backend, Shape.of(4));
        assertMessage(assertThrows(ShapeMismatchException.class, () -> backend.tensors().addChannelBias(y, bias)),
                "addChannelBias", "[3]", "[4]");
        assertMessage(assertThrows(ShapeMismatchException.class,
                () -> backend.tensors().channelBiasGradient(y, bias)), "channelBiasGradient", "[3]", "[4]");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void classificationStatisticsRejectBadShapesAndLabels(Backend backend) {
        Tensor scores = zeros(backend, Shape.of(2, 3));
        assertMessage(assertThrows(ShapeMismatchException.class,
                () -> backend.tensors().argmax(scores, zeros(backend, Shape.of(3)))), "argmax", "[2]", "[3]");
        assertMessage(assertThrows(ShapeMismatchException.class,
                        () -> backend.tensors().topKCorrect(scores, zeros(backend, Shape.of(2, 1)), 1)),
                "topKCorrect", "[2, 1]");
        Tensor outOfRange = tensor(backend, Shape.of(2), 0, 3);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> backend.tensors().topKCorrect(scores, outOfRange, 1)), "topKCorrect", "3", "[2, 3]");
        Tensor labels = tensor(backend, Shape.of(2), 0, 1);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> backend.tensors().topKCorrect(scores, labels, 0)), "topKCorrect", "k");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void clampRejectsAnEmptyInterval(Backend backend) {
        Tensor t = zeros(backend, Shape.of(2));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> backend.tensors().clamp(t, 1, -1)),
                "clamp", "1.0", "-1.0");
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#all")
    void meanAndMaxOfAnEmptyTensorAreRejected(Backend backend) {
        Tensor empty = zeros(backend, Shape.of(0, 3));
        assertEquals(0f, backend.tensors().sum(empty), 0f, "the empty sum is 0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> backend.tensors().mean(empty)),
                "mean", "[0, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> backend.tensors().max(empty)),
                "max", "[0, 3]");
    }

    private static void assertMessage(Exception e, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment),
                    "message \"" + e.getMessage() + "\" should mention " + fragment);
        }
    }
}
