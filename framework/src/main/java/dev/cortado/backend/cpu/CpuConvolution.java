package dev.cortado.backend.cpu;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.ConvolutionOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;

/**
 * Convolution as im2col + GEMM (Chellapilla et al. 2006, as in Caffe), batched: the columns of a
 * block of samples are unrolled side by side into one wide matrix, so that each group is one GEMM
 * {@code Y_g[Kg × nb·OH·OW] = W_g · col_g} per block instead of one narrow GEMM per sample. The
 * backward passes gather the block's dy into the same [K × nb·OH·OW] layout; then
 * {@code col(dx) = W_gᵀ·dy_g} is folded back by col2im and {@code dW_g += dy_g·col_gᵀ}.
 *
 * <p>Threads share out contiguous runs of samples; each walks its run in blocks of at most
 * {@link #DEFAULT_BLOCK_FLOATS} floats of columns (so the workspace stays in L2 and its size is
 * bounded whatever the batch) with its GEMMs running serially inside it. A batch of one sample runs on
 * the calling thread and lets each GEMM spread over the threads instead. The filter gradient sums
 * over the batch, so each thread accumulates a partial dW that is added up afterwards in sample
 * order; blocks depend only on the batch, the thread count and the block size, which keeps the
 * result independent of scheduling.
 */
final class CpuConvolution implements ConvolutionOps {
    private static final String FORWARD = "conv2d forward";
    private static final String BACKWARD_DATA = "conv2d backwardData";
    private static final String BACKWARD_FILTER = "conv2d backwardFilter";
    /** Floats of the per-thread column matrix: 1 MiB, which an L2 of 1-2 MiB holds next to the GEMM's panels. */
    static final int DEFAULT_BLOCK_FLOATS = 1 << 18;
    private static final int REDUCE_GRAIN = 1 << 14;
    /** One 64-byte cache line of floats, see {@link #columnStride}. */
    private static final int COLUMN_PAD_FLOATS = 16;
    /**
     * Filter-gradient entries Kg·C·kh·kw per group from which the packed GEMM beats row dot products:
     * packing colᵀ costs once per block and is shared by all Kg rows of dy, while the dot products
     * stream col once per tile of three dy rows and pay a lane reduction per entry per block. Measured
     * on AVX-512 for ResNet-20's layers: 64×576 (stage 3) ~125 against ~85-115 GFLOP/s; 64×288 even;
     * 32×288 and 16×144 favour the dot products (~110 against 45-75).
     */
    static final int PACKED_FILTER_MIN_ENTRIES = 1 << 15;

    private final ParallelLoop loop;
    private final CpuGemm gemm;
    private final int blockFloats;
    private final Workspaces columns = new Workspaces();
    private final Workspaces outputs = new Workspaces();
    private final Workspaces filterPartials = new Workspaces();
    private final Workspaces rotatedFilters = new Workspaces();
    /** Whether the filter gradient may take the Vector API's row products over im2col. */
    private final boolean vector;
    /** Stride-1 layers with rows of whole vectors skip im2col; null with scalar kernels. */
    private final ImplicitGemmConvolution implicit;

    CpuConvolution(ParallelLoop loop, CpuGemm gemm, CpuOptions.Kernels kernels) {
        this(loop, gemm, kernels, DEFAULT_BLOCK_FLOATS);
    }

    /** With an explicit block size, for tests that make blocks end inside a thread's run of samples. */
    CpuConvolution(ParallelLoop loop, CpuGemm gemm, CpuOptions.Kernels kernels, int blockFloats) {
        if (blockFloats < 1) {
            throw new IllegalArgumentException("conv2d: block size must be positive, got " + blockFloats);
        }
        this.loop = loop;
        this.gemm = gemm;
        this.blockFloats = blockFloats;
        this.vector = kernels == CpuOptions.Kernels.VECTOR;
        this.implicit = vector ? new ImplicitGemmConvolution(loop) : null;
    }

    @Override
    public void forward(Tensor x, Tensor w, Conv2dSpec spec, Tensor y) {
        ConvGeometry g = geometry(FORWARD, "x", x, w, spec, "y", y);
        float[] xa = HostArrays.of(FORWARD, x);
        float[] wa = HostArrays.of(FORWARD, w);
        float[] ya = HostArrays.of(FORWARD, y);
        forward(g, xa, wa, ya);
    }

