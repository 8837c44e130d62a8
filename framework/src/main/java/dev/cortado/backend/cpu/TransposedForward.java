package dev.cortado.backend.cpu;

/**
 * Backward data at stride 1 as a forward convolution: dx is the correlation of dy, padded by
 * {@code dh·(kh−1) − ph}, with the filters rotated by 180° and their in/out channels swapped,
 * {@code dx[c] = Σ_k W[k,c,kh−1−i,kw−1−j] ⋆ dy[k]}. The forward pass is either algorithm's
 * ({@link CpuConvAlgorithm#DATA_TRANSPOSED_IM2COL_GEMM}, {@link CpuConvAlgorithm#DATA_TRANSPOSED_IMPLICIT_GEMM}).
 * When that padding is at most the forward one ("same" convolutions such as ResNet's 3×3, pad 1,
 * {@link #padsNoMoreThanForward}), this beats {@code col = Wᵀ·dy} and col2im: the GEMM's inner
 * dimension is K·kh·kw instead of K, and its column matrix is written once instead of being
 * scattered back with read-modify-writes.
 */
final class TransposedForward {
    /** A forward pass over raw NCHW arrays: y = conv(x, w) of geometry g. */
    @FunctionalInterface
    interface ForwardPass {
        void forward(ConvGeometry g, float[] x, float[] w, float[] y);
    }

    private final Workspaces rotatedFilters;

    TransposedForward(ConvScratch scratch) {
        this.rotatedFilters = scratch.rotatedFilters();
    }

    /** Why backward data of g cannot run as a forward pass, or null if it can: stride 1, and a padding ph ≤ dh·(kh−1). */
    static String unsupported(ConvGeometry g) {
        if (g.strideH() != 1 || g.strideW() != 1) {
            return "it needs stride 1, not " + g.strideH() + "×" + g.strideW();
        }
        if (padH(g) < 0 || padW(g) < 0) {
            return "the forward padding " + g.padH() + "×" + g.padW() + " exceeds the dilated kernel's reach "
                    + g.dilationH() * (g.kernelH() - 1) + "×" + g.dilationW() * (g.kernelW() - 1);
        }
        return null;
    }

    /** Whether the transposed pass pads dy by no more than the forward pass pads x (where it was measured faster). */
    static boolean padsNoMoreThanForward(ConvGeometry g) {
        return padH(g) <= g.padH() && padW(g) <= g.padW();
    }

    private static int padH(ConvGeometry g) {
        return g.dilationH() * (g.kernelH() - 1) - g.padH();
    }

    private static int padW(ConvGeometry g) {
        return g.dilationW() * (g.kernelW() - 1) - g.padW();
    }

    /** The forward convolution that computes dx: dy (K channels of OH×OW) in, C channels of H×W out. */
    static ConvGeometry geometry(ConvGeometry g) {
        return new ConvGeometry(g.batch(), g.outChannels(), g.outHeight(), g.outWidth(),
                g.channels(), g.height(), g.width(), g.kernelH(), g.kernelW(), 1, 1,
                padH(g), padW(g), g.dilationH(), g.dilationW(), g.groups());
    }

    /** dx from dy and w by {@code forward} over the rotated filters; requires a geometry it runs ({@link #unsupported}). */
    void backwardData(ConvGeometry g, float[] dy, float[] w, float[] dx, ForwardPass forward) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int cg = g.channelsPerGroup();
        int kg = g.outChannelsPerGroup();
        float[] rotated = rotatedFilters.take(g.outChannels() * g.patchSize());
        try {
            // rotated[gi·cg + c, k, i, j] = w[gi·kg + k, c, kh−1−i, kw−1−j]
            for (int gi = 0; gi < g.groups(); gi++) {
                for (int c = 0; c < cg; c++) {
                    for (int k = 0; k < kg; k++) {
                        int to = ((gi * cg + c) * kg + k) * kh * kw;
                        int from = ((gi * kg + k) * cg + c) * kh * kw;
                        for (int t = 0; t < kh * kw; t++) {
                            rotated[to + t] = w[from + kh * kw - 1 - t];
                        }
                    }
                }
            }
            forward.forward(geometry(g), dy, rotated, dx);
        } finally {
            rotatedFilters.give(rotated);
        }
    }
}
