package dev.cortado.backend.cpu;

import dev.cortado.backend.Conv2dSpec;
import dev.cortado.backend.ConvolutionOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.backend.cpu.CpuConvAlgorithm.Direction;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;

/**
 * The CPU convolutions: each call validates its shapes, asks {@link CpuConvAlgorithmChooser} for the
 * algorithm of its geometry and direction ({@link CpuConvAlgorithm}), and runs it. im2col + GEMM
 * (Chellapilla et al. 2006, as in Caffe) runs any geometry, batched over blocks of samples
 * ({@link Im2ColBlocks}); stride-1 layers mostly run as implicit GEMMs without an im2col matrix on
 * vector kernels, and backward data of "same" layers as a forward pass over dy with rotated filters.
 *
 * <p>The filter gradient sums over the batch, so with two threads or more each thread's run of samples
 * accumulates a partial dW, whatever the algorithm, and the partials are added up afterwards in sample
 * order; runs depend only on the batch and the thread count, which keeps the result independent of
 * scheduling. The algorithms share one set of scratch pools ({@link ConvScratch}).
 */
final class CpuConvolution implements ConvolutionOps {
    private static final int REDUCE_GRAIN = 1 << 14;

    private final ParallelLoop loop;
    private final CpuConvAlgorithmChooser chooser;
    private final Workspaces filterPartials;
    private final Im2ColGemmForward im2colForward;
    private final Col2ImGemmBackwardData col2imBackwardData;
    private final Im2ColFilterGradient im2colFilterGradient;
    private final TransposedForward transposedForward;
    /** The Vector API algorithms; null with scalar kernels, so that their classes are never loaded. */
    private final ImplicitGemmForward implicitForward;
    private final ImplicitGemmFilterGradient implicitFilterGradient;
    private final BlockedImplicitGemmFilterGradient blockedFilterGradient;

    CpuConvolution(ParallelLoop loop, CpuGemm gemm, CpuOptions options) {
        this(loop, gemm, options, Im2ColBlocks.DEFAULT_BLOCK_FLOATS);
    }

    /** With an explicit im2col block size, for tests that make blocks end inside a thread's run of samples. */
    CpuConvolution(ParallelLoop loop, CpuGemm gemm, CpuOptions options, int blockFloats) {
        ConvScratch scratch = new ConvScratch();
        Im2ColBlocks blocks = new Im2ColBlocks(loop, blockFloats, scratch);
        this.loop = loop;
        this.chooser = new CpuConvAlgorithmChooser(options);
        this.filterPartials = scratch.filterPartials();
        this.im2colForward = new Im2ColGemmForward(blocks, gemm);
        this.col2imBackwardData = new Col2ImGemmBackwardData(blocks, gemm);
        this.im2colFilterGradient = new Im2ColFilterGradient(blocks, gemm);
        this.transposedForward = new TransposedForward(scratch);
        boolean vector = options.kernels() == CpuOptions.Kernels.VECTOR;
        this.implicitForward = vector ? new ImplicitGemmForward(loop, scratch) : null;
        this.implicitFilterGradient = vector ? new ImplicitGemmFilterGradient(scratch) : null;
        this.blockedFilterGradient = vector ? new BlockedImplicitGemmFilterGradient(scratch) : null;
    }

    @Override
    public void forward(Tensor x, Tensor w, Conv2dSpec spec, Tensor y) {
        ConvGeometry g = geometry(Direction.FORWARD, "x", x, w, spec, "y", y);
        float[] xa = HostArrays.of(Direction.FORWARD.op(), x);
        float[] wa = HostArrays.of(Direction.FORWARD.op(), w);
        float[] ya = HostArrays.of(Direction.FORWARD.op(), y);
        CpuConvAlgorithm algorithm = chooser.choose(g, Direction.FORWARD);
        switch (algorithm) {
            case FORWARD_IM2COL_GEMM -> im2colForward.forward(g, xa, wa, ya);
            case FORWARD_IMPLICIT_GEMM -> implicitForward.forward(g, xa, wa, ya);
            default -> throw notOf(Direction.FORWARD, algorithm);
        }
    }

