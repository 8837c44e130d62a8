package dev.cortado.backend;

import dev.cortado.backend.cuda.CudaBackend;
import dev.cortado.backend.cuda.CudnnOptions;
import dev.cortado.backend.cuda.DeviceReport;
import java.util.List;
import org.apache.logging.log4j.LogManager;

/**
 * The GPU backends present on this machine: the CUDA backend (deterministic cuDNN algorithms, so the
 * conformance suite's comparisons are reproducible) where the probe finds a usable device, else none,
 * with the reason logged once.
 */
final class GpuBackendsUnderTest {
    private GpuBackendsUnderTest() {
    }

    static List<Backend> present() {
        DeviceReport report = Backends.deviceReport();
        if (!report.available()) {
            LogManager.getLogger(GpuBackendsUnderTest.class).info("conformance tests run on the CPU only: {}",
                    report.reason());
            return List.of();
        }
        return List.of(CudaBackend.open(report, 0, CudnnOptions.DEFAULT.withDeterministic(true)));
    }
}
