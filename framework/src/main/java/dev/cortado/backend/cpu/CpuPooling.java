package dev.cortado.backend.cpu;

import dev.cortado.backend.Pool2dSpec;
import dev.cortado.backend.PoolMode;
import dev.cortado.backend.PoolingOps;
import dev.cortado.backend.ShapeCheck;
import dev.cortado.tensor.Shape;
import dev.cortado.tensor.ShapeMismatchException;
import dev.cortado.tensor.Tensor;
import java.util.Arrays;

/**
 * Max and average pooling on NCHW tensors, one (sample, channel) plane per task. A window covers
 * rows {@code oy·S − P ... oy·S − P + F − 1}; cells outside the input are padding, which max pooling
 * never selects and average pooling counts in the divisor only in {@link PoolMode#AVERAGE_INCLUDE_PADDING}
 * (cuDNN's two average modes). In ceil mode the last window may overhang the input's right or bottom
 * edge; it is clipped like padding ({@link Pool2dSpec} keeps average pooling that counts padding from
 * reaching past the padded input). Max pooling routes each gradient to the first maximum of its window in
 * row-major order, found again from x, so ties go where cuDNN sends them.
 */
final class CpuPooling implements PoolingOps {
    private static final String FORWARD = "pool2d forward";
    private static final String BACKWARD = "pool2d backward";
    /** Window reads per task below which another thread costs more than it saves. */
    private static final int GRAIN_WORK = 1 << 13;

    private final ParallelLoop loop;

    CpuPooling(ParallelLoop loop) {
        this.loop = loop;
    }

    @Override
    public void forward(Tensor x, Pool2dSpec spec, Tensor y) {
        Shape out = validate(FORWARD, x, spec);
        ShapeCheck.require(FORWARD, "y", y, out);
        Window win = new Window(x.shape(), out, spec);
        float[] xa = HostArrays.of(FORWARD, x);
        float[] ya = HostArrays.of(FORWARD, y);
        if (spec.mode() == PoolMode.MAX && win.inside()) {
            loop.forRange(win.planes(), win.grain(), (from, to) -> maxInside(win, xa, ya, from, to));
            return;
        }
        if (win.subsampling()) {
            loop.forRange(win.planes(), win.grain(), (from, to) -> subsample(win, xa, ya, from, to));
            return;
        }
        loop.forRange(win.planes(), win.grain(), (from, to) -> {
            for (int p = from; p < to; p++) {
                int in = p * win.inPlane();
                int o = p * win.outPlane();
                for (int oy = 0; oy < win.outH(); oy++) {
                    for (int ox = 0; ox < win.outW(); ox++) {
                        ya[o + oy * win.outW() + ox] = spec.mode() == PoolMode.MAX
                                ? xa[in + win.argMax(xa, in, oy, ox)]
                                : win.sum(xa, in, oy, ox) / win.divisor(spec.mode(), oy, ox);
                    }
                }
            }
        });
    }

