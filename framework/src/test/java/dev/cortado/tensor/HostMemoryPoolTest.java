package dev.cortado.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.cpu.HostBuffer;
import dev.cortado.backend.cpu.HostMemoryPool;
import org.junit.jupiter.api.Test;

/** The CPU backend's caching pool: bookkeeping in bytes (4 per float), reuse, and closing rules. */
class HostMemoryPoolTest {
    private final HostMemoryPool pool = new HostMemoryPool();

    @Test
    void allocatesZeroFilledHostBuffers() {
        DeviceBuffer b = pool.allocate(10);
        assertEquals(10, b.length());
        assertEquals(40, b.bytes());
        assertEquals(Device.CPU, b.device());
        assertArrayEquals(new float[10], ((HostBuffer) b).array(), 0f);
        b.close();
    }

    @Test
    void countsBytesInUsePeakAndReserved() {
        DeviceBuffer a = pool.allocate(10);   // 40 bytes
        DeviceBuffer b = pool.allocate(25);   // 100 bytes
        assertEquals(140, pool.bytesInUse());
        assertEquals(140, pool.peakBytes());
        assertEquals(140, pool.reservedBytes());

        a.close();
        assertEquals(100, pool.bytesInUse());
        assertEquals(140, pool.peakBytes(), "the peak remembers the high-water mark");
        assertEquals(140, pool.reservedBytes(), "a freed block stays cached");

        pool.resetPeak();
        assertEquals(100, pool.peakBytes(), "reset to what is in use now");
        b.close();
        assertEquals(0, pool.bytesInUse());
    }

    /** A freed block of the same size is handed out again, zeroed, without reserving more memory. */
    @Test
    void reusesAFreedBlockOfTheSameSizeZeroed() {
        HostBuffer first = (HostBuffer) pool.allocate(8);
        float[] memory = first.array();
        memory[3] = 42f;
        first.close();

        HostBuffer second = (HostBuffer) pool.allocate(8);
        assertSame(memory, second.array(), "the cached block is reused");
        assertArrayEquals(new float[8], second.array(), 0f, "and cleared before it is handed out");
        assertEquals(32, pool.reservedBytes(), "no new memory was reserved");

        HostBuffer other = (HostBuffer) pool.allocate(9);
        assertNotSame(memory, other.array(), "a block of another size is not reused");
        assertEquals(32 + 36, pool.reservedBytes());
        second.close();
        other.close();
    }

    @Test
    void emptyCacheReleasesOnlyFreeBlocks() {
        DeviceBuffer kept = pool.allocate(4);
        pool.allocate(6).close();
        assertEquals(40, pool.reservedBytes());
        pool.emptyCache();
        assertEquals(16, pool.reservedBytes(), "the 6-float block was cached and is given back");
        assertEquals(16, pool.bytesInUse());
        kept.close();
        pool.emptyCache();
        assertEquals(0, pool.reservedBytes());
    }

    @Test
    void closingTwiceFailsClearly() {
        DeviceBuffer b = pool.allocate(5);
        b.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, b::close);
        assertTrue(e.getMessage().contains("closed twice"), e.getMessage());
        assertEquals(0, pool.bytesInUse(), "the failed second close did not release again");
    }

    @Test
    void useAfterCloseFailsClearly() {
        HostBuffer b = (HostBuffer) pool.allocate(5);
        b.close();
        assertTrue(b.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, b::array);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void rejectsNegativeAndOversizedRequests() {
        assertThrows(IllegalArgumentException.class, () -> pool.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> pool.allocate(1L << 31));
    }

    @Test
    void anEmptyBufferIsAllowed() {
        DeviceBuffer b = pool.allocate(0);
        assertEquals(0, b.length());
        b.close();
    }
}
