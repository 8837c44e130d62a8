package dev.cortado.distributed;

import dev.cortado.backend.cpu.HostBuffer;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-process transport between CPU replicas: the ranks share the host memory their tensors live in,
 * so an operation reads and writes every rank's arrays directly, without copies into a message. The rank
 * that hands its tensors in last runs the operation on its own thread ({@link Rendezvous}); the others go
 * on with backward meanwhile. The sum of element i is {@code ((x₀ + x₁) + x₂) + …} in rank order, written
 * back to every rank: the same bits whatever the timing and whoever runs it, and the same bits on every
 * rank.
 */
public final class SharedMemoryCollective implements Collective {
    /** As {@link Rendezvous#SLOTS}. */
    static final int SLOTS = Rendezvous.SLOTS;

    private final Rendezvous rendezvous;
    private final LongAdder allReduceNanos;
    private final int rank;
    private long issued;

    private SharedMemoryCollective(Rendezvous rendezvous, LongAdder allReduceNanos, int rank) {
        this.rendezvous = rendezvous;
        this.allReduceNanos = allReduceNanos;
        this.rank = rank;
    }

    /** The ranks 0 to {@code size - 1} of a new group, in rank order; each is to be used by one thread at a time. */
    public static List<Collective> group(int size) {
        LongAdder nanos = new LongAdder();
        Rendezvous rendezvous = new Rendezvous(size, arrival -> run(arrival, size, nanos));
        List<Collective> ranks = new ArrayList<>(size);
        for (int r = 0; r < size; r++) {
            ranks.add(new SharedMemoryCollective(rendezvous, nanos, r));
        }
        return List.copyOf(ranks);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return rendezvous.size();
    }

    @Override
    public Work allReduce(List<Tensor> tensors) {
        return arrive(Rendezvous.Kind.ALL_REDUCE, tensors, -1);
    }

    @Override
    public void broadcast(List<Tensor> tensors, int root) {
        if (root < 0 || root >= size()) {
            throw new IllegalArgumentException("broadcast from rank " + root + " in a group of " + size());
        }
        arrive(Rendezvous.Kind.BROADCAST, tensors, root).await();
    }

    @Override
    public void barrier() {
        arrive(Rendezvous.Kind.BARRIER, List.of(), -1).await();
    }

    private Work arrive(Rendezvous.Kind kind, List<Tensor> tensors, int root) {
        for (int j = 0; j < tensors.size(); j++) {
            Tensor t = tensors.get(j);
            if (!(t.buffer() instanceof HostBuffer)) {
                throw new IllegalArgumentException(kind.name().toLowerCase(java.util.Locale.ROOT) + " on rank " + rank
                        + ": tensor " + t + " is not in host memory; the shared-memory collective connects CPU replicas");
            }
        }
        return rendezvous.arrive(rank, issued++, kind, tensors, root);
    }

    @Override
    public void abort(Throwable cause) {
        rendezvous.abort(cause);
    }

    @Override
    public long allReduceNanos() {
        return allReduceNanos.sum();
    }

    /** Nothing to release: the group is memory, and has no thread of its own. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "shared-memory collective, rank " + rank + " of " + size();
    }

    /** The operation, on the thread of the rank that arrived last. */
    private static void run(Rendezvous.Arrival a, int size, LongAdder nanos) {
        long start = System.nanoTime();
        switch (a.kind()) {
            case ALL_REDUCE -> {
                List<Tensor> first = a.tensors(0);
                for (int j = 0; j < first.size(); j++) {
                    float[] sum = array(first.get(j));
                    int n = first.get(j).shape().intSize();
                    for (int r = 1; r < size; r++) {
                        add(sum, array(a.tensors(r).get(j)), n);
                    }
                    for (int r = 1; r < size; r++) {
                        System.arraycopy(sum, 0, array(a.tensors(r).get(j)), 0, n);
                    }
                }
                nanos.add(System.nanoTime() - start);
            }
            case BROADCAST -> {
                List<Tensor> source = a.tensors(a.root());
                for (int r = 0; r < size; r++) {
                    if (r == a.root()) {
                        continue;
                    }
                    List<Tensor> target = a.tensors(r);
                    for (int j = 0; j < source.size(); j++) {
                        System.arraycopy(array(source.get(j)), 0, array(target.get(j)), 0, source.get(j).shape().intSize());
                    }
                }
            }
            case BARRIER -> { }
        }
    }

    private static void add(float[] sum, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            sum[i] += x[i];
        }
    }

    private static float[] array(Tensor t) {
        return ((HostBuffer) t.buffer()).array();
    }
}
