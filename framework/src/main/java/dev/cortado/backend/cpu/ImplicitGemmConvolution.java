package dev.cortado.backend.cpu;

import java.util.Arrays;

/**
 * Stride-1 convolution as an implicit GEMM (the scheme of cuDNN's IMPLICIT_GEMM and of Chetlur et
 * al., "cuDNN: Efficient Primitives for Deep Learning", 2014): the im2col matrix is never built.
 * Each sample is copied once into a zero-padded buffer of (H + 2ph) × (W + 2pw) planes; then entry
 * (c, i, j) of the column of output pixel (oy, ox) is {@code xp[c, oy + i·dh, ox + j·dw]}, so one
 * vector of output pixels along an output row reads one contiguous run of xp at the offset
 * {@code c·plane + i·dh·Wp + j·dw} (a table per call) from the pixel's own position. With 16 channels
 * (ResNet-20's first stage) building and packing the column matrix cost about as much as the
 * multiply; here the copy is 1.1× the input instead of 9×.
 *
 * <p>The forward pass sweeps tiles of 8 output channels × 2 vectors of pixels over the whole inner
 * dimension C·kh·kw, so each output is written once. The filter gradient
 * {@code dW[k, (c,i,j)] = Σ_n Σ_(oy,ox) dy[n,k,oy,ox] · xp[n, c, oy + i·dh, ox + j·dw]} runs 4×4 tiles of
 * lane-wise dot products sample by sample into per-entry lane vectors, whose lanes are summed in
 * lane order at the end (a fixed order: results do not depend on timing). Both need output rows
 * that are a whole number of vectors wide ({@link #forwardFits}, {@link #filterFits}). Use this
 * class only when {@code jdk.incubator.vector} is resolved.
 */
final class ImplicitGemmConvolution {
    private static final int ROWS = VectorConvTiles.ROWS;
    /** Rows and entries of a filter-gradient tile. */
    private static final int FILTER_TILE = 4;
    /**
     * Output pixels per plane from which the filter gradient runs here: each tile flushes its 16
     * vectors to the lane sums once per sample, which 1024/L steps of 16 multiply-adds amortize
     * (measured: ~200 GFLOP/s a core for a tile in L1 at 1088 positions, ~115 at 256).
     */
    static final int MIN_FILTER_PLANE = 1024;
    /** Floats of a block's padded input and dy together, at most: 512 KiB, half a 1 MiB L2. */
    private static final int BLOCK_FLOATS = 1 << 17;
    /** Positions per pass of the tiles: a 4-row tile of dy, 16 KiB, stays in L1 while the taps stream. */
    private static final int CHUNK = 1024;

    private final ParallelLoop loop;
    private final int lanes = VectorConvTiles.lanes();
    private final Workspaces padded = new Workspaces();
    private final Workspaces packedFilters = new Workspaces();
    private final Workspaces edgeTiles = new Workspaces();
    private final Workspaces paddedGradients = new Workspaces();
    private final Workspaces laneSums = new Workspaces();

    ImplicitGemmConvolution(ParallelLoop loop) {
        this.loop = loop;
    }

    /**
     * Stride 1 and planes of whole 2-vector tiles. Rows of whole vectors read the padded sample;
     * other widths (ResNet-20's 8×8 third stage under AVX-512) read its {@linkplain #unrollColumns
     * column-unrolled} copy.
     */
    boolean forwardFits(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.outputPlane() % (2 * lanes) == 0;
    }

    /**
     * Stride 1 with output rows of whole vectors, planes of at least {@link #MIN_FILTER_PLANE} pixels (on
     * smaller planes each sample's loop is too short to amortize its tile's flush, and the row
     * products over im2col do as well) and filters that split into whole 4×4 tiles.
     */
    boolean filterFits(ConvGeometry g) {
        return wholeVectorRows(g) && g.outputPlane() >= MIN_FILTER_PLANE
                && g.outChannelsPerGroup() % FILTER_TILE == 0 && g.patchSize() % FILTER_TILE == 0;
    }

