package dev.cortado.backend.cpu;

/**
 * The batched layout of the im2col algorithms (Chellapilla et al. 2006, as in Caffe): the columns of
 * a block of samples are unrolled side by side into one wide matrix, so that each group is one GEMM
 * {@code Y_g[Kg × nb·OH·OW] = W_g · col_g} per block instead of one narrow GEMM per sample; dy is
 * gathered into the same [K × nb·OH·OW] layout for the backward passes.
 *
 * <p>Threads share out contiguous runs of samples; each walks its run in blocks of at most
 * {@code blockFloats} floats of columns (so the workspace stays in L2 and its size is bounded whatever
 * the batch) with its GEMMs running serially inside it. A batch of one sample runs on the calling
 * thread and lets each GEMM spread over the threads instead. Blocks depend only on the batch, the
 * thread count and the block size, which keeps results independent of scheduling.
 */
final class Im2ColBlocks {
    /** Floats of the per-thread column matrix: 1 MiB, which an L2 of 1-2 MiB holds next to the GEMM's panels. */
    static final int DEFAULT_BLOCK_FLOATS = 1 << 18;
    /** One 64-byte cache line of floats, see {@link #columnStride}. */
    private static final int COLUMN_PAD_FLOATS = 16;

    private final ParallelLoop loop;
    private final int blockFloats;
    private final Workspaces columns;
    private final Workspaces outputs;

    Im2ColBlocks(ParallelLoop loop, int blockFloats, ConvScratch scratch) {
        if (blockFloats < 1) {
            throw new IllegalArgumentException("conv2d: block size must be positive, got " + blockFloats);
        }
        this.loop = loop;
        this.blockFloats = blockFloats;
        this.columns = scratch.columns();
        this.outputs = scratch.outputs();
    }

    /** Work on the samples [n0, n0 + nb), given a column workspace and one of K·nb·OH·OW floats. */
    @FunctionalInterface
    interface BlockWork {
        void run(int n0, int nb, float[] col, float[] out);
    }

    /**
     * Row stride of a block's column matrix for ld live columns: one cache line more than ld. The
     * GEMM reads col in place as B when C has few rows, walking down kc rows of one nr-wide sliver;
     * at ld = 1024 (a 32×32 plane) those rows lie 4 KiB apart and all fall into the same L1 set, so
     * the sliver cannot stay in L1. The extra line moves each row to the next set. Columns past ld
     * are never written nor read.
     */
    static int columnStride(int ld) {
        return ld + COLUMN_PAD_FLOATS;
    }

    /** Samples per block: as many as fit {@link #blockFloats} of columns (or of outputs), at least one. */
    int samplesPerBlock(ConvGeometry g) {
        long perSample = (long) Math.max(g.colRows(), g.outChannels()) * g.outputPlane();
        return (int) Math.max(1, Math.min(g.batch(), blockFloats / Math.max(1, perSample)));
    }

    /** Runs {@code work} over the batch in blocks, each thread over its own run of samples. */
    void forEachBlock(ConvGeometry g, BlockWork work) {
        int block = samplesPerBlock(g);
        loop.forRange(g.batch(), 1, (from, to) -> {
            int most = Math.min(block, to - from);
            float[] col = columns.take(g.colRows() * columnStride(g.outputPlane() * most));
            float[] out = outputs.take(most > 1 ? g.outChannels() * g.outputPlane() * most : 0);
            try {
                for (int n0 = from; n0 < to; n0 += block) {
                    work.run(n0, Math.min(block, to - n0), col, out);
                }
            } finally {
                columns.give(col);
                outputs.give(out);
            }
        });
    }

    /** The pool of column matrices, for a caller that walks its own run of samples (the filter gradient). */
    Workspaces columns() {
        return columns;
    }

    /** The pool of [K × nb·OH·OW] blocks. */
    Workspaces outputs() {
        return outputs;
    }

    /** y[n0 + s, k, :] = out[k, s·P ...] for a block's [K × nb·P] product. */
    static void scatter(float[] out, int ld, float[] y, int n0, int nb, int channels, int pixels) {
        int outSample = channels * pixels;
        for (int s = 0; s < nb; s++) {
            for (int k = 0; k < channels; k++) {
                System.arraycopy(out, k * ld + s * pixels, y, (n0 + s) * outSample + k * pixels, pixels);
            }
        }
    }

    /** gathered[k, s·P ...] = dy[n0 + s, k, :]: a block's gradient in the layout of its product. */
    static void gather(float[] dy, int n0, int nb, int channels, int pixels, float[] gathered, int ld) {
        int outSample = channels * pixels;
        for (int s = 0; s < nb; s++) {
            for (int k = 0; k < channels; k++) {
                System.arraycopy(dy, (n0 + s) * outSample + k * pixels, gathered, k * ld + s * pixels, pixels);
            }
        }
    }
}
