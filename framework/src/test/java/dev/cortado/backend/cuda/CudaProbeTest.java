package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every decision of the probe, driven through the native-call seam by a scripted fake. */
class CudaProbeTest {
    private static final String CUDNN_MISSING = "Error while loading native library \"JCudnn-11.7.0-linux-x86_64\"\n"
            + "Stack trace from the attempt to load the library as a resource:\n"
            + "java.lang.UnsatisfiedLinkError: /tmp/libJCudnn-11.7.0-linux-x86_64.so: libcudnn.so.8: cannot open"
            + " shared object file: No such file or directory";

    /** A machine described by fields; records which libraries the probe touched, in order. */
    static final class FakeMachine implements CudaRuntimeProbe {
        int driver = 11080;
        int runtime = 11070;
        DeviceCount count = new DeviceCount(0, "cudaSuccess", 1);
        LinkageError runtimeFailure;
        LinkageError cublasFailure;
        LinkageError cudnnFailure;
        long cudnnVersion = 8906;
        boolean rebound;
        final List<String> touched = new ArrayList<>();

        @Override
        public boolean acceptsCudnnMajorMismatch() {
            return rebound;
        }

        @Override
        public String jcudaVersion() {
            return "11.7.0";
        }

        @Override
        public int cudnnCompiledVersion() {
            return 8401;
        }

        @Override
        public int driverVersion() {
            touched.add("runtime");
            if (runtimeFailure != null) {
                throw runtimeFailure;
            }
            return driver;
        }

        @Override
        public int runtimeVersion() {
            return runtime;
        }

        @Override
        public DeviceCount deviceCount() {
            return count;
        }

        @Override
        public GpuInfo device(int ordinal) {
            return new GpuInfo(ordinal, "NVIDIA A100-SXM4-40GB", 40L << 30, 8, 0, 108);
        }

        @Override
        public void loadDriverApi() {
            touched.add("driver");
        }

        @Override
        public void loadCublas() {
            touched.add("cublas");
            if (cublasFailure != null) {
                throw cublasFailure;
            }
        }

        @Override
        public long loadCudnn() {
            touched.add("cudnn");
            if (cudnnFailure != null) {
                throw cudnnFailure;
            }
            return cudnnVersion;
        }

        @Override
        public void loadNvrtc() {
            touched.add("nvrtc");
        }
    }

    @Test
    void aMachineWithDeviceAndLibrariesIsAvailable() {
        FakeMachine m = new FakeMachine();
        DeviceReport r = CudaProbe.run(m);
        assertTrue(r.available(), r::render);
        assertEquals("", r.reason());
        assertEquals(List.of("runtime", "driver", "cublas", "cudnn", "nvrtc"), m.touched);
        assertEquals(1, r.gpus().size());
        String text = r.render();
        assertTrue(text.contains("CUDA driver: 11.8"), text);
        assertTrue(text.contains("cuDNN: JCudnn built against 8.4.1, library loaded: 8.9.6"), text);
        assertTrue(text.contains("cuda:0 NVIDIA A100-SXM4-40GB, 40.0 GiB, compute capability 8.0, 108 multiprocessors"), text);
    }

    @Test
    void noDriverIsReportedAndNoOtherLibraryIsTouched() {
        FakeMachine m = new FakeMachine();
        m.driver = 0;
        m.count = new CudaRuntimeProbe.DeviceCount(35, "cudaErrorInsufficientDriver", 0);
        DeviceReport r = CudaProbe.run(m);
        assertFalse(r.available());
        assertTrue(r.reason().startsWith("no NVIDIA driver: libcuda.so.1"), r.reason());
        assertEquals(List.of("runtime"), m.touched, "the driver, cuBLAS and cuDNN classes must stay untouched");
    }

    @Test
    void anOldDriverIsReportedWithItsVersion() {
        FakeMachine m = new FakeMachine();
        m.driver = 10020;
        m.count = new CudaRuntimeProbe.DeviceCount(35, "cudaErrorInsufficientDriver", 0);
        DeviceReport r = CudaProbe.run(m);
        assertEquals("the NVIDIA driver supports CUDA 10.2, older than JCuda 11.7.0 needs: update the driver", r.reason());
    }

