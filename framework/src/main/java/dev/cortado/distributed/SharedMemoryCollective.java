package dev.cortado.distributed;

import dev.cortado.backend.cpu.HostBuffer;
import dev.cortado.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The in-process transport between CPU replicas: the ranks share the host memory their tensors live in,
 * so an operation reads and writes every rank's arrays directly, without copies into a message.
 *
 * <p>Operations are numbered per rank in the order it issues them (every rank issues the same sequence).
 * {@link #allReduce} hands the rank's tensors in and returns; the rank that hands them in last runs the
 * operation at once, on its own thread, so the others go on with backward meanwhile. (A communication
 * thread of its own would have to be woken for each bucket, and on a machine whose cores the replicas
 * already fill, that wake-up can wait for a scheduler time slice of several milliseconds.) The sum of
 * element i is {@code ((x₀ + x₁) + x₂) + …} in rank order, written back to every rank: the same bits
 * whatever the timing and whoever runs it, and the same bits on every rank.
 */
public final class SharedMemoryCollective implements Collective {
    /**
     * Operations of the group in flight at once, at most: a rank that runs this far ahead of the slowest
     * waits for it. A Work handle stays valid until its rank has issued this many more operations.
     */
    static final int SLOTS = 1024;
    /** How long a waiting rank polls before it parks: longer than a small bucket's reduction, shorter than a step. */
    private static final long SPIN_NANOS = 20_000;

    private final Group group;
    private final int rank;
    private long issued;

    private SharedMemoryCollective(Group group, int rank) {
        this.group = group;
        this.rank = rank;
    }

    /** The ranks 0 to {@code size - 1} of a new group, in rank order; each is to be used by one thread at a time. */
    public static List<Collective> group(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a collective group needs at least one rank, got " + size);
        }
        Group g = new Group(size);
        List<Collective> ranks = new ArrayList<>(size);
        for (int r = 0; r < size; r++) {
            ranks.add(new SharedMemoryCollective(g, r));
        }
        return List.copyOf(ranks);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return group.size;
    }

    @Override
    public Work allReduce(List<Tensor> tensors) {
        return group.issue(rank, issued++, Kind.ALL_REDUCE, tensors, -1);
    }

    @Override
    public void broadcast(List<Tensor> tensors, int root) {
        if (root < 0 || root >= group.size) {
            throw new IllegalArgumentException("broadcast from rank " + root + " in a group of " + group.size);
        }
        group.issue(rank, issued++, Kind.BROADCAST, tensors, root).await();
    }

    @Override
    public void barrier() {
        group.issue(rank, issued++, Kind.BARRIER, List.of(), -1).await();
    }

    @Override
    public void abort(Throwable cause) {
        group.abort(cause);
    }

    @Override
    public long allReduceNanos() {
        return group.allReduceNanos.sum();
    }

    /** Nothing to release: the group is memory, and has no thread of its own. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "shared-memory collective, rank " + rank + " of " + group.size;
    }

    private enum Kind {
        ALL_REDUCE, BROADCAST, BARRIER;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** One rank's handle on the operation in a slot; reused each time the slot comes round again. */
    private static final class Pending implements Work {
        private final Group group;
        private final Slot slot;
        private long sequence;
        private volatile Thread waiter;

        Pending(Group group, Slot slot) {
            this.group = group;
            this.slot = slot;
        }

        @Override
        public void await() {
            group.waitUntilCompleted(slot, this, sequence);
        }

        @Override
        public boolean isCompleted() {
            return slot.completed >= sequence;
        }
    }

    /** The place of operations number n, n + SLOTS, n + 2·SLOTS, … of every rank. */
    private static final class Slot {
        final AtomicInteger arrived = new AtomicInteger();
        final Kind[] kinds;
        final List<?>[] tensors;
        final int[] roots;
        final Pending[] pending;
        /** The last operation completed in this slot; -1 before the first. */
        volatile long completed = -1;

        Slot(Group group) {
            kinds = new Kind[group.size];
            tensors = new List<?>[group.size];
            roots = new int[group.size];
            pending = new Pending[group.size];
            for (int r = 0; r < group.size; r++) {
                pending[r] = new Pending(group, this);
            }
        }
    }

    private static final class Group {
        final int size;
        final Slot[] slots = new Slot[SLOTS];
        final AtomicReference<Throwable> aborted = new AtomicReference<>();
        final LongAdder allReduceNanos = new LongAdder();

        Group(int size) {
            this.size = size;
            for (int i = 0; i < SLOTS; i++) {
                slots[i] = new Slot(this);
            }
        }

        Work issue(int rank, long sequence, Kind kind, List<Tensor> tensors, int root) {
            for (int j = 0; j < tensors.size(); j++) {
                Tensor t = tensors.get(j);
                if (!(t.buffer() instanceof HostBuffer)) {
                    throw new IllegalArgumentException(kind.text() + " on rank " + rank + ": tensor " + t
                            + " is not in host memory; the shared-memory collective connects CPU replicas");
                }
            }
            Slot slot = slots[(int) (sequence % SLOTS)];
            Pending pending = slot.pending[rank];
            // The slot's previous operation must be done before this one takes its place.
            waitUntilCompleted(slot, pending, sequence - SLOTS);
            slot.kinds[rank] = kind;
            slot.tensors[rank] = tensors;
            slot.roots[rank] = root;
            pending.sequence = sequence;
            if (slot.arrived.incrementAndGet() == size) {
                try {
                    complete(slot, sequence);
                } catch (RuntimeException | Error e) {
                    abort(e);
                    throw new CollectiveAbortedException(e);
                }
            }
            return pending;
        }

        void waitUntilCompleted(Slot slot, Pending pending, long sequence) {
            if (slot.completed >= sequence) {
                return;
            }
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (slot.completed < sequence) {
                Throwable cause = aborted.get();
                if (cause != null) {
                    throw new CollectiveAbortedException(cause);
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                // Registered before the last check: a completion after it unparks this thread.
                pending.waiter = Thread.currentThread();
                if (slot.completed < sequence && aborted.get() == null) {
                    LockSupport.park(this);
                }
                pending.waiter = null;
            }
        }

        /** Runs the operation whose last rank has just arrived, on that rank's thread, and releases the waiters. */
        private void complete(Slot slot, long sequence) {
            long start = System.nanoTime();
            Kind kind = slot.kinds[0];
            run(slot, kind);
            if (kind == Kind.ALL_REDUCE) {
                allReduceNanos.add(System.nanoTime() - start);
            }
            for (int r = 0; r < size; r++) {
                slot.tensors[r] = null;
            }
            slot.arrived.set(0);
            slot.completed = sequence;
            for (Pending p : slot.pending) {
                Thread waiting = p.waiter;
                if (waiting != null) {
                    LockSupport.unpark(waiting);
                }
            }
        }

        @SuppressWarnings("unchecked")
        private void run(Slot slot, Kind kind) {
            List<Tensor> first = (List<Tensor>) slot.tensors[0];
            for (int r = 1; r < size; r++) {
                List<Tensor> other = (List<Tensor>) slot.tensors[r];
                if (slot.kinds[r] != kind || slot.roots[r] != slot.roots[0]) {
                    throw new IllegalStateException("mismatched collectives: rank 0 called " + describe(kind, slot.roots[0])
                            + " where rank " + r + " called " + describe(slot.kinds[r], slot.roots[r])
                            + "; every rank must issue the same operations in the same order");
                }
                if (other.size() != first.size()) {
                    throw new IllegalStateException(kind.text() + ": rank 0 passed " + first.size() + " tensors, rank "
                            + r + " " + other.size());
                }
                for (int j = 0; j < first.size(); j++) {
                    if (other.get(j).size() != first.get(j).size()) {
                        throw new IllegalStateException(kind.text() + ": tensor " + j + " has " + first.get(j).size()
                                + " elements on rank 0 and " + other.get(j).size() + " on rank " + r);
                    }
                }
            }
            switch (kind) {
                case ALL_REDUCE -> {
                    for (int j = 0; j < first.size(); j++) {
                        float[] sum = array(first.get(j));
                        int n = first.get(j).shape().intSize();
                        for (int r = 1; r < size; r++) {
                            add(sum, array(((List<Tensor>) slot.tensors[r]).get(j)), n);
                        }
                        for (int r = 1; r < size; r++) {
                            System.arraycopy(sum, 0, array(((List<Tensor>) slot.tensors[r]).get(j)), 0, n);
                        }
                    }
                }
                case BROADCAST -> {
                    int root = slot.roots[0];
                    List<Tensor> source = (List<Tensor>) slot.tensors[root];
                    for (int r = 0; r < size; r++) {
                        if (r == root) {
                            continue;
                        }
                        List<Tensor> target = (List<Tensor>) slot.tensors[r];
                        for (int j = 0; j < source.size(); j++) {
                            System.arraycopy(array(source.get(j)), 0, array(target.get(j)), 0,
                                    source.get(j).shape().intSize());
                        }
                    }
                }
                case BARRIER -> { }
            }
        }

        private static String describe(Kind kind, int root) {
            return kind == Kind.BROADCAST ? "broadcast from rank " + root : kind.text();
        }

        private static void add(float[] sum, float[] x, int n) {
            for (int i = 0; i < n; i++) {
                sum[i] += x[i];
            }
        }

        private static float[] array(Tensor t) {
            return ((HostBuffer) t.buffer()).array();
        }

        void abort(Throwable cause) {
            if (!aborted.compareAndSet(null, cause)) {
                return;
            }
            for (Slot slot : slots) {
                for (Pending p : slot.pending) {
                    Thread waiting = p.waiter;
                    if (waiting != null) {
                        LockSupport.unpark(waiting);
                    }
                }
            }
        }
    }
}
