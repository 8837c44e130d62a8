package dev.cortado.backend.cuda;

import dev.cortado.backend.LrnSpec;
import dev.cortado.tensor.Shape;

/** How Cortado's shapes and specs become cuDNN's 4-D NCHW descriptors and parameters. */
public final class CudnnShapes {
    // cudnn.h: CUDNN_LRN_MIN_N, CUDNN_LRN_MAX_N, CUDNN_LRN_MIN_K, CUDNN_LRN_MIN_BETA
    static final int LRN_MIN_N = 1;
    static final int LRN_MAX_N = 16;
    static final double LRN_MIN_K = 1e-5;
    static final double LRN_MIN_BETA = 0.01;

    private CudnnShapes() {
    }

    /**
     * NCHW dims for a descriptor: rank 4 as is; [N, F] as [N, F, 1, 1] (so spatial batch norm and
     * channel softmax act per feature); [C] as [1, C, 1, 1] (per-channel parameters); [N, C, L] as [N, C, L, 1];
     * and [N, C, D1, D2, ...] as [N, C, D1·D2·..., 1], which is all that batch norm (statistics over everything
     * but C) and element-wise ops look at, so they accept every rank the CPU backend accepts.
     */
    public static int[] nchw(Shape s) {
        return switch (s.rank()) {
            case 1 -> new int[] {1, s.dim(0), 1, 1};
            case 2 -> new int[] {s.dim(0), s.dim(1), 1, 1};
            case 3 -> new int[] {s.dim(0), s.dim(1), s.dim(2), 1};
            case 4 -> s.dims();
            default -> new int[] {s.dim(0), s.dim(1), s.spatialSize(), 1};
        };
    }

    /** The shape of per-channel statistics for {@code x}: [1, C, 1, 1], cuDNN's spatial batch-norm layout. */
    public static int[] perChannel(Shape x) {
        return new int[] {1, x.channels(), 1, 1};
    }

    /**
     * cuDNN's LRN parameters for a spec. cuDNN divides alpha by the window size itself (as {@link LrnSpec}
     * means it), so alpha passes through unchanged; cuDNN bounds the window and k and beta from below.
     */
    public static double[] lrnParameters(LrnSpec spec) {
        if (spec.size() < LRN_MIN_N || spec.size() > LRN_MAX_N) {
            throw new IllegalArgumentException("LRN on cuDNN: window size must lie in [" + LRN_MIN_N + ", "
                    + LRN_MAX_N + "], got " + spec.size());
        }
        if (spec.k() < LRN_MIN_K || spec.beta() < LRN_MIN_BETA) {
            throw new IllegalArgumentException("LRN on cuDNN: needs k >= " + LRN_MIN_K + " and beta >= "
                    + LRN_MIN_BETA + ", got k=" + spec.k() + " beta=" + spec.beta());
        }
        return new double[] {spec.size(), spec.alpha(), spec.beta(), spec.k()};
    }
}