    @Override
    public void backwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx) {
        ConvGeometry g = geometry(Direction.BACKWARD_DATA, "dx", dx, w, spec, "dy", dy);
        float[] dya = HostArrays.of(Direction.BACKWARD_DATA.op(), dy);
        float[] wa = HostArrays.of(Direction.BACKWARD_DATA.op(), w);
        float[] dxa = HostArrays.of(Direction.BACKWARD_DATA.op(), dx);
        CpuConvAlgorithm algorithm = chooser.choose(g, Direction.BACKWARD_DATA);
        switch (algorithm) {
            case DATA_COL2IM_GEMM -> col2imBackwardData.backwardData(g, dya, wa, dxa);
            case DATA_TRANSPOSED_IM2COL_GEMM -> transposedForward.backwardData(g, dya, wa, dxa, im2colForward::forward);
            case DATA_TRANSPOSED_IMPLICIT_GEMM ->
                    transposedForward.backwardData(g, dya, wa, dxa, implicitForward::forward);
            default -> throw notOf(Direction.BACKWARD_DATA, algorithm);
        }
    }

    @Override
    public void backwardFilter(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw) {
        ConvGeometry g = geometry(Direction.BACKWARD_FILTER, "x", x, dw, spec, "dy", dy);
        float[] xa = HostArrays.of(Direction.BACKWARD_FILTER.op(), x);
        float[] dya = HostArrays.of(Direction.BACKWARD_FILTER.op(), dy);
        float[] dwa = HostArrays.of(Direction.BACKWARD_FILTER.op(), dw);
        int filterSize = dw.shape().intSize();
        if (g.batch() == 0) {
            Arrays.fill(dwa, 0, filterSize, 0f);
            return;
        }
        CpuConvAlgorithm algorithm = chooser.choose(g, Direction.BACKWARD_FILTER);
        RunWork accumulate = switch (algorithm) {
            case FILTER_IM2COL_GEMM ->
                    (from, to, target) -> im2colFilterGradient.filterGradient(g, xa, dya, from, to, target, false);
            case FILTER_IM2COL_ROW_PRODUCTS ->
                    (from, to, target) -> im2colFilterGradient.filterGradient(g, xa, dya, from, to, target, true);
            case FILTER_IMPLICIT_GEMM ->
                    (from, to, target) -> implicitFilterGradient.filterGradient(g, xa, dya, from, to, target);
            case FILTER_BLOCKED_IMPLICIT_GEMM ->
                    (from, to, target) -> blockedFilterGradient.filterGradient(g, xa, dya, from, to, target);
            default -> throw notOf(Direction.BACKWARD_FILTER, algorithm);
        };
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

    /** Whether {@code algorithm} can run the convolution of {@code input} by {@code weight} with these kernels. */
    boolean canRun(CpuConvAlgorithm algorithm, Shape input, Shape weight, Conv2dSpec spec) {
        return chooser.unsupported(algorithm, ConvGeometry.of(input, spec.outputShape(input, weight), spec)) == null;
    }

    /** Writes the filter gradient of the run of samples [from, to) into {@code target}. */
    @FunctionalInterface
    private interface RunWork {
        void run(int from, int to, float[] target);
    }

    /** Two samples or more share out over the threads; a single one keeps all threads for its GEMMs. */
    private boolean splitsBatch(ConvGeometry g) {
        return g.batch() > 1 && loop.threads() > 1;
    }

    private static IllegalStateException notOf(Direction direction, CpuConvAlgorithm algorithm) {
        return new IllegalStateException(direction.op() + ": " + algorithm + " is a " + algorithm.direction().op()
                + " algorithm");
    }

    /**
     * Validates the input/weight pair through {@link Conv2dSpec#outputShape} and the output-side
     * tensor against the shape it implies, naming the op and every shape involved on failure.
     */
    private static ConvGeometry geometry(Direction direction, String inputName, Tensor input, Tensor weight,
                                         Conv2dSpec spec, String outputName, Tensor output) {
        String op = direction.op();
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
