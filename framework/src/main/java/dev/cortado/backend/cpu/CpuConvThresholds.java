package dev.cortado.backend.cpu;

/**
 * The measured crossovers at which {@link CpuConvAlgorithmChooser} prefers one CPU convolution
 * algorithm to another where several can run. They depend on the machine (vector width, cache sizes,
 * cores), so they are data, carried by {@link CpuOptions} to the chooser, ready to be retuned per
 * machine; {@link #MEASURED} holds the values measured so far, each on the machine named below.
 *
 * @param packedFilterMinEntries filter-gradient entries Kg·C·kh·kw per group from which
 *        {@link CpuConvAlgorithm#FILTER_IM2COL_GEMM} (packed GEMM) beats
 *        {@link CpuConvAlgorithm#FILTER_IM2COL_ROW_PRODUCTS}: packing colᵀ costs once per block and is
 *        shared by all Kg rows of dy, while the dot products stream col once per tile of three dy rows
 *        and pay a lane reduction per entry per block
 * @param implicitFilterMinPlane output pixels per plane from which {@link CpuConvAlgorithm#FILTER_IMPLICIT_GEMM}
 *        runs (on layers whose output rows are whole vectors): each tile flushes its 16 vectors to the
 *        lane sums once per sample, which the sample's positions must amortize
 * @param blockedFilterMaxPaddedRatio the largest ratio of the padded plane (rounded up to a vector) to
 *        the output plane at which {@link CpuConvAlgorithm#FILTER_BLOCKED_IMPLICIT_GEMM} runs: every
 *        padded position costs a multiply-add
 */
public record CpuConvThresholds(long packedFilterMinEntries, int implicitFilterMinPlane,
                                double blockedFilterMaxPaddedRatio) {
    /**
     * As measured on 2-core machines for ResNet-20's layers (the commits named hold the timings):
     * <ul>
     *   <li>{@code packedFilterMinEntries} = 2^15 (commit edc858a) on the Intel AVX-512 machine of the
     *       early measurements (the README's "2-core AVX-512 machine" of the time), one thread: 64×576
     *       entries (stage 3) ~125 GFLOP/s packed against ~85-115 by row products, 64×288 even, 32×288 and
     *       16×144 favouring the row products (~110 against 45-75);</li>
     *   <li>{@code implicitFilterMinPlane} = 1024 (commit bb51270), on a machine the commit does not name:
     *       the README still described the Intel AVX-512 machine, and the first figures named as from the
     *       2-core AMD EPYC (Zen 5) VM are those of the next measuring commit, 6a54664; ~200 GFLOP/s a core
     *       for a tile in L1 at 1088 positions against ~115 at 256, so ResNet-20's 16×16 stage (288
     *       positions) stayed with im2col;</li>
     *   <li>{@code blockedFilterMaxPaddedRatio} = 1.5 (commit 6a54664) on the 2-core AMD EPYC (Zen 5)
     *       VM, 2 threads, batch 128: the 16×16 planes (18×18 padded, 1.31×) went from ~8.7 to ~6.3 ms per
     *       layer backward, while the 8×8 ones (10×10 padded, 1.6-1.75× once rounded up to a vector) ran faster
     *       as a GEMM.</li>
     * </ul>
     */
    public static final CpuConvThresholds MEASURED = new CpuConvThresholds(1 << 15, 1024, 1.5);

    public CpuConvThresholds {
        if (packedFilterMinEntries < 1 || implicitFilterMinPlane < 1 || !(blockedFilterMaxPaddedRatio > 0)) {
            throw new IllegalArgumentException("CPU convolution thresholds must be positive, got entries "
                    + packedFilterMinEntries + ", plane " + implicitFilterMinPlane + ", padded-plane ratio "
                    + blockedFilterMaxPaddedRatio);
        }
    }
}
