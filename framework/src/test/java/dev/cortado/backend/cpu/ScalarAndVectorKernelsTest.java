package dev.cortado.backend.cpu;

import static dev.cortado.backend.TestTensors.assertClose;
import static dev.cortado.backend.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cortado.backend.Activation;
import dev.cortado.backend.BatchNormSpec;
import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.NaiveConvolution;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend on its Vector API kernels and on its plain-Java ones, side by side in one JVM
 * (their settings are a {@link CpuOptions} each, not a global). Where the two round alike by design
 * (ReLU) they must agree bit for bit; where they sum in different orders or fuse multiply-adds (GEMM,
 * convolution, batch-norm sums), each tolerance below is the rounding bound of the sums involved.
 *
 * <p>Bound for sums of products: any order of computing {@code s = Σ_{i≤n} a_i·b_i} in float, with
 * or without fused multiply-adds, lies within {@code γ_n·Σ|a_i·b_i|} of the exact sum, where
 * {@code γ_n = n·u/(1 − n·u)} and {@code u = 2⁻²⁴} (Higham, Accuracy and Stability of Numerical
 * Algorithms, 2nd ed., §3.1); two such results differ by at most twice that.
 */
class ScalarAndVectorKernelsTest {
    private static final double U = Math.pow(2, -24);

    private static CpuBackend vector;
    private static CpuBackend scalar;

    @BeforeAll
    static void start() {
        assumeTrue(CpuOptions.vectorApiResolved(), "this JVM has no Vector API: only the scalar kernels can run");
        CpuOptions options = CpuOptions.defaults().withThreads(2);
        vector = new CpuBackend(options.withKernels(CpuOptions.Kernels.VECTOR));
        scalar = new CpuBackend(options.withKernels(CpuOptions.Kernels.SCALAR));
    }

    @AfterAll
    static void stop() {
        if (vector != null) {
            vector.close();
            scalar.close();
        }
    }

    @Test
    void backendsSayWhichKernelsTheyRun() {
        assertEquals(CpuOptions.Kernels.VECTOR, vector.options().kernels());
        assertEquals(CpuOptions.Kernels.SCALAR, scalar.options().kernels());
        assertEquals("cpu (2 threads)", vector.toString());
        assertEquals("cpu (2 threads, scalar kernels)", scalar.toString());
    }

    // ---------------------------------------------------------------- GEMM

