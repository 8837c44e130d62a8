package dev.cortado.backend.cuda;

/**
 * The size of the one workspace every cuDNN call of a backend shares: it grows to the largest need seen
 * so far (in 2 MiB steps, so that a series of slightly larger needs does not reallocate each time),
 * never beyond the limit, and never shrinks. The chosen algorithms already respect the limit, so a need
 * above it is a bug, reported as such.
 */
public final class WorkspaceSizing {
    private static final long STEP = 2L << 20;

    private WorkspaceSizing() {
    }

    /** The capacity to hold after a call that needs {@code needed} bytes, given the current capacity. */
    public static long capacityFor(long current, long needed, long limit) {
        if (needed < 0) {
            throw new IllegalArgumentException("negative workspace size " + needed);
        }
        if (needed > limit) {
            throw new IllegalStateException("a cuDNN call needs a workspace of " + needed
                    + " bytes, above the limit of " + limit + " bytes its algorithm was chosen under");
        }
        if (needed <= current) {
            return current;
        }
        long rounded = (needed + STEP - 1) / STEP * STEP;
        return Math.max(needed, Math.min(rounded, limit));
    }
}
