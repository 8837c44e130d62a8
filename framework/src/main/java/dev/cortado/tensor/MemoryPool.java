package dev.cortado.tensor;

/**
 * Hands out buffers on one device and takes them back. Pools cache freed blocks so that a steady
 * training step does not call the system allocator; they report what is in use and at peak.
 */
public interface MemoryPool {
    Device device();

    /** A zero-filled buffer of at least {@code floats} floats. */
    DeviceBuffer allocate(long floats);

    /** Called by {@link DeviceBuffer#close()}; not for direct use. */
    void release(DeviceBuffer buffer);

    /** Bytes in buffers handed out and not yet closed. */
    long bytesInUse();

    /** The highest {@link #bytesInUse()} since creation or the last {@link #resetPeak()}. */
    long peakBytes();

    /** Bytes held from the system, in use or cached. */
    long reservedBytes();

    void resetPeak();

    /** Gives cached, unused blocks back to the system. */
    void emptyCache();
}
