package dev.cortado.backend.cuda;

import dev.cortado.tensor.Device;
import dev.cortado.tensor.DeviceBuffer;
import dev.cortado.tensor.MemoryPool;
import jcuda.Pointer;
import jcuda.runtime.JCuda;
import jcuda.runtime.cudaError;
import jcuda.runtime.cudaStream_t;

/**
 * The CUDA backend's {@link MemoryPool}: the {@link CachingAllocator} over cudaMalloc, zero-filling each
 * buffer on the backend's stream. The op or layer named by {@link #tagged} appears in out-of-memory errors.
 */
public final class CudaMemoryPool implements MemoryPool {
    private final Device device;
    private final cudaStream_t stream;
    private final CachingAllocator<Pointer> allocator;
    private String tag = "allocate";

    CudaMemoryPool(Device device, cudaStream_t stream) {
        this.device = device;
        this.stream = stream;
        this.allocator = new CachingAllocator<>(device.toString(), new CudaMalloc());
    }

    /** A scope within which allocations are attributed to {@code op} (e.g. a layer's name). */
    public AutoCloseable tagged(String op) {
        String previous = tag;
        tag = op;
        return () -> tag = previous;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public CudaBuffer allocate(long floats) {
        return allocate(floats, tag);
    }

    public CudaBuffer allocate(long floats, String op) {
        if (floats < 0) {
            throw new IllegalArgumentException(op + ": cannot allocate " + floats + " floats");
        }
        long bytes = floats * Float.BYTES;
        CachingAllocator.Block<Pointer> block = allocator.allocate(bytes, op);
        if (bytes > 0) {
            CudaCalls.runtime(op, "cudaMemsetAsync", () -> JCuda.cudaMemsetAsync(block.handle(), 0, bytes, stream));
        }
        return new CudaBuffer(this, block, floats);
    }

    @Override
    public void release(DeviceBuffer buffer) {
        allocator.release(((CudaBuffer) buffer).block());
    }

    @Override
    public long bytesInUse() {
        return allocator.bytesInUse();
    }

    @Override
    public long peakBytes() {
        return allocator.peakBytes();
    }

    @Override
    public long reservedBytes() {
        return allocator.reservedBytes();
    }

    @Override
    public void resetPeak() {
        allocator.resetPeak();
    }

    @Override
    public void emptyCache() {
        allocator.emptyCache();
    }

    /** cudaMalloc calls so far: constant across steady training steps. */
    public long systemMallocs() {
        return allocator.systemMallocs();
    }

    /** cudaMalloc and cudaFree, answering null on out-of-memory so that the allocator can retry. */
    private static final class CudaMalloc implements CachingAllocator.RawMemory<Pointer> {
        @Override
        public Pointer malloc(long bytes) {
            Pointer p = new Pointer();
            int status;
            try {
                status = JCuda.cudaMalloc(p, bytes);
            } catch (jcuda.CudaException e) {
                if (String.valueOf(e.getMessage()).contains("cudaErrorMemoryAllocation")) {
                    status = cudaError.cudaErrorMemoryAllocation;
                } else {
                    throw CudaCalls.wrap("allocate", "cudaMalloc(" + bytes + ")", e);
                }
            }
            if (status == cudaError.cudaErrorMemoryAllocation) {
                JCuda.setExceptionsEnabled(false);
                JCuda.cudaGetLastError(); // out of memory is not sticky: clear it so later calls do not report it
                JCuda.setExceptionsEnabled(true);
                return null;
            }
            if (status != cudaError.cudaSuccess) {
                throw new CudaException("allocate", "cudaMalloc(" + bytes + ")", cudaError.stringFor(status));
            }
            return p;
        }

        @Override
        public void free(Pointer block) {
            CudaCalls.runtime("free", "cudaFree", () -> JCuda.cudaFree(block));
        }

        @Override
        public long[] memoryInfo() {
            long[] free = new long[1];
            long[] total = new long[1];
            CudaCalls.runtime("memory info", "cudaMemGetInfo", () -> JCuda.cudaMemGetInfo(free, total));
            return new long[] {free[0], total[0]};
        }
    }
}
