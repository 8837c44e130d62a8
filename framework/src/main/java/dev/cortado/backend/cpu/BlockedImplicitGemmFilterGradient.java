package dev.cortado.backend.cpu;

import java.util.Arrays;

/**
 * {@link CpuConvAlgorithm#FILTER_BLOCKED_IMPLICIT_GEMM}: the stride-1 filter gradient of
 * {@link ImplicitGemmFilterGradient} over blocks of samples laid out channel by channel instead of one
 * sample at a time: each input channel holds the block's padded planes one after another, each P
 * floats (the padded plane rounded up to a vector), and dy the same with the input's row pitch and
 * zeros wherever no output pixel lies. Then entry (k, c, i, j) is one dot product of dy's channel k
 * with the input's channel c shifted by {@code i·dh·Wp + j·dw}, over the whole block: one flat loop
 * however small the planes (ResNet-20's 16×16), where a loop per sample would pay its tile's flush
 * every few vectors. The loop runs in chunks of {@link #CHUNK} positions so that a 4-row tile of dy
 * stays in L1 while every 4-entry tile of taps streams past it. Each entry's lanes are summed in lane
 * order at the end; a lane sees the same positions whatever the block size. Runs the geometries that
 * {@link ImplicitGemmFilterGradient#unsupported} accepts; construct only with vector kernels.
 */
final class BlockedImplicitGemmFilterGradient {
    private static final int TILE = ImplicitGemmFilterGradient.TILE;
    /** Floats of a block's padded input and dy together, at most: 512 KiB, half a 1 MiB L2. */
    private static final int BLOCK_FLOATS = 1 << 17;
    /** Positions per pass of the tiles: a 4-row tile of dy, 16 KiB, stays in L1 while the taps stream. */
    private static final int CHUNK = 1024;

    private final int lanes = VectorConvTiles.lanes();
    private final Workspaces padded;
    private final Workspaces paddedGradients;
    private final Workspaces laneSums;

    BlockedImplicitGemmFilterGradient(ConvScratch scratch) {
        this.padded = scratch.padded();
        this.paddedGradients = scratch.paddedGradients();
        this.laneSums = scratch.laneSums();
    }

    /** Writes the filter gradient of samples [from, to) into {@code target}, a block of samples at a time. */
    void filterGradient(ConvGeometry g, float[] x, float[] dy, int from, int to, float[] target) {
        int paddedPlane = ImplicitGemmLayout.paddedPlane(g);
        int plane = ImplicitGemmLayout.roundUp(paddedPlane, lanes);
        int slack = ImplicitGemmLayout.roundUp((g.kernelH() - 1) * g.dilationH() * ImplicitGemmLayout.paddedWidth(g)
                + (g.kernelW() - 1) * g.dilationW(), lanes);
        int block = Math.max(1, Math.min(to - from, BLOCK_FLOATS / ((g.channels() + g.outChannels()) * plane)));
        int stride = block * plane + slack;
        int kg = g.outChannelsPerGroup();
        int cg = g.channelsPerGroup();
        int patch = g.patchSize();
        int entries = g.outChannels() * patch;
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int[] offsets = ImplicitGemmLayout.tapOffsets(g, stride);
        float[] xp = padded.take(g.channels() * stride);
        float[] dyp = paddedGradients.take(g.outChannels() * stride);
        float[] acc = laneSums.take(entries * lanes);
        try {
            Arrays.fill(acc, 0, entries * lanes, 0f);
            for (int n0 = from; n0 < to; n0 += block) {
                int count = Math.min(block, to - n0);
                int length = count * plane;
                for (int b = 0; b < count; b++) {
                    ImplicitGemmLayout.pad(g, x, (n0 + b) * inSample, xp, b * plane, stride);
                    ImplicitGemmLayout.padGradient(g, dy, (n0 + b) * outSample, dyp, b * plane, plane, stride);
                    for (int c = 0; c < g.channels(); c++) {
                        int end = c * stride + b * plane;
                        Arrays.fill(xp, end + paddedPlane, end + plane, 0f);
                    }
                }
                for (int c = 0; c < g.channels(); c++) {
                    Arrays.fill(xp, c * stride + length, c * stride + length + slack, 0f);
                }
                for (int q0 = 0; q0 < length; q0 += CHUNK) {
                    int n = Math.min(CHUNK, length - q0);
                    for (int gi = 0; gi < g.groups(); gi++) {
                        int xGroup = gi * cg * stride + q0;
                        for (int k = 0; k < kg; k += TILE) {
                            int dyRow = (gi * kg + k) * stride + q0;
                            for (int e = 0; e < patch; e += TILE) {
                                VectorConvTiles.filterTile(n, dyp, dyRow, stride, xp, xGroup + offsets[e],
                                        xGroup + offsets[e + 1], xGroup + offsets[e + 2], xGroup + offsets[e + 3],
                                        acc, ((gi * kg + k) * patch + e) * lanes, patch);
                            }
                        }
                    }
                }
            }
            ImplicitGemmFilterGradient.sumLanes(acc, entries, lanes, target);
        } finally {
            padded.give(xp);
            paddedGradients.give(dyp);
            laneSums.give(acc);
        }
    }
}
