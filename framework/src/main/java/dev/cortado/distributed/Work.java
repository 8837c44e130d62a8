package dev.cortado.distributed;

/**
 * An operation a {@link Collective} has started (c10d's {@code Work}). The tensors handed to it belong to
 * the operation until {@link #await()} returns.
 */
public interface Work {
    /**
     * Blocks until the operation has completed for this rank.
     *
     * @throws CollectiveAbortedException when the group was aborted (a replica failed) before it completed
     */
    void await();

    /** Whether the operation has completed; never blocks. */
    boolean isCompleted();
}
