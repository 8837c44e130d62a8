package dev.cortado.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.TestTensors;
import dev.cortado.backend.cpu.GemmReference.Call;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CpuGemm against the double-precision triple loop of {@link GemmReference}, for both kernels, with
 * the production blocking and with tiny blocks that make every loop around the micro-kernel take
 * several turns and end on a partial block.
 */
class CpuGemmTest {
    private static final ParallelLoop LOOP = new ParallelLoop(2);

    /** The GEMMs under test, by name. */
    private static final List<Arguments> GEMMS = List.of(
            Arguments.of("vector", new CpuGemm(LOOP)),
            // mc = 2 tiles, kc = 5, nc = 2 tiles: shapes of a few dozen straddle every block edge.
            Arguments.of("vector, tiny blocks", new CpuGemm(LOOP, new VectorMicroKernel(),
                    2 * VectorMicroKernel.MR, 5, 2 * VectorMicroKernel.NR)),
            Arguments.of("scalar", new CpuGemm(LOOP, CpuOptions.Kernels.SCALAR)),
            Arguments.of("scalar, tiny blocks", new CpuGemm(LOOP, new ScalarMicroKernel(),
                    2 * ScalarMicroKernel.MR, 5, 2 * ScalarMicroKernel.NR)));

    /** m×k×n: degenerate, prime, LeNet-sized, and straddling the default mc = 192, kc = 256, nc = 4096. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 7, 1}, {5, 1, 3}, {17, 13, 29}, {6, 25, 784}, {64, 400, 120},
        {193, 257, 33}, {7, 3, 4099}, {31, 37, 67}};

    @AfterAll
    static void closeLoop() {
        LOOP.close();
    }

    static Stream<Arguments> gemms() {
        return GEMMS.stream();
    }

    static Stream<Arguments> gemmsShapesAndTransposes() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments g : GEMMS) {
            for (int[] s : SHAPES) {
                for (int t = 0; t < 4; t++) {
                    out.add(Arguments.of(g.get()[0], g.get()[1], (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2]));
                }
            }
        }
        return out.stream();
    }

    /** A call on dense random matrices; C starts as NaN, which beta = 0 must never read. */
    private static Call dense(boolean transA, boolean transB, int m, int k, int n, float alpha, float beta, long seed) {
        float[] a = TestTensors.uniform(seed, m * k, -1, 1);
        float[] b = TestTensors.uniform(seed + 1, k * n, -1, 1);
        float[] c = beta == 0f ? nans(m * n) : TestTensors.uniform(seed + 2, m * n, -1, 1);
        return new Call(transA, transB, m, n, k, alpha, a, 0, transA ? m : k, b, 0, transB ? k : n,
                beta, c, 0, n);
    }

    private static float[] nans(int n) {
        float[] v = new float[n];
        Arrays.fill(v, Float.NaN);
        return v;
    }

    @ParameterizedTest(name = "{0}: transA={2} transB={3} m×k×n={4}×{5}×{6}")
    @MethodSource("gemmsShapesAndTransposes")
    void matchesTripleLoop(String name, CpuGemm gemm, boolean transA, boolean transB, int m, int k, int n) {
        Call call = dense(transA, transB, m, k, n, 1f, 0f, 31L * m + 7L * k + n);
        GemmReference.assertMatches(call, call.run(gemm));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gemms")
    void handComputedProduct(String name, CpuGemm gemm) {
        // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], exact in float32.
        float[] c = nans(4);
        gemm.sgemm(false, false, 2, 2, 2, 1f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {5, 6, 7, 8}, 0, 2,
                0f, c, 0, 2);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c);
        // 2·[1 2; 3 4]ᵀ·[5 6; 7 8] - 1·C_prev = 2·[26 30; 38 44] - [19 22; 43 50].
        gemm.sgemm(true, false, 2, 2, 2, 2f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {5, 6, 7, 8}, 0, 2,
                -1f, c, 0, 2);
        assertArrayEquals(new float[] {33, 38, 33, 38}, c);
    }

