package dev.cortado.distributed;

import dev.cortado.tensor.Tensor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the ranks of an in-process group meet for each collective operation: the part every in-process
 * transport shares. Operations are numbered per rank in the order it issues them (every rank issues the
 * same sequence); a rank hands its tensors in and goes on, and the rank that hands them in last runs the
 * operation on its own thread — a shared-memory sum, or the enqueueing of a ring of GPU copies — after
 * checking that all ranks called the same operation on tensors of the same sizes. (A communication thread
 * of its own would have to be woken for each bucket, and on a machine whose cores the replicas fill, that
 * wake-up can wait a scheduler time slice of several milliseconds.)
 *
 * <p>{@link #abort} fails every pending and later operation on every rank, so that no rank waits for one
 * that failed.
 */
public final class Rendezvous {
    /**
     * Operations of the group in flight at once, at most: a rank that runs this far ahead of the slowest
     * waits for it. A {@link Work} stays valid until its rank has issued this many more operations.
     */
    public static final int SLOTS = 1024;
    /** How long a waiting rank polls before it parks: longer than a small bucket's reduction, shorter than a step. */
    private static final long SPIN_NANOS = 20_000;

    /** The collective operations. */
    public enum Kind {
        ALL_REDUCE, BROADCAST, BARRIER;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** What the ranks handed in for one operation, as the transport sees it when the last has arrived. */
    public interface Arrival {
        Kind kind();

        /** The broadcast root, -1 for the other operations. */
        int root();

        /** The tensors rank {@code r} handed in. */
        List<Tensor> tensors(int r);

        /** The slot, from 0 to {@link #SLOTS} - 1: a transport's per-operation resources can be kept by slot. */
        int slot();
    }

    /** Runs an operation once every rank has arrived, on the last rank's thread. */
    @FunctionalInterface
    public interface Operation {
        void run(Arrival arrival);
    }

    /**
     * Told on a rank's own thread when its operation has a slot, just before the rank hands it in: a GPU
     * transport records there where the operation's inputs are ready in the rank's stream.
     */
    @FunctionalInterface
    public interface ArrivalHook {
        void arriving(int rank, int slot);
    }

    private final int size;
    private final Operation operation;
    private final ArrivalHook hook;
    private final Slot[] slots = new Slot[SLOTS];
    private final AtomicReference<Throwable> aborted = new AtomicReference<>();

    public Rendezvous(int size, Operation operation) {
        this(size, operation, (rank, slot) -> { });
    }

    public Rendezvous(int size, Operation operation, ArrivalHook hook) {
        if (size < 1) {
            throw new IllegalArgumentException("a collective group needs at least one rank, got " + size);
        }
        this.size = size;
        this.operation = operation;
        this.hook = hook;
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot(i);
        }
    }

    public int size() {
        return size;
    }

    /**
     * Hands rank {@code rank}'s operation number {@code sequence} in, and runs it if this rank is the last
     * to arrive. Returns the rank's handle, which completes when the operation has run.
     *
     * @throws CollectiveAbortedException when the group is aborted, or this rank ran the operation and it failed
     */
    public Work arrive(int rank, long sequence, Kind kind, List<Tensor> tensors, int root) {
        Slot slot = slots[(int) (sequence % SLOTS)];
        Pending pending = slot.pending[rank];
        // The slot's previous operation must be done before this one takes its place.
        waitUntilCompleted(slot, pending, sequence - SLOTS);
        hook.arriving(rank, slot.index);
        slot.kinds[rank] = kind;
        slot.tensors[rank] = tensors;
        slot.roots[rank] = root;
        pending.sequence = sequence;
        if (slot.arrived.incrementAndGet() == size) {
            try {
                check(slot);
                operation.run(slot);
            } catch (RuntimeException | Error e) {
                abort(e);
                throw new CollectiveAbortedException(e);
            }
            slot.release(sequence);
        }
        return pending;
    }

    /** Fails every pending and later operation of the group with {@code cause}; the first cause wins. */
    public void abort(Throwable cause) {
        if (!aborted.compareAndSet(null, cause)) {
            return;
        }
        for (Slot slot : slots) {
            slot.unparkWaiters();
        }
    }

    private void waitUntilCompleted(Slot slot, Pending pending, long sequence) {
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

    private void check(Slot slot) {
        Kind kind = slot.kinds[0];
        List<?> first = slot.tensors[0];
        for (int r = 1; r < size; r++) {
            List<?> other = slot.tensors[r];
            if (slot.kinds[r] != kind || slot.roots[r] != slot.roots[0]) {
                throw new IllegalStateException("mismatched collectives: rank 0 called " + describe(kind, slot.roots[0])
                        + " where rank " + r + " called " + describe(slot.kinds[r], slot.roots[r])
                        + "; every rank must issue the same operations in the same order");
            }
            if (other.size() != first.size()) {
                throw new IllegalStateException(kind.text() + ": rank 0 passed " + first.size() + " tensors, rank " + r
                        + " " + other.size());
            }
            for (int j = 0; j < first.size(); j++) {
                long a = ((Tensor) first.get(j)).size();
                long b = ((Tensor) other.get(j)).size();
                if (a != b) {
                    throw new IllegalStateException(kind.text() + ": tensor " + j + " has " + a + " elements on rank 0 and "
                            + b + " on rank " + r);
                }
            }
        }
    }

    private static String describe(Kind kind, int root) {
        return kind == Kind.BROADCAST ? "broadcast from rank " + root : kind.text();
    }

    /** One rank's handle on the operation in a slot; reused each time the slot comes round again. */
    private final class Pending implements Work {
        private final Slot slot;
        private long sequence;
        private volatile Thread waiter;

        Pending(Slot slot) {
            this.slot = slot;
        }

        @Override
        public void await() {
            waitUntilCompleted(slot, this, sequence);
        }

        @Override
        public boolean isCompleted() {
            return slot.completed >= sequence;
        }
    }

    /** The place of operations number n, n + SLOTS, n + 2·SLOTS, … of every rank. */
    private final class Slot implements Arrival {
        final int index;
        final AtomicInteger arrived = new AtomicInteger();
        final Kind[] kinds = new Kind[size];
        final List<?>[] tensors = new List<?>[size];
        final int[] roots = new int[size];
        final Pending[] pending = new Pending[size];
        /** The last operation completed in this slot; -1 before the first. */
        volatile long completed = -1;

        Slot(int index) {
            this.index = index;
            for (int r = 0; r < size; r++) {
                pending[r] = new Pending(this);
            }
        }

        @Override
        public Kind kind() {
            return kinds[0];
        }

        @Override
        public int root() {
            return roots[0];
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Tensor> tensors(int r) {
            return (List<Tensor>) tensors[r];
        }

        @Override
        public int slot() {
            return index;
        }

        void release(long sequence) {
            java.util.Arrays.fill(tensors, null);
            arrived.set(0);
            completed = sequence;
            unparkWaiters();
        }

        void unparkWaiters() {
            for (Pending p : pending) {
                Thread waiting = p.waiter;
                if (waiting != null) {
                    LockSupport.unpark(waiting);
                }
            }
        }
    }
}
