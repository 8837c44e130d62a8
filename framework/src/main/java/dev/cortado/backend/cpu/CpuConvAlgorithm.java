package dev.cortado.backend.cpu;

import java.util.Arrays;
import java.util.List;

/**
 * The CPU backend's convolution algorithms, per direction, as cuDNN names its own
 * ({@code CUDNN_CONVOLUTION_FWD_ALGO_*}, {@code BWD_DATA_ALGO_*}, {@code BWD_FILTER_ALGO_*}).
 * {@link CpuConvAlgorithmChooser} picks one per layer shape and direction; {@link CpuOptions} can force
 * one. Each runs in its own class, named below.
 */
public enum CpuConvAlgorithm {
    /** im2col of a block of samples, then one GEMM per group ({@link Im2ColGemmForward}). Any geometry. */
    FORWARD_IM2COL_GEMM(Direction.FORWARD, false),
    /**
     * Stride 1, output planes of whole 2-vector tiles: 8-channel × 2-vector tiles over a zero-padded (or
     * column-unrolled) copy of each sample, no im2col matrix ({@link ImplicitGemmForward}).
     */
    FORWARD_IMPLICIT_GEMM(Direction.FORWARD, true),
    /** {@code col = Wᵀ·dy} by GEMM, folded into dx by col2im ({@link Col2ImGemmBackwardData}). Any geometry. */
    DATA_COL2IM_GEMM(Direction.BACKWARD_DATA, false),
    /**
     * Stride 1, padding at most the dilated kernel's reach: a forward convolution of dy with the filters
     * rotated by 180° ({@link TransposedForward}), by im2col and GEMM.
     */
    DATA_TRANSPOSED_IM2COL_GEMM(Direction.BACKWARD_DATA, false),
    /** The same forward convolution of dy by the implicit GEMM, where it runs on the transposed geometry. */
    DATA_TRANSPOSED_IMPLICIT_GEMM(Direction.BACKWARD_DATA, true),
    /** {@code dW = dy·colᵀ} by the packed GEMM over im2col ({@link Im2ColFilterGradient}). Any geometry. */
    FILTER_IM2COL_GEMM(Direction.BACKWARD_FILTER, false),
    /**
     * {@code dW = dy·colᵀ} over im2col by dot products of contiguous rows, with no packing
     * ({@link Im2ColFilterGradient}). Any geometry.
     */
    FILTER_IM2COL_ROW_PRODUCTS(Direction.BACKWARD_FILTER, true),
    /**
     * Stride 1, whole 4×4 filter tiles: lane-wise dot products over each sample's padded input and dy,
     * one sample at a time ({@link ImplicitGemmFilterGradient}).
     */
    FILTER_IMPLICIT_GEMM(Direction.BACKWARD_FILTER, true),
    /**
     * Stride 1, whole 4×4 filter tiles: the same dot products in one flat pass over blocks of samples
     * laid out channel by channel ({@link BlockedImplicitGemmFilterGradient}).
     */
    FILTER_BLOCKED_IMPLICIT_GEMM(Direction.BACKWARD_FILTER, true);

    /** The three passes of a convolution, each with its own choice of algorithm. */
    public enum Direction {
        FORWARD("conv2d forward"), BACKWARD_DATA("conv2d backwardData"), BACKWARD_FILTER("conv2d backwardFilter");

        private final String op;

        Direction(String op) {
            this.op = op;
        }

        /** The op's name in messages, as the backends' errors spell it. */
        public String op() {
            return op;
        }
    }

    private final Direction direction;
    private final boolean vectorApi;

    CpuConvAlgorithm(Direction direction, boolean vectorApi) {
        this.direction = direction;
        this.vectorApi = vectorApi;
    }

    public Direction direction() {
        return direction;
    }

    /** Whether it runs only on vector kernels ({@link CpuOptions.Kernels#VECTOR}). */
    public boolean needsVectorApi() {
        return vectorApi;
    }

    /** The algorithms of one direction, in declaration order. */
    public static List<CpuConvAlgorithm> of(Direction direction) {
        return Arrays.stream(values()).filter(a -> a.direction == direction).toList();
    }
}
