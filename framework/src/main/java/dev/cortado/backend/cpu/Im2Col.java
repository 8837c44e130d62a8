package dev.cortado.backend.cpu;

import java.util.Arrays;

/**
 * Unrolls the receptive fields of one NCHW sample into the columns of a matrix (im2col, Chellapilla
 * et al. 2006; Caffe's im2col_cpu) and folds such a matrix back, summing overlaps (col2im). Row
 * {@code (c·kh + i)·kw + j} holds, for every output pixel (oy, ox), the input pixel
 * {@code (oy·sh − ph + i·dh, ox·sw − pw + j·dw)} of channel c, or 0 where that falls in the padding.
 * Both work on a channel range so callers can split a sample across threads, and take the row
 * stride {@code ld} of the matrix (at least OH·OW) so that the columns of several samples can sit
 * side by side in one wide matrix, sample s at column offset s·OH·OW, for one GEMM over all of them.
 */
final class Im2Col {
    private Im2Col() {
    }

    /** Fills the rows (ld apart) of channels [cFrom, cTo) of {@code col} from the sample at {@code x[xOff]}. */
    static void im2col(ConvGeometry g, float[] x, int xOff, float[] col, int colOff, int ld, int cFrom, int cTo) {
        if (g.strideH() == 1 && g.strideW() == 1 && g.outWidth() == g.width()) {
            im2colSameWidth(g, x, xOff, col, colOff, ld, cFrom, cTo);
            return;
        }
        int ow = g.outWidth();
        int plane = g.inputPlane();
        for (int c = cFrom; c < cTo; c++) {
            int channelBase = xOff + c * plane;
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    int row = colOff + ((c * g.kernelH() + i) * g.kernelW() + j) * ld;
                    int dx = j * g.dilationW() - g.padW();
                    int oxFrom = firstInside(dx, g.strideW());
                    int oxTo = endInside(dx, g.strideW(), g.width(), ow);
                    for (int oy = 0; oy < g.outHeight(); oy++) {
                        int out = row + oy * ow;
                        int iy = oy * g.strideH() - g.padH() + i * g.dilationH();
                        if (iy < 0 || iy >= g.height() || oxFrom >= oxTo) {
                            Arrays.fill(col, out, out + ow, 0f);
                            continue;
                        }
                        // The padding margins are a few cells: plain loops beat Arrays.fill's call there.
                        for (int ox = 0; ox < oxFrom; ox++) {
                            col[out + ox] = 0f;
                        }
                        int src = channelBase + iy * g.width() + dx;
                        if (g.strideW() == 1) {
                            System.arraycopy(x, src + oxFrom, col, out + oxFrom, oxTo - oxFrom);
                        } else {
                            for (int ox = oxFrom; ox < oxTo; ox++) {
                                col[out + ox] = x[src + ox * g.strideW()];
                            }
                        }
                        for (int ox = oxTo; ox < ow; ox++) {
                            col[out + ox] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #im2col} at stride 1 when the output is as wide as the input ("same" padding): then a
     * row (c, i, j) of col, read as one flat run over (oy, ox), is the input plane shifted by
     * (i·dh − ph)·W + j·dw − pw, so it is one copy, after which the cells that wrapped round from a
     * neighbouring input row (|j·dw − pw| per output row, at the left or right edge) and the output
     * rows that fall in the vertical padding are zeroed. This replaces OH short copies per row.
     */
    private static void im2colSameWidth(ConvGeometry g, float[] x, int xOff, float[] col, int colOff, int ld,
                                        int cFrom, int cTo) {
        int ow = g.outWidth();
        int oh = g.outHeight();
        int width = g.width();
        int plane = g.inputPlane();
        int span = oh * ow;
        for (int c = cFrom; c < cTo; c++) {
            int channelBase = xOff + c * plane;
            for (int i = 0; i < g.kernelH(); i++) {
                int rowShift = i * g.dilationH() - g.padH();
                int oyFrom = Math.max(0, -rowShift);
                int oyTo = Math.min(oh, g.height() - rowShift);
                for (int j = 0; j < g.kernelW(); j++) {
                    int row = colOff + ((c * g.kernelH() + i) * g.kernelW() + j) * ld;
                    int shift = j * g.dilationW() - g.padW();
                    if (oyFrom >= oyTo || shift >= width || -shift >= width) {
                        Arrays.fill(col, row, row + span, 0f);
                        continue;
                    }
                    int tFrom = oyFrom * ow;
                    int tTo = oyTo * ow;
                    // Flat index t of col reads x[src0 + t]; keep the copy inside this channel's plane.
                    int src0 = channelBase + rowShift * width + shift;
                    int lo = Math.max(tFrom, channelBase - src0);
                    int hi = Math.min(tTo, channelBase + plane - src0);
                    Arrays.fill(col, row, row + lo, 0f);
                    System.arraycopy(x, src0 + lo, col, row + lo, hi - lo);
                    Arrays.fill(col, row + hi, row + span, 0f);
                    if (shift < 0) {
                        for (int oy = oyFrom; oy < oyTo; oy++) {
                            int out = row + oy * ow;
                            for (int ox = 0; ox < -shift; ox++) {
                                col[out + ox] = 0f;
                            }
                        }
                    } else if (shift > 0) {
                        for (int oy = oyFrom; oy < oyTo; oy++) {
                            int out = row + oy * ow;
                            for (int ox = ow - shift; ox < ow; ox++) {
                                col[out + ox] = 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Adds every entry of {@code col} back onto the input pixel it was read from, for channels
     * [cFrom, cTo) of the sample at {@code dx[dxOff]}; those planes are zeroed first.
     */
    static void col2im(ConvGeometry g, float[] col, int colOff, int ld, float[] dx, int dxOff, int cFrom, int cTo) {
        int ow = g.outWidth();
        int plane = g.inputPlane();
        Arrays.fill(dx, dxOff + cFrom * plane, dxOff + cTo * plane, 0f);
        for (int c = cFrom; c < cTo; c++) {
            int channelBase = dxOff + c * plane;
            for (int i = 0; i < g.kernelH(); i++) {
                for (int j = 0; j < g.kernelW(); j++) {
                    int row = colOff + ((c * g.kernelH() + i) * g.kernelW() + j) * ld;
                    int shift = j * g.dilationW() - g.padW();
                    int oxFrom = firstInside(shift, g.strideW());
                    int oxTo = endInside(shift, g.strideW(), g.width(), ow);
                    for (int oy = 0; oy < g.outHeight(); oy++) {
                        int iy = oy * g.strideH() - g.padH() + i * g.dilationH();
                        if (iy < 0 || iy >= g.height()) {
                            continue;
                        }
                        int in = row + oy * ow;
                        int dst = channelBase + iy * g.width() + shift;
                        int sw = g.strideW();
                        if (sw == 1) {
                            // Unit stride: a plain a[i] += b[i] loop, which the JIT vectorizes.
                            for (int ox = oxFrom; ox < oxTo; ox++) {
                                dx[dst + ox] += col[in + ox];
                            }
                        } else {
                            for (int ox = oxFrom; ox < oxTo; ox++) {
                                dx[dst + ox * sw] += col[in + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    /** The first ox with ox·stride + shift ≥ 0. */
    private static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }

    /** One past the last ox (at most outWidth) with ox·stride + shift < width. */
    private static int endInside(int shift, int stride, int width, int outWidth) {
        if (shift >= width) {
            return 0;
        }
        return Math.min(outWidth, (width - shift + stride - 1) / stride);
    }
}
