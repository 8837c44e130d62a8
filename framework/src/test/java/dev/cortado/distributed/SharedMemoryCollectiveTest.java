package dev.cortado.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.backend.Backend;
import dev.cortado.backend.cpu.CpuBackend;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The shared-memory transport: sums in rank order on every rank, in-flight operations, and every edge. */
class SharedMemoryCollectiveTest {
    private static final Backend CPU = new CpuBackend(1);
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @AfterAll
    static void close() {
        CPU.close();
    }

    /** Runs {@code body} for every rank of a new group of {@code size}, each on its own thread; returns each rank's result. */
    private static <T> List<T> onEveryRank(int size, RankBody<T> body) {
        List<Collective> group = SharedMemoryCollective.group(size);
        ExecutorService pool = Executors.newFixedThreadPool(size);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Collective c : group) {
                futures.add(pool.submit(() -> body.run(c)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } finally {
            pool.shutdownNow();
            group.forEach(Collective::close);
        }
    }

    @FunctionalInterface
    private interface RankBody<T> {
        T run(Collective c) throws Exception;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Mixed magnitudes, so that another summation order would change low bits.
            v[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-3, 4)));
        }
        return v;
    }

    /** Rank r's tensors of the given sizes, filled from seeds that depend on r. */
    private static List<Tensor> tensors(int rank, int... sizes) {
        List<Tensor> out = new ArrayList<>();
        for (int j = 0; j < sizes.length; j++) {
            out.add(CPU.upload(Shape.of(sizes[j]), random(sizes[j], 100L * rank + j)));
        }
        return out;
    }

    /** ((x₀ + x₁) + x₂) + … in float, rank by rank: the order the transport promises. */
    private static float[] rankOrderSum(int ranks, int tensor, int n) {
        float[] sum = random(n, tensor);
        for (int r = 1; r < ranks; r++) {
            float[] x = random(n, 100L * r + tensor);
            for (int i = 0; i < n; i++) {
                sum[i] += x[i];
            }
        }
        return sum;
    }

    @Test
    void threeRanksSumInRankOrderAndEndWithTheSameBits() {
        // Uneven tensor sizes in one message, a zero-size tensor among them, and one longer than the others.
        int[] sizes = {7, 0, 1, 1000, 3};
        List<List<float[]>> results = assertTimeoutPreemptively(LIMIT, () -> onEveryRank(3, c -> {
            List<Tensor> mine = tensors(c.rank(), sizes);
            c.allReduce(mine).await();
            List<float[]> host = new ArrayList<>();
            mine.forEach(t -> host.add(CPU.download(t)));
            return host;
        }));
        for (int j = 0; j < sizes.length; j++) {
            float[] expected = rankOrderSum(3, j, sizes[j]);
            for (int r = 0; r < 3; r++) {
                assertArrayEquals(expected, results.get(r).get(j), 0f, "tensor " + j + " on rank " + r);
            }
        }
    }

    @Test
    void oneRankIsTheIdentityAndCompletesAtOnce() {
        List<Collective> group = SharedMemoryCollective.group(1);
        try (Collective c = group.get(0)) {
            List<Tensor> mine = tensors(0, 5, 0);
            float[] before = CPU.download(mine.get(0));
            Work w = c.allReduce(mine);
            assertTrue(w.isCompleted(), "nobody to wait for");
            w.await();
            assertArrayEquals(before, CPU.download(mine.get(0)), 0f);
            c.broadcast(mine, 0);
            c.barrier();
            assertEquals(1, c.size());
        }
    }

    @Test
    void anEmptyMessageAndABarrierComplete() {
        List<Integer> done = assertTimeoutPreemptively(LIMIT, () -> onEveryRank(4, c -> {
            c.allReduce(List.of()).await();
            c.barrier();
            return c.rank();
        }));
        assertEquals(List.of(0, 1, 2, 3), done);
    }

    @Test
    void broadcastCopiesTheRootsTensorsToEveryRank() {
        List<float[]> results = assertTimeoutPreemptively(LIMIT, () -> onEveryRank(3, c -> {
            List<Tensor> mine = tensors(c.rank(), 11);
            c.broadcast(mine, 1);
            return CPU.download(mine.get(0));
        }));
        float[] root = random(11, 100L);
        results.forEach(r -> assertArrayEquals(root, r, 0f));
    }

    /** Far more operations in flight than the transport has slots: a rank that runs ahead waits, nothing is lost. */
    @Test
    void manyOperationsInFlightCompleteInOrder() {
        int ops = SharedMemoryCollective.SLOTS * 2 + 17;
        List<float[]> results = assertTimeoutPreemptively(LIMIT, () -> onEveryRank(2, c -> {
            List<Tensor> ones = new ArrayList<>();
            List<Work> works = new ArrayList<>();
            float[] sums = new float[ops];
            for (int i = 0; i < ops; i++) {
                Tensor t = CPU.upload(Shape.of(1), i + c.rank());
                ones.add(t);
                works.add(c.allReduce(List.of(t)));
                if (i >= SharedMemoryCollective.SLOTS / 2) {
                    // A handle stays valid until SLOTS more operations: await each well before that.
                    int old = i - SharedMemoryCollective.SLOTS / 2;
                    works.get(old).await();
                    sums[old] = CPU.download(ones.get(old))[0];
                }
            }
            for (int old = ops - SharedMemoryCollective.SLOTS / 2; old < ops; old++) {
                works.get(old).await();
                sums[old] = CPU.download(ones.get(old))[0];
            }
            return sums;
        }));
        for (int i = 0; i < ops; i++) {
            assertEquals(2f * i + 1, results.get(0)[i], "operation " + i);
            assertEquals(results.get(0)[i], results.get(1)[i]);
        }
    }

    @Test
    void mismatchedSizesFailOnEveryRankNamingTheTensor() {
        IntFunction<int[]> sizes = rank -> rank == 0 ? new int[] {4, 4} : new int[] {4, 5};
        List<Throwable> errors = assertTimeoutPreemptively(LIMIT, () -> onEveryRank(2, c -> {
            try {
                c.allReduce(tensors(c.rank(), sizes.apply(c.rank()))).await();
                return null;
            } catch (CollectiveAbortedException e) {
                return e.getCause();
            }
        }));
        for (Throwable e : errors) {
            assertTrue(e instanceof IllegalStateException && e.getMessage().contains("tensor 1 has 4 elements on rank 0"
                    + " and 5 on rank 1"), String.valueOf(e));
        }
    }

    @Test
    void abortWakesARankThatWaitsForAPartnerThatIsGone() {
        List<Collective> group = SharedMemoryCollective.group(2);
        try {
            Work w = group.get(0).allReduce(tensors(0, 3));
            assertFalse(w.isCompleted(), "rank 1 has not called");
            RuntimeException failure = new IllegalStateException("replica 1 ran out of memory");
            Thread other = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                group.get(1).abort(failure);
            });
            other.start();
            CollectiveAbortedException e = assertTimeoutPreemptively(LIMIT,
                    () -> assertThrows(CollectiveAbortedException.class, w::await));
            assertTrue(e.getCause() == failure);
            assertThrows(CollectiveAbortedException.class, () -> group.get(0).barrier(), "the group stays aborted");
        } finally {
            group.forEach(Collective::close);
        }
    }

    @Test
    void theAllReduceTimeIsCounted() {
        List<Long> nanos = assertTimeoutPreemptively(LIMIT, () -> onEveryRank(2, c -> {
            c.allReduce(tensors(c.rank(), 100_000)).await();
            c.barrier();
            return c.allReduceNanos();
        }));
        assertTrue(nanos.get(0) > 0);
        assertEquals(nanos.get(0), nanos.get(1), "one group, one figure");
    }
}