    /** Offsets and leading dimensions wider than the matrices; alpha and beta away from 0 and 1. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gemms")
    void stridedSubmatricesWithAlphaAndBeta(String name, CpuGemm gemm) {
        int[][] shapes = {{17, 13, 29}, {37, 11, 70}, {6, 25, 40}};
        for (int[] s : shapes) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            for (int t = 0; t < 4; t++) {
                boolean transA = (t & 1) != 0;
                boolean transB = (t & 2) != 0;
                int aRows = transA ? k : m;
                int lda = (transA ? m : k) + 5;
                int bRows = transB ? n : k;
                int ldb = (transB ? k : n) + 3;
                int ldc = n + 9;
                float[] a = TestTensors.uniform(1, 3 + aRows * lda, -2, 2);
                float[] b = TestTensors.uniform(2, 4 + bRows * ldb, -2, 2);
                float[] c = TestTensors.uniform(3, 7 + m * ldc, -2, 2);
                Call call = new Call(transA, transB, m, n, k, -1.5f, a, 3, lda, b, 4, ldb, 0.75f, c, 7, ldc);
                GemmReference.assertMatches(call, call.run(gemm));
            }
        }
    }

    /** The sum over k grows over several kc slices; only the first may apply beta. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gemms")
    void betaAppliedOnceAcrossKSlices(String name, CpuGemm gemm) {
        Call call = dense(false, true, 13, 300, 45, 1f, 2f, 99);
        GemmReference.assertMatches(call, call.run(gemm));
        Call accumulate = dense(true, false, 13, 300, 45, 0.5f, 1f, 98);
        GemmReference.assertMatches(accumulate, accumulate.run(gemm));
    }

    /** k = 0: the product is empty, so C = beta·C, and with beta = 0 C becomes 0 even where it held NaN. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gemms")
    void emptyInnerDimensionScalesC(String name, CpuGemm gemm) {
        float[] c = {1, 2, 99, 3, 4, 99};
        gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 0.5f, c, 0, 3);
        assertArrayEquals(new float[] {0.5f, 1, 99, 1.5f, 2, 99}, c);
        float[] nan = {Float.NaN, Float.NaN, 99, Float.NaN, Float.NaN, 99};
        gemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 0, new float[0], 0, 2, 0f, nan, 0, 3);
        assertArrayEquals(new float[] {0, 0, 99, 0, 0, 99}, nan);
    }

    /** alpha = 0: as in BLAS, A and B are not read (NaN there must not reach C). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gemms")
    void zeroAlphaDoesNotReadInputs(String name, CpuGemm gemm) {
        float[] c = {1, -2, 3, -4};
        gemm.sgemm(false, false, 2, 2, 3, 0f, nans(6), 0, 3, nans(6), 0, 2, 2f, c, 0, 2);
        assertArrayEquals(new float[] {2, -4, 6, -8}, c);
    }

    /**
     * Products above the single-thread threshold: a tall one (split by rows of C), a wide one
     * (split by columns) and a wide one with B read in place, each on a 2-thread loop.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("gemms")
    void parallelSplitsOfC(String name, CpuGemm gemm) {
        int[][] shapes = {{300, 128, 120}, {40, 200, 600}, {12, 400, 1000}};
        for (int[] s : shapes) {
            assertTrue((long) s[0] * s[1] * s[2] >= CpuGemm.PARALLEL_THRESHOLD, "shape must take the parallel path");
            Call call = dense(s[0] % 2 == 0, false, s[0], s[1], s[2], 1f, 0f, s[0]);
            GemmReference.assertMatches(call, call.run(gemm));
        }
    }

    /** Callers on different threads (as nested in a parallel convolution) each pack into their own buffers. */
    @Test
    void concurrentCallersDoNotShareWorkspaces() throws Exception {
        CpuGemm gemm = new CpuGemm(LOOP);
        Call small = dense(false, false, 19, 40, 23, 1f, 0f, 5);
        Call large = dense(true, true, 70, 90, 110, 1f, 0f, 6);
        float[] smallAlone = small.run(gemm);
        float[] largeAlone = large.run(gemm);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (Call call : List.of(small, large)) {
                float[] expected = call == small ? smallAlone : largeAlone;
                results.add(pool.submit(() -> {
                    for (int r = 0; r < 40; r++) {
                        if (!Arrays.equals(expected, call.run(gemm))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(), "a concurrent GEMM gave a different result than the same GEMM alone");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsBadArguments() {
        CpuGemm gemm = new CpuGemm(LOOP);
        float[] x = new float[12];
        assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemm(false, false, -1, 2, 2, 1f, x, 0, 2, x, 0, 2, 0f, new float[4], 0, 2));
        // lda = 2 < k = 3
        assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemm(false, false, 2, 2, 3, 1f, x, 0, 2, x, 0, 2, 0f, new float[4], 0, 2));
        // C of 3×3 does not fit 4 floats
        assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemm(false, false, 3, 3, 1, 1f, x, 0, 1, x, 0, 3, 0f, new float[4], 0, 3));
        // B at offset 10 with 2 rows of stride 2 runs past 12 floats
        assertThrows(IllegalArgumentException.class,
                () -> gemm.sgemm(false, false, 2, 2, 2, 1f, x, 0, 2, x, 10, 2, 0f, new float[4], 0, 2));
    }

    @Test
    void vectorKernelIsChosenWhenTheModuleIsResolved() {
        // Surefire starts the JVM with --add-modules jdk.incubator.vector (see the parent pom).
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        assertTrue(new CpuGemm(LOOP).vectorized());
        assertTrue(!new CpuGemm(LOOP, CpuOptions.Kernels.SCALAR).vectorized());
    }
}
