package dev.cortado.backend.cuda;

import dev.cortado.tensor.DeviceBuffer;
import dev.cortado.tensor.MemoryPool;
import jcuda.Pointer;

/** Device memory for the CUDA backend: a block of the caching allocator. */
public final class CudaBuffer extends DeviceBuffer {
    private final CachingAllocator.Block<Pointer> block;

    CudaBuffer(MemoryPool pool, CachingAllocator.Block<Pointer> block, long length) {
        super(pool, length);
        this.block = block;
    }

    /** The device pointer; fails once the buffer is closed. */
    public Pointer pointer() {
        checkOpen();
        return block.handle();
    }

    CachingAllocator.Block<Pointer> block() {
        return block;
    }
}
