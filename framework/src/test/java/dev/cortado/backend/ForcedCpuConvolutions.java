package dev.cortado.backend;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.backend.cpu.CpuConvAlgorithm;
import dev.cortado.backend.cpu.CpuOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU backends that each run one convolution algorithm for its direction, whatever the chooser would
 * take: every algorithm on vector kernels (where this JVM has the Vector API) and the im2col ones on
 * scalar kernels too. Shared by the whole test run, like {@link BackendsUnderTest}'s; a test forces an
 * algorithm only on the shapes {@link CpuBackend#canRun} says it runs.
 */
final class ForcedCpuConvolutions {
    /** One backend and the algorithm it forces. */
    record Forced(CpuConvAlgorithm algorithm, CpuBackend backend) {
        @Override
        public String toString() {
            return "cpu" + (backend.options().kernels() == CpuOptions.Kernels.SCALAR ? " (scalar kernels)" : "")
                    + ", forced " + algorithm;
        }
    }

    private static List<Forced> all;

    private ForcedCpuConvolutions() {
    }

    static synchronized Stream<Forced> all() {
        if (all == null) {
            all = new ArrayList<>();
            List<CpuOptions.Kernels> kernels = CpuOptions.vectorApiResolved()
                    ? List.of(CpuOptions.Kernels.VECTOR, CpuOptions.Kernels.SCALAR) : List.of(CpuOptions.Kernels.SCALAR);
            for (CpuOptions.Kernels k : kernels) {
                for (CpuConvAlgorithm a : CpuConvAlgorithm.values()) {
                    if (k == CpuOptions.Kernels.VECTOR || !a.needsVectorApi()) {
                        all.add(new Forced(a, new CpuBackend(CpuOptions.defaults().withThreads(2).withKernels(k)
                                .withForcedConvAlgorithm(a))));
                    }
                }
            }
        }
        return all.stream();
    }
}