    @Test
    void noDeviceIsReported() {
        FakeMachine m = new FakeMachine();
        m.count = new CudaRuntimeProbe.DeviceCount(100, "cudaErrorNoDevice", 0);
        assertEquals("no CUDA device: the driver (CUDA 11.8) sees no GPU", CudaProbe.run(m).reason());
        m.count = new CudaRuntimeProbe.DeviceCount(0, "cudaSuccess", 0);
        assertEquals("no CUDA device: the driver (CUDA 11.8) sees no GPU", CudaProbe.run(m).reason());
    }

    @Test
    void aMissingCudnnIsNamedExactly() {
        FakeMachine m = new FakeMachine();
        m.cudnnFailure = new UnsatisfiedLinkError(CUDNN_MISSING);
        DeviceReport r = CudaProbe.run(m);
        assertFalse(r.available());
        assertEquals("cuDNN could not load: libcudnn.so.8 not found", r.reason());
        assertTrue(r.render().contains("library loaded: none"), r.render());
    }

    @Test
    void severalMissingLibrariesAreAllListed() {
        FakeMachine m = new FakeMachine();
        m.cublasFailure = new UnsatisfiedLinkError("/tmp/libJCublas2-11.7.0-linux-x86_64.so: libcublas.so.11:"
                + " cannot open shared object file: No such file or directory");
        m.cudnnFailure = new NoClassDefFoundError("Could not initialize class jcuda.jcudnn.JCudnn");
        DeviceReport r = CudaProbe.run(m);
        assertEquals("cuBLAS could not load: libcublas.so.11 not found; cuDNN could not load: Could not initialize"
                + " class jcuda.jcudnn.JCudnn (its native library failed to load earlier in this JVM)", r.reason());
    }

    @Test
    void aRuntimeThatCannotLoadIsReported() {
        FakeMachine m = new FakeMachine();
        m.runtimeFailure = new UnsatisfiedLinkError("no JCudaRuntime-11.7.0-linux-x86_64 in java.library.path\nmore");
        DeviceReport r = CudaProbe.run(m);
        assertEquals("the CUDA runtime of JCuda could not load: no JCudaRuntime-11.7.0-linux-x86_64 in java.library.path",
                r.reason());
    }

    @Test
    void aCudnnOfAnotherMajorVersionIsRejected() {
        FakeMachine m = new FakeMachine();
        m.cudnnVersion = 90100;
        assertEquals("cuDNN 9.1.0 is loaded but JCudnn was built against cuDNN 8.4.1: install cuDNN 8",
                CudaProbe.run(m).reason());
    }

    /** Only a machine whose JNI libraries were rebound to cuDNN 9 on purpose (benchmarks/gpu/) accepts it. */
    @Test
    void aReboundMachineAcceptsCudnnOfAnotherMajorVersion() {
        FakeMachine m = new FakeMachine();
        m.cudnnVersion = 90100;
        m.rebound = true;
        assertTrue(CudaProbe.run(m).available());
    }

    @Test
    void versionsRenderAsTheLibrariesNumberThem() {
        assertEquals("11.7", DeviceReport.cudaVersion(11070));
        assertEquals("12.2", DeviceReport.cudaVersion(12020));
        assertEquals("none", DeviceReport.cudaVersion(0));
        assertEquals("8.9.6", DeviceReport.cudnnVersion(8906));
        assertEquals("9.1.0", DeviceReport.cudnnVersion(90100));
    }

    /** The real probe on the machine the tests run on: on a GPU-less machine it must explain, never crash. */
    @Test
    void theRealProbeOnThisMachineGivesAClearAnswer() {
        DeviceReport r = CudaProbe.probeThisMachine();
        assertEquals(8401, r.cudnnCompiledVersion());
        assertEquals("11.7.0", r.jcudaVersion());
        if (!r.available()) {
            assertFalse(r.reason().isBlank());
            assertFalse(r.reason().contains("\n"), "the reason is one line: " + r.reason());
            assertTrue(r.render().contains("CUDA backend: unavailable: " + r.reason()));
        }
    }
}
