package dev.cortado.backend.cuda;

import java.util.function.IntFunction;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnStatus;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcResult;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;

/**
 * Every CUDA, cuBLAS, cuDNN, NVRTC and driver call of the backend goes through {@link #check}, which
 * turns a failure, whether JCuda threw it or returned it as a status, into a {@link CudaException} naming
 * the op and the call. JCuda's own exceptions carry only the status name, not who called.
 */
public final class CudaCalls {
    /** A native call returning its library's status code (0 is success in all five libraries). */
    @FunctionalInterface
    public interface NativeCall {
        int invoke();
    }

    /** The libraries, each with its status-code names (pure Java constants in JCuda: no native load). */
    public enum Library {
        RUNTIME(cudaError::stringFor),
        DRIVER(CUresult::stringFor),
        CUBLAS(cublasStatus::stringFor),
        CUDNN(cudnnStatus::stringFor),
        NVRTC(nvrtcResult::stringFor);

        private final IntFunction<String> names;

        Library(IntFunction<String> names) {
            this.names = names;
        }

        public String statusName(int status) {
            return names.apply(status);
        }
    }

    private CudaCalls() {
    }

    /**
     * Turns JCuda's exceptions on in all five libraries, so that no failing status can be missed.
     * Called once a device is known to exist (touching these classes without a driver throws).
     */
    public static void enableExceptions() {
        JCuda.setExceptionsEnabled(true);
        JCudaDriver.setExceptionsEnabled(true);
        JCublas2.setExceptionsEnabled(true);
        JCudnn.setExceptionsEnabled(true);
        JNvrtc.setExceptionsEnabled(true);
    }

    public static void check(Library library, String op, String call, NativeCall nativeCall) {
        int status;
        try {
            status = nativeCall.invoke();
        } catch (jcuda.CudaException e) {
            throw wrap(op, call, e);
        }
        if (status != 0) {
            throw new CudaException(op, call, library.statusName(status));
        }
    }

    public static void runtime(String op, String call, NativeCall c) {
        check(Library.RUNTIME, op, call, c);
    }

    public static void driver(String op, String call, NativeCall c) {
        check(Library.DRIVER, op, call, c);
    }

    public static void cublas(String op, String call, NativeCall c) {
        check(Library.CUBLAS, op, call, c);
    }

    public static void cudnn(String op, String call, NativeCall c) {
        check(Library.CUDNN, op, call, c);
    }

    public static void nvrtc(String op, String call, NativeCall c) {
        check(Library.NVRTC, op, call, c);
    }

    /** JCuda's exception message is the status name, sometimes followed by details; keep both. */
    static CudaException wrap(String op, String call, jcuda.CudaException e) {
        String message = e.getMessage() == null ? "unknown error" : e.getMessage().trim();
        return new CudaException(op, call, message, e);
    }
}
