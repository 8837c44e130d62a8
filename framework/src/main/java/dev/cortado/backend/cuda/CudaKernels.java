package dev.cortado.backend.cuda;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The custom kernels: each module is compiled by NVRTC for this device's architecture on first use (or
 * taken from the {@link PtxCache}), loaded through the driver API into the runtime's primary context, and
 * launched on the backend's stream. Safe to use from several threads: the module and function maps are
 * guarded, and every launch first binds the device to the calling thread.
 */
final class CudaKernels implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(CudaKernels.class);
    static final int BLOCK = 256;

    private final GpuInfo gpu;
    private final int driverVersion;
    private final CUstream stream;
    private final PtxCache cache;
    /** Guarded by this. */
    private final Map<String, CUmodule> modules = new HashMap<>();
    /** Guarded by this. */
    private final Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
    private final DeviceBinding binding;
    private String architecture;

    /**
     * Call on the thread that has just initialized the runtime on this device (cudaSetDevice, a stream): the
     * primary context current there is recorded in {@code binding}, which makes it current on any other
     * thread before a launch. The runtime binds its primary context to each thread by itself; the driver API
     * does not, so a kernel launched first thing from another thread would fail with
     * CUDA_ERROR_INVALID_CONTEXT.
     */
    CudaKernels(GpuInfo gpu, int driverVersion, CUstream stream, PtxCache cache, DeviceBinding binding) {
        this.gpu = gpu;
        this.driverVersion = driverVersion;
        this.stream = stream;
        this.cache = cache;
        this.binding = binding;
        CUcontext context = new CUcontext();
        CudaCalls.driver("start CUDA backend", "cuCtxGetCurrent", () -> JCudaDriver.cuCtxGetCurrent(context));
        binding.setContext(context);
    }

    /**
     * --fmad=false: the kernels are memory-bound, so separate multiply and add cost nothing, and they keep
     * the device's results equal to the host build of the same math (cuda-kernels' KernelMathHostTest).
     */
    List<String> options() {
        return List.of("--gpu-architecture=" + architecture(), "--fmad=false");
    }

    private String nvrtcVersion() {
        int[] major = new int[1];
        int[] minor = new int[1];
        CudaCalls.nvrtc("compile kernels", "nvrtcVersion", () -> JNvrtc.nvrtcVersion(major, minor));
        return major[0] + "." + minor[0];
    }

    /** The device's architecture, or the newest below it that this NVRTC supports (asked once). */
    private String architecture() {
        if (architecture == null) {
            int[] count = new int[1];
            CudaCalls.nvrtc("compile kernels", "nvrtcGetNumSupportedArchs", () -> JNvrtc.nvrtcGetNumSupportedArchs(count));
            int[] supported = new int[count[0]];
            CudaCalls.nvrtc("compile kernels", "nvrtcGetSupportedArchs", () -> JNvrtc.nvrtcGetSupportedArchs(supported));
            architecture = NvrtcArchitecture.choose(gpu.major() * 10 + gpu.minor(), supported);
            if (!architecture.equals(gpu.nvrtcArchitecture())) {
                LOG.info("NVRTC does not know {} (compute capability {}); compiling the kernels for {}, which the"
                        + " driver JIT-compiles for this GPU", gpu.nvrtcArchitecture(), gpu.computeCapability(), architecture);
            }
        }
        return architecture;
    }

    /** Blocks for a grid-stride loop over n elements: enough to fill the device, never more than needed. */
    static int gridFor(long n, int multiprocessors) {
        long needed = (n + BLOCK - 1) / BLOCK;
        return (int) Math.max(1, Math.min(needed, (long) multiprocessors * 32));
    }

    /** Launches an element-wise kernel over n elements. */
    void launch(String op, Kernel kernel, long n, Object... args) {
        launchBlocks(op, kernel, gridFor(n, gpu.multiprocessors()), args);
    }

    /** Launches {@code blocks} blocks of {@link #BLOCK} threads (reductions: one block per channel or row). */
    void launchBlocks(String op, Kernel kernel, int blocks, Object... args) {
        launchBlocksOn(stream, op, kernel, blocks, args);
    }

    /** An element-wise kernel over n elements on another stream of this device (a communication stream). */
    void launchOn(CUstream on, String op, Kernel kernel, long n, Object... args) {
        launchBlocksOn(on, op, kernel, gridFor(n, gpu.multiprocessors()), args);
    }

    private void launchBlocksOn(CUstream on, String op, Kernel kernel, int blocks, Object... args) {
        kernel.check(op, args);
        if (blocks < 1) {
            return; // a grid of zero blocks is an invalid launch; one block per channel of nothing is no work
        }
        binding.bind();
        CUfunction f = function(kernel);
        Pointer params = parameters(args);
        CudaCalls.driver(op, "cuLaunchKernel(" + kernel.kernelName() + ")",
                () -> JCudaDriver.cuLaunchKernel(f, blocks, 1, 1, BLOCK, 1, 1, 0, on, params, null));
    }

    private static Pointer parameters(Object[] args) {
        NativePointerObject[] p = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                p[i] = Pointer.to(new Pointer()); // a null device pointer
            } else if (a instanceof Pointer ptr) {
                p[i] = Pointer.to(ptr);
            } else if (a instanceof Integer v) {
                p[i] = Pointer.to(new int[] {v});
            } else if (a instanceof Long v) {
                p[i] = Pointer.to(new long[] {v});
            } else if (a instanceof Float v) {
                p[i] = Pointer.to(new float[] {v});
            } else if (a instanceof Boolean v) {
                p[i] = Pointer.to(new int[] {v ? 1 : 0});
            } else {
                throw new IllegalArgumentException("kernel argument of type " + a.getClass().getName());
            }
        }
        return Pointer.to(p);
    }

    private synchronized CUfunction function(Kernel kernel) {
        CUfunction f = functions.get(kernel);
        if (f == null) {
            CUmodule m = modules.computeIfAbsent(kernel.module(), this::load);
            CUfunction created = new CUfunction();
            CudaCalls.driver("load kernels", "cuModuleGetFunction(" + kernel.kernelName() + ")",
                    () -> JCudaDriver.cuModuleGetFunction(created, m, kernel.kernelName()));
            functions.put(kernel, created);
            f = created;
        }
        return f;
    }

    private CUmodule load(String module) {
        KernelProgram program = KernelSources.load(module);
        // The NVRTC version enters the key too: PTX from another compiler may use an ISA this driver lacks.
        List<String> keyed = new java.util.ArrayList<>(options());
        keyed.add("nvrtc " + nvrtcVersion());
        String key = PtxCache.key(program, architecture(), driverVersion, keyed);
        String ptx = cache.load(key).orElseGet(() -> {
            String compiled = compile(program);
            cache.store(key, compiled);
            return compiled;
        });
        CUmodule m = new CUmodule();
        CudaCalls.driver("load kernels", "cuModuleLoadData(" + module + ")", () -> JCudaDriver.cuModuleLoadData(m, ptx));
        return m;
    }

    private String compile(KernelProgram program) {
        long start = System.nanoTime();
        nvrtcProgram prog = new nvrtcProgram();
        String op = "compile kernels " + program.fileName();
        CudaCalls.nvrtc(op, "nvrtcCreateProgram", () -> JNvrtc.nvrtcCreateProgram(prog, program.source(),
                program.fileName(), program.headerNames().size(), program.headerSources().toArray(new String[0]),
                program.headerNames().toArray(new String[0])));
        try {
            List<String> options = options();
            try {
                CudaCalls.nvrtc(op, "nvrtcCompileProgram", () -> JNvrtc.nvrtcCompileProgram(prog, options.size(),
                        options.toArray(new String[0])));
            } catch (CudaException e) {
                String[] log = new String[1];
                JNvrtc.nvrtcGetProgramLog(prog, log);
                throw new CudaException(op, "nvrtcCompileProgram", e.status() + "\n" + log[0], e);
            }
            String[] ptx = new String[1];
            CudaCalls.nvrtc(op, "nvrtcGetPTX", () -> JNvrtc.nvrtcGetPTX(prog, ptx));
            LOG.info("compiled CUDA kernels {} for {} in {} ms", program.fileName(), architecture(),
                    (System.nanoTime() - start) / 1_000_000);
            return ptx[0];
        } finally {
            JNvrtc.nvrtcDestroyProgram(prog);
        }
    }

    @Override
    public synchronized void close() {
        binding.bind();
        for (CUmodule m : modules.values()) {
            JCudaDriver.cuModuleUnload(m);
        }
        modules.clear();
        functions.clear();
    }
}
