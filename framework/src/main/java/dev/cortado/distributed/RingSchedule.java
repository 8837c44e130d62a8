package dev.cortado.distributed;

/**
 * The ring all-reduce (Patarasuk and Yuan 2009; the algorithm of Baidu's allreduce and NCCL's rings): the
 * message of n elements is cut into K chunks, one per rank; in K − 1 reduce-scatter steps each rank sends
 * one chunk to the next rank, which adds it to its own, until rank r holds the sum of chunk r + 1; in K − 1
 * all-gather steps the sums go round the ring and overwrite the partial chunks. Each rank sends and receives
 * 2(K − 1)/K of the message, whatever K: the bandwidth term that makes the ring the choice for large
 * gradients.
 *
 * <p>Chunk c's sum is taken in ring order from rank c: {@code ((x_c + x_{c+1}) + …) + x_{c−1}} — fixed by the
 * schedule, not by timing, so the result repeats bit for bit and every rank ends with the same bits.
 */
public final class RingSchedule {
    private final int ranks;
    private final long elements;

    public RingSchedule(int ranks, long elements) {
        if (ranks < 1 || elements < 0) {
            throw new IllegalArgumentException("a ring of " + ranks + " ranks over " + elements + " elements");
        }
        this.ranks = ranks;
        this.elements = elements;
    }

    public int ranks() {
        return ranks;
    }

    /** Steps in each phase: K − 1. */
    public int steps() {
        return ranks - 1;
    }

    /** The rank each rank sends to. */
    public int next(int rank) {
        return (rank + 1) % ranks;
    }

    /** The first element of chunk {@code c}: even chunks, the first n mod K one element longer. */
    public long chunkStart(int c) {
        long base = elements / ranks;
        long extra = elements % ranks;
        return c * base + Math.min(c, extra);
    }

    /** The elements in chunk {@code c}; zero when the message has fewer elements than the ring has ranks. */
    public long chunkSize(int c) {
        return elements / ranks + (c < elements % ranks ? 1 : 0);
    }

    /** The largest chunk: the receive buffer a rank needs. */
    public long largestChunk() {
        return chunkSize(0);
    }

    /** Reduce-scatter step {@code step}: the chunk {@code rank} sends to {@link #next}, which adds it to its own. */
    public int reduceScatterChunk(int rank, int step) {
        return Math.floorMod(rank - step, ranks);
    }

    /** All-gather step {@code step}: the chunk {@code rank} sends to {@link #next}, which overwrites its own. */
    public int allGatherChunk(int rank, int step) {
        return Math.floorMod(rank + 1 - step, ranks);
    }

    /** Bytes each rank sends (and receives) for a message of {@code messageBytes}: 2(K − 1)/K of it. */
    public static double bytesPerRank(int ranks, double messageBytes) {
        return 2.0 * (ranks - 1) / ranks * messageBytes;
    }
}
