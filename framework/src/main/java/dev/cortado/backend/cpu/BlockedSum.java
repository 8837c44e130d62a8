package dev.cortado.backend.cpu;

/**
 * A parallel sum that gives the same double whatever the thread count: the index range is cut into
 * blocks of a fixed size, the blocks are summed in parallel into a reused array of partials, and the
 * partials are added in block order. Losses use it so that a run reproduces on any machine.
 */
final class BlockedSum {
    /** The sum of the terms with indices in [from, to). */
    @FunctionalInterface
    interface Terms {
        double sum(int from, int to);
    }

    private final ParallelLoop loop;
    private double[] partials = new double[0];

    BlockedSum(ParallelLoop loop) {
        this.loop = loop;
    }

    /**
     * Σ over [0, count) of the terms, in blocks of {@code blockSize} indices; {@code blocksPerTask} is
     * the parallel grain. Not reentrant: one op of the owning family runs at a time.
     */
    double sum(int count, int blockSize, int blocksPerTask, Terms terms) {
        int blocks = (int) (((long) count + blockSize - 1) / blockSize);
        if (partials.length < blocks) {
            partials = new double[Math.max(blocks, 2 * partials.length)];
        }
        double[] p = partials;
        loop.forRange(blocks, blocksPerTask, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int from = b * blockSize;
                p[b] = terms.sum(from, Math.min(count, from + blockSize));
            }
        });
        double total = 0;
        for (int b = 0; b < blocks; b++) {
            total += p[b];
        }
        return total;
    }
}
