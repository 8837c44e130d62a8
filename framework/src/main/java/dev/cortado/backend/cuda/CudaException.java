package dev.cortado.backend.cuda;

/**
 * A CUDA, cuBLAS, cuDNN, NVRTC or driver call failed. The message names the op that made the call,
 * the call, and the library's status, e.g. {@code conv2d forward: cudnnConvolutionForward failed:
 * CUDNN_STATUS_BAD_PARAM}. Such errors are never hidden by a fall-back to the CPU.
 */
public class CudaException extends RuntimeException {
    private final String op;
    private final String call;
    private final String status;

    public CudaException(String op, String call, String status) {
        this(op, call, status, null);
    }

    public CudaException(String op, String call, String status, Throwable cause) {
        super(op + ": " + call + " failed: " + status, cause);
        this.op = op;
        this.call = call;
        this.status = status;
    }

    protected CudaException(String op, String call, String status, String message, Throwable cause) {
        super(message, cause);
        this.op = op;
        this.call = call;
        this.status = status;
    }

    /** The Cortado op (or layer) that made the call. */
    public String op() {
        return op;
    }

    /** The native function, e.g. {@code cublasSgemm}. */
    public String call() {
        return call;
    }

    /** The library's status name, e.g. {@code CUDNN_STATUS_BAD_PARAM}. */
    public String status() {
        return status;
    }
}
