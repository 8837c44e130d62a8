package dev.cortado.backend.cuda;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bookkeeping of the device's caching allocator, apart from the device so that it is unit-tested
 * without one. Following PyTorch's allocator: requests round up to size classes (512 B steps up to
 * 1 MiB, then 2 MiB steps), a closed block goes to a free list instead of back to the driver, and the
 * next request of its class takes it, so a training step that repeats the previous step's requests
 * calls the system allocator zero times. When the system allocator runs out, the cache is emptied and
 * the request retried once; then a {@link DeviceOutOfMemoryException} explains the situation.
 *
 * <p>Blocks go back to the free list as soon as the host releases them, while kernels may still be
 * queued on them. That is safe because the backend has one stream: any later user of the block is
 * queued after those kernels. (cudaFree, on emptying the cache, synchronizes the device itself.)
 *
 * @param <P> the raw block handle: a device pointer in production, a fake in tests
 */
public final class CachingAllocator<P> {
    static final long SMALL_STEP = 512;
    static final long SMALL_LIMIT = 1L << 20;
    static final long LARGE_STEP = 2L << 20;

    /** The system allocator behind the cache. */
    public interface RawMemory<P> {
        /** A new block of exactly {@code bytes}, or null when the device is out of memory. */
        P malloc(long bytes);

        void free(P block);

        /** {free, total} bytes on the device, for the out-of-memory message. */
        long[] memoryInfo();
    }

    /** A block handed out: the raw handle and its rounded size in bytes. */
    public record Block<P>(P handle, long size) {
    }

    private final String deviceName;
    private final RawMemory<P> raw;
    private final TreeMap<Long, ArrayDeque<Block<P>>> free = new TreeMap<>();
    private long inUse;
    private long peak;
    private long reserved;
    private long cached;
    private long systemMallocs;

    public CachingAllocator(String deviceName, RawMemory<P> raw) {
        this.deviceName = deviceName;
        this.raw = raw;
    }

    /** The size class of a request: a multiple of 512 B up to 1 MiB, of 2 MiB above; never 0. */
    public static long roundSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes");
        }
        if (bytes <= SMALL_LIMIT) {
            return Math.max(SMALL_STEP, roundUp(bytes, SMALL_STEP));
        }
        return roundUp(bytes, LARGE_STEP);
    }

    private static long roundUp(long v, long step) {
        return (v + step - 1) / step * step;
    }

    /** A block of at least {@code bytes}; {@code op} names the layer or op for an out-of-memory error. */
    public synchronized Block<P> allocate(long bytes, String op) {
        long size = roundSize(bytes);
        Block<P> block = takeCached(size);
        if (block == null) {
            P handle = raw.malloc(size);
            if (handle == null) {
                emptyCache();
                handle = raw.malloc(size);
            }
            if (handle == null) {
                long[] info = raw.memoryInfo();
                throw new DeviceOutOfMemoryException(op, deviceName, bytes, inUse, info[0], info[1]);
            }
            systemMallocs++;
            reserved += size;
            block = new Block<>(handle, size);
        }
        inUse += block.size();
        peak = Math.max(peak, inUse);
        return block;
    }

    /**
     * Small blocks are reused only within their class (they are cheap to have several of). A large
     * request may take a cached block up to an eighth bigger, as a best fit, so that a slightly smaller
     * tensor does not force a new cudaMalloc while leaving little memory idle.
     */
    private Block<P> takeCached(long size) {
        Map.Entry<Long, ArrayDeque<Block<P>>> e = size <= SMALL_LIMIT
                ? exact(size) : free.ceilingEntry(size);
        if (e == null || e.getKey() > size + size / 8) {
            return null;
        }
        Block<P> b = e.getValue().pop();
        if (e.getValue().isEmpty()) {
            free.remove(e.getKey());
        }
        cached -= b.size();
        return b;
    }

    private Map.Entry<Long, ArrayDeque<Block<P>>> exact(long size) {
        ArrayDeque<Block<P>> q = free.get(size);
        return q == null ? null : Map.entry(size, q);
    }

    public synchronized void release(Block<P> block) {
        inUse -= block.size();
        cached += block.size();
        free.computeIfAbsent(block.size(), k -> new ArrayDeque<>()).push(block);
    }

    /** Returns every cached block to the system allocator. */
    public synchronized void emptyCache() {
        for (ArrayDeque<Block<P>> q : free.values()) {
            for (Block<P> b : q) {
                raw.free(b.handle());
                reserved -= b.size();
            }
        }
        free.clear();
        cached = 0;
    }

    public synchronized long bytesInUse() {
        return inUse;
    }

    public synchronized long peakBytes() {
        return peak;
    }

    public synchronized void resetPeak() {
        peak = inUse;
    }

    /** Bytes held from the system: in use plus cached. */
    public synchronized long reservedBytes() {
        return reserved;
    }

    public synchronized long cachedBytes() {
        return cached;
    }

    /** How many times the system allocator was called successfully: constant in a steady training step. */
    public synchronized long systemMallocs() {
        return systemMallocs;
    }
}
