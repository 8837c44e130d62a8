package dev.cortado.backend.cpu;

/**
 * {@link CpuConvAlgorithm#FORWARD_IMPLICIT_GEMM}: stride-1 convolution as an implicit GEMM (the
 * scheme of cuDNN's IMPLICIT_GEMM and of Chetlur et al., "cuDNN: Efficient Primitives for Deep
 * Learning", 2014): the im2col matrix is never built. Each sample is copied once, zero-padded
 * ({@link ImplicitGemmLayout}), and tiles of 8 output channels × 2 vectors of output pixels sweep the
 * whole inner dimension C·kh·kw, reading tap (c, i, j) of a vector of pixels as one contiguous load at
 * the tap's offset, so each output is written once. Where output rows are a whole number of vectors
 * the copy is the padded sample (1.1× the input for ResNet-20's first stage, against 9× for im2col);
 * narrower rows (ResNet-20's 8×8 stage under AVX-512) read its column-unrolled copy, kw× the input,
 * in which a vector may span rows. Also runs backward data as a transposed forward pass
 * ({@link CpuConvAlgorithm#DATA_TRANSPOSED_IMPLICIT_GEMM}). Construct only with vector kernels.
 */
final class ImplicitGemmForward {
    private static final int ROWS = VectorConvTiles.ROWS;

    private final ParallelLoop loop;
    private final int lanes = VectorConvTiles.lanes();
    private final Workspaces padded;
    private final Workspaces packedFilters;
    private final Workspaces edgeTiles;

    ImplicitGemmForward(ParallelLoop loop, ConvScratch scratch) {
        this.loop = loop;
        this.padded = scratch.padded();
        this.packedFilters = scratch.packedFilters();
        this.edgeTiles = scratch.edgeTiles();
    }

    /**
     * Why this algorithm cannot run geometry g with vectors of {@code lanes} floats, or null if it can:
     * it needs stride 1 (a tap then reads consecutive pixels) and output planes of whole tiles of 2
     * vectors (any row width: rows that are not whole vectors read the column-unrolled copy).
     */
    static String unsupported(ConvGeometry g, int lanes) {
        if (g.strideH() != 1 || g.strideW() != 1) {
            return "it needs stride 1, not " + g.strideH() + "×" + g.strideW();
        }
        if (g.outputPlane() % (2 * lanes) != 0) {
            return "its tiles need output planes of a multiple of 2×" + lanes + " pixels, not " + g.outHeight() + "×"
                    + g.outWidth();
        }
        return null;
    }

    /** y = conv(x, w) on raw NCHW arrays; requires a geometry this algorithm runs ({@link #unsupported}). */
    void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        int panels = (kg + ROWS - 1) / ROWS;
        boolean unrolled = g.outWidth() % lanes != 0;
        int[] offsets = unrolled ? ImplicitGemmLayout.unrolledTapOffsets(g) : ImplicitGemmLayout.tapOffsets(g);
        float[] packed = packedFilters.take(g.groups() * panels * ROWS * patch);
        try {
            packFilters(g, w, packed);
            int inSample = g.channels() * g.inputPlane();
            int outSample = g.outChannels() * g.outputPlane();
            int plane = g.outputPlane();
            int ow = g.outWidth();
            int wp = ImplicitGemmLayout.paddedWidth(g);
            int groupStride = g.channelsPerGroup()
                    * (unrolled ? ImplicitGemmLayout.unrolledPlane(g) : ImplicitGemmLayout.paddedPlane(g));
            int tileWidth = 2 * lanes;
            loop.forRange(g.batch(), 1, (from, to) -> {
                float[] xp = padded.take(
                        unrolled ? ImplicitGemmLayout.unrolledSample(g) : ImplicitGemmLayout.paddedSample(g));
                float[] edge = kg % ROWS != 0 ? edgeTiles.take(ROWS * tileWidth) : null;
                try {
                    for (int n = from; n < to; n++) {
                        if (unrolled) {
                            ImplicitGemmLayout.unrollColumns(g, x, n * inSample, xp);
                        } else {
                            ImplicitGemmLayout.pad(g, x, n * inSample, xp, 0);
                        }
                        for (int gi = 0; gi < g.groups(); gi++) {
                            for (int t = 0; t < plane; t += tileWidth) {
                                // Unrolled, output pixel q reads q past its tap's offset, across rows too.
                                int x0 = gi * groupStride + (unrolled ? t : t / ow * wp + t % ow);
                                int x1 = gi * groupStride
                                        + (unrolled ? t + lanes : (t + lanes) / ow * wp + (t + lanes) % ow);
                                for (int mp = 0; mp < panels; mp++) {
                                    int m0 = mp * ROWS;
                                    int cOff = n * outSample + (gi * kg + m0) * plane + t;
                                    int aOff = (gi * panels + mp) * ROWS * patch;
                                    int rows = Math.min(ROWS, kg - m0);
                                    if (rows == ROWS) {
                                        VectorConvTiles.forwardTile(patch, packed, aOff, offsets, xp, x0, x1, y, cOff,
                                                plane);
                                    } else {
                                        VectorConvTiles.forwardTile(patch, packed, aOff, offsets, xp, x0, x1, edge, 0,
                                                tileWidth);
                                        for (int r = 0; r < rows; r++) {
                                            System.arraycopy(edge, r * tileWidth, y, cOff + r * plane, tileWidth);
                                        }
                                    }
                                }
                            }
                        }
                    }
                } finally {
                    padded.give(xp);
                    if (edge != null) {
                        edgeTiles.give(edge);
                    }
                }
            });
        } finally {
            packedFilters.give(packed);
        }
    }

    /**
     * Each group's filters as panels of 8 output channels stored tap by tap:
     * {@code packed[((g·panels + q)·patch + p)·8 + r] = w[g·Kg + q·8 + r, p]}, zero past Kg.
     */
    private static void packFilters(ConvGeometry g, float[] w, float[] packed) {
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        int panels = (kg + ROWS - 1) / ROWS;
        for (int gi = 0; gi < g.groups(); gi++) {
            for (int q = 0; q < panels; q++) {
                int base = (gi * panels + q) * ROWS * patch;
                for (int r = 0; r < ROWS; r++) {
                    int m = q * ROWS + r;
                    if (m >= kg) {
                        for (int p = 0; p < patch; p++) {
                            packed[base + p * ROWS + r] = 0f;
                        }
                        continue;
                    }
                    int src = (gi * kg + m) * patch;
                    for (int p = 0; p < patch; p++) {
                        packed[base + p * ROWS + r] = w[src + p];
                    }
                }
            }
        }
    }
}
