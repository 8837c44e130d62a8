package dev.cortado.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.backend.Activation;
import dev.cortado.backend.Pool2dSpec;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The branch-free fast paths of the CPU backend against the rules they replace, on the values where
 * the two could part: signed zeros, NaN, infinities, denormals and ties. Results are compared bit for
 * bit (float bits, so that -0 and +0 and NaNs count as different values).
 */
class CpuFastPathsTest {
    private static CpuBackend backend;

    @BeforeAll
    static void start() {
        backend = new CpuBackend(1);
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    /** ReLU' routes dy where x > 0 (so not at ±0 nor NaN) and writes +0 elsewhere. */
    @Test
    void reluBackwardKeepsGradientExactlyWhereInputIsPositive() {
        float nan = Float.NaN;
        float[] x = {1f, -1f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, nan, Float.intBitsToFloat(0xFFC00000), 1e-30f};
        float[] dy = new float[x.length];
        for (int i = 0; i < dy.length; i++) {
            dy[i] = i % 2 == 0 ? -(i + 0.5f) : i + 0.25f;
        }
        dy[2] = nan;
        Shape s = Shape.of(x.length);
        try (Tensor xt = backend.upload(s, x); Tensor dyt = backend.upload(s, dy); Tensor dx = backend.allocate(s)) {
            backend.activations().backward(Activation.RELU, xt, xt, dyt, dx);
            float[] got = backend.download(dx);
            for (int i = 0; i < x.length; i++) {
                float expected = x[i] > 0 ? dy[i] : 0f;
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[i]), "x = " + x[i]);
            }
        }
    }

    /**
     * 2×2 max pooling at stride 2 (the fast path) on windows laid side by side: y is the first maximum
     * in row-major order as `v > max` finds it (so -0 before +0 stays -0, a leading NaN wins, a later
     * NaN is skipped) and dy goes to that cell. Without an extra row and column the windows tile the
     * input (each window writes its four cells of dx); with them, the last row and column belong to no
     * window and must get 0.
     */
    @ParameterizedTest(name = "extra row and column: {0}")
    @ValueSource(ints = {0, 1})
    void maxPoolTwoByTwoFollowsTheFirstMaximumRule(int extra) {
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        // Each window as {top-left, top-right, bottom-left, bottom-right}.
        float[][] windows = {
            {-0f, 0f, -0f, 0f}, {0f, -0f, 0f, 0f}, {1f, 3f, 3f, 2f}, {0f, 5f, 5f, 5f}, {2f, 1f, 7f, 7f},
            {nan, 1f, 2f, 3f}, {1f, nan, 2f, 0f}, {inf, inf, 1f, 2f}, {-inf, -inf, -inf, -inf},
            {1f, 2f, inf, nan}, {-1f, -3f, -2f, -1f}, {Float.MIN_VALUE, 0f, Float.MIN_VALUE, -0f}};
        int count = windows.length;
        int width = 2 * count + extra;
        Shape xs = Shape.nchw(1, 1, 2 + extra, width);
        float[] x = new float[xs.intSize()];
        java.util.Arrays.fill(x, 1e30f);
        for (int wdx = 0; wdx < count; wdx++) {
            x[2 * wdx] = windows[wdx][0];
            x[2 * wdx + 1] = windows[wdx][1];
            x[width + 2 * wdx] = windows[wdx][2];
            x[width + 2 * wdx + 1] = windows[wdx][3];
        }
        Pool2dSpec spec = Pool2dSpec.max(2, 2);
        Shape ys = spec.outputShape(xs);
        float[] dy = new float[count];
        for (int i = 0; i < count; i++) {
            dy[i] = i + 1;
        }
        try (Tensor xt = backend.upload(xs, x); Tensor y = backend.allocate(ys); Tensor dyt = backend.upload(ys, dy);
             Tensor dx = backend.allocate(xs)) {
            backend.pooling().forward(xt, spec, y);
            backend.pooling().backward(xt, y, dyt, spec, dx);
            float[] got = backend.download(y);
            float[] grad = backend.download(dx);
            for (int i = 0; i < grad.length; i++) {
                if (i % width == width - 1 && extra == 1 || i >= 2 * width) {
                    assertEquals(0f, grad[i], "dx outside every window, cell " + i);
                }
            }
            for (int wdx = 0; wdx < count; wdx++) {
                int best = 0;
                for (int c = 1; c < 4; c++) {
                    if (windows[wdx][c] > windows[wdx][best]) {
                        best = c;
                    }
                }
                String what = "window " + java.util.Arrays.toString(windows[wdx]);
                assertEquals(Float.floatToRawIntBits(windows[wdx][best]), Float.floatToRawIntBits(got[wdx]), what);
                int at = (best / 2) * width + 2 * wdx + best % 2;
                for (int c = 0; c < 4; c++) {
                    int cell = (c / 2) * width + 2 * wdx + c % 2;
                    assertEquals(cell == at ? dy[wdx] : 0f, grad[cell], what + ", dx cell " + c);
                }
            }
        }
    }
}
