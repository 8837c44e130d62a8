package dev.cortado.backend.cpu;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.ConvolutionOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;

/**
 * Convolution as im2col + GEMM (Chellapilla et al. 2006, as in Caffe): per sample and group,
 * {@code y = W·col(x)}, {@code col(dx) = Wᵀ·dy} folded back by col2im, and {@code dW += dy·col(x)ᵀ}.
 *
 * <p>Threads share out the samples of the batch, each with its own im2col workspace and its GEMMs
 * running serially inside it; a batch smaller than the thread count is instead processed one sample
 * at a time with im2col split over channels and each GEMM spread over the threads. The filter
 * gradient sums over the batch, so each thread accumulates a partial dW that is added up afterwards
 * in sample order, which keeps the result independent of scheduling.
 */
final class CpuConvolution implements ConvolutionOps {
    private static final String FORWARD = "conv2d forward";
    private static final String BACKWARD_DATA = "conv2d backwardData";
    private static final String BACKWARD_FILTER = "conv2d backwardFilter";
    /** Floats of im2col/col2im work below which splitting channels over threads costs more than it saves. */
    private static final int UNROLL_GRAIN = 1 << 14;
    private static final int REDUCE_GRAIN = 1 << 14;

    private final ParallelLoop loop;
    private final CpuGemm gemm;
    private final Workspaces columns = new Workspaces();
    private final Workspaces filterPartials = new Workspaces();

    CpuConvolution(ParallelLoop loop, CpuGemm gemm) {
        this.loop = loop;
        this.gemm = gemm;
    }

    @Override
    public void forward(Tensor x, Tensor w, Conv2dSpec spec, Tensor y) {
        ConvGeometry g = geometry(FORWARD, "x", x, w, spec, "y", y);
        float[] xa = HostArrays.of(FORWARD, x);
        float[] wa = HostArrays.of(FORWARD, w);
        float[] ya = HostArrays.of(FORWARD, y);
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        forEachSample(g, (n, col) -> {
            float[] source = xa;
            int sourceOff = n * inSample;
            if (!g.isPointwise()) {
                unroll(g, xa, n * inSample, col);
                source = col;
                sourceOff = 0;
            }
            int kg = g.outChannelsPerGroup();
            int patch = g.patchSize();
            int pixels = g.outputPlane();
            for (int gi = 0; gi < g.groups(); gi++) {
                gemm.sgemm(false, false, kg, pixels, patch, 1f,
                        wa, gi * kg * patch, patch,
                        source, sourceOff + gi * patch * pixels, pixels,
                        0f, ya, n * outSample + gi * kg * pixels, pixels);
            }
        });
    }

    @Override
    public void backwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx) {
        ConvGeometry g = geometry(BACKWARD_DATA, "dx", dx, w, spec, "dy", dy);
        float[] dya = HostArrays.of(BACKWARD_DATA, dy);
        float[] wa = HostArrays.of(BACKWARD_DATA, w);
        float[] dxa = HostArrays.of(BACKWARD_DATA, dx);
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        forEachSample(g, (n, col) -> {
            // A pointwise convolution's im2col is the identity, so Wᵀ·dy lands in dx directly.
            float[] target = g.isPointwise() ? dxa : col;
            int targetOff = g.isPointwise() ? n * inSample : 0;
            int kg = g.outChannelsPerGroup();
            int patch = g.patchSize();
            int pixels = g.outputPlane();
            for (int gi = 0; gi < g.groups(); gi++) {
                gemm.sgemm(true, false, patch, pixels, kg, 1f,
                        wa, gi * kg * patch, patch,
                        dya, n * outSample + gi * kg * pixels, pixels,
                        0f, target, targetOff + gi * patch * pixels, pixels);
            }
            if (!g.isPointwise()) {
                fold(g, col, dxa, n * inSample);
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
        SampleAccumulation accumulate = (n, col, target, first) -> {
            float[] source = xa;
            int sourceOff = n * inSample;
            if (!g.isPointwise()) {
                unroll(g, xa, n * inSample, col);
                source = col;
                sourceOff = 0;
            }
            int kg = g.outChannelsPerGroup();
            int patch = g.patchSize();
            int pixels = g.outputPlane();
            for (int gi = 0; gi < g.groups(); gi++) {
                gemm.sgemm(false, true, kg, patch, pixels, 1f,
                        dya, n * outSample + gi * kg * pixels, pixels,
                        source, sourceOff + gi * patch * pixels, pixels,
                        first ? 0f : 1f, target, gi * kg * patch, patch);
            }
        };
        if (!batchParallel(g)) {
            float[] col = g.isPointwise() ? null : columns.take(g.colSize());
            try {
                for (int n = 0; n < g.batch(); n++) {
                    accumulate.run(n, col, dwa, n == 0);
                }
            } finally {
                giveBack(col);
            }
            return;
        }
        // One partial dW per chunk, filed under the chunk's first sample so the sum runs in batch order.
        float[][] partialByFirstSample = new float[g.batch()][];
        loop.forRange(g.batch(), 1, (from, to) -> {
            float[] col = g.isPointwise() ? null : columns.take(g.colSize());
            float[] partial = filterPartials.take(filterSize);
            try {
                for (int n = from; n < to; n++) {
                    accumulate.run(n, col, partial, n == from);
                }
                partialByFirstSample[from] = partial;
            } finally {
                giveBack(col);
            }
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

    /** Work on one sample, given an im2col workspace of {@link ConvGeometry#colSize()} floats (null when pointwise). */
    @FunctionalInterface
    private interface SampleWork {
        void run(int n, float[] col);
    }

    /** Adds (or with {@code first}, writes) one sample's filter gradient into {@code target}. */
    @FunctionalInterface
    private interface SampleAccumulation {
        void run(int n, float[] col, float[] target, boolean first);
    }

    /** Enough samples to give every thread one: parallelize over the batch rather than inside GEMM. */
    private boolean batchParallel(ConvGeometry g) {
        return g.batch() >= loop.threads() && loop.threads() > 1;
    }

    private void forEachSample(ConvGeometry g, SampleWork work) {
        if (!batchParallel(g)) {
            float[] col = g.isPointwise() ? null : columns.take(g.colSize());
            try {
                for (int n = 0; n < g.batch(); n++) {
                    work.run(n, col);
                }
            } finally {
                giveBack(col);
            }
            return;
        }
        loop.forRange(g.batch(), 1, (from, to) -> {
            float[] col = g.isPointwise() ? null : columns.take(g.colSize());
            try {
                for (int n = from; n < to; n++) {
                    work.run(n, col);
                }
            } finally {
                giveBack(col);
            }
        });
    }

    private void giveBack(float[] col) {
        if (col != null) {
            columns.give(col);
        }
    }

    /** im2col of one sample, split over channels (serial when already inside a parallel chunk). */
    private void unroll(ConvGeometry g, float[] x, int xOff, float[] col) {
        int perChannel = g.kernelH() * g.kernelW() * g.colCols();
        loop.forRange(g.channels(), Math.max(1, UNROLL_GRAIN / Math.max(1, perChannel)),
                (from, to) -> Im2Col.im2col(g, x, xOff, col, 0, from, to));
    }

    /** col2im of one sample into dx, split over channels: each channel's plane is written by one thread. */
    private void fold(ConvGeometry g, float[] col, float[] dx, int dxOff) {
        int perChannel = g.kernelH() * g.kernelW() * g.colCols();
        loop.forRange(g.channels(), Math.max(1, UNROLL_GRAIN / Math.max(1, perChannel)),
                (from, to) -> Im2Col.col2im(g, col, 0, dx, dxOff, from, to));
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
