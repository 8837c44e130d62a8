package dev.cortado.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcudnn.JCudnn;
import jcuda.nvrtc.JNvrtc;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaDeviceProp;
import jcuda.runtime.cudaError;

/**
 * The probe's native calls through JCuda. Only the runtime class is touched before a device is known;
 * the driver, cuBLAS, cuDNN and NVRTC classes are loaded by their own methods, which {@link CudaProbe}
 * calls only once a device exists. JCuda exceptions stay off here: a failing status is an answer.
 */
final class JCudaRuntimeProbe implements CudaRuntimeProbe {

    @Override
    public String jcudaVersion() {
        try (InputStream in = JCuda.class.getResourceAsStream("/META-INF/maven/org.jcuda/jcuda/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public int cudnnCompiledVersion() {
        return JCudnn.CUDNN_VERSION; // a compile-time constant: reading it loads no library
    }

    /** Set by benchmarks/gpu/device_checks.sh, which rebinds JCudnn 11.7.0 to cuDNN 9. */
    static final String ACCEPT_CUDNN_MAJOR_MISMATCH = "cortado.cudnn.acceptMajorMismatch";

    @Override
    public boolean acceptsCudnnMajorMismatch() {
        return Boolean.getBoolean(ACCEPT_CUDNN_MAJOR_MISMATCH);
    }

    @Override
    public int driverVersion() {
        JCuda.setExceptionsEnabled(false);
        int[] v = new int[1];
        JCuda.cudaDriverGetVersion(v);
        return v[0];
    }

    @Override
    public int runtimeVersion() {
        JCuda.setExceptionsEnabled(false);
        int[] v = new int[1];
        JCuda.cudaRuntimeGetVersion(v);
        return v[0];
    }

    @Override
    public DeviceCount deviceCount() {
        JCuda.setExceptionsEnabled(false);
        int[] n = new int[1];
        int status = JCuda.cudaGetDeviceCount(n);
        return new DeviceCount(status, cudaError.stringFor(status), status == cudaError.cudaSuccess ? n[0] : 0);
    }

    @Override
    public GpuInfo device(int ordinal) {
        JCuda.setExceptionsEnabled(false);
        cudaDeviceProp p = new cudaDeviceProp();
        int status = JCuda.cudaGetDeviceProperties(p, ordinal);
        if (status != cudaError.cudaSuccess) {
            throw new CudaException("probe", "cudaGetDeviceProperties(" + ordinal + ")", cudaError.stringFor(status));
        }
        return new GpuInfo(ordinal, p.getName().trim(), p.totalGlobalMem, p.major, p.minor, p.multiProcessorCount);
    }

    @Override
    public void loadDriverApi() {
        JCudaDriver.setExceptionsEnabled(false);
        JCudaDriver.cuInit(0);
    }

    @Override
    public void loadCublas() {
        JCublas2.initialize();
    }

    @Override
    public long loadCudnn() {
        JCudnn.initialize();
        return JCudnn.cudnnGetVersion();
    }

    @Override
    public void loadNvrtc() {
        JNvrtc.nvrtcVersion(new int[1], new int[1]);
    }
}
