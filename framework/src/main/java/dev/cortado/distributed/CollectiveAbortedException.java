package dev.cortado.distributed;

/**
 * A collective operation that cannot complete because its group was aborted, as a rule because another
 * replica failed: the cause is that failure, so that no replica waits for a partner that is gone.
 */
public final class CollectiveAbortedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CollectiveAbortedException(Throwable cause) {
        super("the collective group was aborted: " + cause, cause);
    }
}
