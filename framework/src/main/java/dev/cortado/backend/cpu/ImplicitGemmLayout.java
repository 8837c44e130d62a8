package dev.cortado.backend.cpu;

import java.util.Arrays;

/**
 * The copies of a sample that the implicit-GEMM algorithms read in place of an im2col matrix, and
 * where in them filter tap (c, i, j) finds the input under an output pixel. At stride 1, entry
 * (c, i, j) of the column of output pixel (oy, ox) is {@code xp[c, oy + i·dh, ox + j·dw]} of the
 * zero-padded sample xp ({@link #pad}: C planes of (H + 2ph) × (W + 2pw)), so for the output pixels
 * along one row it is a contiguous run of xp at the tap's offset {@code c·plane + i·dh·Wp + j·dw}
 * from the pixel's own position ({@link #tapOffsets}). The column-unrolled copy
 * ({@link #unrollColumns}) makes that hold across rows narrower than a vector, and dy copied with the
 * padded input's row pitch ({@link #padGradient}) lets one index run over a dy row and over the input
 * under a tap alike.
 */
final class ImplicitGemmLayout {
    private ImplicitGemmLayout() {
    }

    static int paddedWidth(ConvGeometry g) {
        return g.width() + 2 * g.padW();
    }

    static int paddedPlane(ConvGeometry g) {
        return (g.height() + 2 * g.padH()) * paddedWidth(g);
    }

    /** Floats of one sample's padded input: C planes of (H + 2ph) × (W + 2pw). */
    static int paddedSample(ConvGeometry g) {
        return g.channels() * paddedPlane(g);
    }

    static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /** Copies the sample at {@code x[xOff]} into {@code xp[xpOff]}, ph zero rows and pw zero columns on each side. */
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

    /** Floats of one channel of dy with the padded input's row pitch: OH rows of Wp, rounded up to a vector. */
    static int paddedOutputPlane(ConvGeometry g, int lanes) {
        return roundUp(g.outHeight() * paddedWidth(g), lanes);
    }

    /**
     * Copies one sample's dy into rows of the padded input's pitch, zero between rows and after the
     * last, into planes of {@code dyPlane} floats whose channels lie {@code channelStride} apart.
     */
    static void padGradient(ConvGeometry g, float[] dy, int dyOff, float[] dyp, int dypOff, int dyPlane,
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

    /** Offset in the padded sample of tap (c, i, j) of a group's filter, relative to the output pixel's position. */
    static int[] tapOffsets(ConvGeometry g) {
        return tapOffsets(g, paddedPlane(g));
    }

    /** {@link #tapOffsets} for padded channels {@code channelStride} floats apart. */
    static int[] tapOffsets(ConvGeometry g, int channelStride) {
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
     * Floats of one channel of the column-unrolled sample: the padded height Hp = H + 2ph rows of
     * OW columns (see {@link #unrollColumns}).
     */
    static int unrolledPlane(ConvGeometry g) {
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

    /** Offset in the column-unrolled sample of tap (c, i, j) of a group's filter, relative to the output pixel. */
    static int[] unrolledTapOffsets(ConvGeometry g) {
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
}
