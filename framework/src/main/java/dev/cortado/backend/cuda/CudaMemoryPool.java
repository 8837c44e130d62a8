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
 * Safe to use from several threads: the allocator is synchronized, and a tag holds for its own thread.
 */
public final class CudaMemoryPool implements MemoryPool {
    private final Device device;
    private final cudaStream_t stream;
    private final CachingAllocator<Pointer> allocator;
    private final ThreadLocal<String> tag = ThreadLocal.withInitial(() -> "allocate");

    CudaMemoryPool(Device device, cudaStream_t stream) {
        this.device = device;
        this.stream = stream;
        this.allocator = new CachingAllocator<>(device.toString(), new CudaMalloc(RuntimeMemory.JCUDA));
    }

    /** A scope within which this thread's allocations are attributed to {@code op} (e.g. a layer's name). */
    public AutoCloseable tagged(String op) {
        String previous = tag.get();
        tag.set(op);
        return () -> tag.set(previous);
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public CudaBuffer allocate(long floats) {
        return allocate(floats, tag.get());
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

    /** The CUDA runtime calls of {@link CudaMalloc}: a seam, so that tests can play out-of-memory without a GPU. */
    interface RuntimeMemory {
        int malloc(Pointer p, long bytes);

        /** Returns and clears the last error of this thread (cudaGetLastError). */
        int getLastError();

        int free(Pointer p);

        int memGetInfo(long[] free, long[] total);

        RuntimeMemory JCUDA = new RuntimeMemory() {
            @Override
            public int malloc(Pointer p, long bytes) {
                return JCuda.cudaMalloc(p, bytes);
            }

            @Override
            public int getLastError() {
                return JCuda.cudaGetLastError();
            }

            @Override
            public int free(Pointer p) {
                return JCuda.cudaFree(p);
            }

            @Override
            public int memGetInfo(long[] free, long[] total) {
                return JCuda.cudaMemGetInfo(free, total);
            }
        };
    }

    /** cudaMalloc and cudaFree, answering null on out-of-memory so that the allocator can retry. */
    static final class CudaMalloc implements CachingAllocator.RawMemory<Pointer> {
        private final RuntimeMemory runtime;

        CudaMalloc(RuntimeMemory runtime) {
            this.runtime = runtime;
        }

        @Override
        public Pointer malloc(long bytes) {
            Pointer p = new Pointer();
            int status;
            try {
                status = runtime.malloc(p, bytes);
            } catch (jcuda.CudaException e) {
                if (isOutOfMemory(e)) {
                    status = cudaError.cudaErrorMemoryAllocation;
                } else {
                    throw CudaCalls.wrap("allocate", "cudaMalloc(" + bytes + ")", e);
                }
            }
            if (status == cudaError.cudaErrorMemoryAllocation) {
                clearLastError();
                return null;
            }
            if (status != cudaError.cudaSuccess) {
                throw new CudaException("allocate", "cudaMalloc(" + bytes + ")", cudaError.stringFor(status));
            }
            return p;
        }

        /**
         * Out of memory is not sticky: clear it, so that later calls do not report it. With JCuda's exceptions
         * on, cudaGetLastError reports the error it clears by throwing; that exception is the expected answer.
         * (Turning the exceptions off around the call would switch them off for every thread of the JVM.)
         */
        private void clearLastError() {
            try {
                runtime.getLastError();
            } catch (jcuda.CudaException e) {
                if (!isOutOfMemory(e)) {
                    throw CudaCalls.wrap("allocate", "cudaGetLastError", e);
                }
            }
        }

        private static boolean isOutOfMemory(jcuda.CudaException e) {
            return String.valueOf(e.getMessage()).contains("cudaErrorMemoryAllocation");
        }

        @Override
        public void free(Pointer block) {
            CudaCalls.runtime("free", "cudaFree", () -> runtime.free(block));
        }

        @Override
        public long[] memoryInfo() {
            long[] free = new long[1];
            long[] total = new long[1];
            CudaCalls.runtime("memory info", "cudaMemGetInfo", () -> runtime.memGetInfo(free, total));
            return new long[] {free[0], total[0]};
        }
    }
}
