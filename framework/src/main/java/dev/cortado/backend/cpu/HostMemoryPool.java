package dev.cortado.backend.cpu;

import dev.cortado.tensor.Device;
import dev.cortado.tensor.DeviceBuffer;
import dev.cortado.tensor.MemoryPool;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Caches freed arrays by exact length: a training step asks for the same sizes every time, so after
 * the first step every request is served from the cache and the garbage collector stays idle.
 */
public final class HostMemoryPool implements MemoryPool {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private long inUse;
    private long peak;
    private long reserved;

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public synchronized DeviceBuffer allocate(long floats) {
        if (floats < 0 || floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("host allocation of " + floats + " floats is out of range");
        }
        int n = (int) floats;
        ArrayDeque<float[]> cached = free.get(n);
        float[] array = cached == null ? null : cached.poll();
        if (array == null) {
            array = new float[n];
            reserved += bytes(n);
        } else {
            Arrays.fill(array, 0f);
        }
        inUse += bytes(n);
        peak = Math.max(peak, inUse);
        return new HostBuffer(this, array, n);
    }

    @Override
    public synchronized void release(DeviceBuffer buffer) {
        float[] array = ((HostBuffer) buffer).rawArray();
        inUse -= bytes(array.length);
        free.computeIfAbsent(array.length, k -> new ArrayDeque<>()).push(array);
    }

    @Override
    public synchronized long bytesInUse() {
        return inUse;
    }

    @Override
    public synchronized long peakBytes() {
        return peak;
    }

    @Override
    public synchronized long reservedBytes() {
        return reserved;
    }

    @Override
    public synchronized void resetPeak() {
        peak = inUse;
    }

    @Override
    public synchronized void emptyCache() {
        for (ArrayDeque<float[]> q : free.values()) {
            for (float[] a : q) {
                reserved -= bytes(a.length);
            }
        }
        free.clear();
    }

    private static long bytes(int floats) {
        return (long) floats * Float.BYTES;
    }
}