    /** y = conv(x, w) on raw NCHW arrays of geometry g. */
    private void forward(ConvGeometry g, float[] xa, float[] wa, float[] ya) {
        if (implicit != null && implicit.forwardFits(g)) {
            implicit.forward(g, xa, wa, ya);
            return;
        }
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int pixels = g.outputPlane();
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        forEachBlock(g, (n0, nb, col, out) -> {
            int ld = nb * pixels;
            int ldCol = columnStride(ld);
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
                scatter(out, ld, ya, n0, nb, g.outChannels(), pixels);
            }
        });
    }

    @Override
    public void backwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx) {
        ConvGeometry g = geometry(BACKWARD_DATA, "dx", dx, w, spec, "dy", dy);
        float[] dya = HostArrays.of(BACKWARD_DATA, dy);
        float[] wa = HostArrays.of(BACKWARD_DATA, w);
        float[] dxa = HostArrays.of(BACKWARD_DATA, dx);
        if (asTransposedForward(g)) {
            transposedForward(g, dya, wa, dxa);
            return;
        }
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int pixels = g.outputPlane();
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        forEachBlock(g, (n0, nb, col, gathered) -> {
            int ld = nb * pixels;
            float[] source = nb == 1 ? dya : gathered;
            int sourceOff = nb == 1 ? n0 * outSample : 0;
            if (nb > 1) {
                gather(dya, n0, nb, g.outChannels(), pixels, gathered, ld);
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

    @Override
    public void backwardFilter(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw) {
        ConvGeometry g = geometry(BACKWARD_FILTER, "x", x, dw, spec, "dy", dy);
        float[] xa = HostArrays.of(BACKWARD_FILTER, x);
        float[] dya = HostArrays.of(BACKWARD_FILTER, dy);
        float[] dwa = HostArrays.of(BACKWARD_FILTER, dw);
        int filterSize = dw.shape().intSize();
        if (g.batch() == 0) {
            Arrays.fill(dwa, 0, filterSize, 0f);
            return;
        }
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int pixels = g.outputPlane();
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        // Adds (or, for a run's first block, writes) the block's dW_g = dy_g·col_gᵀ into target.
        RunWork byColumns = (from, to, target) -> {
            int block = samplesPerBlock(g);
            float[] col = columns.take(g.colRows() * columnStride(pixels * Math.min(block, to - from)));
            float[] gathered = outputs.take(Math.min(block, to - from) > 1 ? g.outChannels() * pixels * Math.min(block, to - from) : 0);
            try {
                for (int n0 = from; n0 < to; n0 += block) {
                    int nb = Math.min(block, to - n0);
                    int ld = nb * pixels;
                    int ldCol = columnStride(ld);
                    for (int s = 0; s < nb; s++) {
                        Im2Col.im2col(g, xa, (n0 + s) * inSample, col, s * pixels, ldCol, 0, g.channels());
                    }
                    float[] source = nb == 1 ? dya : gathered;
                    int sourceOff = nb == 1 ? n0 * outSample : 0;
                    if (nb > 1) {
                        gather(dya, n0, nb, g.outChannels(), pixels, gathered, ld);
                    }
                    for (int gi = 0; gi < g.groups(); gi++) {
                        if (vector && !packedFilterGradient(kg, patch)) {
                            // dy_g and col_g rows are both contiguous: dot products beat packing colᵀ.
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
        };
        RunWork accumulate = implicit != null && implicit.filterFits(g)
                ? (from, to, target) -> implicit.filterGradient(g, xa, dya, from, to, target)
                : implicit != null && implicit.blockFilterFits(g)
                ? (from, to, target) -> implicit.blockFilterGradient(g, xa, dya, from, to, target)
                : byColumns;
        if (!splitsBatch(g)) {
            accumulate.run(0, g.batch(), dwa);
            return;
        }
        // One partial dW per run of samples, filed under the run's first sample so the sum runs in batch order.
        float[][] partialByFirstSample = new float[g.batch()][];
        loop.forRange(g.batch(), 1, (from, to) -> {
            float[] partial = filterPartials.take(filterSize);
            accumulate.run(from, to, partial);
            partialByFirstSample[from] = partial;
        });
        loop.forRange(filterSize, REDUCE_GRAIN, (from, to) -> {
            boolean first = true;
            for (float[] partial : partialByFirstSample) {
                if (partial == null) {
                    continue;
                }
                if (first) {
                    System.arraycopy(partial, from, dwa, from, to - from);
                    first = false;
                } else {
                    for (int i = from; i < to; i++) {
                        dwa[i] += partial[i];
                    }
                }
            }
        });
        for (float[] partial : partialByFirstSample) {
            if (partial != null) {
                filterPartials.give(partial);
            }
        }
    }

    /** Whether the filter gradient of Kg × patch entries per group goes to the packed GEMM (see its threshold). */
    static boolean packedFilterGradient(int kg, int patch) {
        return (long) kg * patch >= PACKED_FILTER_MIN_ENTRIES;
    }

    /**
     * At stride 1, dx is the correlation of dy, padded by dh·(kh−1) − ph, with the filters rotated
     * by 180° and their in/out channels swapped: {@code dx[c] = Σ_k W[k,c,kh−1−i,kw−1−j] ⋆ dy[k]}.
     * When that padding is at most the forward one ("same" convolutions such as ResNet's 3×3, pad 1),
     * running it as a forward convolution beats {@code col = Wᵀ·dy} and col2im: the GEMM's inner
     * dimension is K·kh·kw instead of K, and its column matrix is written once instead of being
     * scattered back with read-modify-writes.
     */
    private static boolean asTransposedForward(ConvGeometry g) {
        int padH = g.dilationH() * (g.kernelH() - 1) - g.padH();
        int padW = g.dilationW() * (g.kernelW() - 1) - g.padW();
        return g.strideH() == 1 && g.strideW() == 1 && padH >= 0 && padW >= 0
                && padH <= g.padH() && padW <= g.padW();
    }

    private void transposedForward(ConvGeometry g, float[] dy, float[] w, float[] dx) {
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
            ConvGeometry transposed = new ConvGeometry(g.batch(), g.outChannels(), g.outHeight(), g.outWidth(),
                    g.channels(), g.height(), g.width(), kh, kw, 1, 1,
                    g.dilationH() * (kh - 1) - g.padH(), g.dilationW() * (kw - 1) - g.padW(),
                    g.dilationH(), g.dilationW(), g.groups());
            forward(transposed, dy, rotated, dx);
        } finally {
            rotatedFilters.give(rotated);
        }
    }

    /** Work on the samples [n0, n0 + nb), given a column workspace and one of K·nb·OH·OW floats. */
    @FunctionalInterface
    private interface BlockWork {
        void run(int n0, int nb, float[] col, float[] out);
    }

    /** Work on the run of samples [from, to) into {@code target}. */
    @FunctionalInterface
    private interface RunWork {
        void run(int from, int to, float[] target);
    }

    /** Two samples or more share out over the threads; a single one keeps all threads for its GEMMs. */
    private boolean splitsBatch(ConvGeometry g) {
        return g.batch() > 1 && loop.threads() > 1;
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
    private int samplesPerBlock(ConvGeometry g) {
        long perSample = (long) Math.max(g.colRows(), g.outChannels()) * g.outputPlane();
        return (int) Math.max(1, Math.min(g.batch(), blockFloats / Math.max(1, perSample)));
    }

    private void forEachBlock(ConvGeometry g, BlockWork work) {
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

    /** y[n0 + s, k, :] = out[k, s·P ...] for a block's [K × nb·P] product. */
    private static void scatter(float[] out, int ld, float[] y, int n0, int nb, int channels, int pixels) {
        int outSample = channels * pixels;
        for (int s = 0; s < nb; s++) {
            for (int k = 0; k < channels; k++) {
                System.arraycopy(out, k * ld + s * pixels, y, (n0 + s) * outSample + k * pixels, pixels);
            }
        }
    }

    /** gathered[k, s·P ...] = dy[n0 + s, k, :]: a block's gradient in the layout of its product. */
    private static void gather(float[] dy, int n0, int nb, int channels, int pixels, float[] gathered, int ld) {
        int outSample = channels * pixels;
        for (int s = 0; s < nb; s++) {
            for (int k = 0; k < channels; k++) {
                System.arraycopy(dy, (n0 + s) * outSample + k * pixels, gathered, k * ld + s * pixels, pixels);
            }
        }
    }

    /**
     * Validates the input/weight pair through {@link Conv2dSpec#outputShape} and the output-side
     * tensor against the shape it implies, naming the op and every shape involved on failure.
     */
    private static ConvGeometry geometry(String op, String inputName, Tensor input, Tensor weight, Conv2dSpec spec,
                                         String outputName, Tensor output) {
        Shape expected;
        try {
            expected = spec.outputShape(input.shape(), weight.shape());
        } catch (ShapeMismatchException e) {
            String detail = e.getMessage().startsWith("conv2d: ") ? e.getMessage().substring(8) : e.getMessage();
            throw new ShapeMismatchException(op + ": " + detail + " [" + inputName + " " + input.shape()
                    + ", weight " + weight.shape() + ", " + spec + "]");
        }
        ShapeCheck.require(op, outputName, output, expected);
        return ConvGeometry.of(input.shape(), expected, spec);
    }
}
