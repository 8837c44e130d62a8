package dev.cortado.backend;

import java.util.List;

/** The GPU backends present on this machine (none until the CUDA backend lands). */
final class GpuBackendsUnderTest {
    private GpuBackendsUnderTest() {
    }

    static List<Backend> present() {
        return List.of();
    }
}
