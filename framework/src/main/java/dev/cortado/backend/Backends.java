package dev.cortado.backend;

import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.backend.cuda.CudaBackend;
import dev.cortado.backend.cuda.CudaProbe;
import dev.cortado.backend.cuda.CudnnOptions;
import dev.cortado.backend.cuda.DeviceReport;
import dev.cortado.logging.UserNotice;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Chooses a backend by name: {@code auto}, {@code cpu} or {@code cuda}. The CUDA probe runs once per JVM
 * and is cached. {@code auto} falls back to the CPU only when CUDA is unavailable at selection time, and
 * says why in one log line; errors during training are never turned into a silent fall-back.
 */
public final class Backends {
    private static final Logger LOG = LogManager.getLogger(Backends.class);
    private static DeviceReport report;

    private Backends() {
    }

    /** The cached result of probing this machine for CUDA (the text of {@code cortado devices}). */
    public static synchronized DeviceReport deviceReport() {
        if (report == null) {
            report = CudaProbe.probeThisMachine();
        }
        return report;
    }

    public static Backend select(String choice, int cpuThreads) {
        return select(choice, cpuThreads, CudnnOptions.DEFAULT);
    }

    public static Backend select(String choice, int cpuThreads, CudnnOptions options) {
        return select(choice, cpuThreads, options, "cpu".equals(choice) ? null : deviceReport());
    }

    /**
     * The selection itself, given a probe report (null for {@code cpu}, which needs none).
     *
     * @throws BackendUnavailableException for {@code cuda} when the report says CUDA cannot run, with the reason
     */
    public static Backend select(String choice, int cpuThreads, CudnnOptions options, DeviceReport probe) {
        return switch (choice) {
            case "cpu" -> new CpuBackend(cpuThreads);
            case "cuda" -> {
                if (!probe.available()) {
                    throw new BackendUnavailableException("--backend cuda: " + probe.reason());
                }
                yield CudaBackend.open(probe, 0, options);
            }
            case "auto" -> {
                if (probe.available()) {
                    CudaBackend cuda = CudaBackend.open(probe, 0, options);
                    UserNotice.info(LOG, "backend auto: using " + cuda);
                    yield cuda;
                }
                UserNotice.info(LOG, "backend auto: using the CPU (" + cpuThreads + " threads): CUDA is unavailable: "
                        + probe.reason());
                yield new CpuBackend(cpuThreads);
            }
            default -> throw new IllegalArgumentException("unknown backend '" + choice + "': use auto, cpu or cuda");
        };
    }
}
