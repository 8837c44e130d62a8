package dev.cortado.benchmark;

import dev.cortado.backend.cpu.CpuGemm;
import dev.cortado.backend.cpu.ParallelLoop;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Throughput of the CPU GEMM in GFLOP/s (2·m·k·n floating-point operations per product), as the
 * median of timed runs after a warm-up. Usage: {@code GemmBenchmark [threads]}, default all cores.
 * Run with {@code --add-modules jdk.incubator.vector}, or it measures the scalar fallback.
 */
public final class GemmBenchmark {
    /**
     * Warm-up lasts at least this long: the JIT compiles the packing and blocking loops only after
     * they have run for a while (on-stack replacement, then recompilation once edge tiles appear),
     * and with a short warm-up a mid-sized product measured 3-5 times slower than in steady state.
     */
    private static final long WARMUP_NANOS = 2_000_000_000L;
    private static final int TIMED_RUNS = 11;
    /** Floating-point operations per timed run, so that a run lasts milliseconds even for small products. */
    private static final double FLOPS_PER_RUN = 2e9;

    private GemmBenchmark() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        try (ParallelLoop loop = new ParallelLoop(threads)) {
            CpuGemm gemm = new CpuGemm(loop);
            System.out.printf("CPU GEMM, %d thread(s), %s kernel, median of %d timed runs after %.0f s of warm-up%n",
                    threads, gemm.vectorized() ? "Vector API" : "scalar", TIMED_RUNS, WARMUP_NANOS / 1e9);
            int[][] shapes = {{1024, 1024, 1024}, {256, 800, 500}, {64, 400, 120}, {6, 25, 784}};
            for (int[] s : shapes) {
                measure(gemm, s[0], s[1], s[2]);
            }
        }
    }

    /** C[m×n] = A[m×k]·B[k×n], no transposes. */
    private static void measure(CpuGemm gemm, int m, int k, int n) {
        SplittableRandom random = new SplittableRandom(42);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextDouble(-1, 1);
        }
        double flops = 2.0 * m * k * n;
        int repeats = (int) Math.max(1, Math.min(100_000, FLOPS_PER_RUN / flops));
        long warmupEnd = System.nanoTime() + WARMUP_NANOS;
        while (System.nanoTime() < warmupEnd) {
            gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        }
        double[] gflops = new double[TIMED_RUNS];
        for (int t = 0; t < TIMED_RUNS; t++) {
            long start = System.nanoTime();
            for (int r = 0; r < repeats; r++) {
                gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            }
            long elapsed = System.nanoTime() - start;
            gflops[t] = flops * repeats / elapsed;
        }
        Arrays.sort(gflops);
        System.out.printf("m×k×n = %4d×%4d×%4d: %7.1f GFLOP/s median (min %.1f, max %.1f)%n",
                m, k, n, gflops[TIMED_RUNS / 2], gflops[0], gflops[TIMED_RUNS - 1]);
    }
}
