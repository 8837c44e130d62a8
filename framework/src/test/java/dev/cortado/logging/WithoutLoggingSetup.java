package dev.cortado.logging;

import dev.cortado.backend.cpu.CpuBackend;

/** A library user's program with the framework and the Log4j API alone on the class path. */
public final class WithoutLoggingSetup {
    private WithoutLoggingSetup() {
    }

    public static void main(String[] args) {
        // Started without --add-modules jdk.incubator.vector: the CPU backend falls back to scalar kernels.
        new CpuBackend().close();
        new CpuBackend().close();
    }
}
