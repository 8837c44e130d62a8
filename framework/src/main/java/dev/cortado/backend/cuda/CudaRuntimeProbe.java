package dev.cortado.backend.cuda;

/**
 * The native calls the device probe makes, behind a seam so that every decision of {@link CudaProbe}
 * can be driven by a fake in tests. Any method may throw a {@link LinkageError} when a native library
 * is missing: {@link UnsatisfiedLinkError} on the first touch of a JCuda class, {@link NoClassDefFoundError}
 * on every later one. The implementation for real hardware is {@link JCudaRuntimeProbe}.
 */
public interface CudaRuntimeProbe {
    /** The outcome of {@code cudaGetDeviceCount}: a CUDA runtime status (0 = success) and the count. */
    record DeviceCount(int status, String statusName, int count) {
    }

    /** The JCuda release on the class path, e.g. "11.7.0", or "unknown". */
    String jcudaVersion();

    /** The cuDNN version JCudnn was built against (e.g. 8401 = 8.4.1); a constant, needs no library. */
    int cudnnCompiledVersion();

    /** {@code cudaDriverGetVersion}: the CUDA version the driver supports, 0 when no driver is installed. */
    int driverVersion();

    /** {@code cudaRuntimeGetVersion}: the CUDA runtime built into JCuda (0 when it cannot start). */
    int runtimeVersion();

    /** {@code cudaGetDeviceCount} with exceptions off, so that "no device" is a status, not a throw. */
    DeviceCount deviceCount();

    /** {@code cudaGetDeviceProperties}; only called for ordinals below the device count. */
    GpuInfo device(int ordinal);

    /** Loads the driver API (libcuda.so.1), which the kernels are launched through. */
    void loadDriverApi();

    /** Loads cuBLAS (libcublas.so.11). */
    void loadCublas();

    /** Loads cuDNN (libcudnn.so.8) and returns {@code cudnnGetVersion()}. */
    long loadCudnn();

    /** Loads NVRTC (libnvrtc.so.11.2), which compiles the kernels for the device. */
    void loadNvrtc();

    /**
     * Whether a cuDNN of another major version than JCudnn's may stand in for it: only on a machine
     * whose JNI libraries were rebound to newer CUDA libraries (benchmarks/gpu/), never by default.
     */
    default boolean acceptsCudnnMajorMismatch() {
        return false;
    }
}
