package dev.cortado.distributed;

import dev.cortado.tensor.Tensor;
import java.util.List;

/**
 * One rank's handle on a group of replicas that exchange tensors (c10d's ProcessGroup). Every rank of the
 * group calls the same operations in the same order, with lists of tensors of the same sizes on its own
 * device; an operation completes once every rank has called it.
 *
 * <p>Sums are taken in an order the transport fixes (rank order in shared memory, ring order between GPUs),
 * never in the order ranks happen to arrive, so a run with a given seed repeats bit for bit, and every
 * rank ends with the same bits.
 */
public interface Collective extends AutoCloseable {
    /** This handle's rank, from 0. */
    int rank();

    /** The ranks in the group. */
    int size();

    /**
     * Starts replacing each tensor, element by element, by its sum over the group; the list travels as one
     * flat message. Returns at once; the tensors must not be read or written until the work completes.
     */
    Work allReduce(List<Tensor> tensors);

    /** Copies rank {@code root}'s tensors into every other rank's; returns when this rank's copy is done. */
    void broadcast(List<Tensor> tensors, int root);

    /** Returns once every rank of the group has called it. */
    void barrier();

    /**
     * Fails every pending and later operation of the whole group, on every rank, with a
     * {@link CollectiveAbortedException} whose cause is {@code cause}: a replica that failed must not leave
     * the others waiting for it. The first cause wins.
     */
    void abort(Throwable cause);

    /**
     * Nanoseconds the transport has spent on all-reduces since the group was made, each counted from the
     * moment its last rank called it to its completion; the same figure on every rank.
     */
    long allReduceNanos();

    /** Releases the rank's resources; the group's shared ones go with the last rank closed. */
    @Override
    void close();
}
