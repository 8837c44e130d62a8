package dev.cortado.benchmarks;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.util.SplittableRandom;

/** The CPU backend as the benchmarks run it, and the random operands they feed it. */
final class CpuBackends {
    private CpuBackends() {
    }

    /**
     * A CPU backend of {@code threads} workers (0: one per core). Refuses to run without the Vector
     * API, where the backend would fall back to its scalar kernels and the figures would mislead.
     */
    static Backend open(int threads) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new IllegalStateException("jdk.incubator.vector is not resolved, so the CPU backend would run its"
                    + " scalar kernels; run the JVM (or JMH's forks) with --add-modules jdk.incubator.vector");
        }
        return threads == 0 ? new CpuBackend() : new CpuBackend(threads);
    }

    /** A tensor of values uniform in [-1, 1). */
    static Tensor uniform(Backend backend, Shape shape, SplittableRandom random) {
        float[] v = new float[shape.intSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return backend.upload(shape, v);
    }
}
