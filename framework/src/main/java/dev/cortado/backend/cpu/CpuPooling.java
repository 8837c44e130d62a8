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
 * (cuDNN's two average modes). Max pooling routes each gradient to the first maximum of its window in
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
