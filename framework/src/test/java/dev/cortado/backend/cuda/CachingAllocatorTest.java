package dev.cortado.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachingAllocatorTest {
    private static final long MIB = 1L << 20;

    /** A device with a fixed capacity; handles are serial numbers. */
    static final class FakeDevice implements CachingAllocator.RawMemory<Long> {
        final long capacity;
        long used;
        long next;
        int mallocs;
        int frees;
        final List<Long> sizes = new ArrayList<>();

        FakeDevice(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public Long malloc(long bytes) {
            if (used + bytes > capacity) {
                return null;
            }
            used += bytes;
            mallocs++;
            sizes.add(bytes);
            return next++;
        }

        @Override
        public void free(Long block) {
            frees++;
            used -= sizes.get(block.intValue());
        }

        @Override
        public long[] memoryInfo() {
            return new long[] {capacity - used, capacity};
        }
    }

    @Test
    void sizeClassesAre512BytesUpTo1MibThen2Mib() {
        assertEquals(512, CachingAllocator.roundSize(0));
        assertEquals(512, CachingAllocator.roundSize(1));
        assertEquals(512, CachingAllocator.roundSize(512));
        assertEquals(1024, CachingAllocator.roundSize(513));
        assertEquals(MIB, CachingAllocator.roundSize(MIB));
        assertEquals(2 * MIB, CachingAllocator.roundSize(MIB + 1));
        assertEquals(4 * MIB, CachingAllocator.roundSize(2 * MIB + 1));
    }

    @Test
    void aReleasedBlockIsReusedForTheSameClass() {
        FakeDevice d = new FakeDevice(1L << 30);
        CachingAllocator<Long> a = new CachingAllocator<>("cuda:0", d);
        CachingAllocator.Block<Long> first = a.allocate(1000, "fc1");
        a.release(first);
        CachingAllocator.Block<Long> second = a.allocate(900, "fc1"); // 900 and 1000 both round to 1024
        assertSame(first.handle(), second.handle());
        assertEquals(1, d.mallocs);
    }

    @Test
    void statisticsCountInUsePeakAndReserved() {
        CachingAllocator<Long> a = new CachingAllocator<>("cuda:0", new FakeDevice(1L << 30));
        var x = a.allocate(3 * MIB, "x");        // 4 MiB class
        var y = a.allocate(100, "y");            // 512 B class
        assertEquals(4 * MIB + 512, a.bytesInUse());
        a.release(x);
        assertEquals(512, a.bytesInUse());
        assertEquals(4 * MIB + 512, a.peakBytes());
        assertEquals(4 * MIB + 512, a.reservedBytes(), "a released block stays reserved in the cache");
        assertEquals(4 * MIB, a.cachedBytes());
        a.resetPeak();
        assertEquals(512, a.peakBytes());
        a.emptyCache();
        assertEquals(512, a.reservedBytes());
        a.release(y);
    }

    @Test
    void aSteadyTrainingStepCallsTheSystemAllocatorOnlyInTheFirstStep() {
        FakeDevice d = new FakeDevice(1L << 30);
        CachingAllocator<Long> a = new CachingAllocator<>("cuda:0", d);
        long[] step = {784 * 64 * 4, 300 * 64 * 4, 100 * 64 * 4, 10 * 64 * 4, 784 * 300 * 4, 300 * 4, 64 * 4};
        for (int iteration = 0; iteration < 5; iteration++) {
            List<CachingAllocator.Block<Long>> live = new ArrayList<>();
            for (long bytes : step) {
                live.add(a.allocate(bytes, "step"));
            }
            live.forEach(a::release);
            if (iteration == 0) {
                assertEquals(step.length, d.mallocs);
            }
        }
        assertEquals(step.length, d.mallocs, "no cudaMalloc after the first step");
        assertEquals(step.length, a.systemMallocs());
    }

    @Test
    void aLargeRequestTakesACachedBlockAtMostAnEighthBigger() {
        FakeDevice d = new FakeDevice(1L << 32);
        CachingAllocator<Long> a = new CachingAllocator<>("cuda:0", d);
        var big = a.allocate(18 * MIB, "a");
        a.release(big);
        var fits = a.allocate(16 * MIB + 1, "b");  // 18 MiB class: exactly the cached block
        assertSame(big.handle(), fits.handle());
        a.release(fits);
        var tooSmall = a.allocate(8 * MIB, "c");  // 18 MiB is more than 8·9/8: a new block
        assertEquals(2, d.mallocs);
        a.release(tooSmall);
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetriesOnce() {
        FakeDevice d = new FakeDevice(10 * MIB);
        CachingAllocator<Long> a = new CachingAllocator<>("cuda:0", d);
        a.release(a.allocate(8 * MIB, "old"));       // cached, holds 8 of the 10 MiB
        var b = a.allocate(4 * MIB, "conv1");        // fails, cache emptied, retried: succeeds
        assertEquals(1, d.frees);
        assertEquals(4 * MIB, a.reservedBytes());
        assertEquals(4 * MIB, b.size());
    }

    @Test
    void outOfMemoryAfterTheRetryNamesTheOpAndTheNumbers() {
        FakeDevice d = new FakeDevice(10 * MIB);
        CachingAllocator<Long> a = new CachingAllocator<>("cuda:0", d);
        a.allocate(6 * MIB, "weights");
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> a.allocate(5 * MIB, "conv2 forward"));
        assertEquals("conv2 forward: out of memory on cuda:0: requested 5.0 MiB, 6.0 MiB in use by Cortado,"
                + " 4.0 MiB free of 10.0 MiB total on the device; try a smaller batch size", e.getMessage());
        assertEquals(5 * MIB, e.requestedBytes());
        assertEquals(6 * MIB, e.inUseBytes());
        assertEquals(4 * MIB, e.freeBytes());
        assertEquals(10 * MIB, e.totalBytes());
        assertTrue(e instanceof CudaException);
    }
}