    private boolean wholeVectorRows(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.outWidth() % lanes == 0;
    }

    /** Floats of one sample's padded input: C planes of (H + 2ph) × (W + 2pw). */
    static int paddedSample(ConvGeometry g) {
        return g.channels() * paddedPlane(g);
    }

    private static int paddedWidth(ConvGeometry g) {
        return g.width() + 2 * g.padW();
    }

    private static int paddedPlane(ConvGeometry g) {
        return (g.height() + 2 * g.padH()) * paddedWidth(g);
    }

    /** y = conv(x, w) on raw NCHW arrays; requires {@link #forwardFits}. */
    void forward(ConvGeometry g, float[] x, float[] w, float[] y) {
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        int panels = (kg + ROWS - 1) / ROWS;
        boolean unrolled = !wholeVectorRows(g);
        int[] offsets = unrolled ? unrolledTapOffsets(g) : tapOffsets(g);
        float[] packed = packedFilters.take(g.groups() * panels * ROWS * patch);
        try {
            packFilters(g, w, packed);
            int inSample = g.channels() * g.inputPlane();
            int outSample = g.outChannels() * g.outputPlane();
            int plane = g.outputPlane();
            int ow = g.outWidth();
            int wp = paddedWidth(g);
            int groupStride = g.channelsPerGroup() * (unrolled ? unrolledPlane(g) : paddedPlane(g));
            int tileWidth = 2 * lanes;
            loop.forRange(g.batch(), 1, (from, to) -> {
                float[] xp = padded.take(unrolled ? unrolledSample(g) : paddedSample(g));
                float[] edge = kg % ROWS != 0 ? edgeTiles.take(ROWS * tileWidth) : null;
                try {
                    for (int n = from; n < to; n++) {
                        if (unrolled) {
                            unrollColumns(g, x, n * inSample, xp);
                        } else {
                            pad(g, x, n * inSample, xp, 0);
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
                                        VectorConvTiles.forwardTile(patch, packed, aOff, offsets, xp, x0, x1, y, cOff, plane);
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
     * Stride 1, filters that split into whole 4×4 tiles, and padded planes (rounded up to a vector) at
     * most 1.5 times the output plane, since every padded position costs a multiply-add: ResNet-20's
     * 16×16 planes (18×18 padded, 1.31×) qualify, its 8×8 ones (1.75×) run faster as a GEMM.
     */
    boolean blockFilterFits(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1
                && g.outChannelsPerGroup() % FILTER_TILE == 0 && g.patchSize() % FILTER_TILE == 0
                && 2L * roundUp(paddedPlane(g), lanes) <= 3L * g.outputPlane();
    }

    /**
     * Writes the filter gradient of samples [from, to) into {@code target}, a block of samples at a time,
     * laid out channel by channel: each input channel holds the block's padded planes one after another,
     * each P floats (the padded plane rounded up to a vector), and dy the same with the input's row pitch
     * and zeros wherever no output pixel lies. Then entry (k, c, i, j) is one dot product of dy's channel
     * k with the input's channel c shifted by {@code i·dh·Wp + j·dw}, over the whole block: one flat loop
     * however small the planes (ResNet-20's 16×16 and 8×8), where a loop per sample would pay its tile's
     * flush every few vectors. The loop runs in chunks of {@link #CHUNK} positions so that a 4-row tile of
     * dy stays in L1 while every 4-entry tile of taps streams past it. Each entry's lanes are summed in
     * lane order at the end; a lane sees the same positions whatever the block size.
     */
    void blockFilterGradient(ConvGeometry g, float[] x, float[] dy, int from, int to, float[] target) {
        int plane = roundUp(paddedPlane(g), lanes);
        int slack = roundUp((g.kernelH() - 1) * g.dilationH() * paddedWidth(g) + (g.kernelW() - 1) * g.dilationW(),
                lanes);
        int block = Math.max(1, Math.min(to - from, BLOCK_FLOATS / ((g.channels() + g.outChannels()) * plane)));
        int stride = block * plane + slack;
        int kg = g.outChannelsPerGroup();
        int cg = g.channelsPerGroup();
        int patch = g.patchSize();
        int entries = g.outChannels() * patch;
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int[] offsets = tapOffsets(g, stride);
        float[] xp = padded.take(g.channels() * stride);
        float[] dyp = paddedGradients.take(g.outChannels() * stride);
        float[] acc = laneSums.take(entries * lanes);
        try {
            Arrays.fill(acc, 0, entries * lanes, 0f);
            for (int n0 = from; n0 < to; n0 += block) {
                int count = Math.min(block, to - n0);
                int length = count * plane;
                for (int b = 0; b < count; b++) {
                    pad(g, x, (n0 + b) * inSample, xp, b * plane, stride);
                    padGradient(g, dy, (n0 + b) * outSample, dyp, b * plane, plane, stride);
                    for (int c = 0; c < g.channels(); c++) {
                        int end = c * stride + b * plane;
                        Arrays.fill(xp, end + paddedPlane(g), end + plane, 0f);
                    }
                }
                for (int c = 0; c < g.channels(); c++) {
                    Arrays.fill(xp, c * stride + length, c * stride + length + slack, 0f);
                }
                for (int q0 = 0; q0 < length; q0 += CHUNK) {
                    int n = Math.min(CHUNK, length - q0);
                    for (int gi = 0; gi < g.groups(); gi++) {
                        int xGroup = gi * cg * stride + q0;
                        for (int k = 0; k < kg; k += FILTER_TILE) {
                            int dyRow = (gi * kg + k) * stride + q0;
                            for (int e = 0; e < patch; e += FILTER_TILE) {
                                VectorConvTiles.filterTile(n, dyp, dyRow, stride, xp, xGroup + offsets[e],
                                        xGroup + offsets[e + 1], xGroup + offsets[e + 2], xGroup + offsets[e + 3],
                                        acc, ((gi * kg + k) * patch + e) * lanes, patch);
                            }
                        }
                    }
                }
            }
            sumLanes(acc, entries, target);
        } finally {
            padded.give(xp);
            paddedGradients.give(dyp);
            laneSums.give(acc);
        }
    }

    /** target[i] = the sum of entry i's lanes, in lane order (a fixed order, whatever the threads did). */
    private void sumLanes(float[] acc, int entries, float[] target) {
        for (int i = 0; i < entries; i++) {
            float sum = 0f;
            for (int l = 0; l < lanes; l++) {
                sum += acc[i * lanes + l];
            }
            target[i] = sum;
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * Writes the filter gradient of samples [from, to) into {@code target}; requires
     * {@link #filterFits}. Runs on the calling thread, one sample at a time. dy is copied too, with the
     * padded input's row pitch and zeros between its rows, so that one index runs over a dy row and
     * over the input under a tap alike; for each 4-row tile of dy, the sample's rows (16 KiB at 1024
     * pixels) stay in L1 while every 4-entry tile of taps runs over them, adding its lanes to a
     * per-entry vector in {@code acc}. Each entry's lanes are summed in lane order at the end.
     */
    void filterGradient(ConvGeometry g, float[] x, float[] dy, int from, int to, float[] target) {
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int dyPlane = paddedOutputPlane(g);
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        int groupStride = g.channelsPerGroup() * paddedPlane(g);
        int entries = g.outChannels() * patch;
        int[] offsets = tapOffsets(g);
        // A tap's last vector may run past the padded sample by up to (kw − 1)·dw + L floats, read as zeros.
        int sample = paddedSample(g);
        int slack = (g.kernelW() - 1) * g.dilationW() + lanes;
        float[] xp = padded.take(sample + slack);
        float[] dyp = paddedGradients.take(g.outChannels() * dyPlane);
        float[] acc = laneSums.take(entries * lanes);
        try {
            Arrays.fill(xp, sample, sample + slack, 0f);
            Arrays.fill(acc, 0, entries * lanes, 0f);
            for (int n = from; n < to; n++) {
                pad(g, x, n * inSample, xp, 0);
                padGradient(g, dy, n * outSample, dyp, 0);
                for (int gi = 0; gi < g.groups(); gi++) {
                    int dyGroup = gi * kg * dyPlane;
                    int xGroup = gi * groupStride;
                    int wGroup = gi * kg * patch;
                    for (int k = 0; k < kg; k += FILTER_TILE) {
                        for (int e = 0; e < patch; e += FILTER_TILE) {
                            VectorConvTiles.filterTile(dyPlane, dyp, dyGroup + k * dyPlane, dyPlane,
                                    xp, xGroup + offsets[e], xGroup + offsets[e + 1], xGroup + offsets[e + 2],
                                    xGroup + offsets[e + 3], acc, (wGroup + k * patch + e) * lanes, patch);
                        }
                    }
                }
            }
            sumLanes(acc, entries, target);
        } finally {
            padded.give(xp);
            paddedGradients.give(dyp);
            laneSums.give(acc);
        }
    }

    /** Floats of one channel of dy laid out with the padded input's row pitch: OH rows of Wp, rounded up to a vector. */
    private int paddedOutputPlane(ConvGeometry g) {
        int n = g.outHeight() * paddedWidth(g);
        return (n + lanes - 1) / lanes * lanes;
    }

    /** Copies one sample's dy into rows of the padded input's pitch, zero between rows and after the last. */
    private void padGradient(ConvGeometry g, float[] dy, int dyOff, float[] dyp, int dypOff) {
        padGradient(g, dy, dyOff, dyp, dypOff, paddedOutputPlane(g), paddedOutputPlane(g));
    }

    /** {@link #padGradient} into planes of {@code dyPlane} floats, successive channels {@code channelStride} apart. */
    private static void padGradient(ConvGeometry g, float[] dy, int dyOff, float[] dyp, int dypOff, int dyPlane,
                                    int channelStride) {
        int oh = g.outHeight();
        int ow = g.outWidth();
        int wp = paddedWidth(g);
        for (int k = 0; k < g.outChannels(); k++) {
            int base = dypOff + k * channelStride;
            int src = dyOff + k * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int row = base + oy * wp;
                System.arraycopy(dy, src + oy * ow, dyp, row, ow);
                for (int z = row + ow; z < row + wp; z++) {
                    dyp[z] = 0f;
                }
            }
            Arrays.fill(dyp, base + oh * wp, base + dyPlane, 0f);
        }
    }

    /**
     * Floats of one channel of the column-unrolled sample: the padded height Hp = H + 2ph rows of
     * OW columns (see {@link #unrollColumns}).
     */
    private static int unrolledPlane(ConvGeometry g) {
        return (g.height() + 2 * g.padH()) * g.outWidth();
    }

    /** Floats of one column-unrolled sample: kw copies of C channels. */
    static int unrolledSample(ConvGeometry g) {
        return g.kernelW() * g.channels() * unrolledPlane(g);
    }

    /**
     * Copies the sample at {@code x[xOff]} into {@code xu} as kw shifted copies of its zero-padded
     * planes, each cut to the output width: {@code xu[(j·C + c)·Hp·OW + r·OW + ox] = xpad[c, r, ox + j·dw]}.
     * Row pitch and output width then agree, so for tap (c, i, j) the input under output pixel
     * q = oy·OW + ox lies at the tap's offset {@code (j·C + c)·Hp·OW + i·dh·OW} plus q itself, and a
     * vector of consecutive output pixels is one contiguous load even where it spans rows narrower
     * than the vector. The copy is kw times the padded input, against kh·kw for im2col.
     */
    static void unrollColumns(ConvGeometry g, float[] x, int xOff, float[] xu) {
        int h = g.height();
        int w = g.width();
        int ph = g.padH();
        int pw = g.padW();
        int ow = g.outWidth();
        int hp = h + 2 * ph;
        int plane = unrolledPlane(g);
        for (int j = 0; j < g.kernelW(); j++) {
            // Output column ox reads input column ox + shift; the columns [lo, hi) of ox lie inside.
            int shift = j * g.dilationW() - pw;
            int lo = Math.min(ow, Math.max(0, -shift));
            int hi = Math.min(ow, w - shift);
            for (int c = 0; c < g.channels(); c++) {
                int base = (j * g.channels() + c) * plane;
                Arrays.fill(xu, base, base + ph * ow, 0f);
                int src = xOff + c * h * w;
                for (int iy = 0; iy < h; iy++) {
                    int row = base + (ph + iy) * ow;
                    for (int z = row; z < row + lo; z++) {
                        xu[z] = 0f;
                    }
                    if (hi > lo) {
                        System.arraycopy(x, src + iy * w + lo + shift, xu, row + lo, hi - lo);
                    }
                    for (int z = row + Math.max(lo, hi); z < row + ow; z++) {
                        xu[z] = 0f;
                    }
                }
                Arrays.fill(xu, base + (ph + h) * ow, base + hp * ow, 0f);
            }
        }
    }

    /** Offset in the column-unrolled sample of tap (c, i, j) of a group's filter, relative to the output pixel's index. */
    private static int[] unrolledTapOffsets(ConvGeometry g) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int ow = g.outWidth();
        int[] offsets = new int[g.patchSize()];
        for (int c = 0; c < g.channelsPerGroup(); c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    offsets[(c * kh + i) * kw + j] = (j * g.channels() + c) * unrolledPlane(g) + i * g.dilationH() * ow;
                }
            }
        }
        return offsets;
    }

    /** Offset in the padded sample of tap (c, i, j) of a group's filter, relative to the output pixel's own position. */
    private static int[] tapOffsets(ConvGeometry g) {
        return tapOffsets(g, paddedPlane(g));
    }

    /** {@link #tapOffsets} for padded channels {@code channelStride} floats apart. */
    private static int[] tapOffsets(ConvGeometry g, int channelStride) {
        int kh = g.kernelH();
        int kw = g.kernelW();
        int wp = paddedWidth(g);
        int[] offsets = new int[g.patchSize()];
        for (int c = 0; c < g.channelsPerGroup(); c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    offsets[(c * kh + i) * kw + j] = c * channelStride + i * g.dilationH() * wp + j * g.dilationW();
                }
            }
        }
        return offsets;
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

    /** Copies the sample at {@code x[xOff]} into {@code xp[xpOff]} with ph zero rows and pw zero columns on each side. */
    static void pad(ConvGeometry g, float[] x, int xOff, float[] xp, int xpOff) {
        pad(g, x, xOff, xp, xpOff, paddedPlane(g));
    }

    /** {@link #pad} with the padded planes of successive channels {@code channelStride} floats apart. */
    static void pad(ConvGeometry g, float[] x, int xOff, float[] xp, int xpOff, int channelStride) {
        int h = g.height();
        int w = g.width();
        int ph = g.padH();
        int pw = g.padW();
        int wp = paddedWidth(g);
        int plane = paddedPlane(g);
        for (int c = 0; c < g.channels(); c++) {
            int base = xpOff + c * channelStride;
            Arrays.fill(xp, base, base + ph * wp, 0f);
            int src = xOff + c * h * w;
            for (int iy = 0; iy < h; iy++) {
                int row = base + (ph + iy) * wp;
                // The margins are a cell or two: plain loops beat Arrays.fill's call there.
                for (int z = row; z < row + pw; z++) {
                    xp[z] = 0f;
                }
                System.arraycopy(x, src + iy * w, xp, row + pw, w);
                for (int z = row + pw + w; z < row + wp; z++) {
                    xp[z] = 0f;
                }
            }
            Arrays.fill(xp, base + (ph + h) * wp, base + plane, 0f);
        }
    }
}
