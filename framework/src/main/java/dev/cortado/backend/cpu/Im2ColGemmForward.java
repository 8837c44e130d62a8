package dev.cortado.backend.cpu;

/**
 * {@link CpuConvAlgorithm#FORWARD_IM2COL_GEMM}: the general forward pass, any stride, padding,
 * dilation and groups. Each block of samples is unrolled by im2col side by side
 * ({@link Im2ColBlocks}) and each group is one GEMM {@code Y_g = W_g · col_g}; a block of one sample
 * writes its product straight into y, larger ones are scattered back to NCHW. Also runs backward data
 * as a transposed forward pass ({@link CpuConvAlgorithm#DATA_TRANSPOSED_IM2COL_GEMM}).
 */
final class Im2ColGemmForward {
    private final Im2ColBlocks blocks;
    private final CpuGemm gemm;

    Im2ColGemmForward(Im2ColBlocks blocks, CpuGemm gemm) {
        this.blocks = blocks;
        this.gemm = gemm;
    }

    /** y = conv(x, w) on raw NCHW arrays of geometry g. */
    void forward(ConvGeometry g, float[] xa, float[] wa, float[] ya) {
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int pixels = g.outputPlane();
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        blocks.forEachBlock(g, (n0, nb, col, out) -> {
            int ld = nb * pixels;
            int ldCol = Im2ColBlocks.columnStride(ld);
            for (int s = 0; s < nb; s++) {
                Im2Col.im2col(g, xa, (n0 + s) * inSample, col, s * pixels, ldCol, 0, g.channels());
            }
            // One sample's [K × OH·OW] product is already y's layout: write it in place.
            float[] target = nb == 1 ? ya : out;
            int targetOff = nb == 1 ? n0 * outSample : 0;
            for (int gi = 0; gi < g.groups(); gi++) {
                gemm.sgemm(false, false, kg, ld, patch, 1f,
                        wa, gi * kg * patch, patch,
                        col, gi * patch * ldCol, ldCol,
                        0f, target, targetOff + gi * kg * ld, ld);
            }
            if (nb > 1) {
                Im2ColBlocks.scatter(out, ld, ya, n0, nb, g.outChannels(), pixels);
            }
        });
    }
}
