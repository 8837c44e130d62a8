package dev.cortado.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The floating-point work a benchmark method did, which JMH reports per second next to the primary
 * result as the secondary result {@code gflop}: GFLOP/s, the figure a GEMM or a convolution is
 * judged by (2 FLOPs per multiply-add).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {
    /** Billions of floating-point operations in this measurement iteration. */
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() {
        gflop = 0;
    }

    void add(double flops) {
        gflop += flops / 1e9;
    }
}
