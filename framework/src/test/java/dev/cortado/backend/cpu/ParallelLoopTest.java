package dev.cortado.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The fork/join of the CPU ops: every index runs exactly once, in the chunks the count, grain and
 * thread count imply; failures surface in the caller; nested and concurrent calls run serially
 * instead of deadlocking; and thousands of back-to-back jobs (the spin-then-park hand-off) lose none.
 */
class ParallelLoopTest {

    @Test
    void everyIndexRunsOnceInContiguousChunks() {
        try (ParallelLoop loop = new ParallelLoop(3)) {
            for (int count : new int[] {0, 1, 2, 3, 10, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(count);
                loop.forRange(count, 1, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertEquals(1, hits.get(i), "index " + i + " of " + count);
                }
            }
        }
    }

    /** Chunk c of n over count indices is [count·c/n, count·(c+1)/n): 10 over 3 threads → 0-3, 3-6, 6-10. */
    @Test
    void chunkBoundariesDependOnlyOnCountAndThreads() {
        try (ParallelLoop loop = new ParallelLoop(3)) {
            int[] startOf = new int[10];
            java.util.Arrays.fill(startOf, -1);
            loop.forRange(10, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    startOf[i] = from;
                }
            });
            assertArrayEquals(new int[] {0, 0, 0, 3, 3, 3, 6, 6, 6, 6}, startOf);
        }
    }

    @Test
    void aFailingChunkIsRethrownInTheCaller() {
        try (ParallelLoop loop = new ParallelLoop(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.forRange(10, 1, (from, to) -> {
                if (from > 0) {
                    throw new IllegalStateException("worker chunk " + from);
                }
            }));
            assertEquals("worker chunk 5", e.getMessage());
            assertThrows(ArithmeticException.class, () -> loop.forRange(10, 1, (from, to) -> {
                if (from == 0) {
                    throw new ArithmeticException("caller chunk");
                }
            }));
            // The loop still works after failures.
            AtomicIntegerArray hits = new AtomicIntegerArray(4);
            loop.forRange(4, 1, (from, to) -> hits.addAndGet(from, to - from));
            assertEquals(2, hits.get(0));
            assertEquals(2, hits.get(2));
        }
    }

    @Test
    void nestedLoopsRunSeriallyInsideTheirChunk() {
        try (ParallelLoop loop = new ParallelLoop(2)) {
            AtomicIntegerArray hits = new AtomicIntegerArray(100);
            loop.forRange(10, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    int row = i;
                    loop.forRange(10, 1, (a, b) -> {
                        for (int j = a; j < b; j++) {
                            hits.incrementAndGet(row * 10 + j);
                        }
                    });
                }
            });
            for (int i = 0; i < 100; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void manyBackToBackJobsAndTwoCallingThreadsLoseNoWork() throws InterruptedException {
        try (ParallelLoop loop = new ParallelLoop(2)) {
            long[] sums = new long[2];
            Thread[] callers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                int id = t;
                callers[t] = new Thread(() -> {
                    for (int job = 0; job < 5000; job++) {
                        long[] parts = new long[2];
                        loop.forRange(64, 1, (from, to) -> parts[from == 0 ? 0 : 1] += to - from);
                        sums[id] += parts[0] + parts[1];
                    }
                });
                callers[t].start();
            }
            for (Thread c : callers) {
                c.join(30_000);
                assertTrue(!c.isAlive(), "a caller is stuck");
            }
            assertEquals(5000L * 64, sums[0]);
            assertEquals(5000L * 64, sums[1]);
        }
    }

    @Test
    void aClosedLoopRunsSerially() {
        ParallelLoop loop = new ParallelLoop(2);
        loop.close();
        AtomicIntegerArray hits = new AtomicIntegerArray(8);
        loop.forRange(8, 1, (from, to) -> hits.addAndGet(from, to - from));
        assertEquals(8, hits.get(0));
    }
}
