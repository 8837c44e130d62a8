package dev.cortado.backend.cpu;

import java.util.Arrays;

/**
 * {@link CpuConvAlgorithm#FILTER_IMPLICIT_GEMM}: the stride-1 filter gradient
 * {@code dW[k, (c,i,j)] = Σ_n Σ_(oy,ox) dy[n,k,oy,ox] · xp[n, c, oy + i·dh, ox + j·dw]} without an
 * im2col matrix, one sample at a time on the calling thread. Each sample's input is copied
 * zero-padded and its dy with the padded input's row pitch, zeros between rows
 * ({@link ImplicitGemmLayout}), so that one index runs over a dy row and over the input under a tap
 * alike, whatever the row width. For each 4-row tile of dy, the sample's rows (16 KiB at 1024 pixels)
 * stay in L1 while every 4-entry tile of taps runs over them as lane-wise dot products, added to a
 * per-entry vector of lane sums; each entry's lanes are summed in lane order at the end (a fixed
 * order, whatever the threads did). Construct only with vector kernels.
 */
final class ImplicitGemmFilterGradient {
    /** Rows and entries of a filter-gradient tile. */
    static final int TILE = 4;

    private final int lanes = VectorConvTiles.lanes();
    private final Workspaces padded;
    private final Workspaces paddedGradients;
    private final Workspaces laneSums;

    ImplicitGemmFilterGradient(ConvScratch scratch) {
        this.padded = scratch.padded();
        this.paddedGradients = scratch.paddedGradients();
        this.laneSums = scratch.laneSums();
    }

    /**
     * Why the implicit filter gradients (this one and {@link BlockedImplicitGemmFilterGradient}) cannot
     * run geometry g, or null if they can: stride 1 (a tap's input then runs in step with dy) and filters
     * that split into whole 4×4 tiles (output channels per group and Cg·kh·kw both multiples of 4).
     */
    static String unsupported(ConvGeometry g) {
        if (g.strideH() != 1 || g.strideW() != 1) {
            return "it needs stride 1, not " + g.strideH() + "×" + g.strideW();
        }
        if (g.outChannelsPerGroup() % TILE != 0 || g.patchSize() % TILE != 0) {
            return "its 4×4 tiles need output channels per group and Cg·kh·kw that are multiples of 4, not "
                    + g.outChannelsPerGroup() + " and " + g.patchSize();
        }
        return null;
    }

    /** Writes the filter gradient of samples [from, to) into {@code target}; requires a geometry it runs. */
    void filterGradient(ConvGeometry g, float[] x, float[] dy, int from, int to, float[] target) {
        int inSample = g.channels() * g.inputPlane();
        int outSample = g.outChannels() * g.outputPlane();
        int dyPlane = ImplicitGemmLayout.paddedOutputPlane(g, lanes);
        int kg = g.outChannelsPerGroup();
        int patch = g.patchSize();
        int groupStride = g.channelsPerGroup() * ImplicitGemmLayout.paddedPlane(g);
        int entries = g.outChannels() * patch;
        int[] offsets = ImplicitGemmLayout.tapOffsets(g);
        // A tap's last vector may run past the padded sample by up to (kw − 1)·dw + L floats, read as zeros.
        int sample = ImplicitGemmLayout.paddedSample(g);
        int slack = (g.kernelW() - 1) * g.dilationW() + lanes;
        float[] xp = padded.take(sample + slack);
        float[] dyp = paddedGradients.take(g.outChannels() * dyPlane);
        float[] acc = laneSums.take(entries * lanes);
        try {
            Arrays.fill(xp, sample, sample + slack, 0f);
            Arrays.fill(acc, 0, entries * lanes, 0f);
            for (int n = from; n < to; n++) {
                ImplicitGemmLayout.pad(g, x, n * inSample, xp, 0);
                ImplicitGemmLayout.padGradient(g, dy, n * outSample, dyp, 0, dyPlane, dyPlane);
                for (int gi = 0; gi < g.groups(); gi++) {
                    int dyGroup = gi * kg * dyPlane;
                    int xGroup = gi * groupStride;
                    int wGroup = gi * kg * patch;
                    for (int k = 0; k < kg; k += TILE) {
                        for (int e = 0; e < patch; e += TILE) {
                            VectorConvTiles.filterTile(dyPlane, dyp, dyGroup + k * dyPlane, dyPlane,
                                    xp, xGroup + offsets[e], xGroup + offsets[e + 1], xGroup + offsets[e + 2],
                                    xGroup + offsets[e + 3], acc, (wGroup + k * patch + e) * lanes, patch);
                        }
                    }
                }
            }
            sumLanes(acc, entries, lanes, target);
        } finally {
            padded.give(xp);
            paddedGradients.give(dyp);
            laneSums.give(acc);
        }
    }

    /** target[i] = the sum of entry i's lanes, in lane order (a fixed order, whatever the threads did). */
    static void sumLanes(float[] acc, int entries, int lanes, float[] target) {
        for (int i = 0; i < entries; i++) {
            float sum = 0f;
            for (int l = 0; l < lanes; l++) {
                sum += acc[i * lanes + l];
            }
            target[i] = sum;
        }
    }
}
