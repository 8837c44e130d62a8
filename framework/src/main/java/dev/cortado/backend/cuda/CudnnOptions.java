package dev.cortado.backend.cuda;

/**
 * The cuDNN policy of a CUDA backend, as an explicit setting rather than a global (PyTorch's
 * {@code cudnn.benchmark} and {@code deterministic}).
 *
 * @param deterministic accept only algorithms that give bit-identical results run after run
 * @param workspaceLimitBytes the most scratch memory one convolution may use; algorithms needing more are skipped
 * @param search how algorithms are ranked
 * @param tf32 let convolutions and matrix products use TF32 tensor cores (Ampere and newer): inputs
 *             rounded to 10-bit mantissas, sums in fp32; PyTorch's default for convolutions. Off, every
 *             product is a full fp32 FMA and results match the CPU backend to fp32 rounding.
 */
public record CudnnOptions(boolean deterministic, long workspaceLimitBytes, AlgorithmSearch search, boolean tf32) {
    /** Not deterministic, 1 GiB workspace limit, measured search (PyTorch's benchmark mode), full fp32. */
    public static final CudnnOptions DEFAULT = new CudnnOptions(false, 1L << 30, AlgorithmSearch.MEASURE, false);

    public enum AlgorithmSearch {
        /** cudnnFind*: runs each algorithm once per new shape and ranks by measured time. */
        MEASURE,
        /** cudnnGet*_v7: cuDNN's heuristic ranking, no trial runs (faster start, sometimes slower steps). */
        HEURISTIC
    }

    public CudnnOptions {
        if (workspaceLimitBytes < 0) {
            throw new IllegalArgumentException("cuDNN workspace limit must not be negative, got " + workspaceLimitBytes);
        }
        if (search == null) {
            throw new IllegalArgumentException("cuDNN algorithm search mode must be given");
        }
    }

    public CudnnOptions withDeterministic(boolean d) {
        return new CudnnOptions(d, workspaceLimitBytes, search, tf32);
    }

    public CudnnOptions withWorkspaceLimit(long bytes) {
        return new CudnnOptions(deterministic, bytes, search, tf32);
    }

    public CudnnOptions withSearch(AlgorithmSearch s) {
        return new CudnnOptions(deterministic, workspaceLimitBytes, s, tf32);
    }

    public CudnnOptions withTf32(boolean t) {
        return new CudnnOptions(deterministic, workspaceLimitBytes, search, t);
    }
}
