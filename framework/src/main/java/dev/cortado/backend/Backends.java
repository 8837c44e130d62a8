package dev.cortado.backend;

import dev.cortado.backend.cpu.CpuBackend;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Chooses a backend by name: {@code auto}, {@code cpu} or {@code cuda}. */
public final class Backends {
    private static final Logger LOG = LogManager.getLogger(Backends.class);

    private Backends() {
    }

    public static Backend select(String choice, int cpuThreads) {
        return switch (choice) {
            case "cpu" -> new CpuBackend(cpuThreads);
            case "auto" -> {
                LOG.info("backend auto: using the CPU ({} threads): the CUDA backend is not available", cpuThreads);
                yield new CpuBackend(cpuThreads);
            }
            case "cuda" -> throw new BackendUnavailableException("the CUDA backend is not available on this machine");
            default -> throw new IllegalArgumentException("unknown backend '" + choice + "': use auto, cpu or cuda");
        };
    }
}
