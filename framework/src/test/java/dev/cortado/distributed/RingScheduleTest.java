package dev.cortado.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The ring schedule the CUDA transport enqueues, played on host arrays exactly as the GPUs run it (a copy
 * into the receiver's buffer, then receiver += buffer; then copies round the ring): every rank ends with
 * the sums, in the ring order the schedule promises, for every size of ring and message.
 */
class RingScheduleTest {
    private static float[][] data(int ranks, int n) {
        float[][] x = new float[ranks][n];
        SplittableRandom random = new SplittableRandom(ranks * 1000L + n);
        for (float[] row : x) {
            for (int i = 0; i < n; i++) {
                row[i] = (float) ((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-3, 4)));
            }
        }
        return x;
    }

    /** What CudaRingCollective enqueues, step by step, on arrays. */
    private static void run(RingSchedule ring, float[][] x) {
        int k = ring.ranks();
        float[] received = new float[(int) ring.largestChunk()];
        for (int step = 0; step < ring.steps(); step++) {
            for (int r = 0; r < k; r++) {
                int c = ring.reduceScatterChunk(r, step);
                int from = (int) ring.chunkStart(c);
                int n = (int) ring.chunkSize(c);
                System.arraycopy(x[r], from, received, 0, n);
                float[] own = x[ring.next(r)];
                for (int i = 0; i < n; i++) {
                    own[from + i] = own[from + i] + received[i];
                }
            }
        }
        for (int step = 0; step < ring.steps(); step++) {
            for (int r = 0; r < k; r++) {
                int c = ring.allGatherChunk(r, step);
                System.arraycopy(x[r], (int) ring.chunkStart(c), x[ring.next(r)], (int) ring.chunkStart(c),
                        (int) ring.chunkSize(c));
            }
        }
    }

    /** Chunk c summed in ring order from rank c: ((x_c + x_{c+1}) + …) + x_{c−1}. */
    private static float[] expected(RingSchedule ring, float[][] x) {
        int k = ring.ranks();
        float[] sum = new float[x[0].length];
        for (int c = 0; c < k; c++) {
            for (long i = ring.chunkStart(c); i < ring.chunkStart(c) + ring.chunkSize(c); i++) {
                float s = x[c][(int) i];
                for (int j = 1; j < k; j++) {
                    s += x[(c + j) % k][(int) i];
                }
                sum[(int) i] = s;
            }
        }
        return sum;
    }

    private static void check(int ranks, int n) {
        RingSchedule ring = new RingSchedule(ranks, n);
        float[][] x = data(ranks, n);
        float[] want = expected(ring, x);
        run(ring, x);
        for (int r = 0; r < ranks; r++) {
            assertArrayEquals(want, x[r], 0f, ranks + " ranks, " + n + " elements, rank " + r);
        }
    }

    @Test
    void everyRankEndsWithTheRingOrderSums() {
        for (int ranks : new int[] {2, 3, 4, 8}) {
            for (int n : new int[] {1, 7, 64, 1001}) {
                check(ranks, n);
            }
        }
    }

    @Test
    void edgeCasesOfTheRing() {
        check(1, 10);   // one rank: no steps, the data is the sum
        check(4, 0);    // an empty message
        check(8, 3);    // fewer elements than ranks: five empty chunks
        RingSchedule ring = new RingSchedule(3, 10);
        assertArrayEquals(new long[] {4, 3, 3}, new long[] {ring.chunkSize(0), ring.chunkSize(1), ring.chunkSize(2)});
        assertArrayEquals(new long[] {0, 4, 7}, new long[] {ring.chunkStart(0), ring.chunkStart(1), ring.chunkStart(2)});
        assertEquals(0, new RingSchedule(1, 5).steps());
    }

    @Test
    void eachRankSendsTwiceKMinusOneOverKOfTheMessage() {
        assertEquals(100.0, RingSchedule.bytesPerRank(2, 100), 0);
        assertEquals(175.0, RingSchedule.bytesPerRank(8, 100), 0);
    }
}
