package dev.cortado.tensor;

/**
 * A block of float memory on one device, handed out by that device's {@link MemoryPool} and
 * returned to it by {@link #close()}. Closing twice, or using a buffer after closing it, fails.
 */
public abstract class DeviceBuffer implements AutoCloseable {
    private final MemoryPool pool;
    private final long length;
    private boolean closed;

    protected DeviceBuffer(MemoryPool pool, long length) {
        this.pool = pool;
        this.length = length;
    }

    /** Capacity in floats. */
    public final long length() {
        return length;
    }

    public final long bytes() {
        return length * Float.BYTES;
    }

    public final Device device() {
        return pool.device();
    }

    public final boolean isClosed() {
        return closed;
    }

    /** Throws if this buffer was closed; call before every access to the memory. */
    public final void checkOpen() {
        if (closed) {
            throw new IllegalStateException("use of a closed " + length + "-float buffer on " + device());
        }
    }

    @Override
    public final void close() {
        if (closed) {
            throw new IllegalStateException("buffer of " + length + " floats on " + device() + " closed twice");
        }
        closed = true;
        pool.release(this);
    }
}