    /**
     * C = A·Bᵀ, 70×300 times 300×90 (several 6×32 vector and 4×4 scalar tiles, edges on both sides):
     * the 6×32 FMA kernel and the 4×4 multiply-then-add kernel each lie within γ_300·Σ|a·b| of the
     * exact product.
     */
    @Test
    void gemmAgreesWithinTheRoundingOfItsSums() {
        int m = 70;
        int k = 300;
        int n = 90;
        float[] a = uniform(1, m * k, -1, 1);
        float[] b = uniform(2, n * k, -1, 1);
        double[] abs = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += Math.abs((double) a[i * k + p] * b[j * k + p]);
                }
                abs[i * n + j] = s;
            }
        }
        assertWithinSumBound("C = A·Bᵀ", gemm(scalar, a, b, m, k, n), gemm(vector, a, b, m, k, n), k, abs);
    }

    private static float[] gemm(CpuBackend backend, float[] a, float[] b, int m, int k, int n) {
        try (Tensor ta = backend.upload(Shape.of(m, k), a); Tensor tb = backend.upload(Shape.of(n, k), b);
             Tensor tc = backend.allocate(Shape.of(m, n))) {
            backend.blas().gemm(false, true, 1f, ta, tb, 0f, tc);
            return backend.download(tc);
        }
    }

    // ---------------------------------------------------------------- convolution

    /**
     * ResNet-20's layer shapes at batch 2, where the vector kernels take other algorithms than im2col
     * and the scalar GEMM: the implicit GEMM over padded rows (32×32) and over column-unrolled rows
     * (8×8 under AVX-512), the implicit filter gradient per sample (32×32) and over blocks of samples
     * (16×16), the packed filter-gradient GEMM (64 → 64) and the row products (the stride-2 layer).
     */
    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of("stage 1, 16 → 16 on 32×32", 16, 32, 16, Conv2dSpec.of(3, 1, 1)),
                Arguments.of("stage 2, 32 → 32 on 16×16", 32, 16, 32, Conv2dSpec.of(3, 1, 1)),
                Arguments.of("stage 3, 64 → 64 on 8×8", 64, 8, 64, Conv2dSpec.of(3, 1, 1)),
                Arguments.of("downsampling, 16 → 32 on 32×32, stride 2", 16, 32, 32, Conv2dSpec.of(3, 2, 1)));
    }

    /**
     * y sums Cg·kh·kw products, dx at most Kg·kh·kw and dW N·OH·OW; their Σ|terms| is the same
     * convolution of |x|, |w| and |dy|, so each element is held to its own bound.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void convolutionAgreesWithinTheRoundingOfItsSums(String name, int c, int size, int k, Conv2dSpec spec) {
        Shape xs = Shape.nchw(2, c, size, size);
        Shape ws = spec.weightShape(c, k);
        Shape ys = spec.outputShape(xs, ws);
        float[] x = uniform(11, xs.intSize(), -1, 1);
        float[] w = uniform(12, ws.intSize(), -1, 1);
        float[] dy = uniform(13, ys.intSize(), -1, 1);
        double[][] abs = NaiveConvolution.withGradients(abs(x), xs, abs(w), ws, abs(dy), spec);
        float[][] s = convolution(scalar, x, xs, w, ws, dy, ys, spec);
        float[][] v = convolution(vector, x, xs, w, ws, dy, ys, spec);
        int taps = spec.kernelH() * spec.kernelW();
        assertWithinSumBound(name + ", y", s[0], v[0], c / spec.groups() * taps, abs[0]);
        assertWithinSumBound(name + ", dx", s[1], v[1], k / spec.groups() * taps, abs[1]);
        assertWithinSumBound(name + ", dW", s[2], v[2], ys.batch() * ys.dim(2) * ys.dim(3), abs[2]);
    }

    private static float[][] convolution(CpuBackend backend, float[] x, Shape xs, float[] w, Shape ws, float[] dy,
                                         Shape ys, Conv2dSpec spec) {
        try (Tensor tx = backend.upload(xs, x); Tensor tw = backend.upload(ws, w); Tensor tdy = backend.upload(ys, dy);
             Tensor y = backend.allocate(ys); Tensor dx = backend.allocate(xs); Tensor dw = backend.allocate(ws)) {
            backend.convolution().forward(tx, tw, spec, y);
            backend.convolution().backwardData(tdy, tw, spec, dx);
            backend.convolution().backwardFilter(tx, tdy, spec, dw);
            return new float[][] {backend.download(y), backend.download(dx), backend.download(dw)};
        }
    }

    // ---------------------------------------------------------------- batch norm

    /**
     * Batch norm over [4, 3, 40, 40]: m = 6400 values per channel, 1600 per plane, so the vector sums
     * fold several chunks of 64 values per lane. The scalar sums run in double; each float lane adds
     * at most 64 values of x − K (K a sample of the channel), which with the rounding of x − K itself
     * is within ε = 65·u ≈ 3.9e-6 of Σ|x − K| (see {@link VectorPlaneSums}). For x uniform on [−3, 3]
     * and K inside that range, |μ − K|² ≤ 3σ² and Σ(x − K)²/m ≤ 4σ², so the mean moves by at most 2εσ
     * and the variance by about 11εσ², hence 1/σ by 5.5ε relative; y = γ·(x − μ)/σ + β with |γ| ≤ 1.5
     * and |x − μ|/σ ≤ √3 then moves by at most 1.5·(2 + 5.5·√3)·ε ≈ 7e-5, and the statistics by well
     * under 1e-5 relative. The backward sums Σdy and Σdy·(x − μ) carry the same per-lane error; dβ = Σdy
     * and dγ = Σdy·(x − μ)/σ, with |dy| ≤ 1 and |x − μ|/σ ≤ √3 &lt; 2, are within 2εm of the scalar ones,
     * and dx = γ/σ·(dy − dβ/m − (x − μ)/σ·dγ/m) moves by as much as y: 1e-4 absolute.
     */
    @Test
    void batchNormAgreesWithinTheRoundingOfItsFloatLaneSums() {
        Shape shape = Shape.nchw(4, 3, 40, 40);
        int m = 4 * 40 * 40;
        double eps = 65 * U;
        float[] x = uniform(21, shape.intSize(), -3, 3);
        float[] dy = uniform(22, shape.intSize(), -1, 1);
        float[] gamma = uniform(23, 3, 0.5f, 1.5f);
        float[] beta = uniform(24, 3, -1, 1);
        float[][] s = batchNorm(scalar, shape, x, dy, gamma, beta);
        float[][] v = batchNorm(vector, shape, x, dy, gamma, beta);
        String[] names = {"y", "saved mean", "saved 1/σ", "running mean", "running var", "dx", "dγ", "dβ"};
        double[] atol = {1e-4, 1e-5, 1e-5, 1e-5, 1e-5, 1e-4, 2 * eps * m, 2 * eps * m};
        for (int i = 0; i < names.length; i++) {
            assertClose(names[i], s[i], v[i], atol[i], 1e-5);
        }
    }

    private static float[][] batchNorm(CpuBackend b, Shape shape, float[] x, float[] dy, float[] gamma, float[] beta) {
        BatchNormSpec spec = BatchNormSpec.DEFAULT;
        Shape c = Shape.of(shape.channels());
        try (Tensor tx = b.upload(shape, x); Tensor tg = b.upload(c, gamma); Tensor tb = b.upload(c, beta);
             Tensor rm = b.upload(c, new float[c.intSize()]); Tensor rv = b.upload(c, ones(c.intSize()));
             Tensor y = b.allocate(shape); Tensor mean = b.allocate(c); Tensor invStd = b.allocate(c);
             Tensor tdy = b.upload(shape, dy); Tensor dx = b.allocate(shape); Tensor dg = b.allocate(c);
             Tensor db = b.allocate(c)) {
            b.normalization().batchNormTrainingForward(tx, tg, tb, spec, rm, rv, y, mean, invStd);
            b.normalization().batchNormBackward(tx, tdy, tg, spec, mean, invStd, dx, dg, db);
            return new float[][] {b.download(y), b.download(mean), b.download(invStd), b.download(rm), b.download(rv),
                    b.download(dx), b.download(dg), b.download(db)};
        }
    }

    // ---------------------------------------------------------------- ReLU

    /**
     * ReLU is bit-identical by design: forward is one scalar loop for both, and the vector backward
     * (compare and blend) keeps dy exactly where x &gt; 0 and writes +0 elsewhere, as the scalar mask
     * does, NaN, ±0 and ±∞ included.
     */
    @Test
    void reluIsBitIdentical() {
        int n = 10_007;
        float[] x = uniform(31, n, -1, 1);
        float[] dy = uniform(32, n, -1, 1);
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_VALUE};
        for (int i = 0; i < n; i += 13) {
            x[i] = special[(i / 13) % special.length];
            dy[i + 1 < n ? i + 1 : i] = special[(i / 13 + 3) % special.length];
        }
        float[][] s = relu(scalar, x, dy);
        float[][] v = relu(vector, x, dy);
        assertArrayEquals(bits(s[0]), bits(v[0]), "y");
        assertArrayEquals(bits(s[1]), bits(v[1]), "dx");
    }

    private static float[][] relu(CpuBackend b, float[] x, float[] dy) {
        Shape shape = Shape.of(x.length);
        try (Tensor tx = b.upload(shape, x); Tensor tdy = b.upload(shape, dy); Tensor y = b.allocate(shape);
             Tensor dx = b.allocate(shape)) {
            b.activations().forward(Activation.RELU, tx, y);
            b.activations().backward(Activation.RELU, tx, y, tdy, dx);
            return new float[][] {b.download(y), b.download(dx)};
        }
    }

    // ---------------------------------------------------------------- helpers

    /** |s − v| ≤ 2·γ_n·abs for every element, naming the first that is not. */
    private static void assertWithinSumBound(String what, float[] s, float[] v, int n, double[] abs) {
        assertEquals(s.length, v.length, what + ": lengths");
        double gamma = n * U / (1 - n * U);
        boolean differ = false;
        for (int i = 0; i < s.length; i++) {
            double bound = 2 * gamma * abs[i];
            if (!(Math.abs((double) s[i] - v[i]) <= bound)) {
                fail(what + "[" + i + "]: scalar " + s[i] + ", vector " + v[i] + ", beyond 2·γ_" + n + "·Σ|terms| = "
                        + bound);
            }
            differ |= s[i] != v[i];
        }
        // Different kernels: agreement to the last bit everywhere would mean one of them did not run.
        assertTrue(differ, what + ": scalar and vector kernels agree bit for bit; did both run?");
    }

    private static float[] abs(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Math.abs(a[i]);
        }
        return r;
    }

    private static float[] ones(int n) {
        float[] r = new float[n];
        java.util.Arrays.fill(r, 1f);
        return r;
    }

    private static int[] bits(float[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Float.floatToRawIntBits(a[i]);
        }
        return r;
    }
}
