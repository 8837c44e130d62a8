package dev.cortado.backend;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.backend.cpu.CpuOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The backends a conformance test runs against: the CPU backend always, the CUDA backend where a
 * device exists. Use as {@code @MethodSource("dev.cortado.backend.BackendsUnderTest#all")}.
 * {@link #reference()} is the CPU backend the others are compared with. The backends are shared
 * by all tests and survive JUnit's closing of parameterized-test arguments.
 *
 * <p>Suites of the op families whose CPU kernels exist twice, on the Vector API and in plain Java
 * (convolution, GEMM, batch norm), use {@link #withScalarCpu()} instead, which adds the CPU backend
 * on its scalar kernels, so that a JVM with the Vector API checks both (about 2 s more).
 */
public final class BackendsUnderTest {
    private static final Backend CPU = new SharedBackend(new CpuBackend(2));
    private static List<Backend> all;
    private static List<Backend> withScalarCpu;

    private BackendsUnderTest() {
    }

    public static Backend reference() {
        return CPU;
    }

    public static synchronized Stream<Backend> all() {
        if (all == null) {
            all = new ArrayList<>();
            all.add(CPU);
            GpuBackendsUnderTest.present().forEach(b -> all.add(new SharedBackend(b)));
        }
        return all.stream();
    }

    /**
     * {@link #all()} and the CPU backend on scalar kernels, where the reference runs on vector ones
     * (without {@code jdk.incubator.vector} the reference is already scalar).
     */
    public static synchronized Stream<Backend> withScalarCpu() {
        if (withScalarCpu == null) {
            withScalarCpu = new ArrayList<>(all().toList());
            if (((CpuBackend) ((SharedBackend) CPU).unwrap()).options().kernels() == CpuOptions.Kernels.VECTOR) {
                withScalarCpu.add(1, new SharedBackend(
                        new CpuBackend(CpuOptions.defaults().withThreads(2).withKernels(CpuOptions.Kernels.SCALAR)),
                        "cpu (scalar kernels)"));
            }
        }
        return withScalarCpu.stream();
    }
}
