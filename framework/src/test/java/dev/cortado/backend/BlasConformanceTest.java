package dev.cortado.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BlasOps#gemm}: c = alpha·op(a)·op(b) + beta·c on row-major [dim0, rest] matrices, for every
 * backend present, against hand-computed products, a double-precision triple loop and the reference
 * backend.
 */
class BlasConformanceTest {
    /**
     * |c - exact| ≤ (k + 3)·2^-24·(|alpha|·Σ|a·b| + |beta·c|): the float32 rounding bound of a
     * length-k dot product (Higham §3.5) plus the alpha and beta roundings. Backends may sum in any
     * order (cuBLAS splits k differently from the CPU), so only this bound, not bit equality, holds.
     */
    private static void assertWithinRoundingBound(String what, double[] exact, double[] magnitude, int k, float[] actual) {
        for (int i = 0; i < exact.length; i++) {
            double bound = (k + 3) * Math.pow(2, -24) * magnitude[i] + 1e-30;
            double error = Math.abs(actual[i] - exact[i]);
            assertTrue(error <= bound, String.format("%s: element %d is %.9g, exact %.9g, |error| %.3g > %.3g",
                    what, i, actual[i], exact[i], error, bound));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void handComputedProduct(Backend backend) {
        // [1 2 3; 4 5 6]·[1 0; 0 1; 2 -1] = [7 -1; 16 -1], exact in float32.
        try (Tensor a = backend.upload(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
             Tensor b = backend.upload(Shape.of(3, 2), 1, 0, 0, 1, 2, -1);
             Tensor c = backend.allocate(Shape.of(2, 2))) {
            backend.blas().gemm(false, false, 1f, a, b, 0f, c);
            assertArrayEquals(new float[] {7, -1, 16, -1}, backend.download(c));
            // Accumulate: c = 0.5·a·b + 2·c = 2.5·[7 -1; 16 -1].
            backend.blas().gemm(false, false, 0.5f, a, b, 2f, c);
            assertArrayEquals(new float[] {17.5f, -2.5f, 40, -2.5f}, backend.download(c));
        }
    }

    /** All four transpose combinations on 17×13·13×29 random matrices, with alpha and beta away from 0 and 1. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void allTransposesMatchTripleLoop(Backend backend) {
        int m = 17;
        int k = 13;
        int n = 29;
        float alpha = -1.5f;
        float beta = 0.75f;
        for (int t = 0; t < 4; t++) {
            boolean transA = (t & 1) != 0;
            boolean transB = (t & 2) != 0;
            float[] a = TestTensors.uniform(10 + t, m * k, -1, 1);
            float[] b = TestTensors.uniform(20 + t, k * n, -1, 1);
            float[] c0 = TestTensors.uniform(30 + t, m * n, -1, 1);
            double[] exact = new double[m * n];
            double[] magnitude = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        double prod = (double) (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                        s += prod;
                        abs += Math.abs(prod);
                    }
                    exact[i * n + j] = alpha * s + (double) beta * c0[i * n + j];
                    magnitude[i * n + j] = Math.abs(alpha) * abs + Math.abs((double) beta * c0[i * n + j]);
                }
            }
            try (Tensor ta = backend.upload(transA ? Shape.of(k, m) : Shape.of(m, k), a);
                 Tensor tb = backend.upload(transB ? Shape.of(n, k) : Shape.of(k, n), b);
                 Tensor tc = backend.upload(Shape.of(m, n), c0)) {
                backend.blas().gemm(transA, transB, alpha, ta, tb, beta, tc);
                assertWithinRoundingBound(backend + " transA=" + transA + " transB=" + transB,
                        exact, magnitude, k, backend.download(tc));
            }
        }
    }

    /** Tensors of rank above 2 are [dim0, rest]: a dense layer's y[N×F] = x[N×C×H×W]·Wᵀ. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void higherRankTensorsAreFlattenedAfterDimZero(Backend backend) {
        // x: 2 samples of 1×2×2 = [1 2 3 4; 5 6 7 8]; w: 3 outputs × 4 inputs; y = x·wᵀ.
        float[] w = {1, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1};
        try (Tensor x = backend.upload(Shape.nchw(2, 1, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8);
             Tensor tw = backend.upload(Shape.of(3, 4), w);
             Tensor y = backend.allocate(Shape.of(2, 3))) {
            backend.blas().gemm(false, true, 1f, x, tw, 0f, y);
            assertArrayEquals(new float[] {1, 6, 10, 5, 14, 26}, backend.download(y));
        }
    }

    /** beta = 0 means c is not read: NaN in c must not leak into the product. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void zeroBetaIgnoresNaNInC(Backend backend) {
        float[] nan = new float[4];
        Arrays.fill(nan, Float.NaN);
        try (Tensor a = backend.upload(Shape.of(2, 1), 2, 3);
             Tensor b = backend.upload(Shape.of(1, 2), 5, 7);
             Tensor c = backend.upload(Shape.of(2, 2), nan)) {
            backend.blas().gemm(false, false, 1f, a, b, 0f, c);
            assertArrayEquals(new float[] {10, 14, 15, 21}, backend.download(c));
        }
    }

    /** A product large enough for every backend's fast path, against the reference backend's. */
    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void agreesWithReferenceBackend(Backend backend) {
        assumeFalse(backend == BackendsUnderTest.reference(), "the reference backend is what the others are compared with");
        int m = 70;
        int k = 300;
        int n = 90;
        float[] a = TestTensors.uniform(1, m * k, -1, 1);
        float[] b = TestTensors.uniform(2, n * k, -1, 1);
        float[] expected = product(BackendsUnderTest.reference(), a, b, m, k, n);
        float[] actual = product(backend, a, b, m, k, n);
        // Two float32 sums of 300 unit-scale products, each within 303·2^-24·Σ|a·b| ≤ 303·2^-24·300.
        TestTensors.assertClose(backend + " vs reference", expected, actual, 2 * 303 * 300 * Math.pow(2, -24), 0);
    }

    private static float[] product(Backend backend, float[] a, float[] b, int m, int k, int n) {
        try (Tensor ta = backend.upload(Shape.of(m, k), a);
             Tensor tb = backend.upload(Shape.of(n, k), b);
             Tensor tc = backend.allocate(Shape.of(m, n))) {
            backend.blas().gemm(false, true, 1f, ta, tb, 0f, tc);
            return backend.download(tc);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.cortado.backend.BackendsUnderTest#withScalarCpu")
    void rejectsMismatchedShapesNamingThem(Backend backend) {
        try (Tensor a = backend.allocate(Shape.of(2, 3));
             Tensor b = backend.allocate(Shape.of(4, 5));
             Tensor c = backend.allocate(Shape.of(2, 5));
             Tensor c2 = backend.allocate(Shape.of(3, 5));
             Tensor b2 = backend.allocate(Shape.of(3, 5));
             Tensor v = backend.allocate(Shape.of(6))) {
            ShapeMismatchException inner = assertThrows(ShapeMismatchException.class,
                    () -> backend.blas().gemm(false, false, 1f, a, b, 0f, c));
            assertMentions(inner, "gemm", "[2, 3]", "[4, 5]", "[2, 5]");
            ShapeMismatchException output = assertThrows(ShapeMismatchException.class,
                    () -> backend.blas().gemm(false, false, 1f, a, b2, 0f, c2));
            assertMentions(output, "gemm", "[2, 3]", "[3, 5]", "[3, 5]");
            // aᵀ is 3×2, which cannot multiply a 3×5 b.
            ShapeMismatchException transposed = assertThrows(ShapeMismatchException.class,
                    () -> backend.blas().gemm(true, false, 1f, a, b2, 0f, c));
            assertMentions(transposed, "gemm", "[2, 3]", "[3, 5]", "[2, 5]");
            ShapeMismatchException rank = assertThrows(ShapeMismatchException.class,
                    () -> backend.blas().gemm(false, false, 1f, v, b2, 0f, c));
            assertMentions(rank, "gemm", "[6]", "[3, 5]", "[2, 5]");
        }
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message \"" + e.getMessage() + "\" should mention " + part);
        }
    }
}
