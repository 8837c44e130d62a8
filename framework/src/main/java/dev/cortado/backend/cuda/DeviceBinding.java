package dev.cortado.backend.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.JCudaDriver;
import jcuda.runtime.JCuda;

/**
 * Makes one backend's device current on the calling thread before its CUDA calls. The current device is
 * per thread: cudaSetDevice on the thread that built a {@code cuda:1} backend says nothing about another
 * thread, whose cudaMalloc, cuDNN and cuBLAS calls would go to device 0. The runtime binds its primary
 * context to a thread by itself; the driver API (kernel launches) needs cuCtxSetCurrent as well.
 *
 * <p>Every entry point of {@link CudaBackend} calls {@link #bind()}, so a backend can be used from any
 * thread (one at a time). A thread remembers which binding it made current last, so the check costs a
 * thread-local read; two backends of one device (two replicas on one GPU) are two bindings, and
 * switching between them only repeats a cudaSetDevice to the same device.
 */
final class DeviceBinding {
    /** The native calls binding makes: a seam, so that tests can watch them without a GPU. */
    interface Natives {
        void setDevice(int ordinal);

        void setContext(CUcontext context);
    }

    static final Natives JCUDA = new Natives() {
        @Override
        public void setDevice(int ordinal) {
            CudaCalls.runtime("bind cuda:" + ordinal, "cudaSetDevice", () -> JCuda.cudaSetDevice(ordinal));
        }

        @Override
        public void setContext(CUcontext context) {
            CudaCalls.driver("bind CUDA context", "cuCtxSetCurrent", () -> JCudaDriver.cuCtxSetCurrent(context));
        }
    };

    /** The binding each thread made current last. */
    private static final ThreadLocal<DeviceBinding> CURRENT = new ThreadLocal<>();

    private final int ordinal;
    private final Natives natives;
    private volatile CUcontext context;

    DeviceBinding(int ordinal, Natives natives) {
        this.ordinal = ordinal;
        this.natives = natives;
    }

    int ordinal() {
        return ordinal;
    }

    /**
     * Records the device's primary context (known once the runtime has created it) and makes it current on
     * this thread.
     */
    void setContext(CUcontext primary) {
        this.context = primary;
        CURRENT.remove();
        bind();
    }

    /** Makes this device (and its context, once known) current on the calling thread, unless it already is. */
    void bind() {
        if (CURRENT.get() == this) {
            return;
        }
        natives.setDevice(ordinal);
        CUcontext c = context;
        if (c != null) {
            natives.setContext(c);
        }
        CURRENT.set(this);
    }

    /** Forgets this binding on the calling thread (a closed backend must not be taken as current). */
    void forget() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }
}
