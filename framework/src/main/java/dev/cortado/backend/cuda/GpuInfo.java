package dev.cortado.backend.cuda;

/** One CUDA device as the probe saw it. */
public record GpuInfo(int ordinal, String name, long totalMemoryBytes, int major, int minor, int multiprocessors) {

    /** "8.6" */
    public String computeCapability() {
        return major + "." + minor;
    }

    /** The NVRTC architecture flag for this device: {@code compute_86}. */
    public String nvrtcArchitecture() {
        return "compute_" + major + minor;
    }

    @Override
    public String toString() {
        return String.format("cuda:%d %s, %.1f GiB, compute capability %s, %d multiprocessors",
                ordinal, name, totalMemoryBytes / (double) (1L << 30), computeCapability(), multiprocessors);
    }
}
