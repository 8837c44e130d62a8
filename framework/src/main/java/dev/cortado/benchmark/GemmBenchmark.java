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
    private static final int WARMUP_RUNS = 5;
    private static final int TIMED_RUNS = 11;

    private GemmBenchmark() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        try (ParallelLoop loop = new ParallelLoop(threads)) {
            CpuGemm gemm = new CpuGemm(loop);
            System.out.printf("CPU GEMM, %d thread(s), %s kernel, median of %d runs after %d warm-up runs%n",
                    threads, gemm.vectorized() ? "Vector API" : "scalar", TIMED_RUNS, WARMUP_RUNS);
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
        // Small products repeat inside one timed run, so each run lasts long enough to time.
        int repeats = (int) Math.max(1, Math.min(1000, 2e8 / flops));
        for (int r = 0; r < WARMUP_RUNS * repeats; r++) {
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
