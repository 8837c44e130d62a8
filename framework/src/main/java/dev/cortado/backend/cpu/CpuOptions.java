package dev.cortado.backend.cpu;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The settings of a CPU backend, as explicit arguments rather than globals read inside the kernels
 * (as {@code CudnnOptions} is for the CUDA backend). Whether the JVM can run the Vector API is probed
 * here, once, and nowhere else: {@link #defaults()} falls back to scalar kernels with one warning,
 * and asking for vector kernels where the module is missing is refused.
 *
 * @param threads threads of the backend's parallel loop, the calling thread included
 * @param kernels whether GEMM, convolution, batch-norm sums and ReLU backward run on the Vector API
 *                ({@code jdk.incubator.vector}) or on their plain-Java forms
 */
public record CpuOptions(int threads, Kernels kernels) {
    private static final Logger LOG = LogManager.getLogger(CpuOptions.class);
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** Where the inner loops run. */
    public enum Kernels {
        /** The Vector API: {@code jdk.incubator.vector} must be resolved (java --add-modules jdk.incubator.vector). */
        VECTOR,
        /** Plain Java: runs on any JVM, several times slower for GEMM and convolution. */
        SCALAR
    }

    public CpuOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("CPU backend: threads must be at least 1, got " + threads);
        }
        if (kernels == null) {
            throw new IllegalArgumentException("CPU backend: kernels must be given (VECTOR or SCALAR)");
        }
        requireResolvable(kernels, VectorApi.RESOLVED);
    }

    /**
     * All cores, and vector kernels where this JVM resolved {@code jdk.incubator.vector}; else scalar
     * kernels, with a warning (logged once per JVM) that says how to enable the vector ones.
     */
    public static CpuOptions defaults() {
        return new CpuOptions(Runtime.getRuntime().availableProcessors(), VectorApi.PREFERRED);
    }

    /** Whether this JVM resolved {@code jdk.incubator.vector}, so that {@link Kernels#VECTOR} can run. */
    public static boolean vectorApiResolved() {
        return VectorApi.RESOLVED;
    }

    public CpuOptions withThreads(int t) {
        return new CpuOptions(t, kernels);
    }

    public CpuOptions withKernels(Kernels k) {
        return new CpuOptions(threads, k);
    }

    /** Refuses vector kernels in a JVM without the module, saying how to start java; separate so a test can pass either. */
    static void requireResolvable(Kernels kernels, boolean vectorApiResolved) {
        if (kernels == Kernels.VECTOR && !vectorApiResolved) {
            throw new IllegalStateException("CPU backend: vector kernels need the module " + VECTOR_MODULE
                    + ", which this JVM has not resolved; start java with --add-modules " + VECTOR_MODULE
                    + ", or ask for scalar kernels (CpuOptions.Kernels.SCALAR)");
        }
    }

    /**
     * The one probe of the Vector API. Vector classes are touched only after the module is known to be
     * resolved, so that none is ever loaded without it.
     */
    private static final class VectorApi {
        static final boolean RESOLVED = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
        static final Kernels PREFERRED = preferred();

        private static Kernels preferred() {
            if (RESOLVED) {
                LOG.debug("CPU kernels: Vector API, {} float lanes (GEMM micro-kernel {}×{})",
                        VectorMicroKernel.lanes(), VectorMicroKernel.MR, VectorMicroKernel.NR);
                return Kernels.VECTOR;
            }
            LOG.warn("CPU backend: module " + VECTOR_MODULE + " is not resolved, so GEMM, convolution, batch norm"
                    + " and ReLU run on much slower scalar kernels; start java with --add-modules " + VECTOR_MODULE
                    + " to enable the vector kernels");
            return Kernels.SCALAR;
        }
    }
}
