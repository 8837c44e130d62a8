package dev.cortado.backend.cpu;

import dev.cortado.logging.UserNotice;
import java.util.EnumMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The settings of a CPU backend, as explicit arguments rather than globals read inside the kernels
 * (as {@code CudnnOptions} is for the CUDA backend): threads, vector or scalar kernels, and how
 * convolution algorithms are chosen. Whether the JVM can run the Vector API is probed here, once, and
 * nowhere else: {@link #defaults()} falls back to scalar kernels with one warning, and asking for
 * vector kernels where the module is missing is refused.
 *
 * @param threads threads of the backend's parallel loop, the calling thread included
 * @param kernels whether GEMM, convolution, batch-norm sums and ReLU backward run on the Vector API
 *                ({@code jdk.incubator.vector}) or on their plain-Java forms
 * @param convThresholds where the convolution algorithm chooser switches algorithms
 * @param forcedConvAlgorithms per direction, an algorithm every convolution of that direction runs
 *                with instead of the chooser's (to test or time each one); a geometry it cannot run
 *                is then an error. Empty by default.
 */
public record CpuOptions(int threads, Kernels kernels, CpuConvThresholds convThresholds,
                         Map<CpuConvAlgorithm.Direction, CpuConvAlgorithm> forcedConvAlgorithms) {
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
        if (convThresholds == null) {
            throw new IllegalArgumentException("CPU backend: convolution thresholds must be given"
                    + " (CpuConvThresholds.MEASURED)");
        }
        if (forcedConvAlgorithms == null) {
            throw new IllegalArgumentException("CPU backend: forced convolution algorithms must be given"
                    + " (an empty map for none)");
        }
        forcedConvAlgorithms.forEach((direction, algorithm) -> {
            if (direction == null || algorithm == null) {
                throw new IllegalArgumentException("CPU backend: a forced convolution algorithm needs both its"
                        + " direction and the algorithm, got " + direction + " → " + algorithm);
            }
            if (algorithm.direction() != direction) {
                throw new IllegalArgumentException("CPU backend: " + algorithm + " is a " + algorithm.direction().op()
                        + " algorithm and cannot be forced for " + direction.op());
            }
            if (algorithm.needsVectorApi() && kernels == Kernels.SCALAR) {
                throw new IllegalArgumentException("CPU backend: " + algorithm
                        + " runs on the Vector API and cannot be forced with scalar kernels");
            }
        });
        forcedConvAlgorithms = Map.copyOf(forcedConvAlgorithms);
    }

    /**
     * All cores, and vector kernels where this JVM resolved {@code jdk.incubator.vector}; else scalar
     * kernels, with a warning (logged once per JVM) that says how to enable the vector ones.
     */
    public static CpuOptions defaults() {
        return new CpuOptions(Runtime.getRuntime().availableProcessors(), DefaultKernels.KERNELS,
                CpuConvThresholds.MEASURED, Map.of());
    }

    /** Whether this JVM resolved {@code jdk.incubator.vector}, so that {@link Kernels#VECTOR} can run. */
    public static boolean vectorApiResolved() {
        return VectorApi.RESOLVED;
    }

    public CpuOptions withThreads(int t) {
        return new CpuOptions(t, kernels, convThresholds, forcedConvAlgorithms);
    }

    public CpuOptions withKernels(Kernels k) {
        return new CpuOptions(threads, k, convThresholds, forcedConvAlgorithms);
    }

    public CpuOptions withConvThresholds(CpuConvThresholds t) {
        return new CpuOptions(threads, kernels, t, forcedConvAlgorithms);
    }

    /** These options with every convolution of {@code algorithm}'s direction run by {@code algorithm}. */
    public CpuOptions withForcedConvAlgorithm(CpuConvAlgorithm algorithm) {
        Map<CpuConvAlgorithm.Direction, CpuConvAlgorithm> forced = new EnumMap<>(CpuConvAlgorithm.Direction.class);
        forced.putAll(forcedConvAlgorithms);
        forced.put(algorithm.direction(), algorithm);
        return new CpuOptions(threads, kernels, convThresholds, forced);
    }

    /** Refuses vector kernels in a JVM without the module, saying how to start java (separate, for a test). */
    static void requireResolvable(Kernels kernels, boolean vectorApiResolved) {
        if (kernels == Kernels.VECTOR && !vectorApiResolved) {
            throw new IllegalStateException("CPU backend: vector kernels need the module " + VECTOR_MODULE
                    + ", which this JVM has not resolved; start java with --add-modules " + VECTOR_MODULE
                    + ", or ask for scalar kernels (CpuOptions.Kernels.SCALAR)");
        }
    }

    /** The one probe of the Vector API. */
    private static final class VectorApi {
        static final boolean RESOLVED = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * The kernels of {@link #defaults()}, chosen (and the fallback warned about) once per JVM. Vector
     * classes are touched only after the module is known to be resolved, so none is loaded without it.
     */
    private static final class DefaultKernels {
        static final Kernels KERNELS = choose();

        private static Kernels choose() {
            if (VectorApi.RESOLVED) {
                LOG.debug("CPU kernels: Vector API, {} float lanes (GEMM micro-kernel {}×{})",
                        VectorMicroKernel.lanes(), VectorMicroKernel.MR, VectorMicroKernel.NR);
                return Kernels.VECTOR;
            }
            UserNotice.warn(LOG, "CPU backend: module " + VECTOR_MODULE + " is not resolved, so GEMM, convolution, batch norm"
                    + " and ReLU run on much slower scalar kernels; start java with --add-modules " + VECTOR_MODULE
                    + " to enable the vector kernels");
            return Kernels.SCALAR;
        }
    }
}
