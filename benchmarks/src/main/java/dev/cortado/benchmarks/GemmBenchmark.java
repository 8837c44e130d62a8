package dev.cortado.benchmarks;

import dev.cortado.backend.Backend;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU backend's GEMM, C[m×n] = A[m×k]·B[k×n] without transposes, called through
 * {@code Backend.blas()} as the dense layers call it: products per second, and GFLOP/s (2·m·k·n per
 * product) as the secondary result {@code gflop}. The shapes are a large square product, a mid-sized
 * one, and LeNet-5's fc1 and conv1 (as im2col GEMMs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// The JIT compiles the packing and blocking loops only after they have run for a while (on-stack
// replacement, then recompilation once edge tiles appear); after a short warm-up a mid-sized product
// measured 3-5 times slower than in steady state.
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseSerialGC"})
public class GemmBenchmark {
    /** m×k×n. */
    @Param({"1024x1024x1024", "256x800x500", "64x400x120", "6x25x784"})
    public String shape;

    /** Worker threads of the CPU backend; 0 for one per core. */
    @Param("0")
    public int threads;

    private Backend backend;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private double flops;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        int m = Integer.parseInt(dims[0]);
        int k = Integer.parseInt(dims[1]);
        int n = Integer.parseInt(dims[2]);
        backend = CpuBackends.open(threads);
        SplittableRandom random = new SplittableRandom(42);
        a = CpuBackends.uniform(backend, Shape.of(m, k), random);
        b = CpuBackends.uniform(backend, Shape.of(k, n), random);
        c = backend.allocate(Shape.of(m, n));
        flops = 2.0 * m * k * n;
    }

    @Benchmark
    public void gemm(FlopCounter counter) {
        backend.blas().gemm(false, false, 1f, a, b, 0f, c);
        counter.add(flops);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        c.close();
        backend.close();
    }
}
