package dev.cortado.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The CPU backend's settings: defaults from the one Vector API probe, and refusals that say what to do. */
class CpuOptionsTest {

    @Test
    void defaultsAreAllCoresAndTheKernelsThisJvmCanRun() {
        CpuOptions defaults = CpuOptions.defaults();
        assertEquals(Runtime.getRuntime().availableProcessors(), defaults.threads());
        assertEquals(CpuOptions.vectorApiResolved() ? CpuOptions.Kernels.VECTOR : CpuOptions.Kernels.SCALAR,
                defaults.kernels());
    }

    @Test
    void theBackendRunsWithTheOptionsItIsGiven() {
        CpuOptions options = CpuOptions.defaults().withThreads(3).withKernels(CpuOptions.Kernels.SCALAR);
        try (CpuBackend backend = new CpuBackend(options)) {
            assertEquals(options, backend.options());
            assertEquals(3, backend.threads());
        }
        try (CpuBackend backend = new CpuBackend(2)) {
            assertEquals(CpuOptions.defaults().withThreads(2), backend.options());
        }
    }

    /** Without the module, vector kernels cannot load: the refusal names the flag that enables them. */
    @Test
    void vectorKernelsWithoutTheModuleAreRefusedNamingTheFlag() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CpuOptions.requireResolvable(CpuOptions.Kernels.VECTOR, false));
        assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
        assertTrue(e.getMessage().contains("SCALAR"), e.getMessage());
        assertDoesNotThrow(() -> CpuOptions.requireResolvable(CpuOptions.Kernels.SCALAR, false));
        assertDoesNotThrow(() -> CpuOptions.requireResolvable(CpuOptions.Kernels.VECTOR, true));
    }

    @Test
    void badSettingsAreRefused() {
        IllegalArgumentException threads = assertThrows(IllegalArgumentException.class,
                () -> CpuOptions.defaults().withThreads(0));
        assertTrue(threads.getMessage().contains("threads must be at least 1, got 0"), threads.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuOptions.defaults().withKernels(null));
    }
}
