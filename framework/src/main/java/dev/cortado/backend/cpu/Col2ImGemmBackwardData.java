package dev.cortado.backend.cpu;

/**
 * {@link CpuConvAlgorithm#DATA_COL2IM_GEMM}: the general backward-data pass, any stride, padding,
 * dilation and groups. Each block's dy is gathered into the [K × nb·OH·OW] layout of its product
 * ({@link Im2ColBlocks}), {@code col(dx) = W_gᵀ·dy_g} is one GEMM per group, and col2im folds the
 * columns back into dx, summing where receptive fields overlap.
 */
final class Col2ImGemmBackwardData {
    private final Im2ColBlocks blocks;
    private final CpuGemm gemm;

    Col2ImGemmBackwardData(Im2ColBlocks blocks, CpuGemm gemm) {
        this.blocks = blocks;
        this.gemm = gemm;
    }

    /** dx = the adjoint of conv(·, w) applied to dy, on raw NCHW arrays of geometry g. */
    void backwardData(ConvGeometry g, float[] dya, float[] wa, float[] dxa) {
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int pixels = g.outputPlane();
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        blocks.forEachBlock(g, (n0, nb, col, gathered) -> {
            int ld = nb * pixels;
            float[] source = nb == 1 ? dya : gathered;
            int sourceOff = nb == 1 ? n0 * outSample : 0;
            if (nb > 1) {
                Im2ColBlocks.gather(dya, n0, nb, g.outChannels(), pixels, gathered, ld);
            }
            for (int gi = 0; gi < g.groups(); gi++) {
                gemm.sgemm(true, false, patch, ld, kg, 1f,
                        wa, gi * kg * patch, patch,
                        source, sourceOff + gi * kg * ld, ld,
                        0f, col, gi * patch * ld, ld);
            }
            for (int s = 0; s < nb; s++) {
                Im2Col.col2im(g, col, s * pixels, ld, dxa, (n0 + s) * inSample, 0, g.channels());
            }
        });
    }
}
