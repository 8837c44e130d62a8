package dev.cortado.backend.cuda;

/**
 * The device could not supply a block even after the allocator gave its cached blocks back. The message
 * names the op or layer, the bytes requested, in use by Cortado, free and total on the device, and
 * suggests a smaller batch.
 */
public final class DeviceOutOfMemoryException extends CudaException {
    private final long requestedBytes;
    private final long inUseBytes;
    private final long freeBytes;
    private final long totalBytes;

    public DeviceOutOfMemoryException(String op, String device, long requestedBytes, long inUseBytes,
                                      long freeBytes, long totalBytes) {
        super(op, "cudaMalloc", "out of memory", String.format(
                "%s: out of memory on %s: requested %s, %s in use by Cortado, %s free of %s total on the device;"
                        + " try a smaller batch size", op, device, bytes(requestedBytes), bytes(inUseBytes),
                bytes(freeBytes), bytes(totalBytes)), null);
        this.requestedBytes = requestedBytes;
        this.inUseBytes = inUseBytes;
        this.freeBytes = freeBytes;
        this.totalBytes = totalBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    public long inUseBytes() {
        return inUseBytes;
    }

    public long freeBytes() {
        return freeBytes;
    }

    public long totalBytes() {
        return totalBytes;
    }

    /** Human-readable bytes: 1536 → "1.5 KiB". */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
