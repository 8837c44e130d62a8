package dev.cortado.backend;

import dev.cortado.backend.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The backends a conformance test runs against: the CPU backend always, the CUDA backend where a
 * device exists. Use as {@code @MethodSource("dev.cortado.backend.BackendsUnderTest#all")}.
 * {@link #reference()} is the CPU backend the others are compared with. The backends are shared
 * by all tests and survive JUnit's closing of parameterized-test arguments.
 */
public final class BackendsUnderTest {
    private static final Backend CPU = new SharedBackend(new CpuBackend(2));
    private static List<Backend> all;

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
}
