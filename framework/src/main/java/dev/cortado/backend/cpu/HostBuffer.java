package dev.cortado.backend.cpu;

import dev.cortado.tensor.DeviceBuffer;
import dev.cortado.tensor.MemoryPool;

/** Host memory for the CPU backend: a Java float array, possibly longer than requested. */
public final class HostBuffer extends DeviceBuffer {
    private final float[] array;

    HostBuffer(MemoryPool pool, float[] array, long length) {
        super(pool, length);
        this.array = array;
    }

    /** The backing array; its first {@link #length()} elements belong to this buffer. */
    public float[] array() {
        checkOpen();
        return array;
    }

    float[] rawArray() {
        return array;
    }
}