    @Override
    public void backward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor dx) {
        Shape out = validate(BACKWARD, x, spec);
        ShapeCheck.require(BACKWARD, "y", y, out);
        ShapeCheck.require(BACKWARD, "dy", dy, out);
        ShapeCheck.same(BACKWARD, "x", x, "dx", dx);
        Window win = new Window(x.shape(), out, spec);
        float[] xa = HostArrays.of(BACKWARD, x);
        float[] dya = HostArrays.of(BACKWARD, dy);
        float[] dxa = HostArrays.of(BACKWARD, dx);
        if (spec.mode() == PoolMode.MAX && win.inside()) {
            if (win.tilesByTwo()) {
                loop.forRange(win.planes(), win.grain(), (from, to) -> routeTiles(win, xa, dya, dxa, from, to));
            } else {
                loop.forRange(win.planes(), win.grain(), (from, to) -> routeInside(win, xa, dya, dxa, from, to));
            }
            return;
        }
        if (win.subsampling()) {
            loop.forRange(win.planes(), win.grain(), (from, to) -> scatterSubsampled(win, dya, dxa, from, to));
            return;
        }
        loop.forRange(win.planes(), win.grain(), (from, to) -> {
            Arrays.fill(dxa, from * win.inPlane(), to * win.inPlane(), 0f);
            for (int p = from; p < to; p++) {
                int in = p * win.inPlane();
                int o = p * win.outPlane();
                for (int oy = 0; oy < win.outH(); oy++) {
                    for (int ox = 0; ox < win.outW(); ox++) {
                        float g = dya[o + oy * win.outW() + ox];
                        if (spec.mode() == PoolMode.MAX) {
                            dxa[in + win.argMax(xa, in, oy, ox)] += g;
                        } else {
                            win.spread(dxa, in, oy, ox, g / win.divisor(spec.mode(), oy, ox));
                        }
                    }
                }
            }
        });
    }

    /**
     * Max pooling of planes [from, to) when every window lies inside the input: no clipping, so the
     * window's cells are fixed offsets from its corner. With random signs a compare-and-branch scan
     * mispredicts on most windows, so a 2×2 window takes the branch-free {@link #firstMaxOfFour}, the
     * same cell as the general path's first-maximum rule, ±0 ties included, so the result is the same
     * bit for bit.
     */
    private static void maxInside(Window win, float[] x, float[] y, int from, int to) {
        firstMaxesInside(win, x, null, y, from, to);
    }

    /**
     * The backward pass of {@link #maxInside}: each dy goes to the first maximum of its window,
     * found without branches for 2×2 windows ({@link #firstMaxOfFour}).
     */
    private static void routeInside(Window win, float[] x, float[] dy, float[] dx, int from, int to) {
        Arrays.fill(dx, from * win.inPlane(), to * win.inPlane(), 0f);
        firstMaxesInside(win, x, dy, dx, from, to);
    }

    /**
     * The window walk of {@link #maxInside} and {@link #routeInside}: with {@code dy == null} it writes
     * out[o] = x[first maximum of window o], otherwise it adds dy[o] to out[first maximum]. The branch
     * between the two is the same for every window (loop-invariant).
     */
    private static void firstMaxesInside(Window win, float[] x, float[] dy, float[] out, int from, int to) {
        boolean route = dy != null;
        int inW = win.inW();
        int kh = win.kernelH();
        int kw = win.kernelW();
        boolean twoByTwo = kh == 2 && kw == 2;
        int o = from * win.outPlane();
        for (int p = from; p < to; p++) {
            int in = p * win.inPlane();
            for (int oy = 0; oy < win.outH(); oy++) {
                int rowBase = in + oy * win.strideH() * inW;
                for (int ox = 0; ox < win.outW(); ox++, o++) {
                    int corner = rowBase + ox * win.strideW();
                    // The 2×2 value comes from the branch-free first maximum, so that a window of
                    // zeros (most of them after a ReLU) needs no scan to pick the sign of its 0.
                    int at = twoByTwo ? firstMaxOfFour(x, corner, inW) : firstMax(x, corner, inW, kh, kw);
                    if (route) {
                        out[at] += dy[o];
                    } else {
                        out[o] = x[at];
                    }
                }
            }
        }
    }

    /**
     * {@link #firstMax} of a 2×2 window without branches: for finite m ≥ v, m − v is +0 exactly when
     * v == m (±0 included), so {@code ~(bits(m − v) − 1) >>> 31} is 0 there and 1 elsewhere, and the
     * number of leading cells unequal to the maximum is the offset of the first maximum. A NaN or
     * infinite maximum takes the scan.
     */
    private static int firstMaxOfFour(float[] x, int corner, int inW) {
        int slot = firstMaxSlotOfFour(x, corner, inW);
        return corner + (slot >> 1) * inW + (slot & 1);
    }

    /** The slot 0..3 (row-major) of the first maximum of the 2×2 window at {@code corner}. */
    private static int firstMaxSlotOfFour(float[] x, int corner, int inW) {
        float a = x[corner];
        float b = x[corner + 1];
        float c = x[corner + inW];
        float d = x[corner + inW + 1];
        float max = Math.max(Math.max(a, b), Math.max(c, d));
        if (!(Math.abs(max) < Float.POSITIVE_INFINITY)) {
            int at = firstMax(x, corner, inW, 2, 2) - corner;
            return at >= inW ? 2 + at - inW : at;
        }
        int notA = ~(Float.floatToRawIntBits(max - a) - 1) >>> 31;
        int notB = ~(Float.floatToRawIntBits(max - b) - 1) >>> 31;
        int notC = ~(Float.floatToRawIntBits(max - c) - 1) >>> 31;
        return notA * (1 + notB * (1 + notC));
    }

    /**
     * {@link #routeInside} when 2×2 windows at stride 2 tile the input exactly: every input cell lies
     * in one window, so each window writes its four cells of dx (dy at the first maximum, +0 at the
     * others, selected by a bit mask rather than a branch) and dx needs no zeroing beforehand.
     */
    private static void routeTiles(Window win, float[] x, float[] dy, float[] dx, int from, int to) {
        int inW = win.inW();
        int o = from * win.outPlane();
        for (int p = from; p < to; p++) {
            int in = p * win.inPlane();
            for (int oy = 0; oy < win.outH(); oy++) {
                int rowBase = in + 2 * oy * inW;
                for (int ox = 0; ox < win.outW(); ox++, o++) {
                    int corner = rowBase + 2 * ox;
                    int q = firstMaxSlotOfFour(x, corner, inW);
                    int g = Float.floatToRawIntBits(dy[o]);
                    dx[corner] = Float.intBitsToFloat(g & -(((q ^ 0) - 1) >>> 31));
                    dx[corner + 1] = Float.intBitsToFloat(g & -(((q ^ 1) - 1) >>> 31));
                    dx[corner + inW] = Float.intBitsToFloat(g & -(((q ^ 2) - 1) >>> 31));
                    dx[corner + inW + 1] = Float.intBitsToFloat(g & -(((q ^ 3) - 1) >>> 31));
                }
            }
        }
    }

    /**
     * A 1×1 window without padding (the option-A shortcut of CIFAR ResNets, which keeps every s-th
     * pixel): max and average alike copy the window's one cell, which the general path would reach
     * through clipping, a divisor and a division per output.
     */
    private static void subsample(Window win, float[] x, float[] y, int from, int to) {
        subsampledCells(win, x, y, false, from, to);
    }

    /** The backward pass of {@link #subsample}: each gradient goes back to its cell, every other cell gets 0. */
    private static void scatterSubsampled(Window win, float[] dy, float[] dx, int from, int to) {
        Arrays.fill(dx, from * win.inPlane(), to * win.inPlane(), 0f);
        subsampledCells(win, dy, dx, true, from, to);
    }

    /**
     * The walk of {@link #subsample} and {@link #scatterSubsampled} over the kept cells of planes
     * [from, to): gathers dst[o] = src[cell], or with {@code scatter} (loop-invariant) dst[cell] = src[o].
     */
    private static void subsampledCells(Window win, float[] src, float[] dst, boolean scatter, int from, int to) {
        int o = from * win.outPlane();
        for (int p = from; p < to; p++) {
            int in = p * win.inPlane();
            for (int oy = 0; oy < win.outH(); oy++) {
                int row = in + oy * win.strideH() * win.inW();
                for (int ox = 0; ox < win.outW(); ox++) {
                    int cell = row + ox * win.strideW();
                    if (scatter) {
                        dst[cell] = src[o++];
                    } else {
                        dst[o++] = src[cell];
                    }
                }
            }
        }
    }

    /** Index of the first maximum of the kh×kw window at {@code corner}, scanning rows then columns. */
    private static int firstMax(float[] x, int corner, int inW, int kh, int kw) {
        int best = corner;
        float max = x[corner];
        for (int i = 0; i < kh; i++) {
            int r = corner + i * inW;
            for (int j = 0; j < kw; j++) {
                if (x[r + j] > max) {
                    max = x[r + j];
                    best = r + j;
                }
            }
        }
        return best;
    }

    private static Shape validate(String op, Tensor x, Pool2dSpec spec) {
        ShapeCheck.rank(op, "x", x, 4);
        try {
            return spec.outputShape(x.shape());
        } catch (IllegalArgumentException e) {
            String detail = e.getMessage().startsWith("pool2d: ") ? e.getMessage().substring(8) : e.getMessage();
            throw new ShapeMismatchException(op + ": " + detail + " [x " + x.shape()
                    + ", " + spec + "]");
        }
    }

    /** The window geometry of one call; windows are clipped to the input. */
    private record Window(int planes, int inH, int inW, int outH, int outW,
                          int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        Window(Shape input, Shape output, Pool2dSpec s) {
            this(input.batch() * input.channels(), input.dim(2), input.dim(3), output.dim(2), output.dim(3),
                    s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW());
        }

        int inPlane() {
            return inH * inW;
        }

        int outPlane() {
            return outH * outW;
        }

        int grain() {
            long perPlane = (long) outPlane() * kernelH * kernelW + inPlane();
            return (int) Math.max(1, GRAIN_WORK / Math.max(1, perPlane));
        }

        /** 1×1 windows without padding: each output is one input cell. */
        boolean subsampling() {
            return kernelH == 1 && kernelW == 1 && padH == 0 && padW == 0;
        }

        /** 2×2 windows at stride 2 that cover the input exactly, each cell once. */
        boolean tilesByTwo() {
            return kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0
                    && outH * 2 == inH && outW * 2 == inW;
        }

        /** No padding and no window past the input's edge (a ceil-mode last window may overhang). */
        boolean inside() {
            return padH == 0 && padW == 0 && (outH - 1) * strideH + kernelH <= inH
                    && (outW - 1) * strideW + kernelW <= inW;
        }

        int y0(int oy) {
            return Math.max(0, oy * strideH - padH);
        }

        int y1(int oy) {
            return Math.min(inH, oy * strideH - padH + kernelH);
        }

        int x0(int ox) {
            return Math.max(0, ox * strideW - padW);
        }

        int x1(int ox) {
            return Math.min(inW, ox * strideW - padW + kernelW);
        }

        /** Offset in the plane of the first maximum of the window, scanning rows then columns. */
        int argMax(float[] x, int base, int oy, int ox) {
            int best = y0(oy) * inW + x0(ox);
            float max = x[base + best];
            for (int iy = y0(oy); iy < y1(oy); iy++) {
                for (int ix = x0(ox); ix < x1(ox); ix++) {
                    float v = x[base + iy * inW + ix];
                    if (v > max) {
                        max = v;
                        best = iy * inW + ix;
                    }
                }
            }
            return best;
        }

        float sum(float[] x, int base, int oy, int ox) {
            float s = 0;
            for (int iy = y0(oy); iy < y1(oy); iy++) {
                for (int ix = x0(ox); ix < x1(ox); ix++) {
                    s += x[base + iy * inW + ix];
                }
            }
            return s;
        }

        void spread(float[] dx, int base, int oy, int ox, float g) {
            for (int iy = y0(oy); iy < y1(oy); iy++) {
                for (int ix = x0(ox); ix < x1(ox); ix++) {
                    dx[base + iy * inW + ix] += g;
                }
            }
        }

        /** F_h·F_w when padded cells count, otherwise the number of real cells under the window. */
        float divisor(PoolMode mode, int oy, int ox) {
            return mode == PoolMode.AVERAGE_INCLUDE_PADDING
                    ? kernelH * kernelW
                    : (y1(oy) - y0(oy)) * (x1(ox) - x0(ox));
        }
    }
}
