package dev.cortado.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Decides whether the CUDA backend can run, from the answers of a {@link CudaRuntimeProbe}. The order
 * matters: the runtime API first (with exceptions off, it answers "no driver" or "no device" as a
 * status), and the driver, cuBLAS, cuDNN and NVRTC classes only once a device is known to exist,
 * because loading them on a machine without a driver throws and poisons the class for the JVM's life.
 */
public final class CudaProbe {
    // The runtime's status codes (cuda_runtime_api.h); JCuda's cudaError holds the same constants.
    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;
    static final int CUDA_ERROR_NO_DEVICE = 100;

    // "…/libJCudnn-11.7.0-linux-x86_64.so: libcudnn.so.8: cannot open shared object file": the
    // library the dynamic linker could not find is the one right before the message.
    private static final Pattern MISSING_LIBRARY =
            Pattern.compile("(?:^|[\\s:])(lib[\\w+-]+\\.so[\\w.]*): cannot open shared object file");

    private static final Logger LOG = LogManager.getLogger(CudaProbe.class);

    private CudaProbe() {
    }

    /** Runs the probe on this machine through JCuda; never throws for a missing library or device. */
    public static DeviceReport probeThisMachine() {
        return run(new JCudaRuntimeProbe());
    }

    public static DeviceReport run(CudaRuntimeProbe probe) {
        String jcuda = probe.jcudaVersion();
        int cudnnCompiled = probe.cudnnCompiledVersion();
        List<String> problems = new ArrayList<>();
        List<GpuInfo> gpus = new ArrayList<>();
        int driver;
        int runtime;
        CudaRuntimeProbe.DeviceCount count;
        try {
            driver = probe.driverVersion();
            runtime = probe.runtimeVersion();
            count = probe.deviceCount();
        } catch (LinkageError e) {
            problems.add("the CUDA runtime of JCuda could not load: " + describe(e));
            return new DeviceReport(jcuda, 0, 0, cudnnCompiled, 0, gpus, problems);
        }
        String deviceProblem = deviceCountProblem(jcuda, driver, count);
        if (deviceProblem != null) {
            problems.add(deviceProblem);
            return new DeviceReport(jcuda, driver, runtime, cudnnCompiled, 0, gpus, problems);
        }
        for (int i = 0; i < count.count(); i++) {
            try {
                gpus.add(probe.device(i));
            } catch (CudaException e) {
                problems.add("device " + i + " cannot be queried: " + e.getMessage());
            }
        }
        long cudnnLoaded = 0;
        try {
            probe.loadDriverApi();
        } catch (LinkageError e) {
            problems.add("the CUDA driver API could not load: " + describe(e));
        }
        try {
            probe.loadCublas();
        } catch (LinkageError e) {
            problems.add("cuBLAS could not load: " + describe(e));
        }
        try {
            cudnnLoaded = probe.loadCudnn();
            String mismatch = cudnnMismatch(cudnnCompiled, cudnnLoaded);
            if (mismatch != null && !probe.acceptsCudnnMajorMismatch()) {
                problems.add(mismatch);
            } else if (mismatch != null) {
                LOG.warn("{} (accepted: the JNI libraries were rebound, an unsupported set-up)", mismatch);
            }
        } catch (LinkageError e) {
            problems.add("cuDNN could not load: " + describe(e));
        }
        try {
            probe.loadNvrtc();
        } catch (LinkageError e) {
            problems.add("NVRTC (the run-time kernel compiler) could not load: " + describe(e));
        }
        return new DeviceReport(jcuda, driver, runtime, cudnnCompiled, cudnnLoaded, gpus, problems);
    }

    /** Null when at least one device is usable, else what stands in the way. */
    static String deviceCountProblem(String jcuda, int driver, CudaRuntimeProbe.DeviceCount count) {
        if (driver == 0) {
            return "no NVIDIA driver: libcuda.so.1 is not installed or cannot be loaded (cudaGetDeviceCount: "
                    + count.statusName() + ")";
        }
        if (count.status() == CUDA_ERROR_INSUFFICIENT_DRIVER) {
            return "the NVIDIA driver supports CUDA " + DeviceReport.cudaVersion(driver) + ", older than JCuda "
                    + jcuda + " needs: update the driver";
        }
        if (count.status() == CUDA_ERROR_NO_DEVICE || (count.status() == CUDA_SUCCESS && count.count() == 0)) {
            return "no CUDA device: the driver (CUDA " + DeviceReport.cudaVersion(driver) + ") sees no GPU";
        }
        if (count.status() != CUDA_SUCCESS) {
            return "cudaGetDeviceCount failed: " + count.statusName();
        }
        return null;
    }

    /** cuDNN's major version must match the one JCudnn was built against; minor versions may differ. */
    static String cudnnMismatch(int compiled, long loaded) {
        if (cudnnMajor(compiled) != cudnnMajor(loaded)) {
            return "cuDNN " + DeviceReport.cudnnVersion(loaded) + " is loaded but JCudnn was built against cuDNN "
                    + DeviceReport.cudnnVersion(compiled) + ": install cuDNN " + cudnnMajor(compiled);
        }
        return null;
    }

    private static long cudnnMajor(long v) {
        return v >= 90000 ? v / 10000 : v / 1000;
    }

    /**
     * What a native-library failure means in one phrase: the missing shared library when the dynamic
     * linker names one ("libcudnn.so.8 not found"), else the first line of the error.
     */
    public static String describe(LinkageError e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            Matcher m = MISSING_LIBRARY.matcher(message);
            if (m.find()) {
                return m.group(1) + " not found";
            }
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof NoClassDefFoundError && message.startsWith("Could not initialize class")) {
            return message + " (its native library failed to load earlier in this JVM)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
