package dev.cortado.backend.cuda;

import java.util.List;

/**
 * What the CUDA probe found: versions, the GPUs, and, when the CUDA backend cannot run, exactly what
 * is missing. {@link #render()} is the text of {@code cortado devices}.
 *
 * @param driverVersion CUDA version the driver supports (11080 = 11.8), 0 when there is no driver
 * @param runtimeVersion CUDA runtime inside JCuda, 0 when it could not start
 * @param cudnnCompiledVersion the cuDNN JCudnn was built against (8401 = 8.4.1)
 * @param cudnnLoadedVersion {@code cudnnGetVersion()} of the loaded library, 0 when not loaded
 * @param problems why the CUDA backend cannot run, one entry per missing piece; empty when it can
 */
public record DeviceReport(String jcudaVersion, int driverVersion, int runtimeVersion, int cudnnCompiledVersion,
                           long cudnnLoadedVersion, List<GpuInfo> gpus, List<String> problems) {

    public DeviceReport {
        gpus = List.copyOf(gpus);
        problems = List.copyOf(problems);
    }

    /** True when a device exists and every library the backend needs has loaded. */
    public boolean available() {
        return problems.isEmpty() && !gpus.isEmpty();
    }

    /** Why the backend cannot run ("" when it can). */
    public String reason() {
        if (available()) {
            return "";
        }
        return problems.isEmpty() ? "no CUDA device" : String.join("; ", problems);
    }

    /** CUDA's integer versions: 11080 → "11.8"; 0 → "none". */
    public static String cudaVersion(int v) {
        return v <= 0 ? "none" : (v / 1000) + "." + (v % 1000) / 10;
    }

    /** cuDNN's integer versions: 8401 → "8.4.1" (cuDNN 8), 90100 → "9.1.0" (cuDNN 9 and later); 0 → "none". */
    public static String cudnnVersion(long v) {
        if (v <= 0) {
            return "none";
        }
        long major = v >= 90000 ? v / 10000 : v / 1000;
        long rest = v >= 90000 ? v % 10000 : v % 1000;
        return major + "." + rest / 100 + "." + rest % 100;
    }

    /** The report as lines of text, for {@code cortado devices} and logs. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("JCuda ").append(jcudaVersion).append('\n');
        b.append("CUDA driver: ").append(driverVersion == 0 ? "not found" : cudaVersion(driverVersion)).append('\n');
        b.append("CUDA runtime: ").append(cudaVersion(runtimeVersion)).append('\n');
        b.append("cuDNN: JCudnn built against ").append(cudnnVersion(cudnnCompiledVersion))
                .append(", library loaded: ").append(cudnnVersion(cudnnLoadedVersion)).append('\n');
        if (gpus.isEmpty()) {
            b.append("GPUs: none\n");
        }
        for (GpuInfo g : gpus) {
            b.append(g).append('\n');
        }
        b.append(available() ? "CUDA backend: available" : "CUDA backend: unavailable: " + reason());
        return b.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
