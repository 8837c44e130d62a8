package dev.cortado.nn;

/**
 * A training run that cannot fit in the memory available to it, found by a {@link MemoryPlan}
 * before anything was allocated. The message says what the run needs, by category, what is
 * available, and the largest batch size that fits (or that not even a batch of one does).
 */
public class InsufficientMemoryException extends RuntimeException {
    private final transient MemoryPlan plan;
    private final long availableBytes;
    private final int largestBatch;

    public InsufficientMemoryException(String message, MemoryPlan plan, long availableBytes, int largestBatch) {
        super(message);
        this.plan = plan;
        this.availableBytes = availableBytes;
        this.largestBatch = largestBatch;
    }

    public MemoryPlan plan() {
        return plan;
    }

    public long availableBytes() {
        return availableBytes;
    }

    /** The largest batch size that fits, or 0 when not even one sample does. */
    public int largestBatch() {
        return largestBatch;
    }
}
