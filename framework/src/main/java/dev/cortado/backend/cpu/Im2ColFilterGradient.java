package dev.cortado.backend.cpu;

/**
 * The filter gradient over im2col, any stride, padding, dilation and groups: for each block of
 * samples ({@link Im2ColBlocks}), {@code dW_g += dy_g·col_gᵀ}, with dy gathered into the block's
 * [K × nb·OH·OW] layout. Two algorithms differ only in how that product runs:
 * <ul>
 *   <li>{@link CpuConvAlgorithm#FILTER_IM2COL_GEMM}: the packed GEMM, which packs colᵀ once per block
 *       and shares it among all Kg rows of dy (wide filters: ResNet-20's 64 → 64 layers);</li>
 *   <li>{@link CpuConvAlgorithm#FILTER_IM2COL_ROW_PRODUCTS}: dot products of the rows of dy_g and col_g,
 *       both contiguous, on the Vector API ({@link VectorRowProducts}), with no packing at all.</li>
 * </ul>
 * A caller's run of samples is walked on the calling thread; its first block writes, later ones add.
 */
final class Im2ColFilterGradient {
    private final Im2ColBlocks blocks;
    private final CpuGemm gemm;

    Im2ColFilterGradient(Im2ColBlocks blocks, CpuGemm gemm) {
        this.blocks = blocks;
        this.gemm = gemm;
    }

    /**
     * Writes the filter gradient of samples [from, to) into {@code target}, the products by row dot
     * products ({@code rowProducts}, vector kernels only) or by the packed GEMM.
     */
    void filterGradient(ConvGeometry g, float[] xa, float[] dya, int from, int to, float[] target,
                        boolean rowProducts) {
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int pixels = g.outputPlane();
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        int block = blocks.samplesPerBlock(g);
        Workspaces columns = blocks.columns();
        Workspaces outputs = blocks.outputs();
        int most = Math.min(block, to - from);
        float[] col = columns.take(g.colRows() * Im2ColBlocks.columnStride(pixels * most));
        float[] gathered = outputs.take(most > 1 ? g.outChannels() * pixels * most : 0);
        try {
            for (int n0 = from; n0 < to; n0 += block) {
                int nb = Math.min(block, to - n0);
                int ld = nb * pixels;
                int ldCol = Im2ColBlocks.columnStride(ld);
                for (int s = 0; s < nb; s++) {
                    Im2Col.im2col(g, xa, (n0 + s) * inSample, col, s * pixels, ldCol, 0, g.channels());
                }
                float[] source = nb == 1 ? dya : gathered;
                int sourceOff = nb == 1 ? n0 * outSample : 0;
                if (nb > 1) {
                    Im2ColBlocks.gather(dya, n0, nb, g.outChannels(), pixels, gathered, ld);
                }
                for (int gi = 0; gi < g.groups(); gi++) {
                    if (rowProducts) {
                        VectorRowProducts.multiplyTransposed(kg, patch, ld,
                                source, sourceOff + gi * kg * ld, ld,
                                col, gi * patch * ldCol, ldCol,
                                n0 != from, target, gi * kg * patch, patch);
                    } else {
                        gemm.sgemm(false, true, kg, patch, ld, 1f,
                                source, sourceOff + gi * kg * ld, ld,
                                col, gi * patch * ldCol, ldCol,
                                n0 == from ? 0f : 1f, target, gi * kg * patch, patch);
                    }
                }
            }
        } finally {
            columns.give(col);
            outputs.give(gathered);
        }
    }
}
