package dev.cortado.backend.cuda;

import static dev.cortado.backend.cuda.CudaContext.ptr;

import dev.cortado.tensor.Tensor;
import java.util.List;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaMemcpyKind;

/**
 * Deterministic two-pass reductions in double (reduce_partial, reduce_final in tensor_ops.cu), read back
 * as one scalar per tensor with a single synchronization. Scratch comes from the caching pool.
 */
final class CudaReductions {
    static final int SUM = 0;
    static final int MAX = 1;
    static final int SUM_SQUARES = 2;
    private static final int PARTIALS = 256;
    private final CudaContext ctx;

    CudaReductions(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** One reduction per tensor, returned in double. */
    double[] reduce(String op, int kind, List<Tensor> tensors) {
        double[] out = new double[tensors.size()];
        if (tensors.isEmpty()) {
            return out;
        }
        // doubles occupy two floats each
        try (CudaBuffer partials = ctx.memory.allocate(2L * PARTIALS, op);
             CudaBuffer results = ctx.memory.allocate(2L * tensors.size(), op)) {
            for (int slot = 0; slot < tensors.size(); slot++) {
                Tensor t = tensors.get(slot);
                int blocks = Math.min(PARTIALS, CudaKernels.gridFor(t.size(), ctx.gpu.multiprocessors()));
                ctx.kernels.launchBlocks(op, Kernel.REDUCE_PARTIAL, blocks, ptr(t), t.size(), kind,
                        partials.pointer());
                ctx.kernels.launchBlocks(op, Kernel.REDUCE_FINAL, 1, partials.pointer(), blocks, kind,
                        results.pointer(), slot);
            }
            // Wait for the stream, then a synchronous copy: the destination is a Java array, which an
            // asynchronous copy could not rely on staying where JNI put it once the call returns.
            ctx.synchronize(op);
            CudaCalls.runtime(op, "cudaMemcpy", () -> JCuda.cudaMemcpy(Pointer.to(out), results.pointer(),
                    (long) out.length * Double.BYTES, cudaMemcpyKind.cudaMemcpyDeviceToHost));
        }
        return out;
    }

    double reduce(String op, int kind, Tensor t) {
        return reduce(op, kind, List.of(t))[0];
    }
}
